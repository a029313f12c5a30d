@_exported import TestSupport
import TraceGenCore

extension TraceModel {
    /// The event with this name. Tests look events up by name; renderers and the diff never do.
    func event(named name: String) -> Event? { events.first { $0.name == name } }
}
