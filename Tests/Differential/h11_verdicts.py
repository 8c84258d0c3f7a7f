#!/usr/bin/env python3
"""Records what h11, a strict reference HTTP/1.1 parser, makes of a generated
corpus of hostile requests, for the differential test of Ties's own parser
(Tests/TiesHTTPTests/HTTPDifferentialTests.swift).

    Tests/Differential/h11_verdicts.py          # rewrites h11-verdicts.jsonl

It creates a virtualenv with h11 under .build/ when needed. The corpus is
generated from a fixed seed: the same script writes the same file. Each line:
{"id", "category", "input": base64, "h11": {"requests": [{"method", "target",
"body": base64}], "error": bool}}, where `requests` are the requests h11 read
completely (answering each with a 200 so the next may be read) and `error`
says it refused the bytes after them.
"""
import base64, json, os, random, subprocess, sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "Tests", "Differential", "h11-verdicts.jsonl")
VENV = os.path.join(ROOT, ".build", "h11-venv")
H11_VERSION = "0.16.0"


def ensure_h11():
    try:
        import h11  # noqa: F401
        return
    except ImportError:
        pass
    python = os.path.join(VENV, "bin", "python")
    if not os.path.exists(python):
        subprocess.check_call([sys.executable, "-m", "venv", VENV])
        subprocess.check_call([python, "-m", "pip", "install", "-q", f"h11=={H11_VERSION}"])
    os.execv(python, [python] + sys.argv)


def corpus():
    rng = random.Random(20261207)
    cases = []

    def add(category, data):
        cases.append((category, data if isinstance(data, bytes) else data.encode("latin-1")))

    methods = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]
    targets = ["/v1/health", "/v1/records/person/ada/relationships?asOf=5", "/", "/a%20b?x=1&y=%C3%A9", "/v1/relationships"]
    extras = ["", "Accept: */*\r\n", "User-Agent: t\r\nAccept: application/json\r\n", "X-Empty:\r\n", "Connection: keep-alive\r\n"]

    def request(method="POST", target="/v1/relationships", headers="Host: x\r\n", body=b"", line_end="\r\n", version="HTTP/1.1"):
        # Text below U+0100 is one byte each; anything above goes as UTF-8.
        text = f"{method} {target} {version}{line_end}{headers}{line_end}"
        head = text.encode("latin-1") if all(ord(c) < 256 for c in text) else text.encode("utf-8")
        return head + body

    # 1. Ordinary requests, with and without bodies.
    for method in methods:
        for target in targets:
            for extra in extras:
                body = b"" if method in ("GET", "HEAD", "OPTIONS", "DELETE") else b'{"a":1}'
                length = f"Content-Length: {len(body)}\r\n" if body else ""
                add("valid", request(method, target, "Host: x\r\n" + extra + length, body))

    # 2. Content-Length and Transfer-Encoding together, in every order and case.
    te_values = ["chunked", "Chunked", "CHUNKED", " chunked", "chunked ", "identity, chunked", "chunked, identity", "gzip, chunked",
                 "xchunked", "chunked;x=1", "\tchunked", "chunked\t", "chunk", "chunked, chunked"]
    chunked_body = b"5\r\nhello\r\n0\r\n\r\n"
    for te in te_values:
        for cl in ["5", "18", "0", "100"]:
            add("cl+te", request(headers=f"Host: x\r\nContent-Length: {cl}\r\nTransfer-Encoding: {te}\r\n", body=chunked_body))
            add("te+cl", request(headers=f"Host: x\r\nTransfer-Encoding: {te}\r\nContent-Length: {cl}\r\n", body=chunked_body))
        add("te-only", request(headers=f"Host: x\r\nTransfer-Encoding: {te}\r\n", body=chunked_body))
        add("te-twice", request(headers=f"Host: x\r\nTransfer-Encoding: {te}\r\nTransfer-Encoding: chunked\r\n", body=chunked_body))

    # 3. Content-Length tricks.
    for value in ["5", "+5", "-5", " 5", "5 ", "05", "0005", "5, 5", "5,5", "5, 6", "0x5", "5.0", "5e0", "", "99999999999999999999",
                  "18446744073709551616", "5\t", "\t5", "５", "5 5", "4", "6"]:
        add("content-length", request(headers=f"Host: x\r\nContent-Length: {value}\r\n", body=b"hello"))
        add("content-length-twice", request(headers=f"Host: x\r\nContent-Length: 5\r\nContent-Length: {value}\r\n", body=b"hello"))

    # 4. Chunk-size tricks.
    for size in ["5", "05", "0x5", "5 ", " 5", "+5", "-5", "5;ext=1", "5;", "5 ;ext", "FFFFFFFFFFFFFFFFF", "0000000000000000005", "g", "", "5\t",
                 "4", "6", "a", "A"]:
        for tail in [b"0\r\n\r\n", b"0\r\nX-Trailer: 1\r\n\r\n", b"0\n\n", b"0\r\n"]:
            body = size.encode("latin-1") + b"\r\nhello\r\n" + tail
            add("chunk-size", request(headers="Host: x\r\nTransfer-Encoding: chunked\r\n", body=body))
    for body in [b"5\r\nhelloX\r\n0\r\n\r\n", b"5\r\nhello0\r\n\r\n", b"5\nhello\n0\n\n", b"5\r\nhel", b"0\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n"]:
        add("chunk-data", request(headers="Host: x\r\nTransfer-Encoding: chunked\r\n", body=body))

    # 5. Line folding, bare CR and LF, NUL, spaces where they must not be.
    for header in ["X-A: 1\r\n b\r\n", "X-A: 1\r\n\tb\r\n", " X-A: 1\r\n", "X-A : 1\r\n", "X-A :1\r\n", "X A: 1\r\n", "X-A:\x001\r\n",
                   "X-A: 1\x00\r\n", "X-A: 1\r2\r\n", "X-A: 1\n", "X-A: a\x7fb\r\n", "X-\x80: 1\r\n", "X-A: \xe9\r\n", ": nameless\r\n",
                   "X-A\r\n", "Host: y\r\n", "Content-Length : 5\r\n", "Transfer-Encoding : chunked\r\n", "X-A: 1\r\r\n"]:
        add("header-syntax", request(method="GET", target="/", headers="Host: x\r\n" + header))
    for line_end in ["\n", "\r", "\r\r\n", "\n\r"]:
        add("line-ends", request(method="GET", target="/", headers=f"Host: x{line_end}", line_end=line_end))
    for target in ["/a b", "/a\x00b", "/a\tb", "/\x7f", "/\xe9", "http://x/v1/health", "x:80", "*", "v1/health", "//x", "/?#frag", "/a#b"]:
        add("target", request(method="GET", target=target))
        add("target", request(method="OPTIONS", target=target))

    # 6. Methods and versions.
    for method in ["get", "Get", "G ET", "GE\tT", "GET ", " GET", "CONNECT", "TRACE", "PROPFIND", "G@T", "GET\x00", "POSTX", ""]:
        add("method", request(method=method, target="/", body=b""))
    for version in ["HTTP/1.0", "HTTP/1.2", "HTTP/2.0", "HTTP/1.10", "http/1.1", "HTTP/1.1 ", "HTTP/1", "HTTP/ 1.1", "HTTP/1.1x", "HTTP/0.9", "HTTP/11", ""]:
        add("version", request(method="GET", target="/", version=version))

    # 7. Missing or duplicate Host, over-long lines, many headers.
    add("host", request(method="GET", target="/", headers=""))
    add("host", request(method="GET", target="/", headers="Host: x\r\nHost: y\r\n"))
    add("host", request(method="GET", target="/", headers="", version="HTTP/1.0"))
    for length in [100, 4000, 8190, 8200, 20000, 70000]:
        add("long-line", request(method="GET", target="/" + "a" * length))
        add("long-line", request(method="GET", target="/", headers="Host: x\r\nX-Long: " + "b" * length + "\r\n"))
    for count in [10, 99, 101, 200]:
        add("many-headers", request(method="GET", target="/", headers="Host: x\r\n" + "".join(f"X-{i}: {i}\r\n" for i in range(count))))

    # 8. Pipelining: requests back to back, some with bodies, some smuggled.
    singles = [request(method="GET", target="/"), request(headers="Host: x\r\nContent-Length: 3\r\n", body=b"abc"),
               request(headers="Host: x\r\nTransfer-Encoding: chunked\r\n", body=b"3\r\nabc\r\n0\r\n\r\n")]
    for a in singles:
        for b in singles:
            add("pipelined", a + b)
            add("pipelined", a + b + a)
    add("pipelined", request(headers="Host: x\r\nContent-Length: 0\r\n") + b"\r\n" + request(method="GET", target="/"))

    # 9. Mutations of all of the above, from the seed: a byte changed,
    # inserted, removed, or a run duplicated.
    base = [data for _, data in cases]
    while len(cases) < 2600:
        data = bytearray(rng.choice(base))
        for _ in range(rng.randint(1, 3)):
            op = rng.randrange(4)
            at = rng.randrange(len(data) + 1)
            if op == 0 and data:
                data[min(at, len(data) - 1)] = rng.choice(b"\r\n\x00 \t:;,0159aAfF-+/\x7f\x80\xff")
            elif op == 1:
                data[at:at] = bytes([rng.choice(b"\r\n\x00 \t:;,0159aAfF-+/\x7f\x80\xff")])
            elif op == 2 and data:
                del data[min(at, len(data) - 1)]
            else:
                end = min(len(data), at + rng.randint(1, 16))
                data[at:at] = data[at:end]
        add("mutated", bytes(data))
    return cases


def h11_verdict(data):
    import h11
    conn = h11.Connection(h11.SERVER, max_incomplete_event_size=16 * 1024)
    conn.receive_data(data)
    requests, current, error = [], None, False
    while True:
        try:
            event = conn.next_event()
        except h11.RemoteProtocolError:
            error = True
            break
        if event is h11.NEED_DATA or event is h11.PAUSED and current is None:
            break
        if isinstance(event, h11.Request):
            current = {"method": event.method.decode("latin-1"), "target": event.target.decode("latin-1"), "body": b""}
        elif isinstance(event, h11.Data):
            current["body"] += event.data
        elif isinstance(event, h11.EndOfMessage):
            current["body"] = base64.b64encode(current["body"]).decode()
            requests.append(current)
            current = None
            try:
                conn.send(h11.Response(status_code=200, headers=[("Content-Length", "0")]))
                conn.send(h11.EndOfMessage())
                conn.start_next_cycle()
            except h11.LocalProtocolError:
                break  # The request closes the connection (HTTP/1.0 without keep-alive).
        elif event is h11.PAUSED:
            break
        elif isinstance(event, h11.ConnectionClosed):
            break
    return {"requests": requests, "error": error}


def main():
    ensure_h11()
    lines = []
    for index, (category, data) in enumerate(corpus()):
        lines.append(json.dumps({"id": index, "category": category, "input": base64.b64encode(data).decode(),
                                 "h11": h11_verdict(data)}, sort_keys=True))
    with open(OUT, "w") as out:
        out.write("\n".join(lines) + "\n")
    print(f"wrote {len(lines)} verdicts to {OUT}")


if __name__ == "__main__":
    main()
