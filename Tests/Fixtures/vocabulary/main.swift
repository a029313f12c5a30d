// A user's file that imports all three libraries and names their types without a module prefix.
// DocumentationTests builds and runs it as a package of its own: if two libraries declared the
// same name, or one hid Swift's `Range`, `Task` or `Result`, it would stop compiling.
import TraceParser
import TraceV2
import TraceWire

// TraceV2's vocabulary: event types, their kinds, typed events, IDs and wire statuses.
let type: EventType = .goCreate
let created: Event = try Event(type: type, args: [5, 17, 3, 4])
let interesting: Set<EventKind> = [.stateTransition, .taskBegin]
let running: GoStatus = .running
let idle: ProcStatus = .idle

// Swift's own generic types keep their names.
let window: Range<Int64> = 0..<1_000_000
let parsed: Result<Int, TraceParseError> = .success(0)
let background = Task { window.count }

// TraceParser hands out TraceV2's IDs, and nil where Go's parser says "none".
let reader = try TraceReader(source: try FileDescriptorSource(path: "app.trace"))
var goroutines: Set<GoroutineID> = []
var threads: Set<ThreadID> = []
var procs: Set<ProcID> = []
var tasks: Set<TaskID> = []
var kinds: [EventKind: Int] = [:]
var inWindow = 0
while let event: ParsedEvent = try reader.next() {
    if let goroutine = event.goroutine { goroutines.insert(goroutine) }
    if let thread = event.thread { threads.insert(thread) }
    if let proc = event.proc { procs.insert(proc) }
    if let task = event.task { tasks.insert(task.id) }
    if interesting.contains(event.kind) { kinds[event.kind, default: 0] += 1 }
    if window.contains(event.time) { inWindow += 1 }
}
print("\(created.type.name): \(running) goroutine, \(idle) P, \(try parsed.get()) errors")
print("\(goroutines.count) goroutines on \(threads.count) threads and \(procs.count) Ps, \(tasks.count) tasks")
print("\(kinds[.stateTransition] ?? 0) transitions, \(inWindow) events in the first millisecond, \(await background.value)")
