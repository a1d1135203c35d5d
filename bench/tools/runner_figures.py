"""Reads the conformance runner's JSON report (`terminus-conformance --report PATH`) for the
two figures the bench table quotes: requests/s during the generated families, and the wall
time of the whole run. The runner prints them itself; this only finds them.

Usage: runner_figures.py REPORT.json MEASURED_WALL_SECONDS
Prints JSON: {"available": true, "requests_per_second", "wall_seconds", "found_as"}.
Field names are looked up loosely (any depth): a number under a key naming requests per
second (`requests_per_second`, `rps`, `req_per_sec`, ...) and one naming wall time
(`wall_seconds`, `wall_time_s`, `wall_ms`, `duration_ms`, `elapsed_s`, ...). When the report
has no wall time, the time bench/run.sh measured around the run is used and said so.
"""
import json
import re
import sys

RPS = re.compile(r"(requests?|req)_?(per_?s(ec(ond)?)?|/s)|^rps$|_rps$", re.I)
WALL = re.compile(r"wall|elapsed|duration|total_time", re.I)


def walk(node, path=""):
    if isinstance(node, dict):
        for k, v in node.items():
            yield from walk(v, f"{path}.{k}" if path else k)
    elif isinstance(node, list):
        for i, v in enumerate(node[:50]):  # cases are many; figures sit near the top
            yield from walk(v, f"{path}[{i}]")
    elif isinstance(node, (int, float)) and not isinstance(node, bool):
        yield path, node


def main():
    report, measured = sys.argv[1], float(sys.argv[2])
    try:
        data = json.load(open(report))
    except (OSError, ValueError) as e:
        print(json.dumps({"available": False, "why": f"no readable report: {e}"}))
        return
    rps = wall = None
    found = {}
    # The runner's report (conformance/src/report/json.rs): run.requests and run.seconds.
    run = data.get("run") if isinstance(data, dict) else None
    if isinstance(run, dict):
        for key in ("generated_requests_per_second", "families_requests_per_second",
                    "requests_per_second"):
            if isinstance(run.get(key), (int, float)):
                rps, found["requests_per_second"] = float(run[key]), f"run.{key}"
                break
        if isinstance(run.get("seconds"), (int, float)):
            wall, found["wall_seconds"] = float(run["seconds"]), "run.seconds"
        if rps is None and wall and isinstance(run.get("requests"), (int, float)):
            rps = run["requests"] / wall
            found["requests_per_second"] = ("run.requests / run.seconds (whole run: the report "
                                            "has no figure for the generated families alone)")
    if isinstance(data, dict):
        data = {k: v for k, v in data.items() if k != "cases"}  # per-case durations are not the run's
    for path, value in walk(data):
        key = path.rsplit(".", 1)[-1]
        if "[" in key:
            continue
        if rps is None and RPS.search(key):
            rps, found["requests_per_second"] = float(value), path
        elif wall is None and WALL.search(key):
            scale = 1e-3 if re.search(r"_?ms$|millis", key, re.I) else 1.0
            wall, found["wall_seconds"] = float(value) * scale, path
    if wall is None:
        wall, found["wall_seconds"] = measured, "measured by bench/run.sh (not in the report)"
    print(json.dumps({"available": True, "requests_per_second": rps, "wall_seconds": wall,
                      "found_as": found}))


if __name__ == "__main__":
    main()
