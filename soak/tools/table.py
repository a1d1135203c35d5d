"""Prints the soak's table from its verdicts (one JSON object per line, with "phase", "ok",
"why" and figures), writes it as Markdown, and exits 1 if any verdict failed.

Usage: table.py VERDICTS.jsonl --md OUT.md --title TEXT
"""
import argparse
import json
import sys

SKIP = {"phase", "ok", "why", "kind", "first_error", "first_failures", "first_bad",
        "unexpected_responses", "list_problems", "first_failure"}


def figures(d):
    parts = []
    for k, v in d.items():
        if k in SKIP or v is None or v == [] or v == {}:
            continue
        if isinstance(v, dict):
            v = ", ".join(f"{kk} {vv}" for kk, vv in v.items() if vv is not None)
            v = "{" + v + "}"
        parts.append(f"{k} {v}")
    return "; ".join(parts)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("verdicts")
    ap.add_argument("--md", required=True)
    ap.add_argument("--title", default="make soak")
    a = ap.parse_args()
    rows = [json.loads(l) for l in open(a.verdicts) if l.strip()]
    lines = [a.title, "", "| check | figures | verdict |", "|---|---|---|"]
    for d in rows:
        v = "pass" if d.get("ok") else f"FAIL: {d.get('why')}"
        lines.append(f"| {d['phase']} | {figures(d)} | {v} |")
    failed = sum(1 for d in rows if not d.get("ok"))
    lines += ["", f"{len(rows) - failed} passed, {failed} failed"]
    text = "\n".join(lines) + "\n"
    print(text)
    with open(a.md, "w") as f:
        f.write(text)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
