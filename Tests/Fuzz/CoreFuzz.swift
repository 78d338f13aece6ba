// libFuzzer target over the pure core: every input validator, identifier parser, date and money
// function gets the fuzzer's bytes; a trap (overflow, force-unwrap, index out of range) is a crash
// libFuzzer reports with the input that caused it. Built and run by scripts/fuzz-core.

/// Reads typed values from the fuzzer's bytes; past the end it yields zeros and empty strings.
struct FuzzReader {
    var bytes: ArraySlice<UInt8>

    mutating func byte() -> UInt8 { bytes.popFirst() ?? 0 }

    mutating func int64() -> Int64 {
        var v: UInt64 = 0
        for _ in 0..<8 { v = v << 8 | UInt64(byte()) }
        return Int64(bitPattern: v)
    }

    mutating func int() -> Int { Int(truncatingIfNeeded: int64()) }

    /// A few interesting values more often than chance would give them.
    mutating func number() -> Int64 {
        switch byte() % 6 {
        case 0: return [Int64.min, .max, 0, -1, 1, Int64(Int32.max) + 1][Int(byte() % 6)]
        case 1: return Int64(Int8(bitPattern: byte()))
        default: return int64()
        }
    }

    mutating func string() -> String {
        let n = Int(byte() % 48)
        let taken = bytes.prefix(n)
        bytes = bytes.dropFirst(n)
        return String(decoding: taken, as: UTF8.self)
    }

    /// A date as people might type one, often almost valid.
    mutating func dateText() -> String {
        switch byte() % 3 {
        case 0: return string()
        case 1: return "\(Int(byte()) * 40)-\(byte() % 14)-\(byte() % 33)"
        default:
            let y = Int(truncatingIfNeeded: int64() % 100_000)
            return "\(y)-0\(byte() % 10)-\(byte() % 4)\(byte() % 10)"
        }
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    var r = FuzzReader(bytes: ArraySlice(UnsafeBufferPointer(start: data, count: size)))
    let today = CivilDate(iso: "2026-11-30")!
    switch r.byte() % 12 {
    case 0:
        let d = CivilDate(daysSinceEpoch: r.int())
        _ = d.adding(days: r.int()).description
        _ = d.adding(months: r.int()).description
        _ = d.adding(years: r.int()).description
        _ = d.wholeMonths(until: CivilDate(daysSinceEpoch: r.int()))
        _ = d.days(until: CivilDate(daysSinceEpoch: r.int()))
    case 1:
        let t = Timestamp(secondsSinceEpoch: r.int64())
        _ = t.beijingDate.description
        _ = Timestamp(seconds: Double(bitPattern: UInt64(bitPattern: r.int64()))).isAccepted
        _ = CivilDate(iso: r.dateText())?.description
    case 2:
        _ = Money.apply(basisPoints: BasisPoints(truncatingIfNeeded: r.number()), to: r.number())
        _ = Money.yuanText(r.number())
    case 3:
        let code = r.string()
        _ = CreditCode.problem(in: CreditCode.normalize(code))
        _ = PatentNumber.parse(r.string())
        _ = TrademarkNumber.isValid(TrademarkNumber.compact(r.string()))
    case 4:
        _ = try? FirmInput(creditCode: r.string(), name: r.string(), industryCode: r.string(), town: r.string(),
                           size: r.string(), foundedOn: r.dateText(), annualRevenueFen: r.number(), rdExpenseFen: r.number(),
                           totalAssetsFen: r.number(), totalLiabilitiesFen: r.number(), employees: r.int())
            .validated(today: today)
    case 5:
        let types = ["invention", "utility_model", "design", "trademark", "gi_collective_mark", "copyright", r.string()]
        _ = try? AssetInput(firmId: r.number(), type: types[Int(r.byte()) % types.count], number: r.string(), title: r.string(),
                            filingDate: r.dateText(), grantDate: r.dateText(), registrationDate: r.dateText(),
                            firstUseDate: r.dateText(), expiryDate: r.dateText(), renewalCount: r.int(),
                            legalStatus: r.string(), ipcClasses: [r.string()], niceClasses: [r.int(), r.int()])
            .validated(today: today)
    case 6:
        _ = try? ValuationInput(assetId: r.number(), appraiser: r.string(), method: r.string(), valueFen: r.number(),
                                valuationDate: r.dateText(), validUntil: r.dateText(), reportNumber: r.string())
            .validated(today: today)
    case 7:
        let disbursement = LedgerEntry(id: 1, kind: .disbursement, amountFen: max(1, r.number() % 100_000_000_000),
                                       effectiveOn: CivilDate(iso: "2026-01-01")!)
        let kinds = LedgerEntry.Kind.allCases
        _ = try? EntryInput(kind: kinds[Int(r.byte()) % kinds.count], amountFen: r.number(), effectiveOn: r.dateText(),
                            interestFen: r.number(), correctsId: r.byte() % 2 == 0 ? nil : r.number(), reason: r.string())
            .validated(against: [disbursement], disbursedOn: CivilDate(iso: "2026-01-01")!, today: today)
    case 8:
        _ = try? DisbursementInput(disbursedAt: Timestamp(secondsSinceEpoch: r.int64()), maturityOn: r.dateText(),
                                   rateBp: r.int(), registrationNumber: r.string(), registeredOn: r.dateText(),
                                   securedAmountFen: r.number()).validated(today: today)
    case 9:
        _ = try? BankInput(code: r.string(), name: r.string()).validated()
        _ = try? ProgrammeTargetInput(name: r.string(), baselineDate: r.dateText(), deadline: r.dateText(),
                                      amountFen: r.number(), firmCount: r.int()).validated()
    case 10:
        var c = Checker()
        _ = c.text(r.string(), field: "f", label: Label("字段", "Field"), max: Int(r.byte()))
        _ = c.code(r.string(), field: "f", label: Label("代码", "Code"), max: Int(r.byte()))
        _ = c.date(r.dateText(), field: "f", label: Label("日期", "Date"))
        c.range(r.number(), -1_000...1_000, field: "f", label: Label("数", "Number"))
        c.amount(r.number(), field: "f", label: Label("金额", "Amount"))
    default:
        _ = YearMonth(iso: r.string())?.lastDay
        let month = YearMonth(index: r.int())
        _ = month.firstDay.description
        _ = month.adding(months: r.int()).lastDay.description
        let c = r.number()
        _ = Ratio.mulDiv(r.number().magnitude > UInt64(Int64.max) ? 0 : abs(max(r.number(), -Int64.max)), 7, c > 0 ? c : 1)
    }
    return 0
}
