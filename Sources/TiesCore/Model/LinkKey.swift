/// One link's identity: at most one current link per triple (TiesCore.docc/Vocabulary.md).
public struct LinkKey: Hashable, Sendable {
    public var typeId: String
    public var from: RecordRef
    public var to: RecordRef

    public init(typeId: String, from: RecordRef, to: RecordRef) {
        self.typeId = typeId
        self.from = from
        self.to = to
    }
}
