import Testing

extension Support.Fixture: CustomTestStringConvertible {
    public var testDescription: String { description }
}
