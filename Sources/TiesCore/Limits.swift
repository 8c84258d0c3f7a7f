/// Every limit Ties enforces outside the HTTP protocol layer, in one place,
/// each with its bound and its reason (the SQLite `sqliteLimit.h` habit).
/// The HTTP layer's own limits are in `HTTPLimits` (TiesHTTP). Inputs past
/// a limit are rejected with `invalid_field` (or `payload_too_large` at the
/// HTTP edge), never truncated. The user-facing ones are tabled in the
/// TiesCore catalog's Limits article (`TiesCore.docc/Limits.md`).
///
/// Units come last in names: `…BytesMax` counts UTF-8 bytes, `…ScalarsMax`
/// Unicode scalars (what a user calls characters), `…Ms` milliseconds.
public enum Limits {
    // MARK: Records, types and links

    /// Record IDs are opaque UTF-8 strings of 1–255 *bytes*: they are keys
    /// in every index, so they are bounded in storage units, not characters.
    public static let recordIDBytesMax = 255
    /// Object type names and roles: 1–255 characters, like a column name.
    public static let nameScalarsMax = 255
    /// Descriptions: 1–1000 characters, a paragraph for people to read.
    public static let descriptionScalarsMax = 1000
    /// Attribute keys: 1–255 characters, like a column name.
    public static let attributeKeyScalarsMax = 255
    /// String attribute values: at most 4096 UTF-8 bytes. Links carry
    /// statuses and references, not documents.
    public static let attributeStringBytesMax = 4096
    /// Attributes on one link, after any merge: bounds every link version
    /// stored and every row an as-of query returns.
    public static let attributesPerLinkMax = 100
    /// Fields per record, after an upsert is merged (the same bound as attributes).
    public static let fieldsPerRecordMax = 100
    /// Identifier fields per object type.
    public static let identifiersPerTypeMax = 20
    /// Records listed as `candidates` of an `ambiguous_match`, and by `record find`.
    public static let matchCandidatesMax = 10

    // MARK: Commits

    /// Events in one commit: bounds the work of validating one commit and
    /// the time the writer holds the log for it.
    public static let eventsPerCommitMax = 10_000
    /// Operations in one commit: a commit of no-ops still costs validation work.
    public static let operationsPerCommitMax = 10_000
    /// Encoded size of one commit in the log: 16 MiB, so a reader of the
    /// log never needs more than one bounded buffer per line.
    public static let commitBytesMax = 16 * 1024 * 1024
    /// One log line: a commit plus its envelope and hash. A longer line is
    /// damage, found without reading it whole.
    public static let logLineBytesMax = commitBytesMax + 1024
    /// One operation line (import) or one batch item; a line longer than a
    /// whole commit can never be committed, so it is refused while reading.
    public static let operationLineBytesMax = 16 * 1024 * 1024
    /// Actor names: who did it must stay short enough to show in a table.
    public static let actorScalarsMax = 255
    /// Reasons: a sentence or a ticket reference, not a document.
    public static let reasonScalarsMax = 1000
    /// Idempotency keys: clients use UUIDs or similar; 255 leaves room.
    public static let idempotencyKeyScalarsMax = 255
    /// JSON nesting, in operations and in everything Ties reads back:
    /// attribute values are scalars and what Ties writes nests a handful of
    /// levels, so deeper input is hostile or damaged (and recursion stays bounded).
    public static let jsonDepthMax = 16

    // MARK: Reads

    /// Page size for history and listings: a page is built in memory.
    public static let pageSizeMax = 1000
    public static let pageSizeDefault = 50
    /// A record's relationships come 100 to a page unless asked otherwise:
    /// most records have fewer, so most answers are one page.
    public static let relationshipPageSizeDefault = 100
    /// A diff comes 100 differing links to a page, as a relationship list does.
    public static let diffPageSizeDefault = 100
    /// An audit search reads each filter's index this many matches at a
    /// time: two common filters that seldom agree (unlinks of one type)
    /// take turns every few seqs, and one read serves many turns, while a
    /// filter that jumps far reads only this many rows it may not use.
    public static let auditIndexReadAheadRows = 32
    /// `ties log --follow` polls the log this often by default…
    public static let followPollMsDefault = 200
    /// …and never more often (10 ms keeps a follower off the CPU)…
    public static let followPollMsMin = 10
    /// …nor less often than once a minute.
    public static let followPollMsMax = 60_000

    // MARK: Storage

    /// How long opening a ledger for writing (or changing its keys) waits
    /// for another writer before `ledger_busy`: long enough to ride out a
    /// short CLI command, short enough that a blocked user hears why.
    public static let writerLockWaitMs = 2_000
    /// How long a SQLite call waits on another connection's lock before
    /// failing: readers of a WAL database only wait for a checkpoint.
    public static let sqliteBusyTimeoutMs = 5_000
    /// How long stopping a ledger service waits for its writer thread when
    /// the server around it could not start (nothing is queued yet).
    public static let writerStopWaitMs = 1_000
    /// How long closing a ledger (or rebuilding its projection) waits for
    /// an automatic snapshot still being taken: a copy of a large projection
    /// takes seconds; past this the ledger closes anyway and the unfinished
    /// copy is only a temporary file, never a snapshot.
    public static let snapshotWaitMs = 120_000
    /// Write requests one group commit takes from the queue: one fsync
    /// covers them all, and the bound keeps one group's latency in check.
    public static let groupCommitRequestsMax = 512
    /// Events one projection transaction gathers while importing, rebuilding
    /// or catching up (log commits applied together): bounds the memory of
    /// one transaction and the replay a crash costs.
    public static let projectionBatchEventsMax = 100_000
    /// …and how long it stays open (checked as commits are applied), so
    /// readers in other processes see a running import's progress.
    public static let projectionBatchAgeMsMax = 5_000
    /// Rows of the per-record event index an open projection transaction
    /// holds back to insert in key order (two per link event of a full
    /// batch); past this they are inserted at once, which bounds memory.
    public static let projectionRecordEventsPendingMax = 2 * projectionBatchEventsMax
    /// Bytes of the projection's WAL file kept after a checkpoint; a large
    /// transaction's WAL is truncated back to this.
    public static let projectionWALBytesKept = 16 * 1024 * 1024
    /// WAL frames after which the projection's writer checkpoints (PASSIVE),
    /// as SQLite's automatic checkpoint does by default.
    public static let projectionCheckpointFrames: Int32 = 1000
    /// SQLite page cache of each projection connection, in KiB: the hot
    /// index pages of a million-event ledger, within the RSS budget.
    public static let projectionCacheKiB = 65_536
    /// SQLite page size of a new `record-keys.sqlite`: each commit inserts
    /// its new records' keys at random places in it, so the bytes a commit
    /// writes grow with the page, not with the key (about 60 bytes).
    public static let recordKeysPageBytes = 1024
    /// WAL pages after which `record-keys.sqlite` checkpoints (SQLite's
    /// default is 1,000): a commit's keys land on as many random pages, so
    /// a longer WAL copies each page into the file once for many commits.
    public static let recordKeysCheckpointPages = 8_192
    /// Bytes of the key store's WAL file kept after a checkpoint: the WAL
    /// grows to about 8.6 MB between checkpoints and is cut back to this.
    public static let recordKeysWALBytesKept = 1024 * 1024
    /// Events read and checked ahead of the projection while it is built
    /// from the log (see ScanAhead): enough to keep both cores busy…
    public static let scanAheadEventsMax = 20_000
    /// …and at most this many bytes of log lines (decoded, about three
    /// times that in memory); one commit is always let through.
    public static let scanAheadBytesMax = 8 * 1024 * 1024
    /// How long applying waits for the log reader before it calls the read
    /// stalled (it only reads a local file).
    public static let logReadStallMs = 60_000
    /// Interned record numbers each projection connection keeps in memory
    /// (about 100 bytes each); past it the cache starts again empty.
    public static let recordIDsCachedMax = 200_000
    /// Operations per commit that `ties import` makes unless told otherwise.
    public static let importBatchDefault = 1000
    /// `config.json`: a few settings; anything larger is not ours.
    public static let configFileBytesMax = 64 * 1024
    /// `scrubEveryHours` in `config.json`: up to a year between passes.
    public static let scrubEveryHoursMax = 8_760.0
    /// `scrubMBPerSecond`: 1 MB/s to 10 GB/s (more than any disk reads).
    public static let scrubMBPerSecondMin = 1.0
    public static let scrubMBPerSecondMax = 10_000.0
    /// The first pass after start reads at least this fast, so a 1 GB log
    /// is scrubbed within a minute whatever `scrubMBPerSecond` says.
    public static let scrubFirstPassMBPerSecondMin = 20.0
    /// The scrub thread's nice value: it hashes the whole log at start, and
    /// at the server's own priority it took CPU from the requests of the
    /// same seconds (the console's first view on a 1M-event ledger: median
    /// 322 ms while it ran, 216 ms after). At 10 it gets about a tenth of
    /// a contended CPU, and all of an idle one.
    public static let scrubThreadNiceness: Int32 = 10
    /// Snapshots kept by the automatic policy: 1–1000 (each is a copy of
    /// the projection, so more is only disk).
    public static let snapshotsKeptMax = 1000

    // MARK: CLI writes handed to `ties serve` (its write socket)

    /// CLI processes handing writes to one server at once: each holds a
    /// thread while it waits for its commit.
    public static let writeSocketConnectionsMax = 64
    /// One request or answer: an import batch of `operationsPerCommitMax`
    /// operations, written as operation lines, may take more room than the
    /// commit they make, so twice a commit's bound.
    public static let writeSocketFrameBytesMax = 2 * commitBytesMax
    /// How long a CLI connection may wait between requests (an import
    /// reading a slow pipe) before the server closes it; the CLI connects
    /// again itself once half of this has passed.
    public static let writeSocketIdleMs = 600_000
    /// How long the rest of a message may take once it has begun, each way.
    public static let writeSocketFrameMs = 30_000
    /// How long the CLI waits for a commit's answer: a full batch behind a
    /// queue of others, with a wide margin. Past it the CLI says the commit
    /// may or may not have been made.
    public static let writeSocketAnswerWaitMs = 120_000

    // MARK: Rate limits (`ties serve`)

    /// `perSecond` of a rate limit (config.json or `ties keys create
    /// --read-rate`): 0.001 (a token every 1000 s) to 1,000,000. Slower
    /// than that, a refill outlasts any client's patience; faster, the limit
    /// limits nothing. Within it, a bucket counts exactly in billionths of a
    /// token (the rate kept to a millionth of a token a second) and no sum
    /// can overflow.
    public static let rateLimitPerSecondMin = 0.001
    public static let rateLimitPerSecondMax = 1_000_000.0
    /// `burst`: 1 to 1,000,000 whole tokens, the most a bucket holds. One
    /// token is a request, or one operation of a batch.
    public static let rateLimitBurstMax = 1_000_000

    // MARK: API keys

    /// `keys.json`: room for tens of thousands of keys; read whole on
    /// every change, so it is bounded.
    public static let keyFileBytesMax = 4 * 1024 * 1024
    /// Key names: they appear as the actor of every commit made with the key.
    public static let keyNameScalarsMax = 64

    // MARK: Many ledgers in one server (`ties serve --ledgers DIR`)

    /// A ledger's name: a directory name and a URL path segment as it is
    /// (`a-z 0-9 - _`), short enough to read in a log line.
    public static let ledgerNameCharactersMax = 64
    /// Ledgers open at once by default (`--max-open-ledgers`): each holds a
    /// writer thread, three SQLite connections each to its projection and
    /// key store, and up to `descriptorsPerOpenLedger` file descriptors;
    /// the least recently used idle one closes to make room.
    public static let openLedgersDefault = 256
    /// The most `--max-open-ledgers` takes: 4,096 open ledgers hold about
    /// 50,000 descriptors, beyond what a default `ulimit -n` allows.
    public static let openLedgersMax = 4_096
    /// File descriptors one open ledger of a `--ledgers` server holds, at
    /// most (measured by `LedgersServerTests`): the log twice, the lock,
    /// three connections each to the projection and to the key store with
    /// their WALs and shared memory, the CLI's write socket.
    /// `--max-open-ledgers` is lowered to fit `ulimit -n`.
    public static let descriptorsPerOpenLedger = 20
    /// Descriptors a server keeps for everything but its ledgers: its
    /// connections (`HTTPLimits.connectionsMax`), CLI sockets, the scrub.
    public static let descriptorsBesidesLedgers = 512
    /// Reader connections (SQLite) of a ledger `ties serve` holds: reads
    /// run side by side on this many, beside the writer's own.
    public static let readersPerLedger = 4
    /// Reader connections of each ledger a `--ledgers` server opens: one
    /// ledger serves one tenant, and a thousand of them may be open.
    public static let tenantReadersPerLedger = 2
    /// A ledger nobody has asked for this long closes (its files and
    /// threads given back); the next request opens it again (milliseconds).
    public static let ledgerIdleCloseMs = 300_000
    /// How long a request waits for room when every open ledger is in use
    /// before `ledger_busy` (503).
    public static let ledgerOpenWaitMs = 5_000
    /// How long retiring an open ledger waits for its requests in flight
    /// (a long poll is woken at once) before `ledger_busy`.
    public static let ledgerRetireWaitMs = 10_000
}
