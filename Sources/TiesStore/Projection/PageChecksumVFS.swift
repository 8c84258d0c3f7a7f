import CSQLite

/// A VFS shim over SQLite's default one that seals every page of a database
/// file with a `PageChecksum` as it is written and checks it as it is read,
/// failing the read with `SQLITE_IOERR_DATA` when it does not match.
///
/// SQLite keeps no checksum on its pages: bytes changed inside a page (a
/// cell pointer, a value) can read as a valid page and give a wrong answer
/// with no error. With this, they give an error naming the file, which the
/// open turns into a rebuild and a query into `ledger_damaged`.
///
/// Only files whose header reserves exactly 8 bytes per page are sealed
/// (projection files and snapshots are created so), as SQLite reads the
/// header when it opens a file; a new empty file, whose pages may be
/// written before its page 1, is sealed from the start when opened with
/// the URI parameter `uriParameter` (`SQLiteConnection.uriWithPageChecksums`).
/// Any other file, and the `-wal`, `-shm` and journals, pass straight
/// through (SQLite checks a WAL's own frame checksums when it recovers
/// the WAL, not when it reads a page from it). The design is SQLite's
/// `cksumvfs` extension's.
///
/// Every connection opens through it (`SQLiteConnection`). It is
/// registered once, under its own name, never as the default VFS.
enum PageChecksumVFS {
    static let name = "ties-page-checksums"
    /// The URI parameter that seals a new file's pages from its first write.
    static let uriParameter = "ties_page_checksums"

    /// Registers the shim (once, on first use; later uses read the same
    /// answer): false when SQLite has no default VFS to wrap or refuses it.
    static let isRegistered: Bool = {
        guard let original = sqlite3_vfs_find(nil) else { return false }
        let shim = UnsafeMutablePointer<sqlite3_vfs>.allocate(capacity: 1)
        // Every method but xOpen is the original's. They receive this
        // struct, which keeps the original's pAppData, mxPathname and
        // version, so they see what they would see in their own.
        shim.initialize(to: original.pointee)
        let storedName = UnsafeMutablePointer<CChar>.allocate(capacity: name.utf8.count + 1)
        storedName.initialize(from: name.utf8CString.map { $0 }, count: name.utf8.count + 1)
        shim.pointee.zName = UnsafePointer(storedName)
        shim.pointee.pNext = nil
        shim.pointee.szOsFile = Int32(innerOffset) + original.pointee.szOsFile
        shim.pointee.xOpen = open
        wrapped = original
        return sqlite3_vfs_register(shim, 0) == SQLITE_OK
    }()

    /// The VFS the shim wraps; set once, before registration publishes the shim.
    nonisolated(unsafe) private static var wrapped: UnsafeMutablePointer<sqlite3_vfs>?

    // MARK: The open file

    // An open database file is this shim's header, then the wrapped VFS's
    // own file object: [pMethods | damaged page | sealed | header seen | wrapped file].
    private static let damagedPageOffset = MemoryLayout<sqlite3_file>.stride
    private static let sealedOffset = damagedPageOffset + 8
    private static let headerSeenOffset = sealedOffset + 1
    private static let innerOffset = 32

    private static func inner(_ file: UnsafeMutablePointer<sqlite3_file>?) -> UnsafeMutablePointer<sqlite3_file> {
        (UnsafeMutableRawPointer(file!) + innerOffset).assumingMemoryBound(to: sqlite3_file.self)
    }

    private static func innerMethods(_ file: UnsafeMutablePointer<sqlite3_file>?) -> sqlite3_io_methods {
        inner(file).pointee.pMethods.pointee
    }

    private static func flag(_ file: UnsafeMutablePointer<sqlite3_file>?, at offset: Int) -> Bool {
        UnsafeMutableRawPointer(file!).load(fromByteOffset: offset, as: Bool.self)
    }

    private static func setFlag(_ file: UnsafeMutablePointer<sqlite3_file>?, at offset: Int, _ value: Bool) {
        UnsafeMutableRawPointer(file!).storeBytes(of: value, toByteOffset: offset, as: Bool.self)
    }

    /// The first 16 bytes of every SQLite database file.
    private static let headerMagic = Array("SQLite format 3\0".utf8)

    /// Follows the header's reserved-space byte when page 1's header is
    /// read or written (SQLite reads it from the file whenever it opens
    /// one): the first header seen says whether the file is sealed (8);
    /// a later one that takes the reserve away from a sealed file is
    /// damage, since SQLite can only ever grow the reserve. False for that.
    private static func headerHolds(_ file: UnsafeMutablePointer<sqlite3_file>?, _ bytes: UnsafeRawPointer, count: Int32, offset: Int64) -> Bool {
        guard offset == 0, count >= 100,
              headerMagic.indices.allSatisfy({ bytes.load(fromByteOffset: $0, as: UInt8.self) == headerMagic[$0] }) else { return true }
        let reserves = bytes.load(fromByteOffset: 20, as: UInt8.self) == PageChecksum.reservedBytes
        if flag(file, at: headerSeenOffset) && flag(file, at: sealedOffset) { return reserves }
        setFlag(file, at: sealedOffset, reserves)
        setFlag(file, at: headerSeenOffset, true)
        return true
    }

    /// Whether `file` is one of this shim's, and sealed.
    static func seals(_ file: UnsafeMutablePointer<sqlite3_file>) -> Bool {
        file.pointee.pMethods == UnsafePointer(methods) && flag(file, at: sealedOffset)
    }

    /// The page whose checksum a read of this file found wrong (1 is the
    /// first page), 0 if none: for the error that names it. Cleared, so a
    /// later error names its own.
    static func takeDamagedPage(of file: UnsafeMutablePointer<sqlite3_file>) -> Int64 {
        guard file.pointee.pMethods == UnsafePointer(methods) else { return 0 }
        let raw = UnsafeMutableRawPointer(file)
        defer { raw.storeBytes(of: Int64(0), toByteOffset: damagedPageOffset, as: Int64.self) }
        return raw.load(fromByteOffset: damagedPageOffset, as: Int64.self)
    }

    private static let open: @convention(c) (UnsafeMutablePointer<sqlite3_vfs>?, UnsafePointer<CChar>?, UnsafeMutablePointer<sqlite3_file>?,
                                             Int32, UnsafeMutablePointer<Int32>?) -> Int32 = { _, name, file, flags, outFlags in
        guard let wrapped, let file else { return SQLITE_CANTOPEN }
        guard flags & SQLITE_OPEN_MAIN_DB != 0 else {
            return wrapped.pointee.xOpen!(wrapped, name, file, flags, outFlags)
        }
        UnsafeMutableRawPointer(file).initializeMemory(as: UInt8.self, repeating: 0, count: innerOffset)
        // Until SQLite reads or writes the header, which then decides.
        setFlag(file, at: sealedOffset, sqlite3_uri_boolean(name, uriParameter, 0) != 0)
        let status = wrapped.pointee.xOpen!(wrapped, name, inner(file), flags, outFlags)
        // A file whose open failed has no methods: SQLite then never closes it.
        file.pointee.pMethods = status == SQLITE_OK ? UnsafePointer(methods) : nil
        return status
    }

    private static let read: @convention(c) (UnsafeMutablePointer<sqlite3_file>?, UnsafeMutableRawPointer?, Int32, sqlite3_int64) -> Int32 = {
        file, buffer, count, offset in
        let status = innerMethods(file).xRead!(inner(file), buffer, count, offset)
        guard status == SQLITE_OK, let buffer else { return status }
        let headerHolds = headerHolds(file, buffer, count: count, offset: offset)
        let pageMatches = !flag(file, at: sealedOffset) || !PageChecksum.isWholePage(count)
            || PageChecksum.matches(buffer, count: Int(count), offset: offset)
        guard !headerHolds || !pageMatches else { return status }
        let page = headerHolds ? offset / Int64(count) + 1 : 1
        UnsafeMutableRawPointer(file!).storeBytes(of: page, toByteOffset: damagedPageOffset, as: Int64.self)
        return SQLiteConnection.pageChecksumFailed
    }

    private static let write: @convention(c) (UnsafeMutablePointer<sqlite3_file>?, UnsafeRawPointer?, Int32, sqlite3_int64) -> Int32 = {
        file, buffer, count, offset in
        if let buffer {
            _ = headerHolds(file, buffer, count: count, offset: offset)  // SQLite never writes a smaller reserve.
            // The last 8 bytes of a sealed file's page are reserved for
            // this: SQLite never keeps anything there.
            if flag(file, at: sealedOffset) && PageChecksum.isWholePage(count) {
                PageChecksum.seal(UnsafeMutableRawPointer(mutating: buffer), count: Int(count), offset: offset)
            }
        }
        return innerMethods(file).xWrite!(inner(file), buffer, count, offset)
    }

    /// The wrapped file's methods, but for reads, writes and the two that
    /// would let SQLite bypass the check: memory-mapped pages (xFetch), and
    /// reads of part of a page, which SQLite 3.48 and later make only if
    /// the file offers SQLITE_IOCAP_SUBPAGE_READ (0x8000), never offered
    /// here. (Earlier builds with SQLITE_DIRECT_OVERFLOW_READ could read
    /// overflow content so; Debian's 3.40.1 reads whole pages, which
    /// `PageChecksumTests` checks on an overflow page.)
    nonisolated(unsafe) private static let methods: UnsafeMutablePointer<sqlite3_io_methods> = {
        let table = UnsafeMutablePointer<sqlite3_io_methods>.allocate(capacity: 1)
        table.initialize(to: sqlite3_io_methods(
            iVersion: 3,
            xClose: { file in innerMethods(file).xClose!(inner(file)) },
            xRead: read,
            xWrite: write,
            xTruncate: { file, size in innerMethods(file).xTruncate!(inner(file), size) },
            xSync: { file, flags in innerMethods(file).xSync!(inner(file), flags) },
            xFileSize: { file, size in innerMethods(file).xFileSize!(inner(file), size) },
            xLock: { file, lock in innerMethods(file).xLock!(inner(file), lock) },
            xUnlock: { file, lock in innerMethods(file).xUnlock!(inner(file), lock) },
            xCheckReservedLock: { file, out in innerMethods(file).xCheckReservedLock!(inner(file), out) },
            xFileControl: { file, op, argument in innerMethods(file).xFileControl!(inner(file), op, argument) },
            xSectorSize: { file in innerMethods(file).xSectorSize!(inner(file)) },
            xDeviceCharacteristics: { file in innerMethods(file).xDeviceCharacteristics!(inner(file)) & ~0x8000 },
            xShmMap: { file, page, size, extend, mapped in innerMethods(file).xShmMap!(inner(file), page, size, extend, mapped) },
            xShmLock: { file, offset, count, flags in innerMethods(file).xShmLock!(inner(file), offset, count, flags) },
            xShmBarrier: { file in innerMethods(file).xShmBarrier!(inner(file)) },
            xShmUnmap: { file, delete in innerMethods(file).xShmUnmap!(inner(file), delete) },
            xFetch: { file, _, _, mapped in
                mapped?.pointee = nil  // Every page read goes through xRead, where its checksum is checked.
                return SQLITE_OK
            },
            xUnfetch: { _, _, _ in SQLITE_OK }))
        return table
    }()
}
