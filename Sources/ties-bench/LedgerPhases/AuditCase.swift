/// The audit searches timed: one for each filter `ties audit` takes, and
/// the two the issue asks as examples ("everything user X changed last
/// week", "every unlink in type T since Monday").
enum AuditCase: String, CaseIterable {
    case unfiltered = "no filter"
    case timeRange = "since/until (times)"
    case actor = "actor"
    case type = "relationshipType"
    case record = "record"
    case op = "op"
    case actorSince = "actor + since"
    case unlinksOfTypeSince = "op unlink + relationshipType + since"
}
