"""A well-behaved client running beside an attack: one request every --interval seconds over a
keep-alive TLS connection (reconnecting if it is closed), until --until-file exists or
--max-seconds pass. Every answer must be the 401 envelope. Prints JSON: requests, failures,
latency p50/p99/max in ms.

Usage: bystander.py URL --until-file F [--interval 0.05] [--max-seconds 300]
"""
import argparse
import asyncio
import json
import os
import time

from wire import Conn, percentile, tls_context

ENVELOPE = b'{"error":{"type":"authentication_error","code":null,"message":"Invalid API key"}}'


async def main_async(a):
    ctx = tls_context()
    lat, failures, first = [], 0, None
    conn = None
    t_end = time.perf_counter() + a.max_seconds
    while time.perf_counter() < t_end and not os.path.exists(a.until_file):
        t0 = time.perf_counter()
        try:
            if conn is None:
                conn = await Conn.open(a.url, ctx, timeout=5)
            status, _, body = await conn.request("GET", "/v1/account", timeout=5)
            if status != 401 or body != ENVELOPE:
                failures += 1
                first = first or f"status {status}"
            lat.append((time.perf_counter() - t0) * 1000)
        except Exception as e:  # noqa: BLE001 - counted and reported
            failures += 1
            first = first or repr(e)
            if conn:
                conn.writer.transport.abort()
            conn = None
        await asyncio.sleep(a.interval)
    if conn:
        conn.close()
    return {"requests": len(lat) + failures, "failures": failures, "first_failure": first,
            "p50_ms": round(percentile(lat, 50), 2) if lat else None,
            "p99_ms": round(percentile(lat, 99), 2) if lat else None,
            "max_ms": round(max(lat), 2) if lat else None}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("url")
    ap.add_argument("--until-file", required=True)
    ap.add_argument("--interval", type=float, default=0.05)
    ap.add_argument("--max-seconds", type=float, default=300)
    a = ap.parse_args()
    print(json.dumps(asyncio.run(main_async(a))))


if __name__ == "__main__":
    main()
