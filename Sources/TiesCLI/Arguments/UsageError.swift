import TiesCore

/// A mistake in how the command was called: exit code 2.
struct UsageError: Error {
    let message: String
    let command: String?
}
