"""Holds N TLS keep-alive connections open to a server and reads its memory meanwhile.

Usage: hold_connections.py URL --count N --pids PID[,PID...] [--settle SECS] [--timeout SECS]

Each connection makes a full TLS handshake and one HTTP/1.1 request (GET /v1/account, no key,
so 401), reads the whole response, and stays open. Once all are open and a settle time has
passed, the sum of VmRSS of the given processes is read from /proc. Prints one JSON object:
{"opened", "failed", "rss_kib", "first_error"}. Loopback only; bounded by --timeout.
"""
import argparse
import asyncio
import json
import ssl
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit


def rss_kib(pids):
    total = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total


async def open_one(host, port, ctx, sem):
    async with sem:
        reader, writer = await asyncio.open_connection(host, port, ssl=ctx,
                                                       server_hostname="localhost")
        writer.write(f"GET /v1/account HTTP/1.1\r\nHost: {host}:{port}\r\n\r\n".encode())
        await writer.drain()
        head = await reader.readuntil(b"\r\n\r\n")
        status = int(head.split(b" ", 2)[1])
        length = 0
        for line in head.split(b"\r\n"):
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":", 1)[1])
        await reader.readexactly(length)
        if status != 401:
            raise RuntimeError(f"expected 401, got {status}")
        return writer


async def main_async(a):
    u = urlsplit(a.url)
    host, port = u.hostname, u.port
    if host not in ("127.0.0.1", "::1", "localhost"):
        sys.exit("hold_connections.py: loopback targets only")
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    ctx.set_alpn_protocols(["http/1.1"])
    sem = asyncio.Semaphore(64)
    pids = [int(p) for p in a.pids.split(",") if p]
    results = await asyncio.gather(*(open_one(host, port, ctx, sem) for _ in range(a.count)),
                                   return_exceptions=True)
    writers = [r for r in results if not isinstance(r, BaseException)]
    errors = [r for r in results if isinstance(r, BaseException)]
    await asyncio.sleep(a.settle)
    out = {"opened": len(writers), "failed": len(errors), "rss_kib": rss_kib(pids),
           "first_error": repr(errors[0]) if errors else None}
    for w in writers:
        w.close()
    await asyncio.gather(*(w.wait_closed() for w in writers), return_exceptions=True)
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("url")
    ap.add_argument("--count", type=int, default=1000)
    ap.add_argument("--pids", default="")
    ap.add_argument("--settle", type=float, default=1.0)
    ap.add_argument("--timeout", type=float, default=90)
    a = ap.parse_args()
    started = time.time()
    try:
        out = asyncio.run(asyncio.wait_for(main_async(a), a.timeout))
    except asyncio.TimeoutError:
        out = {"opened": 0, "failed": a.count, "rss_kib": None,
               "first_error": f"not done within {a.timeout} s"}
    out["seconds"] = round(time.time() - started, 1)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
