import TraceV2

/// An OS thread (Go's M), as a trace names it; ``NoResource/thread`` when an event has no thread.
public typealias ThreadID = Int64
/// A logical processor (Go's P); ``NoResource/proc`` when an event has none.
public typealias ProcID = Int64
/// A goroutine; ``NoResource/goroutine`` when an event has none.
public typealias GoID = Int64

/// A user task from `runtime/trace.NewTask`.
public typealias TaskID = UInt64

/// The sentinel values the parser uses for "no such resource", as Go's parser prints them.
public enum NoResource {
    /// No thread: printed as -1.
    public static let thread: ThreadID = -1
    /// No proc: printed as -1.
    public static let proc: ProcID = -1
    /// No goroutine: printed as -1.
    public static let goroutine: GoID = -1
    /// No task: the all-ones task ID.
    public static let task: TaskID = .max
    /// The background task, which a trace writes as parent 0.
    public static let backgroundTask: TaskID = 0
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

/// A goroutine, proc or thread, or nothing.
public struct ResourceID: Hashable, Sendable, CustomStringConvertible {
    public var kind: ResourceKind
    public var id: Int64

    public init(kind: ResourceKind, id: Int64) {
        self.kind = kind
        self.id = id
    }

    /// Printed as `None`, or as `Goroutine(5)`, `Proc(0)`, `Thread(3)`.
    public var description: String {
        kind == .none ? kind.description : "\(kind)(\(id))"
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
