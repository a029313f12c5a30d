/// One event the ordering let through, as a plain value: a ``ParsedEvent`` without its reference
/// to the generation's tables, which the reader adds when it hands the event out.
///
/// Holding no reference, a record is copied and dropped without retains or releases, and a run of
/// records can cross to another thread as a plain array (see ``OrderedChunk``).
struct OrderedRecord {
    var code: UInt8
    /// Which ``OrderingNote`` the event carries: one of the `note…` constants.
    var noteCase: UInt8
    /// The state or status of a `previousState` or `stolenStatus` note.
    var noteByte: UInt8
    /// The event refers to no generation (the Sync events that close a trace).
    var detached: Bool
    /// For an `endedTask` note, where the task's name is in ``OrderedChunk/names``.
    var noteName: Int32
    /// Nanoseconds; ``OrderedRecord/timeAfterLast`` for an event that takes the time right after
    /// the previous one.
    var time: Int64
    var context: SchedContext
    var args: EventArgs
    var offset: Int
    /// For an `endedTask` note, the task's parent.
    var noteParent: UInt64

    static let noteNone: UInt8 = 0, notePreviousState: UInt8 = 1, noteStolenStatus: UInt8 = 2, noteEndedTask: UInt8 = 3
    /// A time that no event has: the reader replaces it with the time after the last event's.
    static let timeAfterLast = Int64.min

    @inline(__always)
    init(code: UInt8, time: Int64, context: SchedContext, args: EventArgs, offset: Int) {
        self.code = code
        noteCase = Self.noteNone
        noteByte = 0
        detached = false
        noteName = 0
        self.time = time
        self.context = context
        self.args = args
        self.offset = offset
        noteParent = 0
    }

    /// The note as ``ParsedEvent`` keeps it, with task names from `names`.
    func note(names: [[UInt8]]) -> OrderingNote {
        switch noteCase {
        case Self.notePreviousState: .previousState(noteByte)
        case Self.noteStolenStatus: .stolenStatus(noteByte)
        case Self.noteEndedTask: .endedTask(parent: noteParent, name: names[Int(noteName)])
        default: .none
        }
    }
}

/// Where the ordering writes the records of the events it lets through: the memory of the array
/// the engine is filling (``OrderingEngine/nextChunk()``), written in place, with no copy, no
/// uniqueness check and no growth. The engine stops a run while there is room for every record one
/// step of the ordering can add (``OrderedRecords/room``).
struct OrderedRecords {
    private var base: UnsafeMutablePointer<OrderedRecord>?
    private var capacity = 0
    private(set) var count = 0
    /// The names of the `endedTask` notes of the records.
    private(set) var names: [[UInt8]] = []

    /// The most records one step of the ordering writes (a goroutine switch writes three).
    static let room = 8

    /// Writing nowhere: any append is a programming error.
    init() {}

    /// Writing to the start of `buffer`.
    init(_ buffer: UnsafeMutableBufferPointer<OrderedRecord>) {
        base = buffer.baseAddress
        capacity = buffer.count
    }

    @inline(__always)
    mutating func append(_ record: OrderedRecord) {
        precondition(count < capacity, "a step of the ordering wrote more records than a run has room for")
        (base.unsafelyUnwrapped + count).initialize(to: record)
        count += 1
    }

    /// Drops the last `count` records (their names, if any, stay unused).
    mutating func removeLast(_ count: Int) {
        self.count -= count
    }

    /// Adds an `endedTask` name; returns its index.
    mutating func addName(_ name: [UInt8]) -> Int32 {
        names.append(name)
        return Int32(names.count - 1)
    }
}

/// A run of ordered events of one generation, as the reader hands them on: plain records plus
/// the one reference they share, so that the run can go to another thread as a `Sendable` value.
struct OrderedChunk: Sendable {
    /// The tables of the generation the records belong to (nil before the first).
    var tables: GenerationTables?
    var records: [OrderedRecord] = []
    /// The names of the records' `endedTask` notes.
    var names: [[UInt8]] = []
    /// How the stream ends after these records, if it does.
    var ending: Ending?

    enum Ending: Sendable {
        /// The trace is over.
        case finished
        /// Reading or ordering failed: the stream stops with this error.
        case failed(any Error)
    }
}

extension OrderedRecord: Sendable {}
