/// How many links a record may have on each side of one relationship type.
public enum Cardinality: String, Sendable, Hashable, CaseIterable {
    case oneToOne = "ONE_TO_ONE"
    case oneToMany = "ONE_TO_MANY"
    case manyToOne = "MANY_TO_ONE"
    case manyToMany = "MANY_TO_MANY"

    /// A `to` record may have at most one `from` (ONE_TO_MANY, ONE_TO_ONE).
    public var limitsFromsPerTo: Bool { self == .oneToMany || self == .oneToOne }
    /// A `from` record may have at most one `to` (MANY_TO_ONE, ONE_TO_ONE).
    public var limitsTosPerFrom: Bool { self == .manyToOne || self == .oneToOne }
}
