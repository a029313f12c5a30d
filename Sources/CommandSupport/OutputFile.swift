#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Where a command writes one output: standard output for `-`, or a named path.
///
/// A regular file, or a path that does not exist yet, is replaced atomically: the bytes go to
/// `PATH.tmp-PID` beside it, renamed over it only once all are written, so a failure or an
/// interrupting signal (see ``InterruptCleanup``) leaves the old file as it was. A symbolic link
/// to a regular file keeps being a link; the file it points at is replaced. Anything else a path
/// can name (a FIFO, a character device such as `/dev/null`, a link to one such as
/// `/dev/stdout`) is opened and written through, because replacing it would destroy the device
/// or pipe rather than write to it.
///
/// A replaced file keeps what its user gave it: the new file gets the old one's mode, owner and
/// group before anything is written. When the owner or group cannot be given (another user's
/// file, for a process that is not root), or the file has other hard links, which a new file
/// would silently cut off, the output is refused and the file is left alone. A new file gets
/// mode 0644 less the umask, as before.
public final class OutputFile {
    /// The descriptor to write to.
    public let fileDescriptor: Int32
    /// The path as the user gave it, for messages; `-` for standard output.
    public let path: String
    /// For an atomic replacement: the temporary file and the path it becomes.
    private let staging: (temporary: String, target: String)?
    private var closed = false

    /// Opens the output; throws an output ``CommandFailure`` that names the cause.
    public init(path: String) throws(CommandFailure) {
        self.path = path
        if path == "-" {
            fileDescriptor = 1
            staging = nil
            return
        }
        var info = stat()
        var replaced: stat?
        if stat(path, &info) == 0 {
            let type = info.st_mode & S_IFMT
            if type == S_IFDIR {
                throw CommandFailure(.output, "error: \(path): cannot write: Is a directory")
            }
            if type != S_IFREG {
                // A device, a FIFO or a socket: write through it, never replace it.
                let fd = open(path, O_WRONLY | O_CLOEXEC)
                guard fd >= 0 else { throw .system(.output, path: path, action: "open for writing") }
                fileDescriptor = fd
                staging = nil
                return
            }
            if info.st_nlink > 1 {
                throw CommandFailure(.output, "error: \(path): will not replace it: it has \(info.st_nlink) hard links, which a new file would cut off")
            }
            replaced = info
        } else if errno != ENOENT {
            throw .system(.output, path: path, action: "write")
        }
        // Replace the regular file a link points at, not the link.
        let target = Self.resolvedLinkTarget(path) ?? path
        let temporary = "\(target).tmp-\(getpid())"
        Self.removeLeftovers(of: target)
        // Tracked before it exists, so no moment passes with the file on disk and untracked.
        InterruptCleanup.track(temporary)
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            let code = errno
            InterruptCleanup.untrack(temporary)
            throw .system(.output, path: path, action: "create a file beside it", errorNumber: code)
        }
        if let replaced {
            do {
                try Self.give(fd, theAttributesOf: replaced, path: path)
            } catch {
                close(fd)
                unlink(temporary)
                InterruptCleanup.untrack(temporary)
                throw error
            }
        }
        fileDescriptor = fd
        staging = (temporary, target)
    }

    /// Gives the new file the owner, group and mode of the one it replaces, owner first (a
    /// change of owner clears the set-user-ID and set-group-ID bits, which the mode then restores).
    private static func give(_ fd: Int32, theAttributesOf old: stat, path: String) throws(CommandFailure) {
        var new = stat()
        guard fstat(fd, &new) == 0 else { throw .system(.output, path: path, action: "read the new file's attributes") }
        if new.st_uid != old.st_uid || new.st_gid != old.st_gid, fchown(fd, old.st_uid, old.st_gid) != 0 {
            throw CommandFailure(.output, "error: \(path): will not replace it: it belongs to uid \(old.st_uid), gid \(old.st_gid), and the new file cannot be given that owner (\(systemMessage(errno)))")
        }
        if fchmod(fd, old.st_mode & 0o7777) != 0 {
            throw .system(.output, path: path, action: "give the new file its mode")
        }
    }

    /// Whether the output replaces a file atomically (false: written through, or standard output).
    public var replacesFile: Bool { staging != nil }

    /// Finishes the output: for a replaced file, moves the complete file into place.
    public func commit() throws(CommandFailure) {
        guard let staging else {
            if fileDescriptor != 1 { closeOnce() }
            return
        }
        closeOnce()
        defer { InterruptCleanup.untrack(staging.temporary) }
        if rename(staging.temporary, staging.target) != 0 {
            let code = errno
            unlink(staging.temporary)
            throw .system(.output, path: path, action: "replace", errorNumber: code)
        }
    }

    /// Gives up: a replaced file keeps its old contents and the temporary file goes away.
    /// Bytes already written through to a device, a pipe or standard output stay written.
    public func discard() {
        if fileDescriptor != 1 { closeOnce() }
        if let staging {
            unlink(staging.temporary)
            InterruptCleanup.untrack(staging.temporary)
        }
    }

    private func closeOnce() {
        guard !closed else { return }
        closed = true
        close(fileDescriptor)
    }

    /// The canonical path of the file a symbolic link finally points at; nil for a path that is no link.
    private static func resolvedLinkTarget(_ path: String) -> String? {
        var info = stat()
        guard lstat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFLNK,
              let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// Removes `TARGET.tmp-PID` files that a run killed before it could clean up left behind:
    /// regular files only, named exactly so, whose process no longer exists.
    private static func removeLeftovers(of target: String) {
        let slash = target.lastIndex(of: "/")
        let folder = slash.map { String(target[..<$0]) } ?? "."
        let prefix = (slash.map { String(target[target.index(after: $0)...]) } ?? target) + ".tmp-"
        for name in directoryEntries(folder.isEmpty ? "/" : folder) where name.hasPrefix(prefix) {
            guard let pid = processID(in: name.dropFirst(prefix.count)), isDead(pid) else { continue }
            removeIfRegular(folder + "/" + name)
        }
    }
}

/// The names in a folder, without `.` and `..`; empty when it cannot be read.
public func directoryEntries(_ folder: String) -> [String] {
    guard let directory = opendir(folder) else { return [] }
    defer { closedir(directory) }
    var names: [String] = []
    while let entry = readdir(directory) {
        let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
            String(cString: raw.baseAddress!.assumingMemoryBound(to: CChar.self))
        }
        if name != ".", name != ".." { names.append(name) }
    }
    return names
}

/// A process ID written as plain decimal digits, nothing else.
public func processID(in text: Substring) -> pid_t? {
    guard !text.isEmpty, text.count <= 10, text.allSatisfy({ $0.isASCII && $0.isNumber }), let value = Int32(text), value > 0 else { return nil }
    return value
}

/// Whether no process with this ID exists any more.
public func isDead(_ pid: pid_t) -> Bool {
    pid != getpid() && kill(pid, 0) != 0 && errno == ESRCH
}

/// Unlinks `path` only if it is a regular file (never follows a link, never a folder).
public func removeIfRegular(_ path: String) {
    var info = stat()
    if lstat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG { unlink(path) }
}
