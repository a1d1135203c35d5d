#!/usr/bin/env bash
# The --html report is checked in a real browser (conformance/tests/conformance/html.rs renders
# it with headless Chromium). This installs Debian's `chromium` package with apt-get when no
# chromium is on the PATH: as root, or through sudo (as on CI runners). Usage: tests/chromium.sh
set -euo pipefail

for name in chromium chromium-browser; do
  if command -v "$name" >/dev/null 2>&1; then
    echo "chromium.sh: $(command -v "$name") ($("$name" --version 2>/dev/null | head -1))"
    exit 0
  fi
done

command -v apt-get >/dev/null 2>&1 \
  || { echo "chromium.sh: no chromium and no apt-get: install Chromium by hand (the --html test needs it)" >&2; exit 1; }
if [[ "$(id -u)" == 0 ]]; then
  as_root=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  as_root=(sudo -n)
else
  echo "chromium.sh: no chromium: run as root, or install it first (apt-get install chromium)" >&2
  exit 1
fi

echo "chromium.sh: installing Debian's chromium (apt-get) for the --html report test"
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
apt() { "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 "$@" >>"$log" 2>&1; }
if ! apt install -y -qq --no-install-recommends chromium; then
  # A fresh image has no package lists yet.
  apt update -qq || { tail -5 "$log" >&2; echo "chromium.sh: apt-get update failed" >&2; exit 1; }
  apt install -y -qq --no-install-recommends chromium \
    || { tail -5 "$log" >&2; echo "chromium.sh: apt-get install chromium failed" >&2; exit 1; }
fi
command -v chromium >/dev/null 2>&1 \
  || { echo "chromium.sh: apt-get installed chromium, but it is not on the PATH" >&2; exit 1; }
echo "chromium.sh: $(command -v chromium) ($(chromium --version 2>/dev/null | head -1))"
