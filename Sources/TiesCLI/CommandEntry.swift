import TiesCore
import TiesStore

/// A command's spec and entry point, as a value (the command table).
struct CommandEntry: Sendable {
    let spec: CommandSpec
    let run: @Sendable (Context) throws -> Int32

    init<C: Command>(_ command: C.Type) {
        spec = C.spec
        run = { try C.run($0) }
    }
}
