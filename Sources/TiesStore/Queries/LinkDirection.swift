/// Which links of a record a listing holds, by the record's side of them
/// (the `direction` of `GET …/relationships`, `ties show --direction`).
/// No direction is the default listing: links the record is the `from` of
/// in every type, and those it is the `to` of in types bidirectional at the
/// listing's seq.
public enum LinkDirection: String, Sendable, CaseIterable {
    /// Links the record is the `from` of, in every type.
    case outbound
    /// Links the record is the `to` of, in every type, bidirectional or not.
    case inbound
    /// Both of the above.
    case both
}
