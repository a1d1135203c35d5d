"""Turns a bench run's measurements into the table `make bench` prints.

Usage: table.py RESULTS.jsonl EXTRA.json --md OUT.md --json OUT.json

RESULTS.jsonl: one line per load measurement (bench/tools/load.py). EXTRA.json: memory,
start-up, runner and run facts gathered by bench/run.sh. The figure for a scenario and a
server is the median of its rounds (runs whose checks failed are left out and counted);
the ratio is mock / nginx of those medians.
"""
import argparse
import json
import statistics
import sys
from collections import defaultdict

MIB = 1024

LOAD_ROWS = [
    # scenario, label, higher_is_better
    ("h1-401", "HTTP/1.1 keep-alive, 401 (wrk, 32 conns) req/s", True),
    ("h1-200", "HTTP/1.1 keep-alive, 200 (wrk, 32 conns) req/s", True),
    ("h2-401", "HTTP/2, 401 (h2load, 32 conns x 10 streams) req/s", True),
    ("h2-200", "HTTP/2, 200 (h2load, 32 conns x 10 streams) req/s", True),
    ("conn", "New TLS connections/s (wrk, Connection: close)", True),
]


def fmt_num(v, digits=0):
    if v is None:
        return "-"
    return f"{v:,.{digits}f}"


def median_of(runs, key="value"):
    vals = [r[key] for r in runs if r.get("ok") and r.get(key) is not None]
    return statistics.median(vals) if vals else None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("results")
    ap.add_argument("extra")
    ap.add_argument("--md", required=True)
    ap.add_argument("--json", required=True)
    a = ap.parse_args()
    runs = defaultdict(list)
    with open(a.results) as f:
        for line in f:
            if line.strip():
                r = json.loads(line)
                runs[(r["scenario"], r["server"])].append(r)
    extra = json.load(open(a.extra))

    rows = []  # (label, mock, nginx, ratio, target, verdict)
    summary = {"load": {}, "extra": extra}

    def verdict(ok):
        return "met" if ok else "NOT met"

    for scenario, label, _ in LOAD_ROWS:
        m, n = runs.get((scenario, "mock"), []), runs.get((scenario, "nginx"), [])
        if not m and not n:
            continue
        mv, nv = median_of(m), median_of(n)
        ratio = mv / nv if mv and nv else None
        bad = sum(1 for r in m + n if not r.get("ok"))
        v = verdict(ratio is not None and ratio >= 1.0)
        if bad:
            v += f" ({bad} runs failed their checks)"
        rows.append((label, fmt_num(mv), fmt_num(nv),
                     f"{ratio:.2f}x" if ratio else "-", ">= 1.00x", v))
        summary["load"][scenario] = {
            "mock_median": mv, "nginx_median": nv, "ratio": ratio,
            "mock_runs": [r.get("value") for r in m], "nginx_runs": [r.get("value") for r in n],
            "mock_cpu_us_per_req": median_of(m, "server_cpu_us_per_req"),
            "nginx_cpu_us_per_req": median_of(n, "server_cpu_us_per_req"),
            "failed_runs": [r.get("why") for r in m + n if not r.get("ok")],
        }

    m, n = runs.get(("latency", "mock"), []), runs.get(("latency", "nginx"), [])
    if m or n:
        rate = next((r.get("rate") for r in m + n if r.get("rate")), None)
        mp50, np50 = median_of(m, "p50"), median_of(n, "p50")
        mp99, np99 = median_of(m, "p99"), median_of(n, "p99")
        ratio = mp99 / np99 if mp99 and np99 else None
        bad = sum(1 for r in m + n if not r.get("ok"))
        v = verdict(ratio is not None and ratio <= 1.0)
        if bad:
            v += f" ({bad} runs failed their checks)"
        rows.append((f"Latency at {fmt_num(rate)} req/s, HTTP/1.1 (h2load --rps): p50 / p99 us",
                     f"{fmt_num(mp50)} / {fmt_num(mp99)}", f"{fmt_num(np50)} / {fmt_num(np99)}",
                     f"{ratio:.2f}x (p99)" if ratio else "-", "p99 <= nginx", v))
        summary["load"]["latency"] = {
            "rate": rate, "mock_p50": mp50, "nginx_p50": np50, "mock_p99": mp99,
            "nginx_p99": np99, "ratio_p99": ratio,
            "mock_p999": median_of(m, "p999"), "nginx_p999": median_of(n, "p999"),
            "mock_runs_p99": [r.get("p99") for r in m], "nginx_runs_p99": [r.get("p99") for r in n],
            "failed_runs": [r.get("why") for r in m + n if not r.get("ok")],
        }

    mem = extra.get("memory", {})
    if mem:
        idle, held = mem.get("mock_idle_kib"), mem.get("mock_1000_kib")
        rows.append(("RSS at idle, MiB (fresh process)", fmt_num(idle / MIB, 1) if idle else "-",
                     fmt_num(mem["nginx_idle_kib"] / MIB, 1) if mem.get("nginx_idle_kib") else "-",
                     "-", "mock <= 16 MiB", verdict(idle is not None and idle <= 16 * MIB)))
        ok_held = held is not None and held <= 64 * MIB and mem.get("mock_1000_failed") == 0
        rows.append((f"RSS with 1,000 TLS connections open, MiB ({mem.get('mock_1000_opened', 0)} opened)",
                     fmt_num(held / MIB, 1) if held else "-",
                     fmt_num(mem["nginx_1000_kib"] / MIB, 1) if mem.get("nginx_1000_kib") else "-",
                     "-", "mock <= 64 MiB", verdict(ok_held)))
    st = extra.get("startup")
    if st:
        ok = st.get("ok") and st.get("median_ms") is not None and st["median_ms"] <= 50
        rows.append((f"Start-up to ready incl. cert generation, ms (median of {st.get('runs', 0)}; p90 {st.get('p90_ms')})",
                     fmt_num(st.get("median_ms"), 1), "-", "-", "<= 50 ms", verdict(ok)))
    runner = extra.get("runner", {})
    wrk_mock = summary["load"].get("h1-401", {}).get("mock_median")
    if runner.get("available"):
        how = runner.get("found_as", {}).get("requests_per_second", "")
        label = ("Runner: req/s, whole default run (report: run.requests / run.seconds)"
                 if "whole run" in how else "Runner: req/s during generated families (its JSON report)")
        rows.append((label,
                     fmt_num(runner.get("requests_per_second")), "-",
                     f"{runner['requests_per_second'] / wrk_mock:.3f}x of wrk's {fmt_num(wrk_mock)}"
                     if runner.get("requests_per_second") and wrk_mock else "-",
                     "reported", "reported" if runner.get("requests_per_second") else "not in report"))
        rows.append(("Runner: wall time of a full default run, s",
                     fmt_num(runner.get("wall_seconds"), 2), "-", "-", "reported",
                     "reported" if runner.get("wall_seconds") is not None else "not in report"))
    else:
        rows.append(("Runner", f"runner: not available yet ({runner.get('why', '')})", "-", "-",
                     "reported", "-"))

    header = ("Scenario", "mock", "nginx", "mock/nginx", "target", "verdict")
    widths = [max(len(str(r[i])) for r in rows + [header]) for i in range(len(header))]

    def line(cells):
        return "| " + " | ".join(str(c).ljust(w) for c, w in zip(cells, widths)) + " |"

    md = [line(header), "|" + "|".join("-" * (w + 2) for w in widths) + "|"]
    md += [line(r) for r in rows]

    cpu_rows = []
    for scenario, label, _ in LOAD_ROWS:
        s = summary["load"].get(scenario)
        if s and s.get("mock_cpu_us_per_req") and s.get("nginx_cpu_us_per_req"):
            cpu_rows.append((scenario, s["mock_cpu_us_per_req"], s["nginx_cpu_us_per_req"]))
    cpu_md = []
    if cpu_rows:
        cpu_md = ["", "Server CPU time per request (user + system, all threads/workers; median of rounds):", "",
                  "| scenario | mock us/req | nginx us/req | mock/nginx |", "|---|---|---|---|"]
        cpu_md += [f"| {s} | {mv:.1f} | {nv:.1f} | {mv / nv:.2f}x |" for s, mv, nv in cpu_rows]

    rounds_md = ["", "Every round (figures per server, in run order):", ""]
    for scenario, s in summary["load"].items():
        if scenario == "latency":
            rounds_md.append(f"- latency p99 us: mock {s['mock_runs_p99']}, nginx {s['nginx_runs_p99']}")
        else:
            rounds_md.append(f"- {scenario}: mock {[round(v) if v else v for v in s['mock_runs']]}, "
                             f"nginx {[round(v) if v else v for v in s['nginx_runs']]}")
        for why in s.get("failed_runs", []):
            rounds_md.append(f"  - a run failed its check: {why}")

    facts = extra.get("facts", {})
    head = [f"`make bench` — {facts.get('date', '')} — {facts.get('machine', '')}", "",
            f"Each load figure is the median of {facts.get('rounds')} rounds of {facts.get('seconds')} s, "
            f"mock and nginx alternating (A B A B ...); {facts.get('notes', '')}", ""]
    text = "\n".join(head + md + cpu_md + rounds_md) + "\n"
    print(text)
    with open(a.md, "w") as f:
        f.write(text)
    summary["table"] = [dict(zip(header, r)) for r in rows]
    with open(a.json, "w") as f:
        json.dump(summary, f, indent=2)
        f.write("\n")


if __name__ == "__main__":
    sys.exit(main())
