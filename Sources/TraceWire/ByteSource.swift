#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Anything a trace can be read from in chunks: a file, a pipe, or bytes already in memory.
///
/// Readers call ``read(into:)`` with a buffer of their own, so a source never has to hold more
/// than one chunk.
public protocol ByteSource {
    /// Fills the start of `buffer` with the next bytes and returns how many it wrote; 0 means
    /// the end of the input.
    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int
}

/// Bytes held in memory, handed out in order.
public struct MemorySource: ByteSource {
    private let bytes: [UInt8]
    private var position = 0

    /// Wraps the bytes to read.
    public init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    public mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let count = min(buffer.count, bytes.count - position)
        guard count > 0 else { return 0 }
        bytes.withUnsafeBytes { source in
            buffer.baseAddress!.copyMemory(from: source.baseAddress! + position, byteCount: count)
        }
        position += count
        return count
    }
}

/// An open file descriptor, read with plain `read(2)` calls.
///
/// The source does not own the descriptor unless it opened it with ``init(path:)``; call
/// ``close()`` when done with one it opened.
public struct FileDescriptorSource: ByteSource {
    /// The descriptor being read.
    public let fileDescriptor: Int32
    private let ownsDescriptor: Bool

    /// Reads from a descriptor someone else opened, such as standard input (0).
    public init(fileDescriptor: Int32) {
        self.fileDescriptor = fileDescriptor
        self.ownsDescriptor = false
    }

    /// Opens a file for reading.
    public init(path: String) throws {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else {
            throw WireError(location: .none, message: "cannot open: \(systemErrorMessage())")
        }
        self.fileDescriptor = fd
        self.ownsDescriptor = true
    }

    /// The size of the file, or nil when the descriptor is a pipe or terminal.
    public var fileSize: Int? {
        var info = stat()
        guard fstat(fileDescriptor, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
        return Int(info.st_size)
    }

    /// Closes the descriptor if this source opened it.
    public func close() {
        if ownsDescriptor { _ = closeDescriptor(fileDescriptor) }
    }

    public mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        while true {
            let count = readDescriptor(fileDescriptor, buffer.baseAddress, buffer.count)
            if count >= 0 { return count }
            if errno == EINTR { continue }
            throw WireError(location: .none, message: "read failed: \(systemErrorMessage())")
        }
    }
}

/// The C library's message for the current `errno`.
func systemErrorMessage() -> String {
    String(cString: strerror(errno))
}

// The C functions under names that do not clash with the methods above.
private func readDescriptor(_ fd: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int {
    read(fd, buffer, count)
}

private func closeDescriptor(_ fd: Int32) -> Int32 {
    close(fd)
}
