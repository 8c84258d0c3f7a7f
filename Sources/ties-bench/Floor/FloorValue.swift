import CSQLite

/// A column value copied out of SQLite, to be bound again unchanged.
enum FloorValue {
    case null
    case integer(Int64)
    case real(Double)
    case text([UInt8])
    case blob([UInt8])
}
