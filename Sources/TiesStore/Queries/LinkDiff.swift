import TiesCore

/// A page of what differs between the ledger's links at two seqs
/// (TiesCore.docc/Rules.md, "Diff"): every link current at one of them
/// whose presence or attributes are not the same at the other.
public struct LinkDiff: Sendable, Equatable {
    /// One link that differs: its attributes at the first seq and at the
    /// second, nil where it was not current.
    public struct Difference: Sendable, Equatable {
        public enum Kind: Sendable { case added, removed, changed }
        public var type: RelationshipType
        public var from: RecordRef
        public var to: RecordRef
        public var before: Attributes?
        public var after: Attributes?

        public var key: LinkKey { LinkKey(typeId: type.id, from: from, to: to) }

        public var kind: Kind {
            switch (before, after) {
            case (nil, _): return .added
            case (_, nil): return .removed
            default: return .changed
            }
        }
    }

    /// The seqs whose states are compared (each the last whole commit at or before its point).
    public var fromSeq: Int64
    public var toSeq: Int64
    /// In diff order: by the type's number, then the `from` and `to` records' numbers.
    public var differences: [Difference]
    /// The opaque cursor of the next page, nil on the last one.
    public var next: String?
}
