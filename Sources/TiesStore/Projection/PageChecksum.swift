/// The checksum in the last 8 bytes of every page of a projection file
/// (and of its snapshots), so bytes changed inside a page that SQLite
/// would still read as a valid page are found when the page is read.
///
/// Two 32-bit running sums over the page's little-endian 32-bit words, as
/// SQLite's own WAL frames and its `cksumvfs` extension do, but started
/// from the page number: a whole valid page written at another page's
/// place fails too. Pure arithmetic; `PageChecksumVFS` applies it.
enum PageChecksum {
    /// Bytes at the end of each page that hold the checksum (the header's
    /// "reserved space" byte at offset 20 says how many a file keeps).
    static let reservedBytes = 8

    /// Whether `page` (`count` bytes read at `offset`) ends with its checksum.
    static func matches(_ page: UnsafeRawPointer, count: Int, offset: Int64) -> Bool {
        let (first, second) = sums(page, count: count, offset: offset)
        let stored = page + (count - reservedBytes)
        return UInt32(littleEndian: stored.loadUnaligned(as: UInt32.self)) == first
            && UInt32(littleEndian: stored.loadUnaligned(fromByteOffset: 4, as: UInt32.self)) == second
    }

    /// Writes the checksum of `page` (`count` bytes to be written at
    /// `offset`) into its last 8 bytes.
    static func seal(_ page: UnsafeMutableRawPointer, count: Int, offset: Int64) {
        let (first, second) = sums(UnsafeRawPointer(page), count: count, offset: offset)
        let stored = page + (count - reservedBytes)
        stored.storeBytes(of: first.littleEndian, as: UInt32.self)
        stored.storeBytes(of: second.littleEndian, toByteOffset: 4, as: UInt32.self)
    }

    /// What a page that fails says, wherever it is found.
    static func failure(page: Int64) -> String {
        "page \(page) fails its checksum: the file was changed outside SQLite"
    }

    /// The page size a database file's header gives, when the header
    /// reserves the checksum's bytes; nil otherwise.
    static func pageSize(ofSealedHeader header: [UInt8]) -> Int? {
        guard header.count >= 100, header[20] == reservedBytes else { return nil }
        let size = Int(header[16]) << 8 | Int(header[17])
        return size == 1 ? 65_536 : size >= 512 && size & (size - 1) == 0 ? size : nil
    }

    /// The first page of `bytes` (read at `offset` of a file of
    /// `pageSize` pages, a whole number of them) whose checksum fails.
    /// The page holding byte 2³⁰ is left out: SQLite keeps its locks there
    /// and never writes it, so it holds no checksum.
    static func firstFailingPage(in bytes: [UInt8], at offset: Int64, pageSize: Int) -> Int64? {
        bytes.withUnsafeBytes { buffer in
            for start in stride(from: 0, to: buffer.count, by: pageSize) {
                let pageOffset = offset + Int64(start)
                if pageOffset <= lockByteOffset && lockByteOffset < pageOffset + Int64(pageSize) { continue }
                if !matches(buffer.baseAddress! + start, count: pageSize, offset: pageOffset) { return pageOffset / Int64(pageSize) + 1 }
            }
            return nil
        }
    }

    /// SQLite's `PENDING_BYTE`: the first byte of the range it locks, in a
    /// page it never writes.
    static let lockByteOffset: Int64 = 0x4000_0000

    /// Whether a read or write of `count` bytes is a whole page (SQLite
    /// also reads and writes parts of page 1's header, which carry none).
    static func isWholePage(_ count: Int32) -> Bool {
        count >= 512 && count & (count - 1) == 0
    }

    /// The two sums over every byte but the last 8.
    private static func sums(_ page: UnsafeRawPointer, count: Int, offset: Int64) -> (UInt32, UInt32) {
        var first = UInt32(truncatingIfNeeded: offset / Int64(count) + 1)
        var second: UInt32 = 0
        var index = 0
        let end = count - reservedBytes
        while index < end {
            first &+= UInt32(littleEndian: page.loadUnaligned(fromByteOffset: index, as: UInt32.self)) &+ second
            second &+= UInt32(littleEndian: page.loadUnaligned(fromByteOffset: index + 4, as: UInt32.self)) &+ first
            index += 8
        }
        return (first, second)
    }
}
