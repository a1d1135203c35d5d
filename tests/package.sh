#!/usr/bin/env bash
# The crates as crates.io would get them. `cargo publish --dry-run --workspace` packs
# terminus-contract, terminus-mock and terminus-conformance in dependency order (unpublished
# siblings through a local overlay registry, target/package/tmp-registry), builds each from its
# .crate alone (the verification build, which fails if a crate still reaches outside its own
# folder: `include_str!("../…")`) and does everything `cargo publish` does but the upload (it
# reads the crates.io index: the one network access). It costs what `cargo package --workspace`
# did (about 22 s each with a warm target directory, measured on two busy cores). Before it:
# every publishable crate carries the metadata crates.io shows (description, license,
# repository, homepage, documentation, readme, keywords, categories), the repository being the
# one examples/ci installs from, and the license texts the license names. Then each
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

# `cargo publish --workspace` (several crates, unpublished siblings from a local overlay) is
# stable since cargo 1.90; the crates themselves build with the workspace's rust-version.
cargo_version="$("$CARGO" --version | awk '{print $2}')"
IFS=. read -r major minor _ <<<"$cargo_version"
((major > 1 || minor >= 90)) \
  || fail "cargo $cargo_version cannot publish a workspace's crates together (cargo publish --workspace needs 1.90): rustup update stable"

# Issue 19, item 4: what crates.io shows, on every crate that publishes.
repository="$(grep -om1 'https://github.com/[^ ]*' examples/ci/github-actions.yml)"
"$CARGO" metadata --no-deps --format-version 1 --locked | python3 -c '
import json, sys
repository = sys.argv[1]
problems = []
for p in json.load(sys.stdin)["packages"]:
    if p["publish"] == []:
        continue
    name, manifest = p["name"], p["manifest_path"]
    for field in ("description", "license", "repository", "homepage", "documentation", "readme", "keywords", "categories"):
        if not p.get(field):
            problems.append(f"{name}: no {field} in {manifest}")
    got = p.get("repository")
    if got != repository:
        problems.append(f"{name}: repository {got!r}, but examples/ci installs from {repository!r}")
    if len(p.get("keywords") or []) > 5:
        problems.append(f"{name}: more than 5 keywords (crates.io refuses them)")
sys.exit("\n".join("package.sh: FAIL: " + x for x in problems) or None)
' "$repository"
for crate in contract mock-server conformance; do
  for text in LICENSE-APACHE LICENSE-MIT; do
    [[ -s "$crate/$text" ]] || fail "$crate/$text is missing (the license is Apache-2.0 OR MIT)"
  done
done

# What the previous run left must not stand in for what this one wrote.
rm -rf "$TARGET/package/tmp-crate" "$TARGET/package/"terminus-*.crate
"$CARGO" publish --dry-run --workspace --allow-dirty --locked

# The .crate of a workspace member, as `cargo publish --dry-run --workspace` just wrote it
# (cargo 1.90+: under package/tmp-crate/, the local registry's copy; `cargo package` writes
# package/ itself).
crate_file() {
  local id version
  id="$("$CARGO" pkgid -p "$1")"
  version="${id##*[@#]}"
  if [[ -f "$TARGET/package/tmp-crate/$1-$version.crate" ]]; then
    echo "$TARGET/package/tmp-crate/$1-$version.crate"
  else
    echo "$TARGET/package/$1-$version.crate"
  fi
}

listed="$("$CARGO" package --list --allow-dirty --locked -p terminus-contract)"
contract_crate="$(crate_file terminus-contract)"
[[ -f "$contract_crate" ]] || fail "no $contract_crate after cargo publish --dry-run"
packed="$(tar -tzf "$contract_crate")"
count=0
while IFS= read -r file; do
  rel="${file#contract/}"
  grep -qxF "$rel" <<<"$listed" || fail "cargo package --list -p terminus-contract lacks $rel"
  grep -qE "^terminus-contract-[^/]+/${rel//./\\.}\$" <<<"$packed" \
    || fail "$contract_crate lacks $rel"
  count=$((count + 1))
done < <(find contract/schemas contract/fixtures -type f | sort)
for text in LICENSE-APACHE LICENSE-MIT; do
  grep -qE "^terminus-contract-[^/]+/$text\$" <<<"$packed" || fail "$contract_crate lacks $text"
done
[[ "$count" -ge 8 ]] || fail "only $count files under contract/schemas and contract/fixtures"

# The mock and the runner compile the files in through terminus-contract: their packages
# must name it as a registry dependency (a version, no path) and carry their own sources.
for crate in terminus-mock terminus-conformance; do
  file="$(crate_file "$crate")"
  [[ -f "$file" ]] || fail "no $file after cargo publish --dry-run"
  manifest="$(tar -xOzf "$file" --wildcards '*/Cargo.toml')"
  grep -qxF '[dependencies.terminus-contract]' <<<"$manifest" \
    || fail "$crate's packaged Cargo.toml does not depend on terminus-contract"
  grep -A3 -xF '[dependencies.terminus-contract]' <<<"$manifest" | grep -q '^version = ' \
    || fail "$crate depends on terminus-contract without a version"
  own="$("$CARGO" package --list --allow-dirty --locked -p "$crate")"
  files="$(tar -tzf "$file")"
  for text in LICENSE-APACHE LICENSE-MIT; do
    grep -qE "^$crate-[^/]+/$text\$" <<<"$files" || fail "$file lacks $text"
  done
  grep -qxF src/lib.rs <<<"$own" || fail "$crate's package lacks src/lib.rs"
  grep -qxF src/main.rs <<<"$own" || fail "$crate's package lacks src/main.rs"
done

echo "package.sh: 3 crates pass cargo publish --dry-run (packaged, built from their .crate files);" \
  "terminus-contract carries $count schema and fixture files"
