import Synchronization
import TiesCore
import TiesSystem

/// The API keys of one ledger, in `keys.json` beside the log. Changes take
/// their own lock (`keys.lock`, not the writer lock, so keys can be managed
/// while the server runs) and replace the file atomically. Readers notice a
/// changed file by its inode/size/mtime, so a revoked key stops working on a
/// running server at its next request.
public final class KeyStore: Sendable {
    private let path: String
    private let directory: String
    private let lockPath: String
    private let fileSystem: any FileSystem
    private let cache = Mutex<(signature: [Int64]?, keys: [APIKey])>((nil, []))

    public init(ledgerDirectory: String) {
        let layout = LedgerLayout(directory: ledgerDirectory)
        directory = layout.directory
        path = layout.directory + "/keys.json"
        lockPath = layout.directory + "/keys.lock"
        fileSystem = layout.fileSystem
    }

    /// Every key, revoked ones included, as the file holds them now.
    public func keys() throws(LedgerError) -> [APIKey] {
        let signature = fileSystem.status(path)?.signature
        if let cached = cache.withLock({ $0.signature != nil && $0.signature == signature ? $0.keys : nil }) { return cached }
        let keys = try load()
        cache.withLock { $0 = (signature, keys) }
        return keys
    }

    /// The active key whose hash matches `token`, compared in constant time.
    public func authenticate(_ token: String) throws(LedgerError) -> APIKey? {
        let presented = Array(SHA256.hexDigest(Array(token.utf8)).utf8)
        var match: APIKey?
        for key in try keys() where key.revokedAt == nil {
            // Every active key is compared, whatever matched earlier.
            if constantTimeEqual(presented, Array(key.sha256.utf8)) { match = key }
        }
        return match
    }

    /// Creates a key and returns it; only its hash is stored, so this is the
    /// one time it can be shown. `rateLimits` are the key's own, overriding
    /// config.json's defaults.
    public func create(name: String, role: KeyRole, rateLimits: RateLimits = RateLimits(), now: Timestamp) throws(LedgerError) -> String {
        try Validation.scalars(name, field: "name", max: Limits.keyNameScalarsMax)
        try Validation.noControlCharacters(name, field: "name")
        let token = "tk_" + Hex.encode(try withSystemCall { () throws(SystemError) in try Entropy.bytes(24) })
        try modify { keys throws(LedgerError) in
            if keys.contains(where: { $0.name == name && $0.revokedAt == nil }) {
                throw LedgerError(.invalidField, "an active key named '\(name)' already exists; revoke it first", details: ["field": .string("name")])
            }
            keys.append(APIKey(name: name, role: role, sha256: SHA256.hexDigest(Array(token.utf8)), createdAt: now, revokedAt: nil,
                               rateLimits: rateLimits))
        }
        return token
    }

    /// Revokes the active key called `name`.
    public func revoke(name: String, now: Timestamp) throws(LedgerError) {
        try modify { keys throws(LedgerError) in
            guard let index = keys.firstIndex(where: { $0.name == name && $0.revokedAt == nil }) else {
                throw LedgerError(.invalidField, "no active key named '\(name)'", details: ["field": .string("name")])
            }
            keys[index].revokedAt = now
        }
    }

    private func modify(_ change: (inout [APIKey]) throws(LedgerError) -> Void) throws(LedgerError) {
        guard fileSystem.isDirectory(directory) else {
            throw LedgerError(.ledgerNotFound, "no ledger at \(directory)", details: ["path": .string(directory)])
        }
        guard let fileLock = try WriterLock.acquire(path: lockPath, timeoutMs: Limits.writerLockWaitMs, fileSystem: fileSystem) else { return }
        var keys = try load()
        try change(&keys)
        let document = JSONValue.object(["version": .int(1), "keys": .array(keys.map(\.jsonValue))])
        try fileSystem.replaceFile(path, with: document.encodedBytes + [UInt8(ascii: "\n")], directory: directory)
        withExtendedLifetime(fileLock) {}
    }

    /// Keys written before rate limits have no `rateLimits` and load as unlimited.
    private func load() throws(LedgerError) -> [APIKey] {
        guard let bytes = try fileSystem.readSmallFile(path, limit: Limits.keyFileBytesMax) else { return [] }
        let damaged = LedgerError(.ledgerDamaged, "\(path) is not a keys file this version understands")
        guard case .object(let document)? = try? JSONParser.parse(bytes), case .array(let items)? = document["keys"] else { throw damaged }
        var keys: [APIKey] = []
        for item in items {
            guard case .object(let fields) = item,
                  let name = fields["name"]?.stringValue, let role = fields["role"]?.stringValue.flatMap(KeyRole.init(rawValue:)),
                  let hash = fields["sha256"]?.stringValue, let created = fields["createdAt"]?.stringValue.flatMap(Timestamp.init(rfc3339:)) else {
                throw damaged
            }
            let revoked = fields["revokedAt"]?.stringValue.flatMap(Timestamp.init(rfc3339:))
            var key = APIKey(name: name, role: role, sha256: hash, createdAt: created, revokedAt: revoked)
            if let limits = fields["rateLimits"] {
                key.rateLimits = try RateLimits(json: limits, context: "\(path): key '\(name)': rateLimits")
            }
            keys.append(key)
        }
        return keys
    }
}

/// Equal lengths are compared in full, without an early exit.
func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
    guard a.count == b.count else { return false }
    var difference: UInt8 = 0
    for index in a.indices { difference |= a[index] ^ b[index] }
    return difference == 0
}
