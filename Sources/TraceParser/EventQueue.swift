/// The events the ordering has let through and the reader has not handed out yet, first in,
/// first out.
///
/// A ring buffer whose events are moved in and moved out, never copied: an event's reference to
/// its generation is retained once, when the event is made, and released by whoever holds the
/// event last. An array queue copied each event in and out and emptied itself through the
/// standard library's generic element destruction, about 15% of `parsed --decode-only`'s
/// instructions (callgrind, a 3.9 MB trace of Go 1.27.3). It holds the few events one step of
/// the ordering makes, so it stays small.
struct EventQueue: ~Copyable {
    private var storage: UnsafeMutablePointer<ParsedEvent>
    /// A power of two, so positions wrap with a mask.
    private var capacity: Int
    private var head = 0
    private(set) var count = 0

    init() {
        capacity = 8
        storage = .allocate(capacity: capacity)
    }

    deinit {
        for index in 0..<count { (storage + ((head + index) & (capacity - 1))).deinitialize(count: 1) }
        storage.deallocate()
    }

    @inline(__always)
    mutating func append(_ event: consuming ParsedEvent) {
        if count == capacity { grow() }
        (storage + ((head + count) & (capacity - 1))).initialize(to: event)
        count += 1
    }

    @inline(__always)
    mutating func popFirst() -> ParsedEvent? {
        guard count > 0 else { return nil }
        let event = (storage + head).move()
        head = (head + 1) & (capacity - 1)
        count -= 1
        return event
    }

    private mutating func grow() {
        let larger = UnsafeMutablePointer<ParsedEvent>.allocate(capacity: capacity * 2)
        for index in 0..<count {
            (larger + index).moveInitialize(from: storage + ((head + index) & (capacity - 1)), count: 1)
        }
        storage.deallocate()
        storage = larger
        capacity *= 2
        head = 0
    }
}
