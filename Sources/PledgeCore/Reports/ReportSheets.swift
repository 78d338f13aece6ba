/// A report laid out as a table: the parameter lines, a header, the rows. The CSV export and the
/// terminal print the same sheet, so both show the same figures.
public struct ReportSheet: Sendable {
    public let title: Label
    public let parameters: [(String, String)]
    public let header: [String]
    public let rows: [[String]]
    /// Which columns are numbers (right-aligned in the terminal).
    public let numeric: Set<Int>
}

public enum ReportSheets {
    /// Yuan with two decimals and no grouping, which spreadsheets read as a number: `-1234.50`.
    public static func yuan(_ fen: Fen) -> String {
        let sign = fen < 0 ? "-" : ""
        let m = fen.magnitude
        return "\(sign)\(m / 100).\(m % 100 < 10 ? "0" : "")\(m % 100)"
    }

    /// Basis points as a percentage with two decimals: 4567 → `45.67%`.
    public static func percent(_ bp: Int64) -> String {
        "\(bp / 100).\(bp % 100 < 10 ? "0" : "")\(bp % 100)%"
    }

    static func common(asOf: CivilDate, generatedAt: String, changes: LaterChanges) -> [(String, String)] {
        var lines = [("统计截止日 As of", "\(asOf)（账本截至该日北京时间 24:00 / ledger as recorded by the end of that day, Beijing time）"),
                     ("生成时间 Generated", generatedAt)]
        if let notice = changes.notice(asOf: asOf) {
            lines.append(("后续更正 Later changes", "\(notice.zh) \(notice.en)"))
        }
        return lines
    }

    public static func progress(_ r: ProgressReport, generatedAt: String) -> ReportSheet {
        let header = ["目标 Target", "基准日 Baseline", "期限 Deadline", "目标金额（元）Target (yuan)", "累计放款（元）Achieved (yuan)",
                      "金额完成率 Amount done", "剩余金额（元）Remaining (yuan)", "目标企业数 Target firms", "惠及企业 Firms financed",
                      "首贷户 First-time borrowers", "企业完成率 Firms done", "剩余企业 Firms remaining", "剩余月数 Months left",
                      "每月需放款（元）Needed per month (yuan)", "每月需新增企业 Firms needed per month",
                      "近12个月起 Pace from", "近12个月放款（元）Pace principal (yuan)", "近12个月惠及企业增加 Pace firms",
                      "月均放款（元）Monthly pace (yuan)", "预计到期放款（元）Projected (yuan)", "预计到期企业 Projected firms",
                      "状态 Status"]
        let rows = r.targets.map { p in
            [p.target.name, "\(p.target.baselineDate)", "\(p.target.deadline)", yuan(p.target.amountFen), yuan(p.achievedFen),
             percent(p.amountDoneBp), yuan(p.remainingFen), "\(p.target.firmCount)", "\(p.achievedFirms)", "\(p.firstTimeFirms)",
             percent(p.firmsDoneBp),
             "\(p.remainingFirms)", "\(p.monthsLeft)", yuan(p.neededPerMonthFen), "\(p.neededFirmsPerMonth)", "\(p.paceFrom)",
             yuan(p.pacePrincipalFen), "\(p.paceFirms)", yuan(p.paceMonthlyFen), yuan(p.projectedFen), "\(p.projectedFirms)",
             "\(p.status.label.zh) \(p.status.label.en)"]
        }
        var parameters = common(asOf: r.asOf, generatedAt: generatedAt, changes: r.laterChanges)
        parameters.append(("口径 Counting", "惠及企业 = 基准日至统计截止日有放款（含续贷）的企业，每户计一次，基准日前已获贷的企业再次获贷同样计入；首贷户 = 其中在台账中首笔贷款落在该期间的企业。 Firms financed = distinct firms with a loan (renewals included) disbursed from the baseline to the as-of day, each once, including firms that had borrowed before the baseline; first-time borrowers = those whose first loan in the ledger falls in the period."))
        return ReportSheet(title: Label("目标进度", "Progress to the targets"), parameters: parameters,
                           header: header, rows: rows, numeric: Set([3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 16, 17, 18, 19, 20]))
    }

    public static func monthly(_ r: MonthlyReport, generatedAt: String) -> ReportSheet {
        let header = ["维度 Dimension", "分组 Group", "月份 Month", "新增贷款笔数 New loans", "新增放款（元）New principal (yuan)",
                      "首贷户 First-time borrowers", "当月融资企业 Firms financed", "累计放款（元）Cumulative principal (yuan)",
                      "累计首贷户 Cumulative first-time borrowers", "起始月以来融资企业 Firms financed since from",
                      "还款（元）Repaid (yuan)", "违约（元）Defaulted (yuan)", "贷款余额（元）Outstanding (yuan)"]
        var rows: [[String]] = []
        func add(_ dimension: Label, _ group: SeriesGroup) {
            for m in group.months {
                rows.append(["\(dimension.zh) \(dimension.en)", group.label.zh == group.label.en ? group.label.zh : "\(group.label.zh) \(group.label.en)",
                             "\(m.month)", "\(m.newLoans)", yuan(m.newPrincipalFen), "\(m.newFirms)", "\(m.financedFirms)",
                             yuan(m.cumulativePrincipalFen), "\(m.cumulativeFirms)", m.financedFirmsSinceFrom.map { "\($0)" } ?? "",
                             yuan(m.repaidFen), yuan(m.defaultedFen), yuan(m.outstandingFen)])
            }
        }
        add(Label("合计", "Total"), r.total)
        for b in r.breakdowns {
            for g in b.groups { add(b.dimension.label, g) }
        }
        var parameters = common(asOf: r.asOf, generatedAt: generatedAt, changes: r.laterChanges)
        parameters.insert(("月份 Months", "\(r.from) – \(r.to)"), at: 1)
        parameters.append(("分组 Breakdowns", r.breakdowns.isEmpty ? "无 none" : r.breakdowns.map { "\($0.dimension.label.zh) \($0.dimension.label.en)" }.joined(separator: "; ")))
        parameters.append(("口径 Counting", "续贷再计本金；首贷户只在其首笔贷款所在月份计一次；当月融资企业 = 当月有放款的企业（每户一次，各分组分别计，合计不一定等于各组之和）；起始月以来融资企业只列合计；分组按放款时的分类。 Renewals add principal again; a first-time borrower counts once, in the month of its first loan; firms financed = distinct firms with a disbursement in the month (once each; counted in every group they borrowed under, so groups need not add up to the total); firms financed since from is given for the total; breakdowns use each loan's classification when it was made."))
        return ReportSheet(title: Label("月度统计", "Monthly series"), parameters: parameters, header: header, rows: rows,
                           numeric: Set(3...12))
    }

    public static func cost(_ r: CostReport, generatedAt: String) -> ReportSheet {
        let header = ["月份 Month", "贴息贷款利息（元）Interest on subsidised loans (yuan)", "应付贴息（元）Subsidy payable (yuan)",
                      "超上限未付（元）Withheld by cap (yuan)", "风险分担产品违约本金（元）Defaulted principal (yuan)",
                      "风险补偿资金承担（元）Risk fund share (yuan)", "累计贴息（元）Cumulative subsidy (yuan)",
                      "累计风险补偿（元）Cumulative risk fund (yuan)"]
        let rows = r.months.map { m in
            ["\(m.month)", yuan(m.interestFen), yuan(m.subsidyFen), yuan(m.cappedFen), yuan(m.defaultedFen), yuan(m.riskFundFen),
             yuan(m.cumulativeSubsidyFen), yuan(m.cumulativeRiskFundFen)]
        }
        var parameters = common(asOf: r.asOf, generatedAt: generatedAt, changes: r.laterChanges)
        parameters.insert(("月份 Months", "\(r.from) – \(r.to)"), at: 1)
        parameters.append(("口径 Method", "月利息 = 月末贷款余额 × 年利率 / 12；贴息 = 利息 × 产品贴息比例，每户每产品每自然年不超过上限；风险补偿 = 当月违约本金 × 资金分担比例。 Interest = month-end balance × annual rate / 12; subsidy = interest × the product's share, at most the cap per firm, product and calendar year; risk fund = principal defaulted in the month × the fund's share."))
        return ReportSheet(title: Label("贴息与风险补偿", "Interest subsidy and risk compensation"), parameters: parameters,
                           header: header, rows: rows, numeric: Set(1...7))
    }
}

/// CSV that Excel opens with Chinese intact: UTF-8 with a byte-order mark, CRLF lines, every field quoted.
public enum ReportCSV {
    public static func render(_ sheet: ReportSheet) -> String {
        var lines: [[String]] = [["报表 Report", "\(sheet.title.zh) \(sheet.title.en)"]]
        lines += sheet.parameters.map { [$0.0, $0.1] }
        lines.append([])
        lines.append(sheet.header)
        lines += sheet.rows
        return "\u{FEFF}" + lines.map { $0.map(quote).joined(separator: ",") }.joined(separator: "\r\n") + "\r\n"
    }

    /// A cell starting with = + - @ (or a tab or carriage return) would run as a formula in a
    /// spreadsheet, so it gets a leading quote mark; plain numbers, negative ones too, stay numbers.
    public static func quote(_ field: String) -> String {
        let risky = field.first.map { "=+-@\t\r".contains($0) } == true && !isNumber(field)
        let safe = risky ? "'" + field : field
        return "\"" + safe.split(separator: "\"", omittingEmptySubsequences: false).joined(separator: "\"\"") + "\""
    }

    static func isNumber(_ s: String) -> Bool {
        var body = Substring(s)
        if body.first == "-" { body = body.dropFirst() }
        if body.last == "%" { body = body.dropLast() }
        let parts = body.split(separator: ".", omittingEmptySubsequences: false)
        return (1...2).contains(parts.count) && parts.allSatisfy { !$0.isEmpty && $0.allSatisfy { $0.isASCII && $0.isNumber } }
    }
}

/// The same sheet for a terminal: aligned columns, Chinese characters counted two cells wide.
public enum TextTable {
    public static func render(_ sheet: ReportSheet) -> String {
        var out = "\(sheet.title.zh) \(sheet.title.en)\n"
        for (k, v) in sheet.parameters { out += "\(k): \(v)\n" }
        // A sheet of a few wide rows (progress: one row per target) reads better one field per line.
        if sheet.rows.count <= 5 && sheet.header.count > 10 {
            for row in sheet.rows {
                out += "\n" + table(header: ["项目 Item", "数值 Value"], rows: zip(sheet.header, row).map { [$0, $1] }, numeric: [])
            }
            return out
        }
        out += "\n" + table(header: sheet.header, rows: sheet.rows, numeric: sheet.numeric)
        return out
    }

    public static func table(header: [String], rows: [[String]], numeric: Set<Int>) -> String {
        let all = [header] + rows
        let columns = all.map(\.count).max() ?? 0
        let widths = (0..<columns).map { i in all.map { i < $0.count ? width($0[i]) : 0 }.max() ?? 0 }
        func line(_ cells: [String], alignRight: Bool) -> String {
            (0..<columns).map { i in
                let cell = i < cells.count ? cells[i] : ""
                let pad = String(repeating: " ", count: widths[i] - width(cell))
                return alignRight && numeric.contains(i) ? pad + cell : cell + pad
            }.joined(separator: "  ").replacingTrailingSpaces()
        }
        var out = line(header, alignRight: false) + "\n"
        out += widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ") + "\n"
        for row in rows { out += line(row, alignRight: true) + "\n" }
        return out
    }

    /// Terminal cells a string takes: East Asian wide and full-width characters take two.
    public static func width(_ s: String) -> Int {
        s.unicodeScalars.reduce(0) { total, u in
            let v = u.value
            let wide = (0x1100...0x115F).contains(v) || (0x2E80...0xA4CF).contains(v) || (0xAC00...0xD7A3).contains(v)
                || (0xF900...0xFAFF).contains(v) || (0xFE30...0xFE4F).contains(v) || (0xFF00...0xFF60).contains(v)
                || (0xFFE0...0xFFE6).contains(v) || (0x20000...0x3FFFD).contains(v)
            return total + (wide ? 2 : 1)
        }
    }
}

extension String {
    fileprivate func replacingTrailingSpaces() -> String {
        var s = self
        while s.last == " " { s.removeLast() }
        return s
    }
}
