import Glibc

/// Signals Ties sends to other processes (tests and the benchmark stop the
/// servers they start).
public enum ProcessSignal: Sendable {
    case kill, terminate, interrupt

    public var number: Int32 {
        switch self {
        case .kill: return SIGKILL
        case .terminate: return SIGTERM
        case .interrupt: return SIGINT
        }
    }

    /// Sends this signal to `pid`; false if there is no such process.
    @discardableResult
    public func send(to pid: Int32) -> Bool {
        Glibc.kill(pid, number) == 0
    }
}
