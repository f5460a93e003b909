#!/usr/bin/env bash
# Builds the MinIO server for `make test-minio` with `go install` from the Go module proxy and
# keeps it in ~/.cache/floe/bin, outside the clone, so later clones on this machine reuse it.
# The first build takes about 17 minutes on two cores; afterwards this returns at once.
set -euo pipefail
version="${MINIO_VERSION:-latest}"
cache="${FLOE_CACHE:-$HOME/.cache/floe}"
bin="$cache/bin/minio"
if [ -x "$bin" ]; then exit 0; fi
mkdir -p "$cache/bin" "$cache/go"
echo "install-minio: building github.com/minio/minio@$version (slow the first time)"
GOBIN="$cache/bin" GOPATH="$cache/go" GOFLAGS=-mod=mod go install "github.com/minio/minio@$version"
"$bin" --version
