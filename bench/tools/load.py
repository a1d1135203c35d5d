"""One load measurement: runs wrk or h2load against one server and appends a JSON line.

Usage: load.py SCENARIO URL --server NAME --round N --duration SECS --out FILE [--key KEY]

Scenarios (all over TLS to 127.0.0.1, the same client for both servers):
  h1-401    wrk, HTTP/1.1 keep-alive, 32 connections, 2 threads, no key       -> requests/s
  h1-200    the same with `Authorization: Bearer KEY`                          -> requests/s
  h1-401-t1 wrk with ONE thread (-t1 -c32): the load generator on one core, the
  h1-200-t1 server on the other, as an SDK author's quick check measures it     -> requests/s
  h2-401    h2load, HTTP/2, 32 connections x 10 concurrent streams, no key     -> requests/s
  h2-200    the same with the key                                              -> requests/s
  conn      wrk with `Connection: close`: a new TLS connection (full handshake)
            for every request, 32 at a time                                     -> connections/s
  latency   h2load --h1 at a fixed rate (--rate-per-conn x 16 connections), one request at a
            time per connection, every response's latency logged               -> p50/p99/p99.9

Every run is checked: no socket errors, and every status what the scenario expects (401
without the key, 200 with it). A run that fails the check is recorded with "ok": false and
the reason; its figure is not used.
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CONNECTIONS = 32
STREAMS = 10
LATENCY_CONNECTIONS = 16


def run(cmd, timeout):
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return None, f"{cmd[0]} did not finish within {timeout} s"
    if done.returncode != 0:
        return None, f"{cmd[0]} exited {done.returncode}: {done.stderr.strip()[-300:]}"
    return done.stdout, None


def wrk(url, duration, headers, expect, threads=2):
    cmd = ["wrk", f"-t{threads}", f"-c{CONNECTIONS}", f"-d{duration}s", "--timeout", "5s"]
    for h in headers:
        cmd += ["-H", h]
    out, err = run(cmd + [url], duration + 30)
    if err:
        return {"ok": False, "why": err}
    m_rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    m_total = re.search(r"(\d+) requests in ([\d.]+)(m?s)", out)
    if not (m_rps and m_total):
        return {"ok": False, "why": "cannot parse wrk's output: " + out[-300:]}
    total = int(m_total.group(1))
    non2xx = int((re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out) or [0, 0])[1])
    sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    errors = sum(int(x) for x in sock.groups()) if sock else 0
    result = {"value": float(m_rps.group(1)), "unit": "req/s", "requests": total,
              "non2xx": non2xx, "socket_errors": errors}
    why = []
    if total == 0:
        why.append("no request completed")
    if expect == 401 and non2xx != total:
        why.append(f"{total - non2xx} of {total} responses were 2xx/3xx, expected 401")
    if expect == 200 and non2xx:
        why.append(f"{non2xx} of {total} responses were not 2xx, expected 200")
    if errors and expect != "close":
        why.append(f"{errors} socket errors ({sock.group(0)})")
    if expect == "close" and total and errors > total * 0.001:
        why.append(f"{errors} socket errors for {total} connections ({sock.group(0)})")
    result["ok"] = not why
    if why:
        result["why"] = "; ".join(why)
    return result


def h2load_counts(out):
    req = re.search(r"requests: (\d+) total, (\d+) started, (\d+) done, (\d+) succeeded, "
                    r"(\d+) failed, (\d+) errored, (\d+) timeout", out)
    codes = re.search(r"status codes: (\d+) 2xx, (\d+) 3xx, (\d+) 4xx, (\d+) 5xx", out)
    return req, codes


def h2load(url, duration, headers, expect):
    cmd = ["h2load", f"-c{CONNECTIONS}", f"-m{STREAMS}", "-t2", f"-D{duration}"]
    for h in headers:
        cmd += ["-H", h]
    out, err = run(cmd + [url], duration + 30)
    if err:
        return {"ok": False, "why": err}
    rps = re.search(r"finished in [\d.]+m?s, ([\d.]+) req/s", out)
    req, codes = h2load_counts(out)
    if not (rps and req and codes):
        return {"ok": False, "why": "cannot parse h2load's output: " + out[-300:]}
    done, errored, timeouts = int(req[3]), int(req[6]), int(req[7])
    c2xx, c4xx, c5xx = int(codes[1]), int(codes[3]), int(codes[4])
    if "h2" not in out.split("Application protocol:")[-1][:10]:
        return {"ok": False, "why": "h2load did not negotiate h2"}
    result = {"value": float(rps[1]), "unit": "req/s", "requests": done,
              "errored": errored, "timeout": timeouts}
    why = []
    if done == 0:
        why.append("no request completed")
    if errored or timeouts:
        why.append(f"{errored} errored, {timeouts} timed out")
    want = c4xx if expect == 401 else c2xx
    if want != done or c5xx:
        why.append(f"statuses {codes.group(0)}, expected all {expect}")
    result["ok"] = not why
    if why:
        result["why"] = "; ".join(why)
    return result


def cpu_seconds(pids):
    """User + system CPU time of these processes and their children threads, in seconds."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / ticks


def percentile(sorted_values, p):
    if not sorted_values:
        return float("nan")
    k = min(len(sorted_values) - 1, max(0, round(p / 100 * (len(sorted_values) - 1))))
    return sorted_values[k]


def latency(url, duration, rate_per_conn):
    with tempfile.TemporaryDirectory() as tmp:
        log = Path(tmp) / "requests.tsv"
        cmd = ["h2load", "--h1", "-t1", f"-c{LATENCY_CONNECTIONS}", "-m1",
               f"--rps={rate_per_conn}", f"-D{duration}", "--warm-up-time=1",
               f"--log-file={log}", url]
        out, err = run(cmd, duration + 30)
        if err:
            return {"ok": False, "why": err}
        req, codes = h2load_counts(out)
        rows = [line.split("\t") for line in log.read_text().splitlines() if line.strip()]
    lat = sorted(int(r[2]) for r in rows if len(r) >= 3 and r[1] == "401")
    bad = sum(1 for r in rows if len(r) >= 3 and r[1] != "401")
    rate = len(rows) / duration if duration else 0
    result = {
        "unit": "us", "requests": len(rows), "rate": round(rate),
        "p50": percentile(lat, 50), "p90": percentile(lat, 90), "p99": percentile(lat, 99),
        "p999": percentile(lat, 99.9), "max": lat[-1] if lat else None,
    }
    result["value"] = result["p99"]
    why = []
    if not lat:
        why.append("no response logged")
    if bad:
        why.append(f"{bad} responses were not 401")
    if req and (int(req[6]) or int(req[7])):
        why.append(f"{req[6]} errored, {req[7]} timed out")
    target = rate_per_conn * LATENCY_CONNECTIONS
    if rate < 0.9 * target:
        why.append(f"offered {target}/s but only {rate:.0f}/s completed: not a fixed rate")
    result["ok"] = not why
    if why:
        result["why"] = "; ".join(why)
    return result


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("scenario")
    ap.add_argument("url")
    ap.add_argument("--server", required=True)
    ap.add_argument("--round", type=int, required=True)
    ap.add_argument("--duration", type=int, default=8)
    ap.add_argument("--key", required=True)
    ap.add_argument("--latency-rate", type=int, default=250, help="requests/s per connection")
    ap.add_argument("--pids", default="", help="server processes whose CPU time is counted")
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    url = a.url.rstrip("/") + "/v1/account"
    auth = [f"Authorization: Bearer {a.key}"]
    pids = [int(p) for p in a.pids.split(",") if p]
    started = time.time()
    cpu_before = cpu_seconds(pids)
    if a.scenario == "h1-401":
        r = wrk(url, a.duration, [], 401)
    elif a.scenario == "h1-200":
        r = wrk(url, a.duration, auth, 200)
    elif a.scenario == "h1-401-t1":
        r = wrk(url, a.duration, [], 401, threads=1)
    elif a.scenario == "h1-200-t1":
        r = wrk(url, a.duration, auth, 200, threads=1)
    elif a.scenario == "h2-401":
        r = h2load(url, a.duration, [], 401)
    elif a.scenario == "h2-200":
        r = h2load(url, a.duration, auth, 200)
    elif a.scenario == "conn":
        r = wrk(url, a.duration, ["Connection: close"], "close")
        r["unit"] = "conn/s"
    elif a.scenario == "latency":
        r = latency(url, a.duration, a.latency_rate)
    else:
        sys.exit(f"load.py: unknown scenario {a.scenario!r}")
    cpu = cpu_seconds(pids) - cpu_before
    if pids and r.get("requests"):
        r["server_cpu_s"] = round(cpu, 2)
        r["server_cpu_us_per_req"] = round(cpu * 1e6 / r["requests"], 1)
    r.update(scenario=a.scenario, server=a.server, round=a.round,
             seconds=round(time.time() - started, 1))
    with open(a.out, "a") as f:
        f.write(json.dumps(r) + "\n")
    shown = f"{r['value']:.0f} {r['unit']}" if r.get("value") is not None else "-"
    print(f"  {a.scenario:9} {a.server:6} round {a.round}: {shown}"
          + ("" if r["ok"] else f"  NOT USED: {r['why']}"), file=sys.stderr)


if __name__ == "__main__":
    main()
