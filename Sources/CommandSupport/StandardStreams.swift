#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Standard output written with plain `write(2)` calls, so a failed write is an error the command
/// sees (a full disk, `/dev/full`, a closed terminal) rather than text silently lost in a buffer.
public enum StandardOutput {
    /// Writes all of `text`; throws an output ``CommandFailure`` naming the cause.
    public static func write(_ text: String) throws(CommandFailure) {
        var text = text
        let failed = text.withUTF8 { writeAll(1, UnsafeRawBufferPointer($0)) }
        if let failed {
            throw CommandFailure(.output, "error: cannot write to standard output: \(systemMessage(failed))")
        }
    }
}

/// Standard error; its own failures cannot be reported anywhere, so they are ignored.
public enum StandardError {
    /// Writes `text` and a newline.
    public static func write(_ text: String) {
        var line = text + "\n"
        _ = line.withUTF8 { writeAll(2, UnsafeRawBufferPointer($0)) }
    }
}

/// Writes every byte, retrying short writes and interruptions; returns the `errno` of a failure.
public func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) -> Int32? {
    var done = 0
    while done < bytes.count {
        let wrote = write(fd, bytes.baseAddress! + done, bytes.count - done)
        if wrote < 0 {
            if errno == EINTR { continue }
            return errno
        }
        done += wrote
    }
    return nil
}
