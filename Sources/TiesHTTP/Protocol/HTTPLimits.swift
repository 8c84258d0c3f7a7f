/// Every limit the HTTP layer enforces, in one place, each with its bound, the
/// status a client gets for crossing it, and why it is where it is (the
/// althttpd habit: limits are constants you can read, not behaviour you infer).
/// A request past a limit is refused and its connection closed; nothing is
/// truncated.
public enum HTTPLimits {
    // MARK: The head

    /// The request line, CRLF included: 8 KiB → 414. Our targets are short
    /// paths plus a query of a few IDs; 8 KiB is the common floor among
    /// servers (RFC 9112 §3 recommends supporting at least 8000 octets).
    /// Refused as soon as the line cannot end within the bound, without
    /// waiting for its CRLF.
    public static let requestLineBytesMax = 8 * 1024

    /// The header section, every field line with its CRLF plus the final
    /// empty line: 16 KiB → 431. Room for a long bearer token and cookies;
    /// beyond that a client is confused or hostile. Counted as bytes arrive.
    public static let headerSectionBytesMax = 16 * 1024

    /// Header fields in one request: 100 → 431. Bounds the work of every
    /// by-name lookup and the memory of tiny-field floods, which the byte
    /// bound alone allows by the thousand.
    public static let headerFieldsMax = 100

    /// Empty lines (CRLF) ignored before a request line → 400 past it.
    /// RFC 9112 §2.2 asks servers to skip at least one, because old clients
    /// send a stray CRLF after a POST body; more than that is not a client
    /// bug we need to forgive.
    public static let leadingEmptyLinesMax = 1

    // MARK: The body

    /// A request body: 16 MiB + 64 KiB → 413. The largest thing a client
    /// may send is one commit (`Limits.commitBytesMax`, 16 MiB, in TiesCore),
    /// and the 64 KiB cover its JSON envelope. Decided from Content-Length
    /// before a body byte is read; for chunked bodies, as soon as the chunk
    /// sizes declared so far add up past it.
    public static let bodyBytesMax = 16 * 1024 * 1024 + 64 * 1024
    /// A body sent from a file (an export) goes out this many bytes at a
    /// time, so memory stays bounded whatever the file's size.
    public static let bodyFileChunkBytes = 256 * 1024

    /// A chunk-size line, extensions and CRLF included: 1 KiB → 400.
    /// Extensions are ignored, so their only use to a client is to make us
    /// buffer; 1 KiB leaves them room and takes that away.
    public static let chunkSizeLineBytesMax = 1024

    /// Hex digits in a chunk size: 16 → 400. Sixteen digits are every
    /// 64-bit size (leading zeros included), so no size can overflow.
    public static let chunkSizeHexDigitsMax = 16

    /// The trailer section of a chunked body, bounded like the header
    /// section (→ 431): trailers are parsed for syntax, then dropped.
    public static let trailerSectionBytesMax = headerSectionBytesMax

    /// Trailer fields in one chunked body (→ 431), like `headerFieldsMax`.
    public static let trailerFieldsMax = headerFieldsMax

    // MARK: The parser's memory

    /// Buffer capacity a parser keeps between requests. After a large body
    /// the buffer is released instead, so 256 idle keep-alive connections
    /// cannot each pin 16 MiB.
    public static let idleBufferBytesMax = 64 * 1024

    // MARK: The server (enforced by the listener, not the parser)

    /// From a new connection to its first byte; past it the connection is
    /// closed without an answer. A client connects to send a request and
    /// sends it at once, so 5 s is slack for a slow network, while sockets
    /// opened only to hold a slot (256 of them lock everyone out) go away
    /// quickly. A keep-alive connection that has been answered gets
    /// `keepAliveIdleTimeout` instead: its client has shown it is real.
    public static let firstByteTimeout: Duration = .seconds(5)

    /// From a request's first byte to the end of its head (→ 408).
    /// Slow-loris defence: a head is at most 24 KiB, which any live client
    /// sends well within 10 s. With `firstByteTimeout`, a new connection has
    /// sent a whole head within 15 s of being accepted or is closed.
    public static let headerReadTimeout: Duration = .seconds(10)

    /// From the end of the head to the end of the body (→ 408). 16 MiB in
    /// 30 s asks for about 4.5 Mbit/s, a slow but real link.
    public static let bodyReadTimeout: Duration = .seconds(30)

    /// An idle keep-alive connection is closed after this long without a
    /// request byte. Long enough for a client's next call; idle sockets
    /// cannot crowd out new ones meanwhile, because at `connectionsMax` the
    /// longest idle connection is closed to make room (see there).
    public static let keepAliveIdleTimeout: Duration = .seconds(60)

    /// Open connections: 256; each one may buffer a head and a body, so this
    /// bound is what bounds the server's memory. A new connection past it
    /// takes the place of the connection that has been wasting its slot the
    /// longest: idle (a keep-alive one between requests, or a new one that
    /// has not sent a byte), or slow for at least `slowClientEviction`
    /// (trickling a head, or not reading an answer). It is closed without
    /// more, as its timeout would have closed it. Only when every connection
    /// is busy with a request is the new one refused (503) rather than
    /// queued: a held socket costs its holder nothing, so held sockets must
    /// never be able to lock out a client with something to ask. A
    /// connection whose next request has already arrived is not idle, and
    /// one closed to make room never has what it read handled (no commit
    /// without its answer).
    public static let connectionsMax = 256

    /// At `connectionsMax`, a connection that has been trickling a request
    /// head, or has left an answer unread, for this long may be closed to
    /// make room (see there): a head is one packet for a live client, and a
    /// live client reads what it asked for, so 2 s of either is a slot held,
    /// not a request coming. Without this, 256 clients that pipeline
    /// requests and never read (no key needed: health answers) kept every
    /// slot busy for the 30 s send timeout, and new clients got 503.
    public static let slowClientEviction: Duration = .seconds(2)

    /// At `connectionsMax`, a keep-alive connection in the pause after an
    /// answer is not closed to make room for this long: its client's next
    /// request is on its way. Without it, a flood of new connections closed
    /// a busy keep-alive client between two requests whenever every other
    /// connection was newer or busy, and its reconnect met a full house.
    public static let keepAlivePause: Duration = .seconds(1)

    /// Requests being handled at once, across all connections: 64 (→ 503).
    /// There is one writer, so more concurrency only lengthens queues.
    public static let requestsInFlightMax = 64

    /// How long a request waits for an in-flight slot before its 503: a
    /// burst is absorbed, an overload is told so while the client can
    /// still retry elsewhere.
    public static let inFlightWait: Duration = .seconds(5)

    /// Bytes taken from a socket per receive: one chunk of a large body,
    /// and the most a slow client makes the server hold per read.
    public static let receiveChunkBytes = 64 * 1024

    /// Sending a refusal or a last response on a connection about to be
    /// closed: a client that will not read it does not hold a thread.
    public static let closingSendTimeout: Duration = .seconds(1)

    /// How long `ties serve` lets in-flight requests finish after SIGTERM
    /// or Ctrl-C before it closes their connections.
    public static let stopGrace: Duration = .seconds(10)

    // MARK: The API

    /// `wait` of the change feed (`GET /v1/events`): 0–60 s. A long poll
    /// holds a connection; a minute is the usual proxy idle timeout.
    public static let feedWaitSecondsMax: Int64 = 60

    /// Events per page of the change feed unless `limit` says otherwise.
    public static let feedPageDefault: Int64 = 100
}

extension Duration {
    /// Whole milliseconds, for socket and semaphore timeouts.
    public var wholeMilliseconds: Int {
        let (seconds, attoseconds) = components
        return Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000)
    }
}
