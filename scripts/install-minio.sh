#!/usr/bin/env bash
# Builds the MinIO server for `make test-minio` with `go install` from the Go module proxy and
# keeps it in ~/.cache/floe/bin, outside the clone, so later clones on this machine reuse it.
# The first build takes several minutes (up to about 17 on two busy cores); afterwards this
# returns at once. The version is pinned (MinIO publishes no semver tags: this is the module
# proxy's pseudo-version of the build the S3 suites were checked with); MINIO_VERSION overrides.
set -euo pipefail
version="${MINIO_VERSION:-v0.0.0-20260212201848-7aac2a2c5b7c}"
cache="${FLOE_CACHE:-$HOME/.cache/floe}"
bin="$cache/bin/minio-$version"
if [ ! -x "$bin" ]; then
  mkdir -p "$cache/bin" "$cache/go"
  tmp="$(mktemp -d)"
  trap 'rm -rf "$tmp"' EXIT
  echo "install-minio: building github.com/minio/minio@$version (slow the first time)"
  GOBIN="$tmp" GOPATH="$cache/go" GOFLAGS=-mod=mod go install "github.com/minio/minio@$version"
  mv "$tmp/minio" "$bin"
fi
# The name the test harness runs (tests/interop/servers/minio.py).
ln -sfn "$(basename "$bin")" "$cache/bin/minio"
