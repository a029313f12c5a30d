import ArgumentParser
import CommandSupport
import Foundation
import TraceParser
import TraceWire

/// A byte source that tells a progress line how far the reading has come.
struct CountingSource<Base: ByteSource>: ByteSource {
    var base: Base
    let progress: ProgressLine
    var count = 0

    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let n = try base.read(into: buffer)
        count += n
        progress.update(count)
        return n
    }
}

/// What the analysis commands share: one pass over the ordered events of the input, then the
/// result written to the output. A trace Go's parser rejects gets Go's verdict and exit status 1;
/// the result of the events before the problem still goes to standard output (or a pipe), but
/// no output file appears.
///
/// The reading and ordering run on a second thread, handing events over in batches, so that
/// the analysis overlaps them on a machine with a core to spare; that holds up to one more
/// generation in memory.
func runAnalysis(trace: String, output: String, feed: (Event) -> Void, result: () throws -> [UInt8]) throws {
    let (source, inputName) = try openInput(trace)
    defer { source.close() }
    let progress = ProgressLine(totalBytes: source.fileSize)
    var damage: TraceParseError?
    do {
        let reader = try TraceReader(source: CountingSource(base: source, progress: progress))
        let handoff = EventHandoff(reader: reader)
        let thread = Thread { handoff.produce() }
        thread.stackSize = 8 << 20
        thread.start()
        while let batch = handoff.take() {
            for event in batch { feed(event) }
        }
        switch handoff.failure {
        case nil: break
        case let error as TraceParseError: damage = error
        case let error?: throw error
        }
        progress.clear()
    } catch let error as TraceParseError {
        progress.clear()
        throw CommandFailure(.input, "\(inputName): \(error)")
    } catch let error as WireError {
        progress.clear()
        throw failure(error, input: inputName, output: output)
    }
    let destination = try CommandOutput(path: output)
    do {
        try destination.buffer.write(result())
        if let damage { throw CommandFailure(.input, "\(inputName): \(damage)") }
        try destination.commit()
    } catch let error as WireError {
        destination.discard()
        throw failure(error, input: inputName, output: output)
    } catch {
        destination.discard()
        throw error
    }
}

/// Carries events from the reading thread to the analysing one in batches, at most a few
/// batches at a time, so that memory stays bounded.
private final class EventHandoff: @unchecked Sendable {
    private let condition = NSCondition()
    private var batches: [[Event]] = []
    private var finished = false
    /// Why the reading stopped early, once ``take()`` has returned nil.
    private(set) var failure: Error?
    private let reader: TraceReader
    private static let limit = 4
    private static let batchSize = 4096

    init(reader: TraceReader) { self.reader = reader }

    /// The reading thread's work: every event, then the error that ended the stream, if any.
    func produce() {
        var batch: [Event] = []
        batch.reserveCapacity(Self.batchSize)
        var error: Error?
        do {
            while let event = try reader.next() {
                batch.append(event)
                if batch.count == Self.batchSize {
                    put(batch)
                    batch = []
                    batch.reserveCapacity(Self.batchSize)
                }
            }
        } catch let caught {
            error = caught
        }
        if !batch.isEmpty { put(batch) }
        condition.lock()
        finished = true
        failure = error
        condition.broadcast()
        condition.unlock()
    }

    private func put(_ batch: [Event]) {
        condition.lock()
        while batches.count >= Self.limit { condition.wait() }
        batches.append(batch)
        condition.broadcast()
        condition.unlock()
    }

    /// The next batch, or nil when the reader has finished.
    func take() -> [Event]? {
        condition.lock()
        defer { condition.unlock() }
        while batches.isEmpty && !finished { condition.wait() }
        if batches.isEmpty { return nil }
        condition.broadcast()
        return batches.removeFirst()
    }
}

/// The two output formats of the analyses.
enum AnalysisFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json
}
