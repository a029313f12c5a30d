#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Deletes the temporary files of unfinished outputs when the process is stopped by SIGINT,
/// SIGTERM or SIGHUP, then lets the signal end the process as it would have without us (killed by
/// that signal, so a shell sees status 128 + N).
///
/// Outputs ``track(_:)`` a temporary file just before creating it and ``untrack(_:)`` it once it
/// was renamed into place or removed. The paths are copied into C strings ahead of time, so the
/// handler only calls `unlink`, `signal` and `raise`, which are safe inside a signal handler.
public enum InterruptCleanup {
    /// The signals that interrupt a run: Ctrl-C, `kill`, and a closed terminal.
    static let signals = [SIGINT, SIGTERM, SIGHUP]

    /// More temporary files than any command stages at once (tracegen stages one per generated
    /// file); a path beyond this is not cleaned up on a signal, only by the next run.
    static let capacity = 256

    /// Installs the handler for every interrupting signal that is not ignored. A signal the
    /// process inherited as ignored (as `nohup` or a shell's `&` set up) stays ignored.
    public static func install() {
        _ = slots
        for signalNumber in signals where !isIgnored(signalNumber) {
            signal(signalNumber, removeTrackedFilesAndDie)
        }
    }

    /// Adds a temporary file to delete should the process be interrupted.
    public static func track(_ path: String) {
        pthread_mutex_lock(slotsLock)
        defer { pthread_mutex_unlock(slotsLock) }
        guard let index = (0..<capacity).first(where: { slots[$0] == nil }) else { return }
        slots[index] = strdup(path)
    }

    /// Forgets a temporary file that no longer needs deleting.
    public static func untrack(_ path: String) {
        pthread_mutex_lock(slotsLock)
        defer { pthread_mutex_unlock(slotsLock) }
        guard let index = (0..<capacity).first(where: { slots[$0].map { String(cString: $0) } == path }) else { return }
        // The copy is not freed: a handler running on another thread may be reading it.
        slots[index] = nil
    }

    private static func isIgnored(_ signalNumber: Int32) -> Bool {
        var current = sigaction()
        guard sigaction(signalNumber, nil, &current) == 0 else { return false }
        #if canImport(Darwin)
        let handler = current.__sigaction_u.__sa_handler
        #else
        let handler = current.__sigaction_handler.sa_handler
        #endif
        return unsafeBitCast(handler, to: Int.self) == unsafeBitCast(SIG_IGN, to: Int.self)
    }
}

/// One C string per tracked temporary file, nil for a free slot. Allocated once by
/// ``InterruptCleanup/install()`` and never freed, so the handler can always read it.
nonisolated(unsafe) private let slots: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?> = {
    let slots = UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>.allocate(capacity: InterruptCleanup.capacity)
    slots.initialize(repeating: nil, count: InterruptCleanup.capacity)
    return slots
}()

/// Serializes ``InterruptCleanup/track(_:)`` and ``InterruptCleanup/untrack(_:)``; the handler
/// does not take it (a handler must never wait for a lock).
nonisolated(unsafe) private let slotsLock: UnsafeMutablePointer<pthread_mutex_t> = {
    let lock = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    pthread_mutex_init(lock, nil)
    return lock
}()

/// The signal handler: unlinks every tracked file, restores the default action and raises the
/// signal again, which ends the process once the handler returns (the signal is blocked until then).
private func removeTrackedFilesAndDie(_ signalNumber: Int32) {
    for index in 0..<InterruptCleanup.capacity {
        if let path = slots[index] { unlink(path) }
    }
    signal(signalNumber, SIG_DFL)
    raise(signalNumber)
}
