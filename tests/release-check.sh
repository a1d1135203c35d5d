#!/usr/bin/env bash
# make release-check: the versions a release states agree. Two numbers, each stated in several
# files:
# - the spec's: SPEC.md's `Spec version:` line (the reference), the constants of the two crates
#   (`spec_version!` in mock-server/src/lib.rs and conformance/src/spec/mod.rs), CHANGELOG.md's
#   top entry and the reference manifest's header (conformance/manifest.jsonl);
# - the tools': Cargo.toml's [workspace.package] version (the reference; every crate's
#   `--version` is it), the versions the crates depend on each other by, each publishable
#   crate's own version, CHANGELOG.md's top entry, the manifest's header, and the version of
#   any Python or npm package of the tools (pyproject.toml, package.json named terminus-*).
# CHANGELOG.md's top entry is `## [Unreleased] — TOOLS (SPEC SPEC)` or, once released,
# `## [TOOLS] — SPEC SPEC`.
# Fails naming every file that disagrees and what it says. Usage: tests/release-check.sh [ROOT]
# (ROOT defaults to the repository; the test plants disagreements in a copy).
set -euo pipefail
ROOT="${1:-$(dirname "$0")/..}"
cd "$ROOT"

problems=()
disagree() { problems+=("$1 says $2 $3, but $4 says $5"); }

# The first `"X.Y.Z"` after `macro_rules! spec_version` in a Rust file.
spec_constant() {
  awk '/macro_rules! spec_version/ { on = 1 } on && match($0, /"[0-9]+\.[0-9]+\.[0-9]+"/) {
    print substr($0, RSTART + 1, RLENGTH - 2); exit }' "$1"
}

# A key's value (`key = "V"` or `key = { ..., version = "V" }`) inside one [section] of a
# TOML file.
toml_value() {
  local file="$1" section="$2" key="$3"
  awk -v section="[$section]" -v key="$key" '
    /^\[/ { on = ($0 == section) ; next }
    on && $1 == key {
      if (match($0, /version = "[^"]*"/)) { v = substr($0, RSTART + 11, RLENGTH - 12) }
      else if (match($0, /= "[^"]*"/)) { v = substr($0, RSTART + 3, RLENGTH - 4) }
      print v; exit
    }' "$file"
}

spec="$(sed -n '1,10s/^Spec version: *//p' SPEC.md | head -n1)"
[[ -n "$spec" ]] || { echo "release-check: SPEC.md has no \`Spec version:\` line in its first 10 lines" >&2; exit 1; }
tools="$(toml_value Cargo.toml workspace.package version)"
[[ -n "$tools" ]] || { echo "release-check: Cargo.toml has no [workspace.package] version" >&2; exit 1; }

for file in mock-server/src/lib.rs conformance/src/spec/mod.rs; do
  constant="$(spec_constant "$file")"
  [[ "$constant" == "$spec" ]] || disagree "$file" "spec_version!" "${constant:-nothing}" SPEC.md "$spec"
done

for dep in terminus-contract terminus-mock; do
  v="$(toml_value Cargo.toml workspace.dependencies "$dep")"
  [[ "$v" == "$tools" ]] \
    || disagree Cargo.toml "[workspace.dependencies] $dep version" "${v:-nothing}" \
      "Cargo.toml's [workspace.package]" "$tools"
done

for crate in contract mock-server conformance; do
  manifest="$crate/Cargo.toml"
  if grep -qx 'version.workspace = true' "$manifest"; then continue; fi
  v="$(toml_value "$manifest" package version)"
  [[ "$v" == "$tools" ]] \
    || disagree "$manifest" "version" "${v:-nothing}" "Cargo.toml's [workspace.package]" "$tools"
done

top="$(grep -m1 '^## \[' CHANGELOG.md || true)"
if [[ "$top" =~ ^'## [Unreleased] — '([0-9.]+)' (SPEC '([0-9.]+)')'$ ]] \
  || [[ "$top" =~ ^'## ['([0-9.]+)'] — SPEC '([0-9.]+)$ ]]; then
  [[ "${BASH_REMATCH[1]}" == "$tools" ]] \
    || disagree CHANGELOG.md "its top entry ($top): tools" "${BASH_REMATCH[1]}" Cargo.toml "$tools"
  [[ "${BASH_REMATCH[2]}" == "$spec" ]] \
    || disagree CHANGELOG.md "its top entry ($top): SPEC" "${BASH_REMATCH[2]}" SPEC.md "$spec"
else
  problems+=("CHANGELOG.md's top entry is \`${top:-nothing}\`, not \`## [Unreleased] — $tools (SPEC $spec)\` or \`## [$tools] — SPEC $spec\`")
fi

header="$(head -n1 conformance/manifest.jsonl)"
field() { sed -n "s/.*\"$1\":\"\([^\"]*\)\".*/\1/p" <<<"$header"; }
[[ "$(field tool_version)" == "$tools" ]] \
  || disagree conformance/manifest.jsonl tool_version "$(field tool_version)" Cargo.toml "$tools"
[[ "$(field spec_version)" == "$spec" ]] \
  || disagree conformance/manifest.jsonl spec_version "$(field spec_version)" SPEC.md "$spec"

# The Python and npm packages of the tools (issue 19, items 1-2), wherever they live: a
# pyproject.toml or package.json named terminus-* with a version of its own (not `dynamic`, not
# `"private": true`) states the tools' version too.
while IFS= read -r file; do
  case "$file" in
    *package.json)
      grep -q '"private": *true' "$file" && continue
      grep -qE '"name": *"@?terminus' "$file" || continue
      v="$(sed -n 's/^  "version": *"\([^"]*\)".*/\1/p' "$file" | head -n1)" ;;
    *pyproject.toml)
      grep -qE '^name *= *"terminus' "$file" || continue
      v="$(toml_value "$file" project version)" ;;
  esac
  [[ -z "$v" || "$v" == "$tools" ]] || disagree "${file#./}" version "$v" Cargo.toml "$tools"
done < <(find . \( -name node_modules -o -name target -o -name .git -o -name .venv \) -prune -o \
  \( -name package.json -o -name pyproject.toml \) -print | sort)

# What users copy: the action's tag (`terminus-conformance@vX`) and the pinned wheels and npm
# package (`terminus-mock==X`, `terminus-conformance==X`, `terminus-mock@X`) in the recipes
# and READMEs, anywhere but CHANGELOG.md's history.
while IFS=: read -r file line pinned; do
  v="${pinned##*[=@v]}"
  [[ "$v" == "$tools" ]] || disagree "$file" "(line $line) $pinned, version" "$v" Cargo.toml "$tools"
done < <(git grep -nE -o 'terminus-(mock|conformance)(==|@v?)[0-9]+\.[0-9]+\.[0-9]+' -- ':!CHANGELOG.md' || true)

if ((${#problems[@]})); then
  echo "release-check: FAIL: the versions disagree:" >&2
  printf '  %s\n' "${problems[@]}" >&2
  echo "Bump them together (SPEC.md's rule: a new clause or a changed meaning is at least a minor version), then \`make manifest\`." >&2
  exit 1
fi
echo "release-check: tools $tools, SPEC $spec: SPEC.md, the crates' constants, Cargo.toml, CHANGELOG.md and conformance/manifest.jsonl agree"
