import TiesCore

/// Reads commits forward from a byte offset, checking each one's checksum,
/// its `prev` against the hash before it, and seq continuity.
///
/// A bad line followed by no good commit is a torn tail (`tornTail` is set,
/// scanning ends). A bad line with a good commit after it is damage in the
/// middle of the log: `ledger_damaged` naming the seq and byte offset; so is
/// a last line that is two whole commits joined by one bad byte (a flipped
/// newline, which no torn write leaves).
struct LogScanner {
    private let fileSystem: any FileSystem
    private let fd: Int32
    private let path: String
    private var buffer: [UInt8] = []
    private var bufferStart = 0
    private var fileOffsetOfBuffer: Int64
    private var endOfFile = false
    private(set) var expectedSeq: Int64
    private(set) var expectedPrevious: String
    private(set) var tornTail: TornTail?
    static let chunkBytes = 1 << 20

    init(fileSystem: any FileSystem, fd: Int32, path: String, offset: Int64, expectedSeq: Int64, expectedPrevious: String) {
        self.fileSystem = fileSystem
        self.fd = fd
        self.path = path
        self.fileOffsetOfBuffer = offset
        self.expectedSeq = expectedSeq
        self.expectedPrevious = expectedPrevious
    }

    /// The offset just past the last commit returned.
    var offset: Int64 { fileOffsetOfBuffer + Int64(bufferStart) }

    mutating func next() throws(LedgerError) -> ScannedCommit? {
        guard tornTail == nil, let (line, lineOffset, terminated) = try nextLine() else { return nil }
        let sealed: SealedCommit
        do throws(LedgerError) {
            guard terminated else { throw LedgerError(.ledgerDamaged, "the last line has no newline") }
            sealed = try CommitCodec.open(line)
        } catch {
            if try goodCommitFollows() {
                throw damage(error, at: lineOffset)
            }
            if joinsTwoCommits(line) {
                throw damage(LedgerError(.ledgerDamaged, "the byte after this commit should be a newline; it runs into the next commit"), at: lineOffset)
            }
            tornTail = TornTail(offset: lineOffset, byteCount: try fileSystem.fileSize(fd, path: path) - lineOffset)
            return nil
        }
        // A whole line with a valid checksum was written on purpose: if it
        // does not fit the chain, the log was edited, never torn.
        do throws(LedgerError) {
            try checkChain(sealed.commit)
        } catch {
            throw damage(error, at: lineOffset)
        }
        expectedSeq = sealed.commit.lastSeq + 1
        expectedPrevious = sealed.hash
        return ScannedCommit(sealed: sealed, offset: lineOffset)
    }

    private func checkChain(_ commit: Commit) throws(LedgerError) {
        guard commit.firstSeq == expectedSeq else {
            throw LedgerError(.ledgerDamaged, "the commit starts at seq \(commit.firstSeq), expected \(expectedSeq)")
        }
        guard commit.previousHash == expectedPrevious else {
            throw LedgerError(.ledgerDamaged, "the hash chain is broken: prev is \(commit.previousHash.prefix(12))…, the commit before hashes to \(expectedPrevious.prefix(12))…")
        }
    }

    func damage(_ error: LedgerError, at offset: Int64) -> LedgerError {
        LedgerError(.ledgerDamaged, "log \(path) is damaged at byte offset \(offset) (the commit that should hold seq \(expectedSeq)): \(error.message)",
                    details: ["seq": .int(expectedSeq), "offset": .int(offset), "path": .string(path)])
    }

    /// True when some later line is a commit with a valid checksum: then the
    /// bad line is not a torn tail but damage.
    private mutating func goodCommitFollows() throws(LedgerError) -> Bool {
        while let (line, _, terminated) = try nextLine() {
            if terminated, (try? CommitCodec.open(line)) != nil { return true }
        }
        return false
    }

    /// True when `line` is a commit that fits the chain, one byte where its
    /// newline belongs, and a commit that fits after it: a flipped newline
    /// before the last commit. A torn write never leaves that (its lost
    /// sectors would take more than one byte), so it is damage, not a tail
    /// to cut off with two acknowledged commits in it.
    private func joinsTwoCommits(_ line: [UInt8]) -> Bool {
        Self.joinsTwoCommits(line, expectedSeq: expectedSeq, expectedPrevious: expectedPrevious)
    }

    /// `joinsTwoCommits` for a reader that keeps the chain itself (`ties verify`).
    static func joinsTwoCommits(_ line: [UInt8], expectedSeq: Int64, expectedPrevious: String) -> Bool {
        let suffixCount = Self.hashMember.count + 64 + 2  // `,"hash":"` + 64 hex + `"}`
        guard line.count > suffixCount + 2 else { return false }
        for end in (suffixCount - 1)..<(line.count - 2)
        where line[end] == UInt8(ascii: "}") && line[(end - suffixCount + 1)...].starts(with: Self.hashMember) {
            guard let first = try? CommitCodec.open(Array(line[...end])), first.commit.firstSeq == expectedSeq,
                  first.commit.previousHash == expectedPrevious else { continue }
            guard let second = try? CommitCodec.open(Array(line[(end + 2)...])) else { return false }
            return second.commit.firstSeq == first.commit.lastSeq + 1 && second.commit.previousHash == first.hash
        }
        return false
    }

    private static let hashMember = Array(",\"hash\":\"".utf8)

    /// The next line without its `\n`, its offset, and whether it ended in
    /// `\n`. Lines longer than any commit are returned cut, and fail to open.
    mutating func nextLine() throws(LedgerError) -> ([UInt8], Int64, Bool)? {
        // Bytes after `bufferStart` already searched; relative, because filling compacts the buffer.
        var searched = 0
        while true {
            if let newline = buffer[(bufferStart + searched)...].firstIndex(of: UInt8(ascii: "\n")) {
                let line = Array(buffer[bufferStart..<newline])
                let lineOffset = offset
                bufferStart = newline + 1
                return (line, lineOffset, true)
            }
            searched = buffer.count - bufferStart
            if buffer.count - bufferStart > Limits.logLineBytesMax || endOfFile {
                guard bufferStart < buffer.count else { return nil }
                let line = Array(buffer[bufferStart...])
                let lineOffset = offset
                bufferStart = buffer.count
                return (line, lineOffset, false)
            }
            try readChunk()
        }
    }

    private mutating func readChunk() throws(LedgerError) {
        if bufferStart > 0 {
            fileOffsetOfBuffer += Int64(bufferStart)
            buffer.removeFirst(bufferStart)
            bufferStart = 0
        }
        let read = try fileSystem.pread(fd, appendingTo: &buffer, count: Self.chunkBytes, at: fileOffsetOfBuffer + Int64(buffer.count), path: path)
        if read < Self.chunkBytes { endOfFile = true }
    }
}
