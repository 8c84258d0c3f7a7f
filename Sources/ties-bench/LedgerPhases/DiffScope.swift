/// What a timed diff covers, as `ties diff` takes it.
enum DiffScope: String, CaseIterable {
    case ledger = "whole ledger"
    case record = "one record (--record)"
    case type = "one type (--type)"
}
