#!/usr/bin/env bash
# Installs everything floe needs to build and test on a fresh Debian 12 machine.
# Idempotent: a second run installs nothing and takes a second or two.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cache="$root/.cache"
# pip's cache is per user, not per clone: a second clone on this machine reuses the wheels (pyspark
# alone is a 434 MB download, built into a wheel once).
pip_cache="${XDG_CACHE_HOME:-$HOME/.cache}/floe/pip"
mkdir -p "$cache/apt/partial" "$pip_cache"

apt_packages=(
  build-essential cmake ninja-build pkg-config python3-venv time ccache
  libsimdjson-dev librdkafka-dev libsqlite3-dev libcurl4-openssl-dev libssl-dev
  libzstd-dev zlib1g-dev libisal-dev libcli11-dev libspdlog-dev libfmt-dev nlohmann-json3-dev
  libgtest-dev libgmock-dev libbenchmark-dev libyaml-cpp-dev
  # The Iceberg REST catalog test server (tests/interop/servers/rest.py): Java, and `ip` to
  # bring up loopback in its private network namespace.
  openjdk-17-jre-headless iproute2
  # The benchmark's Kafka Connect peer: Maven resolves the worker and the Iceberg sink
  # (bench/peers/install_kafka_connect.sh).
  maven
)
missing=()
for p in "${apt_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "setup: installing ${missing[*]}"
  $sudo apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q \
    -o Dir::Cache::archives="$cache/apt" "${missing[@]}"
fi

venv="$root/.venv"
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
stamp="$venv/.requirements.sha256"
want="$(sha256sum "$root/requirements-dev.txt" | cut -d' ' -f1)"
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  "$venv/bin/pip" install -q --cache-dir "$pip_cache" --upgrade pip
  "$venv/bin/pip" install -q --cache-dir "$pip_cache" -r "$root/requirements-dev.txt"
  "$venv/bin/python" -c "import pyarrow; pyarrow.create_library_symlinks()"
  echo "$want" >"$stamp"
fi
