/// Every limit Ties enforces, in one place, each with its bound and its reason
/// (the SQLite `sqliteLimit.h` habit). Inputs past a limit are rejected with
/// `invalid_field` (or `payload_too_large` at the HTTP edge), never truncated.
public enum Limits {
    /// Record IDs are opaque UTF-8 strings of 1–255 *bytes* (SPEC §1).
    public static let recordIDBytesMax = 255
    /// Object type names and roles: 1–255 Unicode scalars (SPEC §1).
    public static let nameScalarsMax = 255
    /// Descriptions: 1–1000 Unicode scalars (SPEC §1).
    public static let descriptionScalarsMax = 1000
    /// Attribute keys: 1–255 Unicode scalars (SPEC §1).
    public static let attributeKeyScalarsMax = 255
    /// String attribute values: at most 4096 UTF-8 bytes (SPEC §1).
    public static let attributeStringBytesMax = 4096
    /// Attributes on one link, after any merge (SPEC §1).
    public static let attributesPerLinkMax = 100
    /// Events in one commit (SPEC §1).
    public static let eventsPerCommitMax = 10_000
    /// Operations in one commit: a commit of no-ops still costs validation work.
    public static let operationsPerCommitMax = 10_000
    /// Encoded size of one commit in the log (SPEC §1): 16 MiB.
    public static let commitBytesMax = 16 * 1024 * 1024
    /// One operation line (import) or one batch item; a line longer than a
    /// whole commit can never be committed, so it is refused while reading.
    public static let operationLineBytesMax = 16 * 1024 * 1024
    /// Actor names: who did it must stay short enough to show in a table.
    public static let actorScalarsMax = 255
    /// Reasons: a sentence or a ticket reference, not a document.
    public static let reasonScalarsMax = 1000
    /// Idempotency keys: clients use UUIDs or similar; 255 leaves room.
    public static let idempotencyKeyScalarsMax = 255
    /// JSON nesting in operations: attribute values are scalars, so real
    /// input never needs more than a handful of levels.
    public static let jsonDepthMax = 16
    /// Page size for history and listings.
    public static let pageSizeMax = 1000
    public static let pageSizeDefault = 50
}
