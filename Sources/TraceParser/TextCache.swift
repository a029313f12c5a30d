/// Byte strings stored back to back in one growing pool, found by a key: a printer's cache of
/// quoted strings and formatted stacks for the generation it is printing. It belongs to the
/// thread that formats, not to the generation, which events on other threads share. Looking
/// text up costs no reference counting: the pool is plain memory that lives as long as the cache.
///
/// The pool stops growing at ``budget``: the text of a stack repeats the names of all its
/// frames, so a small trace can print far more stack text than it holds (128 frames with
/// kilobyte names make 256 KiB per stack). Text that finds the pool full is not kept, and the
/// printer formats it again where it is needed.
final class TextCache {
    private var pool: UnsafeMutablePointer<UInt8>
    private var poolCapacity = 64 << 10
    // Exclusivity unchecked on the three below: checked (with `others`, which measured nothing
    // alone), `gotrace parsed` runs 3.3% more instructions (callgrind on a 2.7 MB trace of
    // Go 1.27.3: 2,077M against 2,012M).
    @exclusivity(unchecked) private var poolCount = 0
    /// Per small ID, the range in the pool plus one (0 means not cached); strings and stacks.
    @exclusivity(unchecked) private var strings: [(start: Int, count: Int)] = []
    @exclusivity(unchecked) private var stacks: [(start: Int, count: Int)] = []
    private var others: [UInt64: (start: Int, count: Int)] = [:]

    /// IDs below this index the arrays.
    private static let arrayLimit: UInt64 = 1 << 18

    /// The most text kept per generation, in bytes. Stack and string texts of the traces the
    /// runtime writes take a few MiB at most per generation.
    static let budget = 4 << 20

    /// The most text this cache keeps: ``budget``, or a share of it for one of several caches.
    private let limit: Int

    /// The generation whose IDs the cached text belongs to, held so that its identity cannot
    /// pass to another; compared by ``ownerID``, which reading costs no reference counting.
    private var owner: GenerationTables?
    private var ownerID: ObjectIdentifier?

    init(budget: Int = TextCache.budget) {
        limit = budget
        pool = .allocate(capacity: poolCapacity)
    }

    /// Makes the cache hold `generation`'s text: IDs are per generation, so it starts over
    /// when the generation changes.
    @inline(__always)
    func use(for generation: GenerationTables) {
        if ownerID != ObjectIdentifier(generation) { startOver(for: generation) }
    }

    private func startOver(for generation: GenerationTables) {
        owner = generation
        ownerID = ObjectIdentifier(generation)
        poolCount = 0
        strings.removeAll(keepingCapacity: true)
        stacks.removeAll(keepingCapacity: true)
        others.removeAll()
    }

    deinit {
        pool.deallocate()
    }

    /// The cached text of an ID, valid until the next ``store(_:for:isStack:)``.
    @inline(__always)
    func text(_ id: UInt64, isStack: Bool) -> UnsafeRawBufferPointer? {
        let range: (start: Int, count: Int)
        if id < Self.arrayLimit {
            let index = Int(id)
            let table = isStack ? stacks : strings
            guard index < table.count, table[index].start > 0 else { return nil }
            range = table[index]
        } else {
            guard let found = others[isStack ? id | 1 << 63 : id] else { return nil }
            range = found
        }
        return UnsafeRawBufferPointer(start: pool + range.start - 1, count: range.count)
    }

    /// Keeps `text` for `id`, if the budget leaves room for it.
    func store(_ text: [UInt8], for id: UInt64, isStack: Bool) {
        guard text.count <= limit - poolCount else { return }
        if poolCapacity - poolCount < text.count {
            var capacity = poolCapacity * 2
            while capacity - poolCount < text.count { capacity *= 2 }
            let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
            grown.update(from: pool, count: poolCount)
            pool.deallocate()
            pool = grown
            poolCapacity = capacity
        }
        (pool + poolCount).update(from: text, count: text.count)
        let range = (start: poolCount + 1, count: text.count)
        poolCount += text.count
        if id < Self.arrayLimit {
            let index = Int(id)
            if isStack {
                if index >= stacks.count { stacks += Array(repeating: (0, 0), count: index + 1 - stacks.count) }
                stacks[index] = range
            } else {
                if index >= strings.count { strings += Array(repeating: (0, 0), count: index + 1 - strings.count) }
                strings[index] = range
            }
        } else {
            others[isStack ? id | 1 << 63 : id] = range
        }
    }
}
