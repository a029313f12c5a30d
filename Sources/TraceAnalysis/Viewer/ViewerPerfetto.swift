import Foundation
import SwiftProtobuf

/// The viewer's events as a native Perfetto trace: `TracePacket`s, each framed as field 1 of the
/// outer `Trace` message and handed to the sink as soon as a chunk fills, so the file streams.
///
/// The layout follows the JSON view: each Catapult process (`pid`) becomes a parent track, each
/// of its threads (`tid`) a child track with the JSON's name, and the JSON's sort indexes become
/// the children's order. A complete slice becomes a begin and an end on its track; an instant
/// stays an instant; each series of a counter gets its own counter track, with a sample where
/// its value changes; each flow arrow becomes an instant at both ends, carrying the flow ID.
/// Arguments and stacks become debug annotations.
///
/// Perfetto nests the slices of one track by their begins and ends, which the JSON does not
/// need: Go's views can draw a slice that starts inside another and ends after it, or two that
/// start together. Such a slice goes on an overlap track, a child of its track with the same
/// name (see ``ViewerSliceLanes``).
///
/// All packets belong to one sequence. Event names, categories, annotation names and annotation
/// strings (whole stacks among them) are interned on it. When the tables reach `internLimit`
/// entries (65,536 unless a test asks for fewer) or 16 MiB of strings, they are dropped and the
/// sequence's state is cleared, so memory stays bounded whatever the trace's size.
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
    /// A stack's innermost frame ID to the iid of the stack's string among the annotation strings.
    private var stackStrings: [Int: UInt64] = [:]
    /// Strings and their bytes in the tables.
    private var interned = 0
    private var internedBytes = 0
    /// The bytes the tables may hold before they are dropped.
    private static let internByteLimit = 16 << 20
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

    // Track IDs are small numbers, since every event carries one as a varint: the two sections,
    // then the counter series, then the timeline tracks and their lanes in the order they are
    // first used (the same for the same trace).

    private static func sectionUUID(_ section: ViewerEvent.Section) -> UInt64 {
        section.rawValue + 1
    }

    private static func seriesUUID(_ series: Series) -> UInt64 {
        3 + UInt64(series.rawValue)
    }

    private struct Lane: Hashable {
        var track: UInt64
        var lane: Int
    }

    private var laneUUIDs: [Lane: UInt64] = [:]
    private static let firstTrackUUID: UInt64 = 16

    /// The ID of a track's `lane`th lane; lane 0 is the track itself, the others its overlap tracks.
    private func laneUUID(_ track: UInt64, lane: Int = 0) -> UInt64 {
        let key = Lane(track: track, lane: lane)
        if let uuid = laneUUIDs[key] { return uuid }
        let uuid = Self.firstTrackUUID + UInt64(laneUUIDs.count)
        laneUUIDs[key] = uuid
        return uuid
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
            begin.trackUuid = laneUUID(event.track, lane: lane)
            begin.nameIid = eventName(event.name)
            annotate(&begin, event)
            try writeEvent(begin, at: event.time)
            try writeBareEvent(.sliceEnd, track: begin.trackUuid, at: end)
        case .instant:
            usedTracks.insert(event.track)
            var instant = trackEvent(.instant, event)
            instant.nameIid = eventName(event.name)
            annotate(&instant, event)
            try writeEvent(instant, at: event.time)
        case .flowStart, .flowStep:
            usedTracks.insert(event.track)
            // One end of an arrow: an instant that starts or ends the flow.
            var arrowEnd = trackEvent(.instant, event)
            arrowEnd.nameIid = eventName(event.name)
            if event.phase == .flowStart {
                arrowEnd.flowIds = [event.id]
            } else {
                arrowEnd.terminatingFlowIds = [event.id]
            }
            annotate(&arrowEnd, event)
            try writeEvent(arrowEnd, at: event.time)
        case .counter:
            try writeCounters(event)
        case .metadata:
            record(event)
        }
    }

    private func trackEvent(_ type: TrackEvent.TypeEnum, _ event: ViewerEvent) -> TrackEvent {
        var trackEvent = TrackEvent()
        trackEvent.type = type
        trackEvent.trackUuid = laneUUID(event.track)
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

    /// A stack as one interned string: its frame names (`function:line`), innermost first, one
    /// per line. One string per stack rather than a list of frames keeps an event's stack to a
    /// few bytes, since most events repeat a stack seen before.
    private func stackAnnotation(_ name: String, _ id: Int) -> Annotation {
        var annotation = Annotation()
        annotation.nameIid = annotationName(name)
        annotation.stringValueIid = stackString(id)
        return annotation
    }

    /// The value each series last had in the file; nil before its first sample.
    private var seriesValues = [Int64?](repeating: nil, count: Series.allCases.count)

    /// A sample for each series of the counter whose value changed, on the series' own counter
    /// track. A counter track holds its value until the next sample, so the series show the
    /// same steps as the JSON's, where every sample repeats the unchanged series too.
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
        for (series, value) in samples where seriesValues[series.rawValue] != value {
            seriesValues[series.rawValue] = value
            try writeBareEvent(.counter, track: Self.seriesUUID(series), counter: value, at: event.time)
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

    /// The iid of `key` in `table`. A string new to the table gets the next iid, and `announce`
    /// adds it to the interned data of the packet being built.
    private func intern(_ key: String, in table: inout [String: UInt64], announce: (UInt64) -> Void) -> UInt64 {
        if let iid = table[key] { return iid }
        let iid = UInt64(table.count + 1)
        table[key] = iid
        announce(iid)
        noteInterned()
        return iid
    }

    private func eventName(_ name: String) -> UInt64 {
        intern(name, in: &eventNames) { iid in
            var entry = Gotrace_Perfetto_EventName()
            entry.iid = iid
            entry.name = name
            newStrings.eventNames.append(entry)
        }
    }

    private func category(_ name: String) -> UInt64 {
        intern(name, in: &categories) { iid in
            var entry = Gotrace_Perfetto_EventCategory()
            entry.iid = iid
            entry.name = name
            newStrings.eventCategories.append(entry)
        }
    }

    private func annotationName(_ name: String) -> UInt64 {
        intern(name, in: &annotationNames) { iid in
            var entry = Gotrace_Perfetto_DebugAnnotationName()
            entry.iid = iid
            entry.name = name
            newStrings.debugAnnotationNames.append(entry)
        }
    }

    private func annotationString(_ text: String) -> UInt64 {
        intern(text, in: &annotationStrings) { iid in
            var entry = Gotrace_Perfetto_InternedString()
            entry.iid = iid
            entry.str = Data(text.utf8)
            newStrings.debugAnnotationStringValues.append(entry)
            internedBytes += text.utf8.count
        }
    }

    /// A stack's string; the frame ID of its innermost frame names the whole stack.
    private func stackString(_ frame: Int) -> UInt64 {
        if let iid = stackStrings[frame] { return iid }
        var text = frames.name(of: frame)
        var node = frames.parent(of: frame)
        while node != 0 {
            text += "\n"
            text += frames.name(of: node)
            node = frames.parent(of: node)
        }
        let iid = annotationString(text)
        stackStrings[frame] = iid
        return iid
    }

    private func noteInterned() {
        interned += 1
        hasNewStrings = true
    }

    /// Drops the tables once they are full; the next packet that refers to them clears the
    /// sequence's state and brings its strings along again.
    private func limitInterned() {
        guard interned >= internLimit || internedBytes >= Self.internByteLimit else { return }
        eventNames.removeAll(keepingCapacity: true)
        categories.removeAll(keepingCapacity: true)
        annotationNames.removeAll(keepingCapacity: true)
        annotationStrings.removeAll(keepingCapacity: true)
        stackStrings.removeAll(keepingCapacity: true)
        interned = 0
        internedBytes = 0
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

    /// A slice end or a counter sample: the most frequent packets, which refer to no interned
    /// string. They are encoded here directly, in the field order SwiftProtobuf uses, rather
    /// than through a message: building and sizing a message took most of the writing time.
    /// PerfettoTests holds the bytes equal to SwiftProtobuf's for the same packet.
    private func writeBareEvent(_ type: TrackEvent.TypeEnum, track: UInt64, counter: Int64? = nil, at time: Int64) throws {
        guard !firstPacket else {
            var trackEvent = TrackEvent()
            trackEvent.type = type
            trackEvent.trackUuid = track
            if let counter { trackEvent.counterValue = counter }
            return try writeEvent(trackEvent, at: time)
        }
        Self.appendBarePacket(to: &buffer, type: type, track: track, counter: counter,
                              time: UInt64(max(time, 0)), sequence: Self.sequence)
        if buffer.count >= Self.chunkSize { try flush() }
    }

    /// Frames a bare packet (see ``writeBareEvent(_:track:counter:at:)``) onto `bytes`.
    static func appendBarePacket(to bytes: inout [UInt8], type: Gotrace_Perfetto_TrackEvent.TypeEnum, track: UInt64,
                                 counter: Int64?, time: UInt64, sequence: UInt32) {
        // TrackEvent: type (9, varint), track_uuid (11, varint), counter_value (30, varint).
        let eventLength = 2 + 1 + varintSize(track) + (counter.map { 2 + varintSize(UInt64(bitPattern: $0)) } ?? 0)
        // TracePacket: timestamp (8), trusted_packet_sequence_id (10), track_event (11).
        let packetLength = 1 + varintSize(time) + 1 + varintSize(UInt64(sequence)) + 1 + varintSize(UInt64(eventLength)) + eventLength
        bytes.append(0x0A) // Trace.packet
        appendVarint(UInt64(packetLength), to: &bytes)
        bytes.append(8 << 3)
        appendVarint(time, to: &bytes)
        bytes.append(10 << 3)
        appendVarint(UInt64(sequence), to: &bytes)
        bytes.append(11 << 3 | 2)
        appendVarint(UInt64(eventLength), to: &bytes)
        bytes.append(9 << 3)
        bytes.append(UInt8(type.rawValue))
        bytes.append(11 << 3)
        appendVarint(track, to: &bytes)
        if let counter {
            appendVarint(30 << 3, to: &bytes)
            appendVarint(UInt64(bitPattern: counter), to: &bytes)
        }
    }

    private static func varintSize(_ value: UInt64) -> Int {
        value == 0 ? 1 : (64 - value.leadingZeroBitCount + 6) / 7
    }

    private static func appendVarint(_ value: UInt64, to bytes: inout [UInt8]) {
        var value = value
        while value >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: value) | 0x80)
            value >>= 7
        }
        bytes.append(UInt8(value))
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
        buffer.append(0x0A) // Trace.packet: field 1, length-delimited
        Self.appendVarint(UInt64(bytes.count), to: &buffer)
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
            descriptor.uuid = laneUUID(track)
            descriptor.parentUuid = Self.sectionUUID(.timelines)
            descriptor.name = trackNames[track] ?? String(track)
            descriptor.siblingOrderRank = Int32(clamping: rank)
            try writeDescriptor(descriptor)
            for lane in 1..<(lanes[track]?.count ?? 1) {
                var overlap = Gotrace_Perfetto_TrackDescriptor()
                overlap.uuid = laneUUID(track, lane: lane)
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
/// lane and their order in the file.
///
/// A lane remembers its outermost slices (those no later slice contains), which a slice that
/// ends after them either contains, follows, or starts inside of, and its latest
/// ``remembered`` slices, for the slices nested inside those. Up to ``outermostLimit``
/// outermost slices are kept, the latest ones: a slice in conflict with an older one than that
/// would go undetected, which needs a slice that started before thousands of others on its track
/// and ended after them, sharing neither start nor end.
struct ViewerSliceLanes {
    typealias Slice = (start: Int64, end: Int64)

    private struct Lane {
        var recent: [Slice] = []
        /// Sorted by start, and disjoint except where ends meet starts.
        var outermost: [Slice] = []

        /// How many outermost slices start before `time` (or at it, with `orAt`).
        func countStarting(before time: Int64, orAt: Bool) -> Int {
            var low = 0, high = outermost.count
            while low < high {
                let middle = (low + high) / 2
                let start = outermost[middle].start
                if start < time || (orAt && start == time) { low = middle + 1 } else { high = middle }
            }
            return low
        }

        func accepts(_ slice: Slice) -> Bool {
            if recent.contains(where: { ViewerSliceLanes.conflict(earlier: $0, later: slice) }) { return false }
            // From the outermost slice the new one starts in (or after) to the last one that
            // starts before it ends.
            var index = max(countStarting(before: slice.start, orAt: true) - 1, 0)
            while index < outermost.count && outermost[index].start <= slice.end {
                if ViewerSliceLanes.conflict(earlier: outermost[index], later: slice) { return false }
                index += 1
            }
            return true
        }

        mutating func add(_ slice: Slice) {
            if recent.count == ViewerSliceLanes.remembered { recent.removeFirst() }
            recent.append(slice)
            let next = countStarting(before: slice.start, orAt: false)
            // Inside an outermost slice that starts before it, or at the same time.
            if next > 0 && outermost[next - 1].end >= slice.end { return }
            if next < outermost.count && outermost[next].start == slice.start && outermost[next].end > slice.end { return }
            // The outermost slices the new one contains are now inside it.
            var last = next
            while last < outermost.count && outermost[last].end <= slice.end { last += 1 }
            outermost.replaceSubrange(next..<last, with: [slice])
            if outermost.count > ViewerSliceLanes.outermostLimit {
                outermost.removeFirst(outermost.count - ViewerSliceLanes.outermostLimit / 2)
            }
        }
    }

    private var lanes = [Lane()]
    static let remembered = 32
    static let outermostLimit = 1 << 14

    /// How many lanes the track has.
    var count: Int { lanes.count }

    /// The lane for a slice written after all the slices placed so far.
    mutating func place(start: Int64, end: Int64) -> Int {
        let slice = (start: start, end: end)
        var lane = 0
        while lane < lanes.count && !lanes[lane].accepts(slice) { lane += 1 }
        if lane == lanes.count { lanes.append(Lane()) }
        lanes[lane].add(slice)
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
