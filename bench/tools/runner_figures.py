"""Reads the two figures the bench table quotes from the conformance runner's JSON report
(`terminus-conformance --report PATH`, see conformance/src/report/): requests/s during the
generated families (`run.generated.requests_per_second`) and the wall time of the whole run
(`run.seconds`). The runner measures and prints both itself; this only reads them.

Usage: runner_figures.py REPORT.json MEASURED_WALL_SECONDS
Prints JSON: {"available", "requests_per_second", "wall_seconds", "found_as"}. When the report
has no figure (an older runner), the time bench/run.sh measured around the run is used and
the table says so.
"""
import json
import sys


def main():
    report, measured = sys.argv[1], float(sys.argv[2])
    try:
        run = json.load(open(report))["run"]
    except (OSError, ValueError, KeyError, TypeError) as e:
        print(json.dumps({"available": False, "why": f"no readable report: {e}"}))
        return
    found, out = {}, {"available": True}
    generated = run.get("generated") or {}
    if isinstance(generated.get("requests_per_second"), (int, float)):
        out["requests_per_second"] = float(generated["requests_per_second"])
        found["requests_per_second"] = "run.generated.requests_per_second (generated families)"
    elif isinstance(run.get("requests_per_second"), (int, float)):
        out["requests_per_second"] = float(run["requests_per_second"])
        found["requests_per_second"] = "run.requests_per_second (whole run)"
    if isinstance(run.get("seconds"), (int, float)):
        out["wall_seconds"] = float(run["seconds"])
        found["wall_seconds"] = "run.seconds"
    else:
        out["wall_seconds"] = measured
        found["wall_seconds"] = "measured around the run by bench/run.sh"
    out["found_as"] = found
    print(json.dumps(out))


if __name__ == "__main__":
    main()
