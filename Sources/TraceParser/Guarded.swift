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

/// A thread of the C library's that runs one closure and ends, with nobody joining it: whoever
/// starts it learns that it is done through state they share (a ``Guarded`` value, say).
enum DetachedThread {
    private final class Body {
        let run: () -> Void
        init(_ run: @escaping () -> Void) { self.run = run }
    }

    /// Runs `body` on a new thread; false if no thread could be made, and then `body` never runs.
    /// What `body` captures belongs to the new thread from now on: the caller keeps only what is
    /// made to be shared.
    static func start(_ body: @escaping () -> Void) -> Bool {
        let context = Unmanaged.passRetained(Body(body)).toOpaque()
        var thread = pthread_t()
        let started = pthread_create(&thread, nil, { context in
            guard let context else { return nil }
            Unmanaged<Body>.fromOpaque(context).takeRetainedValue().run()
            return nil
        }, context)
        guard started == 0 else {
            Unmanaged<Body>.fromOpaque(context).release()
            return false
        }
        pthread_detach(thread)
        return true
    }
}
