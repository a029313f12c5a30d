/// What a reader and its read-ahead thread share: the runs of ordered events read and not yet
/// handed out, at most ``limit`` of them, so memory stays bounded however far ahead the thread
/// gets.
struct ReadAheadQueue: Sendable {
    var chunks: [OrderedChunk] = []
    /// The reader is gone: the thread stops at its next run.
    var stopped = false
    /// The thread has stopped and will not touch the source again.
    var ended = false

    /// Runs waiting at most: with ``OrderingEngine/chunkSize`` records of 88 bytes each, about
    /// 1.4 MB, next to the one or two generations the engine holds.
    static let limit = 4
}

/// The read-ahead thread's work and all it owns: the engine is handed over whole, and the reader
/// that started the thread does not touch it again. Only ``OrderedChunk`` values, which are
/// `Sendable`, come back.
final class ReadAheadWorker {
    private let engine: OrderingEngine
    private let queue: Guarded<ReadAheadQueue>

    private init(engine: OrderingEngine, queue: Guarded<ReadAheadQueue>) {
        self.engine = engine
        self.queue = queue
    }

    /// Starts a thread that reads and orders with `engine` into `queue`; false if no thread could
    /// be made, and then the engine is still the caller's.
    static func start(_ engine: OrderingEngine, into queue: Guarded<ReadAheadQueue>) -> Bool {
        let worker = ReadAheadWorker(engine: engine, queue: queue)
        return DetachedThread.start { worker.run() }
    }

    /// Orders runs until the stream ends or the reader stops listening.
    private func run() {
        defer { queue.update { $0.ended = true } }
        while true {
            let chunk = engine.nextChunk()
            let last = chunk.ending != nil
            let queued = queue.update(when: { $0.chunks.count < ReadAheadQueue.limit || $0.stopped }) { state in
                if state.stopped { return false }
                state.chunks.append(chunk)
                return true
            }
            if !queued || last { return }
        }
    }
}
