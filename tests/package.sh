#!/usr/bin/env bash
# The crates as crates.io would get them. `cargo package --workspace` packs terminus-contract,
# terminus-mock and terminus-conformance in dependency order (unpublished siblings through a
# local overlay registry) and builds each from its .crate alone: the verification build, which
# fails if a crate still reaches outside its own folder (`include_str!("../…")`). Then each
# package must hold the schemas and fixtures it compiles in: terminus-contract carries every file
# of contract/schemas/ and contract/fixtures/, the mock and the runner depend on it by version.
# Usage: tests/package.sh (CARGO overrides cargo; CARGO_TARGET_DIR is honoured).
#
# --allow-dirty: `make test` runs before a commit as often as after; this checks what the
# packages contain and that they build, not that the tree is committed (`cargo publish` does
# that). --locked: the packages build with Cargo.lock's versions, so the verification build
# reuses what test-rust compiled in the same target directory instead of resolving anew.
set -euo pipefail
cd "$(dirname "$0")/.."
CARGO="${CARGO:-cargo}"
TARGET="${CARGO_TARGET_DIR:-target}"

fail() { echo "package.sh: FAIL: $*" >&2; exit 1; }

"$CARGO" package --workspace --allow-dirty --locked

# The .crate of a workspace member, as `cargo package` just wrote it.
crate_file() {
  local id version
  id="$("$CARGO" pkgid -p "$1")"
  version="${id##*[@#]}"
  echo "$TARGET/package/$1-$version.crate"
}

listed="$("$CARGO" package --list --allow-dirty --locked -p terminus-contract)"
contract_crate="$(crate_file terminus-contract)"
[[ -f "$contract_crate" ]] || fail "no $contract_crate after cargo package"
packed="$(tar -tzf "$contract_crate")"
count=0
while IFS= read -r file; do
  rel="${file#contract/}"
  grep -qxF "$rel" <<<"$listed" || fail "cargo package --list -p terminus-contract lacks $rel"
  grep -qE "^terminus-contract-[^/]+/${rel//./\\.}\$" <<<"$packed" \
    || fail "$contract_crate lacks $rel"
  count=$((count + 1))
done < <(find contract/schemas contract/fixtures -type f | sort)
[[ "$count" -ge 8 ]] || fail "only $count files under contract/schemas and contract/fixtures"

# The mock and the runner compile the files in through terminus-contract: their packages
# must name it as a registry dependency (a version, no path) and carry their own sources.
for crate in terminus-mock terminus-conformance; do
  file="$(crate_file "$crate")"
  [[ -f "$file" ]] || fail "no $file after cargo package"
  manifest="$(tar -xOzf "$file" --wildcards '*/Cargo.toml')"
  grep -qxF '[dependencies.terminus-contract]' <<<"$manifest" \
    || fail "$crate's packaged Cargo.toml does not depend on terminus-contract"
  grep -A3 -xF '[dependencies.terminus-contract]' <<<"$manifest" | grep -q '^version = ' \
    || fail "$crate depends on terminus-contract without a version"
  own="$("$CARGO" package --list --allow-dirty --locked -p "$crate")"
  grep -qxF src/lib.rs <<<"$own" || fail "$crate's package lacks src/lib.rs"
  grep -qxF src/main.rs <<<"$own" || fail "$crate's package lacks src/main.rs"
done

echo "package.sh: 3 crates packaged and built from their .crate files;" \
  "terminus-contract carries $count schema and fixture files"
