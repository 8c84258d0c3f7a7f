/// Which end of a link a record is on.
public enum LinkSide: Sendable, Hashable {
    case from
    case to
}
