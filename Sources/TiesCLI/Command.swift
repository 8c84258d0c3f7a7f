import TiesCore
import TiesStore

/// A `ties` command: its declared spec and what it does.
protocol Command: SendableMetatype {
    static var spec: CommandSpec { get }
    /// Returns the exit code; throws `UsageError` (exit 2) or `LedgerError`
    /// (exit 1 for rejections, 3 for storage failures).
    static func run(_ context: Context) throws -> Int32
}
