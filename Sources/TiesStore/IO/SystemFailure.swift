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

extension LedgerError {
    /// A ledger file that is a symbolic link. Ties never follows one (it
    /// could make a write, or the cut of a torn tail, land on a file outside
    /// the ledger), so the ledger is refused until a person looks.
    static func symbolicLink(_ path: String) -> LedgerError {
        LedgerError(.ledgerDamaged, """
            \(path) is a symbolic link; a ledger's files must be regular files in its directory, and Ties does not \
            follow links to them. Replace the link with the file itself, or move it away.
            """, details: ["path": .string(path)])
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
