# Every target sets the machine up first (idempotent), so each works on a fresh Debian machine.
PY := .venv/bin/python

.PHONY: bootstrap lint test test-fast test-browser bench example clean

bootstrap:
	bash scripts/bootstrap.sh

# The suite runs in TEST_JOBS processes (pytest-xdist; each test file stays in one process, with its
# module fixtures: a Ray cluster, a render shared by its tests); TEST_JOBS=0 runs it in this one.
TEST_JOBS ?= 2
XDIST = $(if $(filter 0,$(TEST_JOBS)),,-n $(TEST_JOBS) --dist loadfile)

test: bootstrap lint
	$(PY) -m pytest -q $(XDIST) tests
	$(PY) -m pytest -q bench/bench_blend.py -m gate

# The lane to run while working (under a minute): lint, then every test that starts no Chromium
# (tests/conftest.py marks those that do `browser`, and fails one that starts it unmarked).
test-fast: bootstrap lint
	$(PY) -m pytest -q -m "not browser" tests

# The other lane: the tests that drive a real Chromium (most of make test's time).
test-browser: bootstrap
	$(PY) -m pytest -q $(XDIST) -m browser tests

# The linter and the type checker, on engine/ (configured in pyproject.toml), and a type check (tsc,
# tsconfig.json: their // @ts-check, the shared globals in engine/capture/globals.d.ts) of the page
# runtime's files (engine/capture/*.js, injected into Chromium), which parses each of them; where
# TypeScript is missing, a syntax check with node --check instead. make test runs them first.
lint: bootstrap
	$(PY) -m ruff check
	$(PY) -m mypy
	@if [ -x .tools/node_modules/.bin/tsc ]; then \
		.tools/node_modules/.bin/tsc -p tsconfig.json && echo "tsc: engine/capture/*.js parse and type-check (tsconfig.json)"; \
	elif command -v node >/dev/null 2>&1; then \
		echo "TypeScript is not installed (scripts/bootstrap.sh installs it where npm is): node --check instead"; \
		for f in engine/capture/*.js; do node --check "$$f" || exit 1; done; \
		echo "node --check: engine/capture/*.js parse"; \
	else echo "neither TypeScript nor node is installed: skipping the checks of engine/capture/*.js (scripts/bootstrap.sh installs them)"; fi

bench: bootstrap
	$(PY) -m pytest bench -q --benchmark-columns=min,median,mean,ops --benchmark-sort=name

example: bootstrap
	mkdir -p out
	$(PY) -m engine.render examples/showcase -o out/showcase.mp4

clean:
	rm -rf build kernels/*.so kernels/*.c out .pytest_cache .benchmarks
