import TraceV2

extension Ordering {
    /// What the ordering knows, as Go's parser lists it after "failed to advance": each
    /// goroutine, P and thread, then the GC. Go walks its maps in random order; here each
    /// section is sorted by ID, so the same trace always gives the same text.
    func stateDump() -> String {
        var text = ""
        for (id, state) in goroutines.sortedEntries() {
            text += "G \(id) [status=\(GoStatus.displayName(forRawValue: UInt64(state.status))) seq=\(Self.describe(state.sequence))]\n"
        }
        text += "\n"
        for (id, state) in procs.sortedEntries() {
            text += "P \(id) [status=\(ProcStatus.displayName(forRawValue: UInt64(state.status))) seq=\(Self.describe(state.sequence))]\n"
        }
        text += "\n"
        for (id, state) in sortedThreads() {
            text += "M \(id) [g=\(state.goroutine) p=\(state.proc)]\n"
        }
        text += "\n"
        let gc = switch gcState {
        case .undetermined: "Undetermined"
        case .notRunning: "NotRunning"
        case .running: "Running"
        }
        return text + "GC \(gcSequence) \(gc)\n"
    }

    private static func describe(_ sequence: Sequence) -> String {
        "\(sequence.value) (gen=\(sequence.generation))"
    }
}
