import ArgumentParser
import CommandSupport
import Foundation
import TraceParser
import TraceWire

/// Whether to read and order on a second thread: shared by `parsed` and the analyses.
struct ReadAheadOption: ParsableArguments {
    @Flag(inversion: .prefixedNo, help: "Read and order on a second thread while this one does the rest, and for parsed share the formatting with a third (the default when more than one core is online): the same output, sooner; holds up to about 20,000 events ahead.")
    var parallel: Bool?

    /// Whether to use more than one thread: if asked, or by default when there is a second core.
    var isOn: Bool { parallel ?? (ProcessInfo.processInfo.activeProcessorCount > 1) }

    /// Starts `reader` reading ahead if ``isOn``.
    func apply(to reader: TraceReader) {
        if isOn { reader.startReadingAhead() }
    }
}

/// A byte source that tells a progress line how far the reading has come (from the reader's
/// own thread when it reads ahead; ``ProgressLine`` takes that).
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
func runAnalysis(trace: String, output: String, readAhead: ReadAheadOption, feed: (ParsedEvent) -> Void, result: () throws -> [UInt8]) throws {
    let (source, inputName) = try openInput(trace)
    defer { source.close() }
    let progress = ProgressLine(totalBytes: source.fileSize)
    var damage: TraceParseError?
    do {
        let reader = try TraceReader(source: CountingSource(base: source, progress: progress))
        readAhead.apply(to: reader)
        do {
            // TraceParser's own loop: the same loop here, across modules, destroyed each event
            // through Optional's generic value witnesses (pprof sched on a 3.9 MB trace: 1,279M
            // instructions against 1,188M).
            try reader.forEachEvent(feed)
        } catch let error as TraceParseError {
            damage = error
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

/// The two output formats of the analyses.
enum AnalysisFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json
}
