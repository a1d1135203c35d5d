"""Slow clients: connections that trickle their request header (or their TLS ClientHello) one
byte at a time, and when the server closes each of them.

Usage: slow_clients.py URL --count N --handshake-count M --interval SECS --timeout SECS

- N connections finish the TLS handshake, send `GET /v1/account HTTP/1.1` and then one header
  byte every --interval seconds, never ending the header section;
- M connections send a real TLS ClientHello one byte every --interval seconds.
Each should be closed by the server at its header read (or handshake) timeout, --timeout.
Every connection gives up by itself at --timeout + 10 s. Prints JSON: how many were closed,
when (min / median / max seconds after their first byte), how many got any HTTP response
(a 408 is fine, anything else is not), how many were still open at the end.
"""
import argparse
import asyncio
import json
import ssl
import statistics
import time

from wire import target, tls_context


async def watch(reader, writer, trickle, interval, give_up):
    """Writes one byte of `trickle` per interval until the peer closes; returns
    (closed_after_seconds or None, first bytes the peer sent)."""
    t0 = time.perf_counter()
    got = b""
    i = 0
    while time.perf_counter() - t0 < give_up:
        if i < len(trickle):
            try:
                writer.write(trickle[i:i + 1])
                await writer.drain()
            except (ConnectionError, OSError, ssl.SSLError):
                return time.perf_counter() - t0, got
            i += 1
        try:
            data = await asyncio.wait_for(reader.read(4096), interval)
        except asyncio.TimeoutError:
            continue
        except (ConnectionError, OSError, ssl.SSLError, asyncio.IncompleteReadError):
            return time.perf_counter() - t0, got
        if not data:
            return time.perf_counter() - t0, got
        got += data[:64]
    return None, got


async def slow_header(url, ctx, interval, give_up, sem):
    host, port = target(url)
    async with sem:
        reader, writer = await asyncio.open_connection(host, port, ssl=ctx, server_hostname=host)
    writer.write(f"GET /v1/account HTTP/1.1\r\nHost: {host}:{port}\r\n".encode())
    await writer.drain()
    trickle = b"X-Slow-Client: " + b"a" * 4000
    try:
        return await watch(reader, writer, trickle, interval, give_up)
    finally:
        writer.close()


def client_hello(host):
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    incoming, outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
    obj = ctx.wrap_bio(incoming, outgoing, server_hostname="localhost")
    try:
        obj.do_handshake()
    except ssl.SSLWantReadError:
        pass
    return outgoing.read()


async def slow_handshake(url, interval, give_up, hello):
    host, port = target(url)
    reader, writer = await asyncio.open_connection(host, port)
    try:
        return await watch(reader, writer, hello, interval, give_up)
    finally:
        writer.close()


async def main_async(a):
    ctx = tls_context()
    give_up = a.timeout + 10
    sem = asyncio.Semaphore(64)
    hello = client_hello(target(a.url)[0])
    tasks = [slow_header(a.url, ctx, a.interval, give_up, sem) for _ in range(a.count)]
    tasks += [slow_handshake(a.url, a.interval, give_up, hello) for _ in range(a.handshake_count)]
    results = await asyncio.gather(*tasks, return_exceptions=True)
    out = {}
    for name, part in (("header", results[:a.count]), ("handshake", results[a.count:])):
        errors = [r for r in part if isinstance(r, BaseException)]
        ok = [r for r in part if not isinstance(r, BaseException)]
        closed = [t for t, _ in ok if t is not None]
        responses = [g for _, g in ok if g.startswith(b"HTTP/")]
        unexpected = [g[:40].decode("latin-1") for g in responses if not g.startswith(b"HTTP/1.1 408")]
        out[name] = {
            "count": len(part), "setup_errors": len(errors),
            "first_setup_error": repr(errors[0]) if errors else None,
            "closed": len(closed), "still_open": len(ok) - len(closed),
            "closed_after_s": {
                "min": round(min(closed), 2) if closed else None,
                "median": round(statistics.median(closed), 2) if closed else None,
                "max": round(max(closed), 2) if closed else None,
            },
            "http_responses": len(responses), "unexpected_responses": unexpected[:3],
        }
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("url")
    ap.add_argument("--count", type=int, default=300)
    ap.add_argument("--handshake-count", type=int, default=50)
    ap.add_argument("--interval", type=float, default=1.0)
    ap.add_argument("--timeout", type=float, required=True)
    a = ap.parse_args()
    print(json.dumps(asyncio.run(main_async(a))))


if __name__ == "__main__":
    main()
