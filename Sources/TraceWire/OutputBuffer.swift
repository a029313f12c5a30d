#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A byte buffer that collects output and hands it on in large writes: to a file descriptor, or
/// into memory for tests.
///
/// Formatting code reserves room with `reserve(_:)` and then writes straight through
/// `cursor`, so printing an event costs no allocation and no call per byte.
public final class OutputBuffer {
    private enum Destination {
        case fileDescriptor(Int32)
        case memory
    }

    private let destination: Destination
    private let storage: UnsafeMutablePointer<UInt8>
    private let capacity: Int
    /// How many bytes wait in `storage`.
    private var count = 0
    private var collected: [UInt8] = []
    /// How many bytes have been handed on so far.
    package private(set) var flushedCount = 0

    /// The largest single reservation; formatting one event never needs more.
    package static let maxReservation = 320 << 10

    /// Writes to a file descriptor, such as standard output (1). The buffer does not close it.
    public init(fileDescriptor: Int32, capacity: Int = 1 << 20) {
        destination = .fileDescriptor(fileDescriptor)
        self.capacity = max(capacity, Self.maxReservation)
        storage = .allocate(capacity: self.capacity)
    }

    /// Collects everything in memory; read it back with ``bytes``.
    public init() {
        destination = .memory
        capacity = Self.maxReservation * 2
        storage = .allocate(capacity: capacity)
    }

    deinit {
        storage.deallocate()
    }

    /// Everything written so far, for a buffer that collects in memory.
    public var bytes: [UInt8] {
        collected + UnsafeBufferPointer(start: storage, count: count)
    }

    /// Everything written so far as text, for a buffer that collects in memory.
    public var text: String {
        String(decoding: bytes, as: UTF8.self)
    }

    /// Where the next byte goes; valid for as many bytes as the last `reserve(_:)` asked for.
    @inline(__always)
    var cursor: UnsafeMutablePointer<UInt8> { storage + count }

    /// Makes room for `size` more bytes, flushing if needed.
    @inline(__always)
    func reserve(_ size: Int) throws {
        if capacity - count < size { try flush() }
    }

    /// Records that `size` bytes were written at `cursor`.
    @inline(__always)
    func advance(_ size: Int) {
        count += size
    }

    /// Appends raw bytes.
    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        if bytes.count > capacity - count { try flush() }
        if bytes.count > capacity {
            try hand(bytes)
            return
        }
        if let base = bytes.baseAddress {
            (storage + count).update(from: base.assumingMemoryBound(to: UInt8.self), count: bytes.count)
        }
        count += bytes.count
    }

    /// Appends raw bytes without copying them into the buffer: what waits is handed on first,
    /// then `bytes` themselves. For large pieces of text that are already in memory.
    package func writeThrough(_ bytes: UnsafeRawBufferPointer) throws {
        try flush()
        try hand(bytes)
    }

    /// Appends raw bytes.
    public func write(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try write($0) }
    }

    /// Appends text as UTF-8.
    public func write(_ text: String) throws {
        var text = text
        try text.withUTF8 { try write(UnsafeRawBufferPointer($0)) }
    }

    /// Hands every waiting byte on.
    public func flush() throws {
        guard count > 0 else { return }
        let pending = UnsafeRawBufferPointer(start: storage, count: count)
        count = 0
        try hand(pending)
    }

    private func hand(_ bytes: UnsafeRawBufferPointer) throws {
        switch destination {
        case .memory:
            collected += bytes
        case .fileDescriptor(let fd):
            var done = 0
            while done < bytes.count {
                let wrote = writeDescriptor(fd, bytes.baseAddress! + done, bytes.count - done)
                if wrote < 0 {
                    if errno == EINTR { continue }
                    throw WireError(location: .output, message: "write failed: \(systemErrorMessage())")
                }
                done += wrote
            }
        }
        flushedCount += bytes.count
    }
}

// The C function under a name that does not clash with the methods above.
private func writeDescriptor(_ fd: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int {
    write(fd, bytes, count)
}
