# Everyday actions. Every target installs what it needs first (scripts/setup.sh is idempotent).
SHELL := /bin/bash
BUILD ?= build/release
ASAN_BUILD ?= build/asan
JOBS ?= $(shell nproc)
PY := .venv/bin/python
FLOE := $(BUILD)/floe
# ccache, when installed, makes rebuilds in several clones or worktrees cheap: paths below the
# clone are hashed relative to it, and the working directory is left out of the hash (debug
# builds would otherwise hash it), so a fresh clone elsewhere hits the same cache entries.
# Decided when a recipe runs, after setup has installed ccache on a fresh machine.
LAUNCHER = $$(command -v ccache >/dev/null && echo -DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
export CCACHE_BASEDIR ?= $(CURDIR)
export CCACHE_NOHASHDIR ?= true

.PHONY: setup build build-asan test unit-test interop-test python python-test wheel test-minio demo \
  bench bench-smoke format clean

setup:
	@scripts/setup.sh

$(BUILD)/build.ninja: CMakeLists.txt | setup
	cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DFLOE_BUILD_TESTS=OFF $(LAUNCHER)

$(ASAN_BUILD)/build.ninja: CMakeLists.txt | setup
	cmake -S . -B $(ASAN_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Debug -DFLOE_SANITIZE=ON $(LAUNCHER)

build: setup $(BUILD)/build.ninja
	cmake --build $(BUILD) -j $(JOBS)

build-asan: setup $(ASAN_BUILD)/build.ninja
	cmake --build $(ASAN_BUILD) -j $(JOBS)

# Unit tests run under address + undefined sanitizers (the release tree builds no tests);
# interop tests use the release binary, and the sanitized helper binaries of the unit tests.
unit-test: build-asan
	cd $(ASAN_BUILD) && FLOE_PYTHON=$(abspath $(PY)) ASAN_OPTIONS=detect_leaks=0 \
	  ctest --output-on-failure -j $(JOBS)

interop-test: build build-asan python
	FLOE_BIN=$(abspath $(FLOE)) FLOE_BUILD_DIR=$(abspath $(ASAN_BUILD)) ASAN_OPTIONS=detect_leaks=0 \
	  $(PY) -m pytest -q tests/interop

# The Python package (python/, `import floe`), built by scikit-build-core into build/python
# (kept, so a rebuild compiles only what changed) and installed into the virtualenv.
# The compiler is named as the release build's is, so ccache serves one build's objects to the
# other (it hashes the compiler's name).
PY_BUILD_ENV = CMAKE_ARGS="$(LAUNCHER) -DCMAKE_CXX_COMPILER=c++ -DCMAKE_C_COMPILER=cc" \
  CMAKE_BUILD_PARALLEL_LEVEL=$(JOBS)
python: setup
	$(PY_BUILD_ENV) $(PY) -m pip install -q --no-build-isolation --no-deps ./python

# A wheel of the Python package in dist/ (for images: pip install dist/floe-*.whl). It links the
# pinned pyarrow's libraries, found at import through pyarrow itself.
wheel: setup
	$(PY_BUILD_ENV) $(PY) -m pip wheel -q --no-build-isolation --no-deps ./python -w dist

# The Python API suites alone (they are part of interop-test too).
python-test: python build
	FLOE_BIN=$(abspath $(FLOE)) $(PY) -m pytest -q tests/interop/test_python_*.py

test: unit-test interop-test

# The S3 suites again with MinIO as the object store instead of moto. Not part of `make test`:
# building MinIO takes about 17 minutes the first time (cached in ~/.cache/floe afterwards).
test-minio: build build-asan
	scripts/install-minio.sh
	FLOE_S3_SERVER=minio FLOE_BIN=$(abspath $(FLOE)) FLOE_BUILD_DIR=$(abspath $(ASAN_BUILD)) \
	  ASAN_OPTIONS=detect_leaks=0 $(PY) -m pytest -q tests/interop/test_s3_storage.py \
	  tests/interop/test_s3_ingest.py

demo: build
	scripts/demo.sh $(abspath $(FLOE))

# floe ingest against a parse-only bound, DuckDB, PyIceberg + pyarrow and a Ray Data job on one
# generated 1 GB corpus; writes bench/results/<date>-<host>.md and .json (see bench/README.md).
# BENCH_ARGS passes options to bench/run_bench.py (e.g. BENCH_ARGS='--skip-ray --runs 1'); the
# row-level section (delete/update/merge, compaction) follows (--skip-row-level, --skip-ingest),
# then the streaming section (floe stream, Spark Structured Streaming and the Iceberg Kafka
# Connect sink on Kafka; --skip-stream, --stream-peers).
# floe.ray.ingest with one Ray worker per --threads runs beside floe ingest (the Python package).
bench: build python
	$(PY) -m pip install -q --cache-dir $${XDG_CACHE_HOME:-$$HOME/.cache}/floe/pip -r bench/requirements.txt
	$(PY) bench/run_bench.py --floe $(abspath $(FLOE)) \
	  --parse-bound $(abspath $(BUILD))/bench/parse_bound $(BENCH_ARGS)

# The benchmark harness end to end on a tiny corpus, without Ray (well under a minute).
bench-smoke: build
	FLOE_BIN=$(abspath $(FLOE)) $(PY) -m pytest -q tests/interop/test_bench_smoke.py

format:
	clang-format -i $$(git ls-files 'src/*.h' 'src/*.cc' 'tests/*.cc')

clean:
	rm -rf build
