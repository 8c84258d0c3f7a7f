import TiesCore
import TiesSystem

extension LedgerError {
    /// An operating-system failure as the store reports it: `io_error`
    /// naming the call, the path and errno.
    public init(_ failure: SystemError) {
        self.init(.ioError, failure.description, details: [
            "syscall": .string(failure.call), "path": .string(failure.subject), "errno": .int(Int64(failure.errno)),
        ])
    }
}

/// Runs a TiesSystem call, turning its failure into the store's `io_error`.
func withSystemCall<Result>(_ body: () throws(SystemError) -> Result) throws(LedgerError) -> Result {
    do {
        return try body()
    } catch {
        throw LedgerError(error)
    }
}
