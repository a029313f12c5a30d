import TraceWire

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A mutex and condition variable from the C library, in memory of their own.
///
/// Unchecked `Sendable`: it holds nothing but the two C objects, which are made to be shared
/// between threads and stay at the same address for the monitor's whole life.
final class Monitor: @unchecked Sendable {
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let condition = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)

    init() {
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(condition, nil)
    }

    deinit {
        pthread_cond_destroy(condition)
        pthread_mutex_destroy(mutex)
        condition.deallocate()
        mutex.deallocate()
    }

    /// Runs `body` holding the mutex.
    func locked<T>(_ body: () throws -> T) rethrows -> T {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body()
    }

    /// Waits for a signal; call with the mutex held (inside ``locked(_:)``).
    func wait() { pthread_cond_wait(condition, mutex) }

    func broadcast() { pthread_cond_broadcast(condition) }
}

/// A `Sendable` value that threads share and change only with a monitor's mutex held, as with
/// the standard library's `Mutex`, plus waiting for the value to reach a state.
///
/// Unchecked `Sendable`: `state` is itself `Sendable` and is read or written only inside
/// ``update(when:_:)``, with the mutex held.
final class Guarded<State: Sendable>: @unchecked Sendable {
    private let monitor = Monitor()
    private var state: State

    init(_ state: State) {
        self.state = state
    }

    /// Waits until `ready` holds, then changes the state with `body` and wakes every waiter.
    func update<T>(when ready: (State) -> Bool = { _ in true }, _ body: (inout State) throws -> T) rethrows -> T {
        try monitor.locked {
            while !ready(state) { monitor.wait() }
            defer { monitor.broadcast() }
            return try body(&state)
        }
    }
}

/// What the two threads of ``ParsedPrinter/printConcurrently(_:to:)`` share: ordered events, in
/// chunks, and how the reading ended.
private struct Handoff: Sendable {
    var chunks: [[ParsedEvent]] = []
    /// Chunks printed and handed back, for the reading thread to empty: every event holds its
    /// generation's tables, and releasing them on the thread that retained them keeps the two
    /// cores from passing the count's cache line back and forth twice per event.
    var spent: [[ParsedEvent]] = []
    /// The reading thread has handed over its last chunk.
    var finished = false
    /// Why the reading stopped early, when it did.
    var failure: (any Error)?
    /// How many events were read, once finished.
    var events = 0
    /// The printing thread gave up (its output failed); the reading thread stops at its next chunk.
    var stopped = false

    /// Events per chunk: few enough that a chunk stays in the cache, enough that the lock is
    /// taken rarely.
    static let chunkSize = 2048
    /// At most this many chunks wait, so memory stays bounded however fast the reading.
    static let limit = 4
}

/// Thrown inside the reading thread once the printing thread has stopped.
private struct PrinterStopped: Error {}

/// The reading thread's work and all it owns: the reader is handed over whole, and the thread that
/// started it does not touch it again.
private final class Producer {
    let reader: TraceReader
    let handoff: Guarded<Handoff>

    init(reader: TraceReader, handoff: Guarded<Handoff>) {
        self.reader = reader
        self.handoff = handoff
    }

    /// Reads and orders every event, handing them over a chunk at a time.
    func run() {
        var chunk: [ParsedEvent] = []
        chunk.reserveCapacity(Handoff.chunkSize)
        var events = 0
        var failure: (any Error)?
        do {
            while let event = try reader.next() {
                chunk.append(event)
                events += 1
                if chunk.count == Handoff.chunkSize {
                    try hand(chunk)
                    chunk.removeAll(keepingCapacity: true)
                }
            }
        } catch {
            failure = error
        }
        // The events before a failure are printed too, as Go's tool leaves them.
        if !(failure is PrinterStopped) && !chunk.isEmpty {
            do { try hand(chunk) } catch { failure = failure ?? error }
        }
        handoff.update { state in
            state.finished = true
            state.failure = failure
            state.events = events
        }
    }

    private func hand(_ chunk: [ParsedEvent]) throws {
        var spent: [[ParsedEvent]] = []
        let queued = handoff.update(when: { $0.chunks.count < Handoff.limit || $0.stopped }) { state in
            swap(&spent, &state.spent)
            if state.stopped { return false }
            state.chunks.append(chunk)
            return true
        }
        spent.removeAll()
        if !queued { throw PrinterStopped() }
    }
}

extension ParsedPrinter {
    /// Prints like ``print(_:to:progress:)``, with the reading and ordering on a second thread
    /// while this one formats and writes: the same output, in about the time of the slower half.
    /// Events cross between the threads as `Sendable` values.
    ///
    /// - Returns: The number of events printed.
    @discardableResult
    package static func printConcurrently(_ reader: TraceReader, to output: OutputBuffer) throws -> Int {
        let handoff = Guarded(Handoff())
        let context = Unmanaged.passRetained(Producer(reader: reader, handoff: handoff)).toOpaque()
        var thread = pthread_t()
        let started = pthread_create(&thread, nil, { context in
            Unmanaged<Producer>.fromOpaque(context!).takeRetainedValue().run()
            return nil
        }, context)
        guard started == 0 else {
            Unmanaged<Producer>.fromOpaque(context).release()
            return try print(reader, to: output)
        }
        let sink = ByteSink(output: output)
        let texts = TextCache()
        do {
            var printed: [ParsedEvent]?
            while let chunk = handoff.update(when: { !$0.chunks.isEmpty || $0.finished }, { state in
                if let printed = printed.take() { state.spent.append(printed) }
                return state.chunks.isEmpty ? nil : state.chunks.removeFirst()
            }) {
                // Borrowed in place: a copy of each event would retain its tables on this thread.
                try chunk.withUnsafeBufferPointer { events in
                    for index in events.indices { try write(events[index], to: sink, texts: texts) }
                }
                printed = chunk
            }
        } catch {
            handoff.update { $0.stopped = true }
            pthread_join(thread, nil)
            try? sink.flush()
            try? output.flush()
            throw error
        }
        pthread_join(thread, nil)
        let (failure, events) = handoff.update { ($0.failure, $0.events) }
        if let failure {
            try? sink.flush()
            try? output.flush()
            throw failure
        }
        try sink.flush()
        try output.flush()
        return events
    }
}
