"""A small HTTP/1.1-over-TLS client on asyncio, for the soak tools: exact control of the wire,
keep-alive, nothing hidden. Loopback targets only.
"""
import asyncio
import os
import ssl
import time
from pathlib import Path
from urllib.parse import urlsplit

LOOPBACK = ("127.0.0.1", "::1", "localhost")


def target(url):
    """(host, port) of an https:// loopback URL."""
    u = urlsplit(url)
    if u.hostname not in LOOPBACK:
        raise SystemExit(f"{url}: the soak only targets loopback addresses")
    return u.hostname, u.port


def tls_context(ca=None, alpn=("http/1.1",)):
    """Trusts `ca` when given (and checks the name), else checks nothing."""
    if ca:
        ctx = ssl.create_default_context(cafile=ca)
    else:
        ctx = ssl.create_default_context()
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
    ctx.set_alpn_protocols(list(alpn))
    return ctx


class Conn:
    """One keep-alive HTTP/1.1 connection over TLS."""

    def __init__(self, reader, writer, host, port):
        self.reader, self.writer, self.host, self.port = reader, writer, host, port

    @classmethod
    async def open(cls, url, ctx, timeout=10):
        host, port = target(url)
        reader, writer = await asyncio.wait_for(
            asyncio.open_connection(host, port, ssl=ctx, server_hostname=host), timeout)
        return cls(reader, writer, host, port)

    async def request(self, method, path, headers=(), body=b"", timeout=10):
        """Sends one request, returns (status, {lower-case name: value}, body)."""
        lines = [f"{method} {path} HTTP/1.1", f"Host: {self.host}:{self.port}"]
        lines += [f"{k}: {v}" for k, v in headers]
        if body or method in ("POST", "PUT", "PATCH"):
            lines.append(f"Content-Length: {len(body)}")
        self.writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
        await self.writer.drain()
        return await asyncio.wait_for(self.read_response(method == "HEAD"), timeout)

    async def read_response(self, head_only=False):
        head = await self.reader.readuntil(b"\r\n\r\n")
        status_line, *fields = head.decode("latin-1").split("\r\n")
        status = int(status_line.split(" ", 2)[1])
        headers = {}
        for f in fields:
            if ":" in f:
                k, v = f.split(":", 1)
                headers[k.strip().lower()] = v.strip()
        length = int(headers.get("content-length", "0"))
        body = b"" if head_only else await self.reader.readexactly(length)
        return status, headers, body

    def close(self):
        self.writer.close()


def rss_kib(pid):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def open_fds(pid):
    return len(os.listdir(f"/proc/{pid}/fd"))


def percentile(values, p):
    if not values:
        return None
    v = sorted(values)
    return v[min(len(v) - 1, max(0, round(p / 100 * (len(v) - 1))))]


class Clock:
    def __init__(self):
        self.t0 = time.perf_counter()

    def seconds(self):
        return time.perf_counter() - self.t0
