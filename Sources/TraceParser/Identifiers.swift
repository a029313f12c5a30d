import TraceV2

// Inside the package, resources are plain integers the way Go's parser keeps them, with -1 (or
// all ones for tasks) for "none". The public API hands out TraceV2's typed IDs instead, and nil
// for "none" (see ParsedEvent's accessors).

/// An OS thread (Go's M) as the parser keeps it; ``NoResource/thread`` for none.
package typealias RawThreadID = Int64
/// A logical processor (Go's P) as the parser keeps it; ``NoResource/proc`` for none.
package typealias RawProcID = Int64
/// A goroutine as the parser keeps it; ``NoResource/goroutine`` for none.
package typealias RawGoID = Int64
/// A user task from `runtime/trace.NewTask`, as the trace writes it.
package typealias RawTaskID = UInt64

/// The values that stand for "no such resource" inside the package, as Go's parser prints them.
package enum NoResource {
    /// No thread: printed as -1.
    package static let thread: RawThreadID = -1
    /// No proc: printed as -1.
    package static let proc: RawProcID = -1
    /// No goroutine: printed as -1.
    package static let goroutine: RawGoID = -1
    /// No task: the all-ones task ID.
    package static let task: RawTaskID = .max
    /// The background task, which a trace writes as parent 0; the ordering turns it into
    /// ``task``, as Go's parser does.
    package static let backgroundTask: RawTaskID = 0
}

/// TraceV2's goroutine, P and thread IDs, which the package keeps as signed integers.
package protocol SignedResourceID: RawRepresentable<UInt64> {
    /// The raw value that stands for "none".
    static var none: Int64 { get }
}

extension SignedResourceID {
    /// The resource a signed ID names, whatever its value.
    package init(signed raw: Int64) {
        self.init(rawValue: UInt64(bitPattern: raw))!
    }

    /// The resource a signed ID names; nil for the package's "none" (``NoResource``).
    package init?(raw: Int64) {
        guard raw != Self.none else { return nil }
        self.init(signed: raw)
    }

    /// The ID as Go's parser prints it: signed.
    package var raw: Int64 { Int64(bitPattern: rawValue) }
}

extension GoroutineID: SignedResourceID {
    package static var none: Int64 { NoResource.goroutine }
}

extension ProcID: SignedResourceID {
    package static var none: Int64 { NoResource.proc }
}

extension ThreadID: SignedResourceID {
    package static var none: Int64 { NoResource.thread }
}

extension TaskID {
    /// The background task: the task of regions and logs that belong to no task of their own.
    public static let background = TaskID(rawValue: 0)

    /// The task a raw ID names; nil for ``NoResource/task``.
    package init?(raw: RawTaskID) {
        guard raw != NoResource.task else { return nil }
        self.init(rawValue: raw)
    }
}

/// The state of a goroutine as the parser tracks it; differs from the wire's `GoStatus` in
/// having "not known yet" and "does not exist".
public enum GoState: UInt8, Sendable, CustomStringConvertible {
    case undetermined = 0
    case notExist = 1
    case runnable = 2
    case running = 3
    case waiting = 4
    case syscall = 5

    /// Turns a wire status into the state it stands for; a bad status means "undetermined".
    init(wire status: UInt8) {
        switch GoStatus(rawValue: status) {
        case .runnable: self = .runnable
        case .running: self = .running
        case .waiting: self = .waiting
        case .syscall: self = .syscall
        default: self = .undetermined
        }
    }

    public var description: String {
        switch self {
        case .undetermined: "Undetermined"
        case .notExist: "NotExist"
        case .runnable: "Runnable"
        case .running: "Running"
        case .waiting: "Waiting"
        case .syscall: "Syscall"
        }
    }
}

/// The state of a proc as the parser tracks it.
public enum ProcState: UInt8, Sendable, CustomStringConvertible {
    case undetermined = 0
    case notExist = 1
    case running = 2
    case idle = 3

    /// Turns a wire status into the state it stands for: a proc in a system call still runs, an
    /// abandoned one is idle.
    init(wire status: UInt8) {
        switch ProcStatus(rawValue: status) {
        case .running, .syscall: self = .running
        case .idle, .syscallAbandoned: self = .idle
        default: self = .undetermined
        }
    }

    public var description: String {
        switch self {
        case .undetermined: "Undetermined"
        case .notExist: "NotExist"
        case .running: "Running"
        case .idle: "Idle"
        }
    }
}

/// What a resource ID names.
public enum ResourceKind: UInt8, Sendable, CustomStringConvertible {
    case none, goroutine, proc, thread

    public var description: String {
        switch self {
        case .none: "None"
        case .goroutine: "Goroutine"
        case .proc: "Proc"
        case .thread: "Thread"
        }
    }
}

/// The goroutine, P or thread that an event is about, or none.
public enum ResourceID: Hashable, Sendable, CustomStringConvertible {
    case none
    case goroutine(GoroutineID)
    case proc(ProcID)
    case thread(ThreadID)

    /// A resource of the given kind with a raw ID; the ID is ignored for ``ResourceKind/none``.
    package init(kind: ResourceKind, raw: Int64) {
        switch kind {
        case .none: self = .none
        case .goroutine: self = .goroutine(GoroutineID(signed: raw))
        case .proc: self = .proc(ProcID(signed: raw))
        case .thread: self = .thread(ThreadID(signed: raw))
        }
    }

    /// What the ID names.
    public var kind: ResourceKind {
        switch self {
        case .none: .none
        case .goroutine: .goroutine
        case .proc: .proc
        case .thread: .thread
        }
    }

    /// The ID as Go's parser prints it (signed); 0 for ``none``.
    package var raw: Int64 {
        switch self {
        case .none: 0
        case .goroutine(let id): id.raw
        case .proc(let id): id.raw
        case .thread(let id): id.raw
        }
    }

    /// Printed as `None`, or as `Goroutine(5)`, `Proc(0)`, `Thread(3)`.
    public var description: String {
        kind == .none ? kind.description : "\(kind)(\(raw))"
    }
}

extension GoState {
    /// The goroutine state of the spec's ordering state with the same name; nil for a state only
    /// Ps have.
    init?(_ state: EventType.Ordering.State) {
        switch state {
        case .undetermined: self = .undetermined
        case .notExist: self = .notExist
        case .runnable: self = .runnable
        case .running: self = .running
        case .waiting: self = .waiting
        case .syscall: self = .syscall
        case .idle: return nil
        }
    }
}

extension ProcState {
    /// The P state of the spec's ordering state with the same name; nil for a state only
    /// goroutines have.
    init?(_ state: EventType.Ordering.State) {
        switch state {
        case .undetermined: self = .undetermined
        case .notExist: self = .notExist
        case .running: self = .running
        case .idle: self = .idle
        case .runnable, .waiting, .syscall: return nil
        }
    }
}
