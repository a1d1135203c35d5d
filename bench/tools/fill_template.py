"""Fills bench/nginx.conf.template: every @NAME@ from the environment variable T_NAME.

Usage: T_RUN_DIR=... T_PORT=... python3 fill_template.py TEMPLATE OUT
@API_KEY_RE@ is T_API_KEY escaped for an nginx (PCRE) regex. Fails on a name left unfilled.
"""
import os
import re
import sys

QUOTED = {"OK_BODY", "ENVELOPE", "CHALLENGE"}  # inside '...' in the template


def main() -> None:
    template, out = sys.argv[1], sys.argv[2]
    text = open(template, encoding="utf-8").read()

    def value(match: "re.Match[str]") -> str:
        name = match.group(1)
        if name == "API_KEY_RE":
            return re.escape(os.environ["T_API_KEY"])
        if "T_" + name not in os.environ:
            sys.exit(f"fill_template: no value for @{name}@ (set T_{name})")
        v = os.environ["T_" + name]
        if name in QUOTED and "'" in v:
            sys.exit(f"fill_template: @{name}@ holds a single quote, which the template quotes with")
        return v

    text = re.sub(r"@([A-Z_]+)@", value, text)
    with open(out, "w", encoding="utf-8") as f:
        f.write(text)


if __name__ == "__main__":
    main()
