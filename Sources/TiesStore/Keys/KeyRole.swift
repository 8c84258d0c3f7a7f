import Synchronization
import TiesCore
import TiesSystem

/// What an API key may do (TiesHTTP.docc/Headers.md): `read` (GET), `append` (read + writes),
/// `admin` (append + keys and snapshots).
public enum KeyRole: String, Sendable, CaseIterable, Comparable {
    case read, append, admin

    private var rank: Int { KeyRole.allCases.firstIndex(of: self) ?? 0 }
    public static func < (lhs: KeyRole, rhs: KeyRole) -> Bool { lhs.rank < rhs.rank }
}
