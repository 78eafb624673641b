#!/usr/bin/env bash
# Installs the Debian 12 packages kagami builds and tests with. Idempotent, and
# silent when everything is already there.
set -euo pipefail

packages=(
  g++ cmake ninja-build pkg-config make
  clang libclang-rt-14-dev
  libgmime-3.0-dev libicu-dev libuchardet-dev
  libssl-dev libpsl-dev publicsuffix
  libfmt-dev nlohmann-json3-dev libcli11-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  libmimalloc-dev
  libarchive-dev libfuzzy-dev libtlsh-dev zlib1g-dev
  libyara-dev libvectorscan-dev libtomlplusplus-dev libsimdjson-dev
  libsqlite3-dev libpq-dev postgresql libpff-dev
)

missing=()
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$p")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

echo "installing: ${missing[*]}"
sudo=""
[[ $(id -u) -eq 0 ]] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
