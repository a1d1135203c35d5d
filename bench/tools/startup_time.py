"""Start-up to ready: the time from exec to the ready file, over many runs.

Usage: startup_time.py MOCK_BIN --runs N --dir DIR

Each run starts the mock with a generated certificate (the default: a fresh CA and leaf are
made with rcgen, so certificate generation is included) on ephemeral loopback ports, polls
for its --ready-file every 0.2 ms, records the time since the process was spawned, then
stops it (SIGTERM, bounded wait, SIGKILL). Prints JSON: median, p90, min and max in ms.
The clock starts just before fork/exec, so the figure includes process creation.
"""
import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path


def one_run(binary, workdir, i):
    ready = Path(workdir) / f"ready-{i}.json"
    ca = Path(workdir) / f"ca-{i}.pem"
    env = dict(os.environ, RUST_LOG="warn")
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        [binary, "--listen", "127.0.0.1:0", "--admin-listen", "127.0.0.1:0",
         "--admin-token", "startup-token", "--no-mint", "--ca-out", str(ca),
         "--ready-file", str(ready)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    try:
        deadline = t0 + 5
        while not ready.exists():
            if time.perf_counter() > deadline or proc.poll() is not None:
                return None
            time.sleep(0.0002)
        return (time.perf_counter() - t0) * 1000
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("binary")
    ap.add_argument("--runs", type=int, default=30)
    ap.add_argument("--dir", required=True)
    a = ap.parse_args()
    times = [t for t in (one_run(a.binary, a.dir, i) for i in range(a.runs)) if t is not None]
    if not times:
        print(json.dumps({"ok": False, "why": "the mock never wrote its ready file"}))
        sys.exit(0)
    times.sort()
    print(json.dumps({
        "ok": len(times) == a.runs, "runs": len(times),
        "median_ms": round(statistics.median(times), 2),
        "p90_ms": round(times[min(len(times) - 1, int(0.9 * len(times)))], 2),
        "min_ms": round(times[0], 2), "max_ms": round(times[-1], 2),
    }))


if __name__ == "__main__":
    main()
