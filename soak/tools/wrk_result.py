"""Reads a wrk output file and checks it: no socket errors, every status as expected.

Usage: wrk_result.py OUTPUT_FILE EXPECTED_STATUS(200|401)
Prints JSON: requests, req_per_s, non2xx, socket_errors, latency p99 (if --latency was on).
"""
import json
import re
import sys


def main():
    text = open(sys.argv[1]).read()
    expect = int(sys.argv[2])
    total = re.search(r"(\d+) requests in", text)
    rps = re.search(r"Requests/sec:\s+([\d.]+)", text)
    non2xx = int((re.search(r"Non-2xx or 3xx responses:\s+(\d+)", text) or [0, 0])[1])
    sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
    p99 = re.search(r"\s99%\s+([\d.]+\w+)", text)
    if not total:
        print(json.dumps({"ok": False, "why": "no wrk summary: " + text[-200:]}))
        return
    total = int(total.group(1))
    errors = sum(int(x) for x in sock.groups()) if sock else 0
    unexpected = (total - non2xx) if expect == 401 else non2xx
    ok = total > 0 and errors == 0 and unexpected == 0
    why = [] if ok else [f"{errors} socket errors ({sock.group(0) if sock else ''})" if errors else "",
                         f"{unexpected} unexpected statuses (expected {expect})" if unexpected else ""]
    print(json.dumps({"requests": total, "req_per_s": float(rps.group(1)) if rps else None,
                      "socket_errors": errors, "unexpected_statuses": unexpected,
                      "latency_p99": p99.group(1) if p99 else None, "ok": ok,
                      "why": "; ".join(w for w in why if w) or None}))


if __name__ == "__main__":
    main()
