/// Which pair of endpoint fields an operation used: `personExternalId` +
/// `customObjectExternalId`, or `parentExternalId` + `childExternalId`. It
/// must match the type's kind.
public enum EndpointStyle: Hashable, Sendable {
    case personAndObject
    case parentAndChild
    /// The CLI names records as `TYPE:ID`, which fits either kind.
    case records
}
