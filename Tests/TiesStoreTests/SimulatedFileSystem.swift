import Foundation
import Synchronization
import Testing
import TiesCore
@testable import TiesStore
import TiesSystem
import TiesTestSupport

/// What a power loss leaves of the writes and directory changes that were
/// not yet synced.
enum CrashModel: String, CaseIterable, Sendable, CustomTestStringConvertible {
    /// Every unsynced write and directory change is lost.
    case dropUnsynced
    /// As `dropUnsynced`, but each file's last unsynced write survives, cut
    /// at a random 512-byte boundary of the file (a torn sector-wise write).
    case tearLastWrite
    /// A random subset of each file's unsynced writes survives, applied in
    /// random order; of the unsynced directory changes a random prefix
    /// survives (file systems journal metadata in order).
    case keepRandomSubset

    var testDescription: String { rawValue }
}

/// A disk that can lose power. Runs on real files in a temp directory by
/// delegating to `PosixFileSystem`, and records beside them, per file it
/// writes, the durable image (the contents as of its last sync) and the
/// writes since; and the directory changes (create, rename, remove, mkdir)
/// not yet followed by a sync of their directory.
///
/// Every throwing operation is counted. From `crash(atOperation:)` on, that
/// operation and every later one fail as if the process had died, so
/// nothing after it can be acknowledged. `applyCrash` then rewrites the real
/// files into what the power loss could have left. Syncs are not passed on:
/// durability is what this models, and real syncs would only slow tests.
///
/// Files the simulator never wrote (SQLite's projection and snapshot data)
/// are left as they are, and their removals stand: SQLite syncs the
/// directory itself, unseen, and recreates the projection right after the
/// ledger removes it, so bringing an old one back beside a new WAL would be
/// a state no real crash leaves. Their renames are undone.
final class SimulatedFileSystem: FileSystem {
    private let real = PosixFileSystem()
    private let state = Mutex(State())
    static let sectorBytes: Int64 = 512

    private enum Change {
        case write(offset: Int64, bytes: [UInt8])
        case truncate(size: Int64)
    }

    /// A file's contents as the disk holds them: `durable` is nil until the
    /// simulator first changes the file, and `pending` holds the changes
    /// since the last sync, oldest first.
    private struct Node {
        var durable: [UInt8]?
        var pending: [Change] = []
    }

    private enum DirectoryChange {
        case created(path: String)
        case renamed(from: String, to: String, replaced: (bytes: [UInt8], node: Int?)?)
        case removed(path: String, node: Int)

        /// The directory whose sync makes the change durable.
        var directory: String {
            switch self {
            case .created(let path), .removed(let path, _), .renamed(_, let path, _): return SimulatedFileSystem.parent(of: path)
            }
        }
    }

    private struct Descriptor {
        var path: String
        /// nil for a directory.
        var node: Int?
    }

    private enum Fault {
        case none
        case failNextSync(Int32)
        /// Writes succeed until `bytesLeft` is spent; the one that crosses it
        /// writes what fits, and it and every later one fail with `code`.
        case failWrites(code: Int32, bytesLeft: Int)
    }

    private struct State {
        var operations = 0
        var crashAt: Int?
        var crashed = false
        var fault = Fault.none
        var nodes: [Node] = []
        /// Path → node, for every file the simulator has opened.
        var names: [String: Int] = [:]
        var descriptors: [Int32: Descriptor] = [:]
        var directoryChanges: [DirectoryChange] = []
    }

    // MARK: Knobs

    /// Operations counted so far.
    var operationCount: Int { state.withLock { $0.operations } }
    var hasCrashed: Bool { state.withLock { $0.crashed } }

    /// Operation `index` (1-based) and every later one fail.
    func crash(atOperation index: Int) {
        state.withLock { $0.crashAt = index }
    }

    /// The next file or directory sync fails with `code` and syncs nothing.
    func failNextSync(with code: Int32) {
        state.withLock { $0.fault = .failNextSync(code) }
    }

    /// After `bytes` more bytes, writes fail with `code` (the crossing one
    /// short: what fits is written) until `clearFaults`.
    func failWrites(with code: Int32, afterBytes bytes: Int) {
        state.withLock { $0.fault = .failWrites(code: code, bytesLeft: bytes) }
    }

    /// Space returns, syncs work again.
    func clearFaults() {
        state.withLock { $0.fault = .none }
    }

    // MARK: Counting

    private func count(_ call: String, _ path: String) throws(LedgerError) {
        let dead = state.withLock { state in
            state.operations += 1
            if let crashAt = state.crashAt, state.operations >= crashAt { state.crashed = true }
            return state.crashed
        }
        if dead {
            throw LedgerError(.ioError, "\(call)(\(path)) failed: the simulated machine lost power",
                              details: ["syscall": .string(call), "path": .string(path), "errno": .int(Int64(EIO))])
        }
    }

    static func parent(of path: String) -> String {
        let trimmed = normalized(path)
        guard let slash = trimmed.lastIndex(of: "/") else { return "." }
        return slash == trimmed.startIndex ? "/" : String(trimmed[..<slash])
    }

    static func normalized(_ path: String) -> String {
        path.count > 1 && path.hasSuffix("/") ? String(path.dropLast()) : path
    }
}

// MARK: FileSystem

extension SimulatedFileSystem {
    func open(_ path: String, _ mode: TiesSystem.Files.OpenMode) throws(LedgerError) -> Int32 {
        try count("open", path)
        let existed = real.exists(path)
        let fd = try real.open(path, mode)
        state.withLock { state in
            guard mode != .directory else {
                state.descriptors[fd] = Descriptor(path: Self.normalized(path), node: nil)
                return
            }
            if !existed || state.names[path] == nil {
                state.nodes.append(Node(durable: existed ? nil : []))
                state.names[path] = state.nodes.count - 1
            }
            if !existed { state.directoryChanges.append(.created(path: path)) }
            state.descriptors[fd] = Descriptor(path: path, node: state.names[path])
        }
        return fd
    }

    func close(_ fd: Int32) {
        state.withLock { _ = $0.descriptors.removeValue(forKey: fd) }
        real.close(fd)
    }

    func pwriteAll(_ fd: Int32, _ bytes: [UInt8], at offset: Int64, path: String) throws(LedgerError) {
        try count("pwrite", path)
        let (allowed, code) = state.withLock { state -> (Int, Int32) in
            guard case .failWrites(let code, let left) = state.fault else { return (bytes.count, 0) }
            state.fault = .failWrites(code: code, bytesLeft: max(0, left - bytes.count))
            return (min(left, bytes.count), code)
        }
        let written = Array(bytes.prefix(allowed))
        if !written.isEmpty {
            try captureDurable(fd)
            try real.pwriteAll(fd, written, at: offset, path: path)
            record(.write(offset: offset, bytes: written), fd)
        }
        if allowed < bytes.count { throw LedgerError(SystemError("pwrite", path, errno: code)) }
    }

    @discardableResult
    func pread(_ fd: Int32, appendingTo buffer: inout [UInt8], count: Int, at offset: Int64, path: String) throws(LedgerError) -> Int {
        try self.count("pread", path)
        return try real.pread(fd, appendingTo: &buffer, count: count, at: offset, path: path)
    }

    func fdatasync(_ fd: Int32, path: String) throws(LedgerError) {
        try sync(fd, call: "fdatasync", path: path)
    }

    func fsync(_ fd: Int32, path: String) throws(LedgerError) {
        try sync(fd, call: "fsync", path: path)
    }

    /// A file's pending writes become its durable image; a directory's
    /// pending changes become durable.
    private func sync(_ fd: Int32, call: String, path: String) throws(LedgerError) {
        try count(call, path)
        let failure: Int32? = state.withLock { state in
            guard case .failNextSync(let code) = state.fault else { return nil }
            state.fault = .none
            return code
        }
        if let failure { throw LedgerError(SystemError(call, path, errno: failure)) }
        state.withLock { state in
            guard let descriptor = state.descriptors[fd] else { return }
            guard let id = descriptor.node else {
                state.directoryChanges.removeAll { $0.directory == descriptor.path }
                return
            }
            guard var image = state.nodes[id].durable else { return }
            for change in state.nodes[id].pending { Self.apply(change, to: &image) }
            state.nodes[id] = Node(durable: image)
        }
    }

    func ftruncate(_ fd: Int32, to size: Int64, path: String) throws(LedgerError) {
        try count("ftruncate", path)
        try captureDurable(fd)
        try real.ftruncate(fd, to: size, path: path)
        record(.truncate(size: size), fd)
    }

    func fileSize(_ fd: Int32, path: String) throws(LedgerError) -> Int64 {
        try count("fstat", path)
        return try real.fileSize(fd, path: path)
    }

    func tryLockExclusive(_ fd: Int32, path: String) throws(LedgerError) -> Bool {
        try count("flock", path)
        return try real.tryLockExclusive(fd, path: path)
    }

    func unlock(_ fd: Int32) { real.unlock(fd) }

    func status(_ path: String) -> FileStatus? { real.status(path) }

    func isSymbolicLink(_ path: String) -> Bool { real.isSymbolicLink(path) }

    func makeDirectory(_ path: String) throws(LedgerError) {
        try count("mkdir", path)
        let existed = real.isDirectory(path)
        try real.makeDirectory(path)
        if !existed { state.withLock { $0.directoryChanges.append(.created(path: Self.normalized(path))) } }
    }

    func rename(_ from: String, _ to: String) throws(LedgerError) {
        try count("rename", "\(from) → \(to)")
        let replaced = real.exists(to) ? try Self.contents(of: to) : nil
        try real.rename(from, to)
        state.withLock { state in
            let replacedNode = state.names[to]
            state.names[to] = state.names.removeValue(forKey: from)
            state.directoryChanges.append(.renamed(from: from, to: to, replaced: replaced.map { ($0, replacedNode) }))
        }
    }

    func unlink(_ path: String) throws(LedgerError) {
        try count("unlink", path)
        // Only a file the simulator wrote comes back if the removal is undone.
        let ours = state.withLock { state in state.names[path].flatMap { state.nodes[$0].durable == nil ? nil : $0 } }
        if let ours { try refreshDurable(ours, at: path) }
        try real.unlink(path)
        guard let ours else { return }
        state.withLock { state in
            state.names[path] = nil
            state.directoryChanges.append(.removed(path: path, node: ours))
        }
    }

    func listDirectory(_ path: String) throws(LedgerError) -> [String] {
        try count("opendir", path)
        return try real.listDirectory(path)
    }

    private func captureDurable(_ fd: Int32) throws(LedgerError) {
        guard let descriptor = state.withLock({ $0.descriptors[fd] }), let id = descriptor.node else { return }
        try refreshDurable(id, at: descriptor.path)
    }

    /// Before a file's first unsynced change (or its removal), what it holds
    /// counts as durable: ours as of our last sync, or SQLite's, whose own
    /// syncs the simulator does not see.
    private func refreshDurable(_ id: Int, at path: String) throws(LedgerError) {
        guard state.withLock({ $0.nodes[id].pending.isEmpty }), real.exists(path) else { return }
        let bytes = try Self.contents(of: path)
        state.withLock { $0.nodes[id].durable = bytes }
    }

    /// A whole file as the simulator's own bookkeeping reads it (not counted).
    private static func contents(of path: String) throws(LedgerError) -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw LedgerError(.ioError, "the simulator cannot read \(path)")
        }
        return [UInt8](data)
    }

    private func record(_ change: Change, _ fd: Int32) {
        state.withLock { state in
            guard let id = state.descriptors[fd]?.node else { return }
            state.nodes[id].pending.append(change)
        }
    }

    private static func apply(_ change: Change, to image: inout [UInt8]) {
        switch change {
        case .write(let offset, let bytes):
            let end = Int(offset) + bytes.count
            if image.count < end { image += [UInt8](repeating: 0, count: end - image.count) }
            image.replaceSubrange(Int(offset)..<end, with: bytes)
        case .truncate(let size):
            let size = Int(size)
            if image.count > size {
                image.removeLast(image.count - size)
            } else {
                image += [UInt8](repeating: 0, count: size - image.count)
            }
        }
    }
}

// MARK: Power loss

extension SimulatedFileSystem {
    /// Rewrites the real files into what a power loss now could leave under
    /// `model`, then forgets everything: the files as they are become the
    /// durable state and counting starts again. Every file must be closed
    /// (the ledger dropped) first.
    func applyCrash(_ model: CrashModel, seed: UInt64) throws {
        var random = SplitMix64(seed: seed)
        let crashed = state.withLock { state in
            defer { state = State() }
            return state
        }
        precondition(crashed.descriptors.isEmpty, "drop every ledger before the power goes: files are still open")
        var names = crashed.names
        let keptChanges = model == .keepRandomSubset ? random.below(crashed.directoryChanges.count + 1) : 0
        for change in crashed.directoryChanges[keptChanges...].reversed() {
            try undo(change, names: &names, nodes: crashed.nodes)
        }
        // Sorted, so the same seed picks the same writes in every run.
        for (path, id) in names.sorted(by: { $0.key < $1.key }) {
            let node = crashed.nodes[id]
            guard let durable = node.durable, !node.pending.isEmpty, real.exists(path) else { continue }
            try Files.write(path, Self.survivor(of: node.pending, over: durable, model, &random))
        }
    }

    private func undo(_ change: DirectoryChange, names: inout [String: Int], nodes: [Node]) throws {
        switch change {
        case .created(let path):
            if FileManager.default.fileExists(atPath: path) { try FileManager.default.removeItem(atPath: path) }
            names = names.filter { $0.key != path && !$0.key.hasPrefix(path + "/") }
        case .renamed(let from, let to, let replaced):
            guard real.exists(to) else { return }
            try real.rename(to, from)
            names[from] = names.removeValue(forKey: to)
            if let replaced {
                try Files.write(to, replaced.bytes)
                names[to] = replaced.node
            }
        case .removed(let path, let id):
            try Files.write(path, nodes[id].durable ?? [])
            names[path] = id
        }
    }

    /// The contents a file's pending changes leave over its durable image.
    private static func survivor(of pending: [Change], over durable: [UInt8], _ model: CrashModel,
                                 _ random: inout SplitMix64) -> [UInt8] {
        var image = durable
        switch model {
        case .dropUnsynced:
            break
        case .tearLastWrite:
            guard case .write(let offset, let bytes)? = pending.last else { break }
            let end = offset + Int64(bytes.count)
            // Where the write may stop: its start, or a sector boundary inside it.
            var boundaries = [offset]
            while let next = boundaries.last.map({ ($0 / sectorBytes + 1) * sectorBytes }), next < end { boundaries.append(next) }
            let cut = random.pick(boundaries)
            if cut > offset { apply(.write(offset: offset, bytes: Array(bytes.prefix(Int(cut - offset)))), to: &image) }
        case .keepRandomSubset:
            var kept = pending.filter { _ in random.chance(50) }
            for index in kept.indices.reversed() { kept.swapAt(index, random.below(index + 1)) }
            for change in kept { apply(change, to: &image) }
        }
        return image
    }
}
