# terminus-conformance — see README.md.
#   make run    the conformance suite against the embedded mock (the main job)
#   make mock   start the mock server (terminus-mock) in the foreground
#   make test   release-check, build, every test (the --html page in headless Chromium, installed if absent),
#               clippy -D warnings, rustfmt --check, no aws-lc-rs, cargo publish --dry-run of
#               every crate (built from its .crate)
#   make test-npm  the npm package (packages/npm/terminus-mock) packed, installed, tested (in make test)
#   make test-npm-frameworks  the npm package under Vitest and Jest (pinned, from the registry)
#   make dist      release artifacts in dist/: both wheels, the npm tarball, SHA256SUMS
#   make wheels    the Python wheels of both tools (target/python-package/wheels)
#   make test-action-wheels  action.yml and the CI recipes installing from those wheels, no Rust (in make test)
#   make bench  mock vs nginx, side by side (installs wrk, h2load, nginx)
#   make soak   long load and abuse runs
#   make fuzz   cargo-fuzz targets, FUZZ_SECONDS each (stable toolchain)
#   make interop  the runner against real frameworks (FastAPI, Express, Flask, DRF, Go, ...),
#               installed pinned under target/interop; rewrites the README's framework table
#   make interop-clients  real client libraries (pinned, with advisories, and current) graded
#               by `terminus-conformance client`, each verdict checked against its advisory;
#               rewrites the README's client table

CARGO ?= cargo
RUN_ARGS ?=
MOCK_ARGS ?=

.PHONY: all build run mock test test-rust browser report-screenshots venv test-examples examples-sdk test-clients test-interop test-client-advisories lint fmt-check deps-check package-check manifest axes-table bench soak fuzz interop interop-clients clean

all: build

build:
	$(CARGO) build --release --workspace

# Build the runner, then check the embedded mock with every case (RUN_ARGS: e.g. --junit j.xml).
run:
	$(CARGO) build --release -p terminus-conformance
	./target/release/terminus-conformance $(RUN_ARGS)

mock: build
	./target/release/terminus-mock $(MOCK_ARGS)

test: release-check test-rust test-examples test-action-wheels test-npm test-clients test-interop test-client-advisories lint deps-check package-check
	@echo "make test: all checks passed"

# TERMINUS_REQUIRE_CHROMIUM: the --html test fails, rather than skips, without a browser.
test-rust: browser venv
	$(CARGO) build --workspace --all-targets
	TERMINUS_REQUIRE_CHROMIUM=1 $(CARGO) test --workspace --all-targets
	$(CARGO) test --workspace --doc

# The project's Python environment (target/venv: requests, httpx, pytest), made once; the
# client-grading tests and the Python example suite use it.
venv:
	bash tests/venv.sh >/dev/null

# The --html report is rendered in headless Chromium by a test: Debian's chromium, installed
# with apt-get when absent (as root, or through sudo).
browser:
	bash tests/chromium.sh

# docs/report.png (1280x1600) and docs/report-mobile.png (390x844): the --html page of a run
# against a server that breaks ERR-2, as Chromium shows it.
report-screenshots: browser
	TERMINUS_REQUIRE_CHROMIUM=1 TERMINUS_SCREENSHOT_DIR=$(CURDIR)/docs \
		$(CARGO) test -p terminus-conformance --test conformance html::

# The mock's runnable examples: each asserts its own outcome and exits non-zero otherwise.
MOCK_EXAMPLES := sdk_test rotate_keys custom_routes keys_across_restarts
test-examples:
	@for e in $(MOCK_EXAMPLES); do \
		echo "example $$e"; $(CARGO) run -q -p terminus-mock --example $$e >/dev/null || exit 1; \
	done
	$(MAKE) examples-sdk

# The SDK example suites against the real binary (examples/python, examples/node; the Rust one,
# examples/rust, is a workspace member and runs in test-rust). Python's runs in python-package,
# through the wheel's pytest fixture.
examples-sdk: python-package
	bash examples/node/run.sh $(CURDIR)/target/debug/terminus-mock

# Issue 19, item 1 (Python): the terminus-mock and terminus-conformance wheels (maturin,
# `bindings = "bin"`, from the debug build test-rust made: `--profile dev`, no second build)
# installed into a fresh venv under target/python-package with pytest and requests from PyPI;
# its suite (tests/python-package/: the fixture, and the runner from its wheel checking the
# fixture's mock) and examples/python run through the wheel's `terminus_mock` fixture with no
# cargo on PATH. About 30 s warm on 2 cores (tests/python-package.sh).
python-package:
	$(CARGO) build -q -p terminus-mock -p terminus-conformance
	bash tests/python-package.sh
.PHONY: python-package

# The release artifacts in dist/: both wheels and the npm tarball, release builds, with
# SHA256SUMS (tests/dist.sh; a release build, a few minutes cold; not in make test).
dist:
	bash tests/dist.sh
.PHONY: dist

# The two wheels alone, in target/python-package/wheels (about 10 s warm).
wheels:
	$(CARGO) build -q -p terminus-mock -p terminus-conformance
	bash tests/python-package.sh --wheels-only
.PHONY: wheels

# Issue 19, items 1 and 3: the action (action.yml) and the CI recipes (examples/ci) install the
# tools from the wheels as a CI runner does from PyPI, with no cargo, rustc or built binary on
# PATH, then check a target and start the mock (the ignored tests of action.rs and recipes.rs
# that need the wheels; about 40 s).
test-action-wheels: wheels
	TERMINUS_WHEELS="$${CARGO_TARGET_DIR:-$(CURDIR)/target}/python-package/wheels" \
		$(CARGO) test -p terminus-conformance --test conformance -- --ignored \
		from_the_wheels from_a_directory_of_wheels
.PHONY: test-action-wheels

# Issue 19, item 2: the npm package (packages/npm/terminus-mock) as a Node SDK author gets it:
# the debug terminus-mock test-rust built, stripped, copied into the package (no release build),
# `npm pack`, installed offline into a scratch project under target/npm, and its node:test suite
# run there through start() with no cargo on PATH (tests/npm-package.sh; about 5 s).
test-npm:
	$(CARGO) build -q -p terminus-mock
	bash tests/npm-package.sh $${CARGO_TARGET_DIR:-target}/debug/terminus-mock
.PHONY: test-npm

# The same package under Vitest (ESM) and Jest's default setup (CommonJS), pinned, from the npm
# registry (tests/npm-frameworks.sh; about 20 s; not in make test).
test-npm-frameworks: test-npm
	bash tests/npm-frameworks.sh
.PHONY: test-npm-frameworks

# curl, Python and Node against the real binary, trusting the CA it prints (the debug build
# test-rust made: no second, release build inside make test).
test-clients:
	$(CARGO) build -p terminus-mock
	bash tests/clients.sh ./target/debug/terminus-mock

# The clients SDK authors use (curl, Python requests and httpx, Node fetch and http2, Java's
# HttpClient; HTTP/1.1 and HTTP/2) against the real binary: every request answered, every time
# (5,460 requests, about 30 s); prints a table, fails on any request not answered as expected.
# (The mock serving clients; grading clients is `make interop-clients`.)
test-interop: venv
	$(CARGO) build -p terminus-mock
	bash tests/mock-interop.sh ./target/debug/terminus-mock

lint:
	$(CARGO) clippy --workspace --all-targets -- -D warnings
	$(CARGO) fmt --all --check

# rustls must use ring only: fail if aws-lc-rs is anywhere in the tree.
deps-check:
	@if $(CARGO) tree --workspace --target all -e normal,build,dev --prefix none | grep -qE '^aws-lc-(rs|sys) '; then \
		echo "aws-lc-rs is in the dependency tree; the project uses rustls with ring only:"; \
		$(CARGO) tree --workspace --target all -i aws-lc-rs; exit 1; \
	else echo "deps-check: no aws-lc-rs in the tree"; fi
	@if grep -q 'name = "rustls-pemfile"' Cargo.lock; then echo "rustls-pemfile is in Cargo.lock: use rustls::pki_types::pem"; exit 1; fi

# Issue 19, versions: SPEC.md's `Spec version:`, the crates' spec constants, Cargo.toml's
# versions, CHANGELOG.md's top entry and conformance/manifest.jsonl's header agree; fails
# naming the file that does not (tests/release-check.sh; well under a second).
release-check:
	bash tests/release-check.sh
.PHONY: release-check

# Publishable crates: `cargo publish --dry-run --workspace` packs terminus-contract,
# terminus-mock and terminus-conformance in dependency order and builds each from its .crate
# (in this target directory, so test-rust's dependencies are reused; about 22 s warm, what
# `cargo package --workspace` took); first, every crate's crates.io metadata and license texts;
# the schemas and fixtures must be inside (tests/package.sh says how).
package-check:
	CARGO="$(CARGO)" bash tests/package.sh

# The reference manifest of the default endpoints (conformance/manifest.jsonl), regenerated;
# a test compares it with the built runner, so a change to what a release checks is a diff in
# review.
manifest:
	$(CARGO) run -q -p terminus-conformance -- --list --format json > conformance/manifest.jsonl.new \
		|| { rm -f conformance/manifest.jsonl.new; exit 1; }
	mv conformance/manifest.jsonl.new conformance/manifest.jsonl
	@echo "conformance/manifest.jsonl: $$(grep -c '"type":"test"' conformance/manifest.jsonl) cases"

# The request space's axis table in conformance/README.md (between the axes markers),
# regenerated from `terminus-conformance axes`; a test compares the two.
axes-table:
	$(CARGO) run -q -p terminus-conformance -- axes > conformance/axes.md.new \
		|| { rm -f conformance/axes.md.new; exit 1; }
	awk 'BEGIN { while ((getline line < "conformance/axes.md.new") > 0) table = table line "\n" } \
		/<!-- axes:end -->/ { printf "%s", table; skip = 0 } !skip { print } \
		/<!-- axes:begin -->/ { skip = 1 }' conformance/README.md > conformance/README.md.new
	mv conformance/README.md.new conformance/README.md
	rm -f conformance/axes.md.new

# Side-by-side benchmarks against nginx doing the same job (see bench/README.md).
bench:
	bash bench/run.sh
	bash bench/logs.sh

# Long load, slow-client, abuse and churn runs (see soak/README.md).
soak:
	bash soak/run.sh

# Coverage-guided fuzzing (cargo-fuzz, libFuzzer) on the stable toolchain: cargo-fuzz passes
# -Z flags, which RUSTC_BOOTSTRAP=1 lets stable rustc accept. FUZZ_SECONDS per target.
FUZZ_SECONDS ?= 60
FUZZ_TARGETS ?= mock_authenticate mock_fixtures runner_response
fuzz:
	@command -v cargo-fuzz >/dev/null || $(CARGO) install cargo-fuzz --locked
	cd fuzz && for t in $(FUZZ_TARGETS); do \
		RUSTC_BOOTSTRAP=1 $(CARGO) fuzz run $$t -- -max_total_time=$(FUZZ_SECONDS) || exit 1; \
	done

# Real stacks, each configured as its docs recommend, checked by the release runner on
# 127.0.0.1 (not part of make test: it installs from PyPI, npm and Debian). STACKS: a subset,
# e.g. make interop STACKS="fastapi drf". See interop/README.md.
STACKS ?=
interop:
	python3 -m unittest discover -q -s interop -p 'test_*.py'
	CARGO="$(CARGO)" bash interop/run.sh $(STACKS)

# Real client libraries graded by the release runner (`client -- PROGRAM`): pinned versions with
# published credential advisories and their fixed versions, two misconfigurations, current
# libraries and SDKs, installed under target/interop-clients; each verdict is compared with what
# interop/clients/clients.toml predicts. Not part of make test: it installs from PyPI and npm and
# takes about 3 minutes. CLIENTS: a subset, e.g. make interop-clients CLIENTS="requests-2.19.1 got".
CLIENTS ?=
# The quick part, in make test: pinned releases with credential advisories (requests 2.19.1 and
# node-fetch 2.7.0 are caught once the runner serves same-host redirects), their fixed releases
# and the Node misconfiguration; small venvs and npm sets, graded by the debug runner test-rust
# built (55 s the first time, 45 s after, on 2 cores loaded by other jobs); README left alone.
ADVISORY_CLIENTS := urllib3-1.22 urllib3-1.23 requests-2.19.1 requests-2.20.0 node-fetch-2.6.6 \
	node-fetch-2.7.0 node-tls-reject-unauthorized-0
test-client-advisories:
	python3 -m unittest discover -q -s interop/clients -p 'test_*.py'
	$(CARGO) build -p terminus-conformance
	rm -rf target/interop-clients/quick
	RUNNER=$${CARGO_TARGET_DIR:-target}/debug/terminus-conformance REPORTS=$(CURDIR)/target/interop-clients/quick/reports \
		NO_README=1 bash interop/clients/run.sh $(ADVISORY_CLIENTS)

interop-clients:
	python3 -m unittest discover -q -s interop/clients -p 'test_*.py'
	CARGO="$(CARGO)" bash interop/clients/run.sh $(CLIENTS)

clean:
	$(CARGO) clean
