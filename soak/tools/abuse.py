"""Abusive clients, one kind per sub-command; each prints one JSON object of figures and a
verdict ("ok": true/false, "why"). Loopback only, bounded in count and time.

Usage: abuse.py KIND URL [--count N] [--pid PID] [--timeout SECS]
  garbage      random bytes instead of a TLS ClientHello: the server must close
  plaintext    a plain HTTP/1.1 request on the TLS port: closed, never an HTTP answer
  reset        TLS, half a request (head, or head and part of a body), then a TCP reset
  half-open    TCP connections that never send a byte, and TLS connections that send a
               request and then shut their sending side: all closed by the server in time
  big-body     POST of a 10 MB body without a key (Content-Length and chunked): 401 before
               the body is all sent, and the server's RSS does not grow by the body
  h2-flood     HTTP/2: thousands of requests per connection without reading a response
  h2-reset     HTTP/2 rapid reset (CVE-2023-44487): HEADERS then RST_STREAM, over and over
"""
import argparse
import asyncio
import json
import os
import socket
import ssl
import struct
import time

from wire import Conn, rss_kib, target, tls_context

ENVELOPE = b'{"error":{"type":"authentication_error","code":null,"message":"Invalid API key"}}'


async def closed_within(reader, seconds):
    """Reads until EOF/reset; returns (closed?, first bytes received)."""
    got = b""
    deadline = time.perf_counter() + seconds
    while True:
        left = deadline - time.perf_counter()
        if left <= 0:
            return False, got
        try:
            data = await asyncio.wait_for(reader.read(4096), left)
        except asyncio.TimeoutError:
            return False, got
        except (ConnectionError, OSError, ssl.SSLError):
            return True, got
        if not data:
            return True, got
        got += data[:256]


async def garbage(a):
    host, port = target(a.url)

    async def one(i):
        reader, writer = await asyncio.open_connection(host, port)
        # Random bytes; every tenth one starts like a TLS record to get past the first check.
        payload = os.urandom(1024)
        if i % 10 == 0:
            payload = b"\x16\x03\x01\x00\x80" + payload
        writer.write(payload)
        await writer.drain()
        closed, got = await closed_within(reader, a.timeout)
        writer.close()
        return closed, got

    res = await asyncio.gather(*(one(i) for i in range(a.count)), return_exceptions=True)
    errs = [r for r in res if isinstance(r, BaseException)]
    ok = [r for r in res if not isinstance(r, BaseException)]
    closed = sum(1 for c, _ in ok if c)
    http = sum(1 for _, g in ok if g.startswith(b"HTTP/"))
    return {"sent": a.count, "closed": closed, "http_answers": http, "setup_errors": len(errs),
            "ok": closed == a.count and not http and not errs,
            "why": None if closed == a.count else f"{a.count - closed} not closed in {a.timeout} s"}


async def plaintext(a):
    host, port = target(a.url)

    async def one():
        reader, writer = await asyncio.open_connection(host, port)
        writer.write(f"GET /v1/account HTTP/1.1\r\nHost: {host}:{port}\r\n\r\n".encode())
        await writer.drain()
        closed, got = await closed_within(reader, a.timeout)
        writer.close()
        return closed, got

    res = await asyncio.gather(*(one() for _ in range(a.count)), return_exceptions=True)
    errs = [r for r in res if isinstance(r, BaseException)]
    ok = [r for r in res if not isinstance(r, BaseException)]
    closed = sum(1 for c, _ in ok if c)
    http = sum(1 for _, g in ok if g.startswith(b"HTTP/"))
    alerts = sum(1 for _, g in ok if g[:1] == b"\x15")
    return {"sent": a.count, "closed": closed, "tls_alerts": alerts, "http_answers": http,
            "setup_errors": len(errs),
            "ok": closed == a.count and http == 0 and not errs,
            "why": None if closed == a.count and http == 0 else "not closed, or answered in plain HTTP"}


def rst_close(writer):
    """Closes with a TCP RST (SO_LINGER 0) instead of a FIN."""
    sock = writer.get_extra_info("socket")
    if sock is not None:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    writer.transport.abort()


async def reset(a):
    ctx = tls_context()
    host, port = target(a.url)
    sem = asyncio.Semaphore(64)

    async def one(i):
        async with sem:
            conn = await Conn.open(a.url, ctx)
            if i % 3 == 0:
                conn.writer.write(f"GET /v1/account HTTP/1.1\r\nHost: {host}\r\nX-Half: ".encode())
            elif i % 3 == 1:
                conn.writer.write(f"POST /v1/account HTTP/1.1\r\nHost: {host}\r\n"
                                  f"Content-Length: 100000\r\n\r\n".encode() + b"x" * 30000)
            else:
                # A whole request whose answer is never read.
                conn.writer.write(f"GET /v1/account HTTP/1.1\r\nHost: {host}\r\n\r\n".encode())
            await conn.writer.drain()
            await asyncio.sleep(0.01)
            rst_close(conn.writer)

    res = await asyncio.gather(*(one(i) for i in range(a.count)), return_exceptions=True)
    errs = [r for r in res if isinstance(r, BaseException)]
    return {"sent": a.count, "setup_errors": len(errs),
            "first_error": repr(errs[0]) if errs else None,
            "ok": len(errs) <= a.count // 100, "why": None if not errs else f"{len(errs)} could not connect"}


async def half_open(a):
    host, port = target(a.url)
    ctx = tls_context()

    async def silent():
        reader, writer = await asyncio.open_connection(host, port)
        closed, _ = await closed_within(reader, a.timeout)
        writer.close()
        return closed

    async def shut_write():
        conn = await Conn.open(a.url, ctx)
        conn.writer.write(f"GET /v1/account HTTP/1.1\r\nHost: {host}\r\n\r\n".encode())
        await conn.writer.drain()
        sock = conn.writer.get_extra_info("socket")
        sock.shutdown(socket.SHUT_WR)  # TCP FIN under the TLS session, no close_notify
        closed, got = await closed_within(conn.reader, a.timeout)
        conn.writer.transport.abort()
        return closed

    n_silent, n_shut = a.count, a.count // 2
    t0 = time.perf_counter()
    res = await asyncio.gather(*([silent() for _ in range(n_silent)]
                                 + [shut_write() for _ in range(n_shut)]), return_exceptions=True)
    errs = [r for r in res if isinstance(r, BaseException)]
    silent_closed = sum(1 for r in res[:n_silent] if r is True)
    shut_closed = sum(1 for r in res[n_silent:] if r is True)
    ok = silent_closed == n_silent and shut_closed == n_shut and not errs
    return {"silent": n_silent, "silent_closed": silent_closed, "shut_write": n_shut,
            "shut_write_closed": shut_closed, "setup_errors": len(errs),
            "seconds": round(time.perf_counter() - t0, 1), "ok": ok,
            "why": None if ok else f"not all closed within {a.timeout} s ({len(errs)} setup errors)"}


def upload_without_key(url, size, chunked, timeout):
    """POSTs `size` bytes with no key on a non-blocking TLS socket, reading whenever the server
    has something to say; returns the status, whether the body was the envelope, and how many
    body bytes had been handed to the kernel when the answer was complete."""
    import select
    host, port = target(url)
    ctx = tls_context()
    raw = socket.create_connection((host, port), timeout=5)
    sock = ctx.wrap_socket(raw, server_hostname=host)
    te = "Transfer-Encoding: chunked" if chunked else f"Content-Length: {size}"
    sock.sendall(f"POST /v1/account HTTP/1.1\r\nHost: {host}\r\n{te}\r\n\r\n".encode())
    sock.setblocking(False)
    piece = b"z" * 65536
    if chunked:
        piece = b"10000\r\n" + piece + b"\r\n"
    sent, got, pending, send_failed = 0, b"", b"", False
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            want_write = not send_failed and sent < size
            r, w, _ = select.select([sock], [sock] if want_write else [], [], 0.5)
            if r or sock.pending():
                try:
                    data = sock.recv(65536)
                except (ssl.SSLWantReadError, ssl.SSLWantWriteError):
                    data = None
                except (ConnectionError, OSError):
                    break
                if data == b"":
                    break
                if data:
                    got += data
                    head, sep, body = got.partition(b"\r\n\r\n")
                    if sep:
                        length = 0
                        for line in head.split(b"\r\n"):
                            if line.lower().startswith(b"content-length:"):
                                length = int(line.split(b":", 1)[1])
                        if len(body) >= length:
                            status = int(head.split(b" ", 2)[1])
                            return {"status": status, "envelope": body[:length] == ENVELOPE,
                                    "sent_at_answer": sent}
                    continue
            if w and want_write:
                try:
                    if not pending:
                        pending = piece
                    n = sock.send(pending)
                    pending = pending[n:]
                    if not pending:
                        sent += 65536
                except (ssl.SSLWantReadError, ssl.SSLWantWriteError):
                    pass
                except (ConnectionError, OSError):
                    send_failed = True  # the server closed: read what it said before
        return {"error": "no complete answer", "sent": sent, "got": got[:60].decode("latin-1")}
    finally:
        sock.close()


async def big_body(a):
    size = 10 * 1024 * 1024
    peak = {"rss": rss_kib(a.pid) if a.pid else 0}
    base = peak["rss"]

    async def sample():
        while True:
            if a.pid:
                peak["rss"] = max(peak["rss"], rss_kib(a.pid))
            await asyncio.sleep(0.02)

    sampler = asyncio.ensure_future(sample())
    res = []
    for chunked in (False, True):
        res += await asyncio.gather(*(asyncio.to_thread(upload_without_key, a.url, size, chunked, a.timeout)
                                      for _ in range(a.count)), return_exceptions=True)
    sampler.cancel()
    bad = [r for r in res if isinstance(r, BaseException) or r.get("status") != 401 or not r.get("envelope")]
    early = [r for r in res if isinstance(r, dict) and r.get("sent_at_answer") is not None
             and r["sent_at_answer"] < size]
    grew = peak["rss"] - base
    ok = not bad and len(early) == len(res) and grew < 8 * 1024
    return {"uploads": len(res), "body_bytes": size, "answered_401_with_envelope": len(res) - len(bad),
            "answered_before_body_sent": len(early),
            "max_bytes_sent_before_answer": max((r.get("sent_at_answer") or 0) for r in res if isinstance(r, dict)),
            "rss_growth_kib": grew, "first_bad": repr(bad[0]) if bad else None, "ok": ok,
            "why": None if ok else "not all answered 401 before the body was sent, or RSS grew by 8 MiB or more"}


# --- raw HTTP/2 -----------------------------------------------------------------------------

PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"


def frame(kind, flags, stream, payload=b""):
    return struct.pack(">I", len(payload))[1:] + bytes([kind, flags]) + struct.pack(">I", stream) + payload


def hpack_get(authority, path="/v1/account"):
    def lit(index, value):
        v = value.encode()
        return bytes([index]) + bytes([len(v)]) + v
    # :method GET (2), :scheme https (7), then :path and :authority as literals.
    return b"\x82\x87" + lit(0x04, path) + lit(0x01, authority)


class H2Reader:
    """Counts what the server sends: frame kinds, GOAWAY code, statuses are not decoded."""

    def __init__(self):
        self.buf = b""
        self.kinds = {}
        self.goaway = None

    def feed(self, data):
        self.buf += data
        while len(self.buf) >= 9:
            length = int.from_bytes(self.buf[:3], "big")
            if len(self.buf) < 9 + length:
                break
            kind = self.buf[3]
            payload = self.buf[9:9 + length]
            self.kinds[kind] = self.kinds.get(kind, 0) + 1
            if kind == 7 and len(payload) >= 8:
                self.goaway = int.from_bytes(payload[4:8], "big")
            self.buf = self.buf[9 + length:]


KIND_NAMES = {0: "DATA", 1: "HEADERS", 3: "RST_STREAM", 4: "SETTINGS", 6: "PING", 7: "GOAWAY", 8: "WINDOW_UPDATE"}
GOAWAY_NAMES = {0: "NO_ERROR", 1: "PROTOCOL_ERROR", 2: "INTERNAL_ERROR", 11: "ENHANCE_YOUR_CALM"}


async def h2_connection(a, batches, read_replies):
    """Opens an h2 connection, sends the frames of each batch in turn; returns what came back."""
    host, port = target(a.url)
    ctx = tls_context(alpn=("h2",))
    reader, writer = await asyncio.open_connection(host, port, ssl=ctx, server_hostname=host)
    assert writer.get_extra_info("ssl_object").selected_alpn_protocol() == "h2"
    r = H2Reader()
    writer.write(PREFACE + frame(4, 0, 0))
    await writer.drain()
    r.feed(await asyncio.wait_for(reader.read(65536), 5))
    writer.write(frame(4, 1, 0))  # SETTINGS ACK
    sent = 0
    closed = False
    deadline = time.perf_counter() + a.timeout
    for batch, n in batches:
        if closed or time.perf_counter() > deadline:
            break
        try:
            writer.write(batch)
            await asyncio.wait_for(writer.drain(), max(0.1, deadline - time.perf_counter()))
            sent += n
        except (ConnectionError, OSError, ssl.SSLError, asyncio.TimeoutError):
            closed = True
            break
        if read_replies:
            try:
                data = await asyncio.wait_for(reader.read(1 << 20), 0.001)
                if not data:
                    closed = True
                r.feed(data)
            except asyncio.TimeoutError:
                pass
            except (ConnectionError, OSError, ssl.SSLError):
                closed = True
    # Then read what is left, bounded.
    while not closed and time.perf_counter() < deadline:
        try:
            data = await asyncio.wait_for(reader.read(1 << 20), 2)
        except asyncio.TimeoutError:
            break
        except (ConnectionError, OSError, ssl.SSLError):
            closed = True
            break
        if not data:
            closed = True
            break
        r.feed(data)
    writer.transport.abort()
    return {"requests_sent": sent, "closed_by_server": closed,
            "frames": {KIND_NAMES.get(k, str(k)): v for k, v in sorted(r.kinds.items())},
            "goaway": GOAWAY_NAMES.get(r.goaway, r.goaway)}


async def h2_flood(a):
    host, port = target(a.url)
    block = hpack_get(f"{host}:{port}")
    per_conn, conns = a.count, 10
    batches = []
    for start in range(0, per_conn, 500):
        ids = range(1 + 2 * start, 1 + 2 * min(per_conn, start + 500), 2)
        batches.append((b"".join(frame(1, 0x5, sid, block) for sid in ids), len(ids)))
    t0 = time.perf_counter()
    res = await asyncio.gather(*(h2_connection(a, batches, read_replies=False) for _ in range(conns)),
                               return_exceptions=True)
    errs = [r for r in res if isinstance(r, BaseException)]
    ok = [r for r in res if not isinstance(r, BaseException)]
    return {"connections": conns, "requests_per_connection": per_conn,
            "requests_sent": sum(r["requests_sent"] for r in ok),
            "goaway": sorted({str(r["goaway"]) for r in ok}),
            "frames_received": {k: sum(r["frames"].get(k, 0) for r in ok) for k in ("HEADERS", "RST_STREAM", "GOAWAY")},
            "setup_errors": len(errs), "first_error": repr(errs[0]) if errs else None,
            "seconds": round(time.perf_counter() - t0, 1), "ok": not errs,
            "why": None if not errs else "could not open the HTTP/2 connections"}


async def h2_reset(a):
    host, port = target(a.url)
    block = hpack_get(f"{host}:{port}")
    per_conn, conns = a.count, 10
    batches = []
    for start in range(0, per_conn, 200):
        ids = range(1 + 2 * start, 1 + 2 * min(per_conn, start + 200), 2)
        batches.append((b"".join(frame(1, 0x5, sid, block) + frame(3, 0, sid, struct.pack(">I", 8))
                                 for sid in ids), len(ids)))
    t0 = time.perf_counter()
    res = await asyncio.gather(*(h2_connection(a, batches, read_replies=True) for _ in range(conns)),
                               return_exceptions=True)
    errs = [r for r in res if isinstance(r, BaseException)]
    ok = [r for r in res if not isinstance(r, BaseException)]
    stopped = sum(1 for r in ok if r["goaway"] is not None or r["closed_by_server"])
    return {"connections": conns, "resets_per_connection": per_conn,
            "resets_sent": sum(r["requests_sent"] for r in ok),
            "connections_stopped_by_server": stopped,
            "goaway": sorted({str(r["goaway"]) for r in ok}),
            "setup_errors": len(errs), "first_error": repr(errs[0]) if errs else None,
            "seconds": round(time.perf_counter() - t0, 1), "ok": not errs,
            "why": None if not errs else "could not open the HTTP/2 connections"}


KINDS = {"garbage": garbage, "plaintext": plaintext, "reset": reset, "half-open": half_open,
         "big-body": big_body, "h2-flood": h2_flood, "h2-reset": h2_reset}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("kind", choices=sorted(KINDS))
    ap.add_argument("url")
    ap.add_argument("--count", type=int, default=200)
    ap.add_argument("--pid", type=int, default=0)
    ap.add_argument("--timeout", type=float, default=15)
    a = ap.parse_args()
    t0 = time.perf_counter()
    try:
        out = asyncio.run(asyncio.wait_for(KINDS[a.kind](a), a.timeout + 60))
    except asyncio.TimeoutError:
        out = {"ok": False, "why": "the attack itself did not finish in time"}
    out["kind"] = a.kind
    out.setdefault("seconds", round(time.perf_counter() - t0, 1))
    print(json.dumps(out))


if __name__ == "__main__":
    main()
