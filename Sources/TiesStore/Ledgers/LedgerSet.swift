import TiesCore

/// The ledgers of one `ties serve --ledgers DIR`: every `DIR/NAME/` holding a
/// log is a ledger; `DIR/keys.json` holds the server-wide keys;
/// `DIR/.retired/` holds retired ledgers, moved aside and never deleted.
/// Creating, retiring and restoring take `DIR/ledgers.lock`, so a CLI and a
/// running server change the set one at a time; retiring also takes the
/// ledger's own writer lock, so nothing is writing it while it moves.
public struct LedgerSet: Sendable {
    public let directory: String
    private let fileSystem: any FileSystem

    /// A ledger moved aside: its name then, and where it is now.
    public struct Retired: Sendable, Equatable {
        public let name: LedgerName
        /// The entry under `.retired/`: `NAME.TIME` (`-2`, `-3`… when one retired in the same millisecond).
        public let entry: String
    }

    /// `directory` must exist (`ledger_not_found` otherwise): a typo in
    /// `--ledgers` should not serve an empty set.
    public init(directory: String) throws(LedgerError) {
        self.init(layout: LedgerLayout(directory: directory))
        guard fileSystem.isDirectory(self.directory) else {
            throw LedgerError(.ledgerNotFound, "no directory of ledgers at \(self.directory) (create it, then `ties ledgers create NAME --ledgers \(self.directory)`)",
                              details: ["path": .string(self.directory)])
        }
        if fileSystem.isSymbolicLink(keysPath) { throw LedgerError.symbolicLink(keysPath) }
    }

    private init(layout: LedgerLayout) {
        directory = layout.directory
        fileSystem = layout.fileSystem
    }

    /// The server-wide keys: `DIR/keys.json`.
    public var keys: KeyStore { KeyStore(ledgerDirectory: directory) }
    private var keysPath: String { directory + "/keys.json" }
    private var retiredDirectory: String { directory + "/.retired" }
    private var lockPath: String { directory + "/ledgers.lock" }

    /// Where the ledger called `name` is (or would be).
    public func path(of name: LedgerName) -> String { directory + "/" + name.text }

    /// True when `name` is a ledger now (a real directory with a log, not a symbolic link).
    public func contains(_ name: LedgerName) -> Bool {
        let path = path(of: name)
        return !fileSystem.isSymbolicLink(path) && fileSystem.isDirectory(path) && Ledger.exists(at: path)
    }

    /// Every ledger, by name. Entries that are not valid names (dot
    /// files, `keys.json`, stray files) are not ledgers.
    public func names() throws(LedgerError) -> [LedgerName] {
        try fileSystem.listDirectory(directory).compactMap(LedgerName.init).filter(contains).sorted()
    }

    /// Every retired ledger, oldest entry name first.
    public func retired() throws(LedgerError) -> [Retired] {
        if fileSystem.isSymbolicLink(retiredDirectory) { throw LedgerError.symbolicLink(retiredDirectory) }
        return try fileSystem.listDirectory(retiredDirectory).sorted(by: utf8Less).compactMap { entry in
            guard let dot = entry.firstIndex(of: "."), let name = LedgerName(String(entry[..<dot])) else { return nil }
            return Retired(name: name, entry: entry)
        }
    }

    /// Creates an empty ledger called `name`; `ledger_exists` if there is one.
    @discardableResult
    public func create(_ name: LedgerName) throws(LedgerError) -> LedgerLayout {
        try changing { () throws(LedgerError) in
            let path = path(of: name)
            if fileSystem.isSymbolicLink(path) { throw LedgerError.symbolicLink(path) }
            // A directory without a log (a create cut short by a crash) is made a ledger now.
            if Ledger.exists(at: path) { throw Self.exists(name) }
            return try Ledger.create(at: path)
        }
    }

    /// Moves the ledger into `.retired/` (durably: both directories are
    /// synced). `ledger_busy` while any process has it open for writing — a
    /// running server retires a ledger it serves itself, once it has closed it.
    public func retire(_ name: LedgerName, now: Timestamp) throws(LedgerError) -> Retired {
        try changing { () throws(LedgerError) in
            guard contains(name) else { throw Self.notFound(name) }
            let layout = LedgerLayout(directory: path(of: name), fileSystem: fileSystem)
            guard let writerLock = try WriterLock.acquire(path: layout.lock, timeoutMs: 0, fileSystem: fileSystem) else {
                throw LedgerError(.ledgerBusy, "ledger '\(name)' is open for writing by another process (a CLI command, or a server serving it: retire it through that server, DELETE /v1/ledgers/\(name))",
                                  details: ["name": .string(name.text)])
            }
            if fileSystem.isSymbolicLink(retiredDirectory) { throw LedgerError.symbolicLink(retiredDirectory) }
            try fileSystem.makeDirectories(retiredDirectory)
            let entry = unusedEntry(for: name, at: now)
            try fileSystem.rename(layout.directory, retiredDirectory + "/" + entry)
            try fileSystem.fsyncDirectory(retiredDirectory)
            try fileSystem.fsyncDirectory(directory)
            withExtendedLifetime(writerLock) {}
            return Retired(name: name, entry: entry)
        }
    }

    /// Moves a retired ledger back: `entry` is a `.retired/` entry, or a
    /// name (its most recent retirement). It comes back under its old name
    /// unless `as` names another; `ledger_exists` if that name is taken.
    public func restore(_ entry: String, as newName: LedgerName? = nil) throws(LedgerError) -> LedgerName {
        try changing { () throws(LedgerError) in
            let all = try retired()
            guard let found = all.first(where: { $0.entry == entry }) ?? LedgerName(entry).flatMap({ name in all.last { $0.name == name } }) else {
                throw LedgerError(.ledgerNotFound, "no retired ledger '\(entry)'; `ties ledgers list --ledgers \(directory)` shows them",
                                  details: ["name": .string(entry)])
            }
            let name = newName ?? found.name
            let path = path(of: name)
            if fileSystem.isSymbolicLink(path) { throw LedgerError.symbolicLink(path) }
            if Ledger.exists(at: path) { throw Self.exists(name) }
            try fileSystem.rename(retiredDirectory + "/" + found.entry, path)
            try fileSystem.fsyncDirectory(directory)
            try fileSystem.fsyncDirectory(retiredDirectory)
            return name
        }
    }

    public static func notFound(_ name: LedgerName) -> LedgerError {
        LedgerError(.ledgerNotFound, "no ledger named '\(name)'", details: ["name": .string(name.text)])
    }

    static func exists(_ name: LedgerName) -> LedgerError {
        LedgerError(.ledgerExists, "a ledger named '\(name)' already exists", details: ["name": .string(name.text)])
    }

    /// `NAME.TIME`, with `-2`, `-3`… until no entry has that name.
    private func unusedEntry(for name: LedgerName, at now: Timestamp) -> String {
        let base = "\(name).\(now)"
        var entry = base
        var suffix = 1
        while fileSystem.exists(retiredDirectory + "/" + entry) {
            suffix += 1
            entry = "\(base)-\(suffix)"
        }
        return entry
    }

    /// Runs a change of the set under `ledgers.lock`.
    private func changing<T>(_ change: () throws(LedgerError) -> T) throws(LedgerError) -> T {
        // With a wait, `acquire` throws `ledger_busy` rather than return nil.
        guard let lock = try WriterLock.acquire(path: lockPath, timeoutMs: Limits.writerLockWaitMs, fileSystem: fileSystem) else {
            throw LedgerError(.ledgerBusy, "another process is changing the set of ledgers", details: ["lock": .string(lockPath)])
        }
        defer { withExtendedLifetime(lock) {} }
        return try change()
    }
}
