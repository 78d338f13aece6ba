/// A sorted multiset kept as a list of short sorted blocks, so that one insertion or removal in a
/// list of 100,000 moves a few hundred elements instead of all of them, and reading in order from
/// any point stays a plain scan.
struct SortedBlocks<Element: Comparable & Sendable>: Sendable {
    private(set) var blocks: [[Element]] = []
    private(set) var count = 0
    static var maxBlock: Int { 512 }

    init() {}

    /// Builds from any order in O(n log n).
    init(_ elements: [Element]) {
        let sorted = elements.sorted()
        count = sorted.count
        var i = 0
        while i < sorted.count {
            let end = min(i + Self.maxBlock / 2, sorted.count)
            blocks.append(Array(sorted[i..<end]))
            i = end
        }
    }

    /// Builds from runs each already sorted, merging them straight into blocks: no copy of all
    /// the elements at once.
    init(mergingSorted runs: [[Element]]) {
        var heads = [Int](repeating: 0, count: runs.count)
        var block: [Element] = []
        block.reserveCapacity(Self.maxBlock / 2)
        while true {
            var best = -1
            for r in runs.indices where heads[r] < runs[r].count {
                if best < 0 || runs[r][heads[r]] < runs[best][heads[best]] { best = r }
            }
            guard best >= 0 else { break }
            block.append(runs[best][heads[best]])
            heads[best] += 1
            if block.count == Self.maxBlock / 2 {
                blocks.append(block)
                count += block.count
                block.removeAll(keepingCapacity: true)
            }
        }
        if !block.isEmpty {
            count += block.count
            blocks.append(block)
        }
    }

    /// The block that holds, or would hold, `element`: the first whose last element is not smaller.
    private func blockIndex(for element: Element) -> Int {
        var low = 0, high = blocks.count
        while low < high {
            let mid = (low + high) / 2
            if blocks[mid].last! < element { low = mid + 1 } else { high = mid }
        }
        return low
    }

    mutating func insert(_ element: Element) {
        count += 1
        guard !blocks.isEmpty else { blocks = [[element]]; return }
        let b = min(blockIndex(for: element), blocks.count - 1)
        let position = Self.lowerBound(blocks[b], element)
        blocks[b].insert(element, at: position)
        if blocks[b].count > Self.maxBlock {
            let half = blocks[b].count / 2
            let tail = Array(blocks[b][half...])
            blocks[b].removeSubrange(half...)
            blocks.insert(tail, at: b + 1)
        }
    }

    /// Removes one element equal to `element`; returns whether it was there.
    @discardableResult
    mutating func remove(_ element: Element) -> Bool {
        let b = blockIndex(for: element)
        guard b < blocks.count else { return false }
        let position = Self.lowerBound(blocks[b], element)
        guard position < blocks[b].count, blocks[b][position] == element else { return false }
        blocks[b].remove(at: position)
        if blocks[b].isEmpty { blocks.remove(at: b) }
        count -= 1
        return true
    }

    /// Calls `body` with the elements for which `isAfter` holds, in order, until it returns false.
    /// `isAfter` must be false for a prefix of the order and true after it (a cursor of another type).
    func forEach(where isAfter: (Element) -> Bool, _ body: (Element) -> Bool) {
        var low = 0, high = blocks.count
        while low < high {
            let mid = (low + high) / 2
            if isAfter(blocks[mid].last!) { high = mid } else { low = mid + 1 }
        }
        var b = low
        guard b < blocks.count else { return }
        var i = 0
        var top = blocks[b].count
        while i < top {
            let mid = (i + top) / 2
            if isAfter(blocks[b][mid]) { top = mid } else { i = mid + 1 }
        }
        while b < blocks.count {
            let block = blocks[b]
            while i < block.count {
                if !body(block[i]) { return }
                i += 1
            }
            b += 1
            i = 0
        }
    }

    var elements: [Element] { blocks.flatMap { $0 } }

    /// How many elements sort before `element`.
    func position(of element: Element) -> Int {
        let b = blockIndex(for: element)
        var before = 0
        for i in 0..<min(b, blocks.count) { before += blocks[i].count }
        return b < blocks.count ? before + Self.lowerBound(blocks[b], element) : before
    }

    private static func lowerBound(_ a: [Element], _ x: Element) -> Int {
        var low = 0, high = a.count
        while low < high {
            let mid = (low + high) / 2
            if a[mid] < x { low = mid + 1 } else { high = mid }
        }
        return low
    }
}
