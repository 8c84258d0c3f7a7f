import TiesCore

/// One version of a link: its attributes over `[fromSeq, toSeq)`; `toSeq`
/// is nil while the version is current.
public struct LinkVersion: Sendable, Equatable {
    public var attributes: Attributes
    /// When this life of the link began (a relink starts a new one).
    public var linkedSeq: Int64
    public var fromSeq: Int64
    public var fromAt: Timestamp
    public var toSeq: Int64?
    public var toAt: Timestamp?
}
