import Foundation
import SwiftProtobuf

/// The viewer's events as a native Perfetto trace: `TracePacket`s, each framed as field 1 of the
/// outer `Trace` message and handed to the sink as soon as a chunk fills, so the file streams.
///
/// The layout follows the JSON view: each Catapult process (`pid`) becomes a parent track, each
/// of its threads (`tid`) a child track with the JSON's name, and the JSON's sort indexes become
/// the children's order. A complete slice becomes a begin and an end on its track; an instant
/// stays an instant; each series of a counter gets its own counter track; each flow arrow becomes
/// an instant at both ends, carrying the flow ID. Arguments and stacks become debug annotations.
///
/// Perfetto nests the slices of one track by their begins and ends, which the JSON does not
/// need: Go's views can draw a slice that starts inside another and ends after it, or two that
/// start together. Such a slice goes on an overlap track, a child of its track with the same
/// name (see ``ViewerSliceLanes``).
///
/// All packets belong to one sequence. Event names, categories, annotation names and annotation
/// strings (frame names among them) are interned on it. When the tables reach `internLimit`
/// entries (65,536 unless a test asks for fewer), they are dropped and the sequence's state is
/// cleared, so memory stays bounded whatever the trace's size.
final class ViewerPerfettoWriter: ViewerSink {
    private typealias Packet = Gotrace_Perfetto_TracePacket
    private typealias TrackEvent = Gotrace_Perfetto_TrackEvent
    private typealias Annotation = Gotrace_Perfetto_DebugAnnotation

    private let sink: (UnsafeRawBufferPointer) throws -> Void
    private let frames: ViewerFrames
    private var buffer: [UInt8] = []
    private static let chunkSize = 1 << 16
    /// Our only packet sequence.
    private static let sequence: UInt32 = 1
    /// How many interned strings are kept before the sequence's state is cleared.
    private let internLimit: Int

    private var eventNames: [String: UInt64] = [:]
    private var categories: [String: UInt64] = [:]
    private var annotationNames: [String: UInt64] = [:]
    private var annotationStrings: [String: UInt64] = [:]
    /// Frame ID to the iid of its name among the annotation strings.
    private var frameStrings: [Int: UInt64] = [:]
    private var interned = 0
    /// The strings that the packet being built introduces.
    private var newStrings = Gotrace_Perfetto_InternedData()
    private var hasNewStrings = false
    /// The next packet that refers to interned strings starts the sequence's state anew.
    private var stateCleared = true
    private var firstPacket = true

    /// Names and sort indexes from the metadata events, which come at the end.
    private var sectionNames: [ViewerEvent.Section: String] = [:]
    private var sectionOrder: [ViewerEvent.Section: Int64] = [:]
    private var trackNames: [UInt64: String] = [:]
    private var trackOrder: [UInt64: Int64] = [:]
    /// Every timeline track an event was drawn on, so that each gets a descriptor.
    private var usedTracks: Set<UInt64> = []
    /// Where each track's slices went, and how many overlap tracks it has.
    private var lanes: [UInt64: ViewerSliceLanes] = [:]

    /// The counter series, in the order of the JSON's `args`; each is one counter track.
    enum Series: Int, CaseIterable {
        case goroutinesRunning, goroutinesRunnable, goroutinesGCWaiting
        case threadsRunning, threadsInSyscall
        case heapAllocated, heapNextGC

        /// As Perfetto names a JSON counter's series: the counter's name, a space, the key.
        var name: String {
            switch self {
            case .goroutinesRunning: "Goroutines Running"
            case .goroutinesRunnable: "Goroutines Runnable"
            case .goroutinesGCWaiting: "Goroutines GCWaiting"
            case .threadsRunning: "Threads Running"
            case .threadsInSyscall: "Threads InSyscall"
            case .heapAllocated: "Heap Allocated"
            case .heapNextGC: "Heap NextGC"
            }
        }
    }

    init(frames: ViewerFrames, internLimit: Int = 1 << 16, sink: @escaping (UnsafeRawBufferPointer) throws -> Void) {
        self.frames = frames
        self.internLimit = internLimit
        self.sink = sink
        buffer.reserveCapacity(Self.chunkSize + 4096)
    }

    // MARK: Track identities

    /// Mixes a value into a well-spread 64-bit ID (splitmix64's finalizer), so that the IDs of
    /// tracks, sections and counters do not collide in practice.
    private static func mix(_ value: UInt64) -> UInt64 {
        var z = value &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    private static func sectionUUID(_ section: ViewerEvent.Section) -> UInt64 {
        mix(0x5EC7_1000_0000_0000 | section.rawValue)
    }

    private static func trackUUID(_ track: UInt64) -> UInt64 {
        mix(mix(track) ^ 0x7ACC_0000_0000_0000)
    }

    /// The track of a track's `lane`th overlap track; lane 0 is the track itself.
    private static func laneUUID(_ track: UInt64, lane: Int) -> UInt64 {
        lane == 0 ? trackUUID(track) : mix(trackUUID(track) ^ UInt64(lane))
    }

    private static func seriesUUID(_ series: Series) -> UInt64 {
        mix(0xC0C0_0000_0000_0000 | UInt64(series.rawValue))
    }

    // MARK: Events

    func write(_ event: ViewerEvent) throws {
        if firstPacket { try writeCounterTracks() }
        switch event.phase {
        case .slice:
            usedTracks.insert(event.track)
            let end = event.time &+ event.duration
            let lane = lanes[event.track, default: ViewerSliceLanes()].place(start: event.time, end: end)
            var begin = trackEvent(.sliceBegin, event)
            begin.trackUuid = Self.laneUUID(event.track, lane: lane)
            begin.nameIid = eventName(event.name)
            annotate(&begin, event)
            try writeEvent(begin, at: event.time)
            var finish = trackEvent(.sliceEnd, event)
            finish.trackUuid = begin.trackUuid
            try writeEvent(finish, at: end)
        case .instant:
            usedTracks.insert(event.track)
            var instant = trackEvent(.instant, event)
            instant.nameIid = eventName(event.name)
            annotate(&instant, event)
            try writeEvent(instant, at: event.time)
        case .flowStart, .flowStep:
            usedTracks.insert(event.track)
            var end = trackEvent(.instant, event)
            end.nameIid = eventName(event.name)
            if event.phase == .flowStart {
                end.flowIds = [event.id]
            } else {
                end.terminatingFlowIds = [event.id]
            }
            annotate(&end, event)
            try writeEvent(end, at: event.time)
        case .counter:
            try writeCounters(event)
        case .metadata:
            record(event)
        }
    }

    private func trackEvent(_ type: TrackEvent.TypeEnum, _ event: ViewerEvent) -> TrackEvent {
        var trackEvent = TrackEvent()
        trackEvent.type = type
        trackEvent.trackUuid = Self.trackUUID(event.track)
        return trackEvent
    }

    /// The event's category, arguments and stacks. Both stacks go on the event that opens a
    /// slice, since Perfetto merges an end's annotations into whichever slice it closes.
    private func annotate(_ trackEvent: inout TrackEvent, _ event: ViewerEvent) {
        if let category = event.category { trackEvent.categoryIids = [self.category(category)] }
        switch event.arguments {
        case .blocked(let blocked):
            trackEvent.debugAnnotations.append(stringAnnotation("blocked", blocked ? "yes" : "no"))
        case .schedulingContext(let thread, let proc):
            if thread != 0 { trackEvent.debugAnnotations.append(numberAnnotation("thread", thread)) }
            if proc != 0 { trackEvent.debugAnnotations.append(numberAnnotation("proc", proc)) }
        case .name, .sortIndex, .goroutineCounts, .threadCounts, .heap, nil:
            break
        }
        if event.stack != 0 { trackEvent.debugAnnotations.append(stackAnnotation("stack", event.stack)) }
        if event.endStack != 0 { trackEvent.debugAnnotations.append(stackAnnotation("end stack", event.endStack)) }
    }

    private func stringAnnotation(_ name: String, _ value: String) -> Annotation {
        var annotation = Annotation()
        annotation.nameIid = annotationName(name)
        annotation.stringValueIid = annotationString(value)
        return annotation
    }

    private func numberAnnotation(_ name: String, _ value: UInt64) -> Annotation {
        var annotation = Annotation()
        annotation.nameIid = annotationName(name)
        annotation.uintValue = value
        return annotation
    }

    /// A stack as a list of frame names (`function:line`), innermost first.
    private func stackAnnotation(_ name: String, _ id: Int) -> Annotation {
        var annotation = Annotation()
        annotation.nameIid = annotationName(name)
        var node = id
        while node != 0 {
            var frame = Annotation()
            frame.stringValueIid = frameString(node)
            annotation.arrayValues.append(frame)
            node = frames.parent(of: node)
        }
        return annotation
    }

    /// One sample per series of the counter, each on its own counter track.
    private func writeCounters(_ event: ViewerEvent) throws {
        let samples: [(Series, Int64)]
        switch event.arguments {
        case .goroutineCounts(let running, let runnable, let gcWaiting):
            // The JSON writes these unsigned; a count below zero keeps its bits.
            samples = [(.goroutinesRunning, Int64(bitPattern: running)), (.goroutinesRunnable, Int64(bitPattern: runnable)),
                       (.goroutinesGCWaiting, Int64(bitPattern: gcWaiting))]
        case .threadCounts(let running, let inSyscall):
            samples = [(.threadsRunning, running), (.threadsInSyscall, inSyscall)]
        case .heap(let allocated, let nextGC):
            samples = [(.heapAllocated, Int64(bitPattern: allocated)), (.heapNextGC, Int64(bitPattern: nextGC))]
        default:
            return
        }
        for (series, value) in samples {
            var sample = TrackEvent()
            sample.type = .counter
            sample.trackUuid = Self.seriesUUID(series)
            sample.counterValue = value
            try writeEvent(sample, at: event.time)
        }
    }

    private func record(_ event: ViewerEvent) {
        switch (event.name, event.arguments) {
        case ("process_name", .name(let name)?): sectionNames[event.section] = name
        case ("process_sort_index", .sortIndex(let index)?): sectionOrder[event.section] = index
        case ("thread_name", .name(let name)?): trackNames[event.track] = name
        case ("thread_sort_index", .sortIndex(let index)?): trackOrder[event.track] = index
        default: break
        }
    }

    // MARK: Interning

    private func eventName(_ name: String) -> UInt64 {
        if let iid = eventNames[name] { return iid }
        let iid = UInt64(eventNames.count + 1)
        eventNames[name] = iid
        var entry = Gotrace_Perfetto_EventName()
        entry.iid = iid
        entry.name = name
        newStrings.eventNames.append(entry)
        noteInterned()
        return iid
    }

    private func category(_ name: String) -> UInt64 {
        if let iid = categories[name] { return iid }
        let iid = UInt64(categories.count + 1)
        categories[name] = iid
        var entry = Gotrace_Perfetto_EventCategory()
        entry.iid = iid
        entry.name = name
        newStrings.eventCategories.append(entry)
        noteInterned()
        return iid
    }

    private func annotationName(_ name: String) -> UInt64 {
        if let iid = annotationNames[name] { return iid }
        let iid = UInt64(annotationNames.count + 1)
        annotationNames[name] = iid
        var entry = Gotrace_Perfetto_DebugAnnotationName()
        entry.iid = iid
        entry.name = name
        newStrings.debugAnnotationNames.append(entry)
        noteInterned()
        return iid
    }

    private func annotationString(_ text: String) -> UInt64 {
        if let iid = annotationStrings[text] { return iid }
        let iid = UInt64(annotationStrings.count + 1)
        annotationStrings[text] = iid
        var entry = Gotrace_Perfetto_InternedString()
        entry.iid = iid
        entry.str = Data(text.utf8)
        newStrings.debugAnnotationStringValues.append(entry)
        noteInterned()
        return iid
    }

    private func frameString(_ frame: Int) -> UInt64 {
        if let iid = frameStrings[frame] { return iid }
        let iid = annotationString(frames.name(of: frame))
        frameStrings[frame] = iid
        return iid
    }

    private func noteInterned() {
        interned += 1
        hasNewStrings = true
    }

    /// Drops the tables once they are full; the next packet that refers to them clears the
    /// sequence's state and brings its strings along again.
    private func limitInterned() {
        guard interned >= internLimit else { return }
        eventNames.removeAll(keepingCapacity: true)
        categories.removeAll(keepingCapacity: true)
        annotationNames.removeAll(keepingCapacity: true)
        annotationStrings.removeAll(keepingCapacity: true)
        frameStrings.removeAll(keepingCapacity: true)
        interned = 0
        stateCleared = true
    }

    // MARK: Packets

    private func writeEvent(_ trackEvent: TrackEvent, at time: Int64) throws {
        var packet = Packet()
        // Viewer times count from the first event, so they are not negative.
        packet.timestamp = UInt64(max(time, 0))
        packet.trackEvent = trackEvent
        if hasNewStrings {
            packet.internedData = newStrings
            newStrings = Gotrace_Perfetto_InternedData()
            hasNewStrings = false
        }
        if trackEvent.nameField != nil || !trackEvent.debugAnnotations.isEmpty || !trackEvent.categoryIids.isEmpty {
            if stateCleared {
                packet.sequenceFlags = UInt32(Packet.SequenceFlags.seqIncrementalStateCleared.rawValue)
                    | UInt32(Packet.SequenceFlags.seqNeedsIncrementalState.rawValue)
                stateCleared = false
            } else {
                packet.sequenceFlags = UInt32(Packet.SequenceFlags.seqNeedsIncrementalState.rawValue)
            }
        }
        try writePacket(&packet)
        limitInterned()
    }

    private func writeDescriptor(_ descriptor: Gotrace_Perfetto_TrackDescriptor) throws {
        var packet = Packet()
        packet.trackDescriptor = descriptor
        try writePacket(&packet)
    }

    /// Frames a packet as a `packet` field of `Trace` (tag, length, bytes) into the buffer.
    private func writePacket(_ packet: inout Packet) throws {
        packet.trustedPacketSequenceID = Self.sequence
        if firstPacket {
            packet.firstPacketOnSequence = true
            firstPacket = false
        }
        let bytes: [UInt8] = try packet.serializedBytes()
        buffer.append(0x0A) // field 1, length-delimited
        var length = UInt64(bytes.count)
        while length >= 0x80 {
            buffer.append(UInt8(truncatingIfNeeded: length) | 0x80)
            length >>= 7
        }
        buffer.append(UInt8(length))
        buffer.append(contentsOf: bytes)
        if buffer.count >= Self.chunkSize { try flush() }
    }

    private func flush() throws {
        guard !buffer.isEmpty else { return }
        try buffer.withUnsafeBytes { try sink($0) }
        buffer.removeAll(keepingCapacity: true)
    }

    // MARK: Tracks

    /// The counter tracks come first: Perfetto's reader must know a track holds counters
    /// before it reads the samples on it.
    private func writeCounterTracks() throws {
        for series in Series.allCases {
            var descriptor = Gotrace_Perfetto_TrackDescriptor()
            descriptor.uuid = Self.seriesUUID(series)
            descriptor.parentUuid = Self.sectionUUID(.statistics)
            descriptor.name = series.name
            descriptor.counter = Gotrace_Perfetto_CounterDescriptor()
            descriptor.siblingOrderRank = Int32(series.rawValue)
            try writeDescriptor(descriptor)
        }
    }

    /// The section and timeline tracks, named now that the metadata has come: the sections in
    /// their sort order, then each section's tracks ranked by sort index and then ID, as
    /// Catapult orders them. Tracks that were drawn on but never named are named by their ID.
    func finish(frames: ViewerFrames) throws {
        if firstPacket { try writeCounterTracks() }
        let sections = sectionNames.keys.sorted { (sectionOrder[$0] ?? 0, $0.rawValue) < (sectionOrder[$1] ?? 0, $1.rawValue) }
        for (rank, section) in sections.enumerated() {
            var descriptor = Gotrace_Perfetto_TrackDescriptor()
            descriptor.uuid = Self.sectionUUID(section)
            descriptor.name = sectionNames[section] ?? ""
            descriptor.childOrdering = .explicit
            descriptor.siblingOrderRank = Int32(rank)
            try writeDescriptor(descriptor)
        }
        let named = trackNames.keys.sorted { (trackOrder[$0] ?? 0, $0) < (trackOrder[$1] ?? 0, $1) }
        let unnamed = usedTracks.subtracting(trackNames.keys).sorted()
        for (rank, track) in (named + unnamed).enumerated() {
            var descriptor = Gotrace_Perfetto_TrackDescriptor()
            descriptor.uuid = Self.trackUUID(track)
            descriptor.parentUuid = Self.sectionUUID(.timelines)
            descriptor.name = trackNames[track] ?? String(track)
            descriptor.siblingOrderRank = Int32(clamping: rank)
            try writeDescriptor(descriptor)
            for lane in 1..<(lanes[track]?.count ?? 1) {
                var overlap = Gotrace_Perfetto_TrackDescriptor()
                overlap.uuid = Self.laneUUID(track, lane: lane)
                overlap.parentUuid = descriptor.uuid
                overlap.name = descriptor.name
                overlap.siblingOrderRank = Int32(clamping: lane)
                try writeDescriptor(overlap)
            }
        }
        try flush()
    }
}

/// The lanes of one track: lane 0 is the track, each further lane an overlap track. A slice goes
/// on the first lane where Perfetto will nest it properly among the slices already written
/// there. Perfetto sorts events by time and keeps the file order among equal times, and a slice
/// is written (begin and end together) when it ends, so what matters is each pair of slices on a
/// lane and their order in the file. Only the latest ``remembered`` slices of a lane are
/// compared, which keeps the state small; Go's views put a slice in conflict with recent ones.
struct ViewerSliceLanes {
    private var recent: [[(start: Int64, end: Int64)]] = [[]]
    static let remembered = 32

    /// How many lanes the track has.
    var count: Int { recent.count }

    /// The lane for a slice written after all the slices placed so far.
    mutating func place(start: Int64, end: Int64) -> Int {
        var lane = 0
        while lane < recent.count && recent[lane].contains(where: { Self.conflict(earlier: $0, later: (start, end)) }) {
            lane += 1
        }
        if lane == recent.count { recent.append([]) }
        if recent[lane].count == Self.remembered { recent[lane].removeFirst() }
        recent[lane].append((start, end))
        return lane
    }

    /// Whether Perfetto, replaying the two slices' begins and ends by time (file order among
    /// equal times, `earlier`'s first), would pair an end with the other slice's begin.
    static func conflict(earlier a: (start: Int64, end: Int64), later b: (start: Int64, end: Int64)) -> Bool {
        if a.end <= b.start || b.end < a.start { return false }
        // The later slice ends where the earlier begins: its end sorts after that begin, unless
        // the later slice is empty and so nests at the start of the earlier one.
        if b.end == a.start { return b.start < b.end }
        if a.start <= b.start && b.end <= a.end { return false } // the later inside the earlier
        if b.start < a.start && a.end <= b.end { return false } // the earlier inside the later
        // Equal ends pair either way with the right times; equal begins make the earlier the
        // outer one, which only works if it is not the shorter.
        return !(a.start == b.start && a.end == b.end)
    }
}
