import PledgeCore
import PledgeStore

/// The firms and assets the index holds, by slot (a dense Int32 per firm): each firm's assets
/// packed in one array of exactly their count, its industry and town strings shared with every
/// other firm's, no per-asset object or string.
struct FirmStore: Sendable {
    private(set) var firms: [MatchFirm?] = []
    private var packed: [[PackedAsset]] = []
    /// The rare firm with an asset that does not pack, kept as it came.
    private var wide: [Int32: [MatchAsset]] = [:]
    /// Which IP types each firm holds, one bit per IPType case, for the ipType filter.
    private(set) var heldTypes: [UInt8] = []
    private(set) var slots: [Int64: Int32] = [:]
    /// Which firm holds each GI collective mark: the only asset the index is asked for by id.
    private(set) var markOwners: [Int64: Int64] = [:]
    private(set) var assetCount = 0
    private var strings: Set<String> = []
    /// While loading, the assets read so far, packed, with their firms' slots.
    private var arriving = Arriving()

    struct Arriving: Sendable {
        var rows: [PackedAsset] = []
        var slots: [Int32] = []
        /// Assets that do not pack, by slot: their firms are kept wide.
        var wide: [Int32: [MatchAsset]] = [:]

        mutating func take(_ asset: MatchAsset, slots: [Int64: Int32]) {
            guard let slot = slots[asset.firmId] else { return }
            if let row = PackedAsset(asset) {
                rows.append(row)
                self.slots.append(slot)
            } else {
                wide[slot, default: []].append(asset)
            }
        }

        mutating func add(_ other: Arriving) {
            rows += other.rows
            slots += other.slots
            wide.merge(other.wide) { $0 + $1 }
        }
    }

    /// One part of a snapshot's assets, packed as they arrive from its own task, for the firms
    /// put so far (all of them: the snapshot hands assets over after every firm).
    final class Arrivals: SnapshotAssetSink, @unchecked Sendable {
        let slots: [Int64: Int32]
        private(set) var arriving = Arriving()
        init(slots: [Int64: Int32]) { self.slots = slots }
        func take(_ asset: MatchAsset) { arriving.take(asset, slots: slots) }
    }

    var firmCount: Int { slots.count }
    var slotCount: Int { firms.count }

    /// Adds the firm or replaces its row; its assets stay until `setAssets`.
    @discardableResult
    mutating func put(_ firm: MatchFirm) throws -> Int32 {
        guard UInt32(exactly: firm.id) != nil else { throw MatchIndexError.firmIdOutOfRange(firm.id) }
        var firm = firm
        firm.industryCode = strings.insert(firm.industryCode).memberAfterInsert
        firm.town = strings.insert(firm.town).memberAfterInsert
        if let slot = slots[firm.id] {
            firms[Int(slot)] = firm
            return slot
        }
        let slot = Int32(firms.count)
        firms.append(firm)
        packed.append([])
        heldTypes.append(0)
        slots[firm.id] = slot
        return slot
    }

    /// An archived firm leaves the index with its assets; its slot stays empty.
    mutating func remove(_ firmId: Int64) {
        guard let slot = slots.removeValue(forKey: firmId) else { return }
        setAssets([], slot: slot)
        firms[Int(slot)] = nil
    }

    func slot(of firmId: Int64) -> Int32? { slots[firmId] }

    func firm(_ id: Int64) -> MatchFirm? { slots[id].flatMap { firms[Int($0)] } }

    func assets(_ slot: Int32) -> [MatchAsset] {
        if !wide.isEmpty, let kept = wide[slot] { return kept }
        guard let id = firms[Int(slot)]?.id else { return [] }
        return packed[Int(slot)].map { $0.unpacked(firmId: id) }
    }

    /// The asset with this id, wherever it is held: a scan of every firm (no map from five million
    /// asset ids is kept; the server asks only for GI marks, through `markOwners`).
    func asset(_ id: Int64) -> MatchAsset? {
        for (slot, kept) in wide { if let a = kept.first(where: { $0.id == id }) { return firms[Int(slot)] == nil ? nil : a } }
        for (slot, assets) in packed.enumerated() {
            guard let found = assets.first(where: { $0.id == id }), let owner = firms[slot] else { continue }
            return found.unpacked(firmId: owner.id)
        }
        return nil
    }

    mutating func setAssets(_ assets: [MatchAsset], slot: Int32) {
        let s = Int(slot)
        let rows = assets.compactMap(PackedAsset.init)
        guard rows.count == assets.count else {
            assetCount += assets.count - (wide[slot]?.count ?? packed[s].count)
            packed[s] = []
            wide[slot] = assets
            heldTypes[s] = assets.reduce(0) { $0 | Self.bit($1.type) }
            return
        }
        place(rows, slot: slot)
    }

    /// Forgets the marks the firm held; `noteMarks` records the ones it holds now. A catch-up
    /// forgets every changed firm's marks before noting any, so a mark moved between two of them
    /// ends up with the one that holds it now.
    mutating func forgetMarks(_ slot: Int32) {
        for asset in assets(slot) where asset.type == .giCollectiveMark { markOwners[asset.id] = nil }
    }

    mutating func noteMarks(_ slot: Int32) {
        guard let owner = firms[Int(slot)]?.id else { return }
        for asset in assets(slot) where asset.type == .giCollectiveMark { markOwners[asset.id] = owner }
    }

    // MARK: Loading from a snapshot (firms first, then assets in any order)

    /// Adds an asset read from a snapshot; `finishLoading` gives each firm its assets. An asset of a
    /// firm not put (archived: the snapshot hands those over too) is dropped.
    mutating func load(_ asset: MatchAsset) {
        arriving.take(asset, slots: slots)
    }

    /// Hands the loaded assets (`load`, and those of `parts`, loaded alongside) to their firms, each
    /// firm's in id order in an array of exactly their count: counted first, then placed (a counting
    /// sort by slot).
    mutating func finishLoading(_ parts: [Arriving] = []) {
        var loaded = arriving
        arriving = Arriving()
        for part in parts { loaded.add(part) }
        var counts = [Int](repeating: 0, count: firms.count)
        for slot in loaded.slots { counts[Int(slot)] += 1 }
        var lists = counts.map { n in
            var list: [PackedAsset] = []
            list.reserveCapacity(n)
            return list
        }
        for (row, slot) in zip(loaded.rows, loaded.slots) { lists[Int(slot)].append(row) }
        for s in lists.indices where !lists[s].isEmpty || loaded.wide[Int32(s)] != nil {
            let slot = Int32(s)
            if let wide = loaded.wide[slot], let id = firms[s]?.id {
                let all = lists[s].map { $0.unpacked(firmId: id) } + wide
                setAssets(all.sorted { $0.id < $1.id }, slot: slot)
            } else {
                lists[s].sort { $0.id < $1.id }
                place(lists[s], slot: slot)
            }
            lists[s] = []
            noteMarks(slot)
        }
    }

    /// `setAssets` for rows already packed (`PackedAsset.type` is the type's place in `allCases`,
    /// the bit `bit(_:)` gives).
    private mutating func place(_ rows: [PackedAsset], slot: Int32) {
        let s = Int(slot)
        assetCount += rows.count - (wide[slot]?.count ?? packed[s].count)
        packed[s] = rows
        wide[slot] = nil
        heldTypes[s] = rows.reduce(0) { $0 | (1 << $1.type) }
    }

    static func bit(_ type: IPType) -> UInt8 { 1 << UInt8(PackedAsset.types.firstIndex(of: type)!) }
}

enum MatchIndexError: Error, CustomStringConvertible {
    case firmIdOutOfRange(Int64)
    case keyOutOfRange(firmId: Int64, productId: Int64)

    var description: String {
        switch self {
        case .firmIdOutOfRange(let id): "firm id \(id) is beyond the matching index's range (1...4294967295)"
        case .keyOutOfRange(let firm, let product):
            "firm \(firm) under product \(product): score or capacity beyond the matching index's range"
        }
    }
}
