#!/usr/bin/env bash
# Installs every build, test and screenshot dependency of Streamlab from Debian's packages.
# Idempotent: when everything is present it prints nothing and touches nothing.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config git
  qt6-base-dev qt6-base-dev-tools qt6-charts-dev qt6-svg-dev libqt6svg6 libqt6opengl6-dev qt6-qpa-plugins
  libgl-dev libxkbcommon-dev
  librocksdb-dev nlohmann-json3-dev libspdlog-dev libfmt-dev libsimdjson-dev libcli11-dev
  libabsl-dev libbenchmark-dev
  xvfb xauth x11-apps imagemagick fonts-dejavu-core
)
# scripts/fuzz.sh and scripts/sanitize.sh: clang with libFuzzer and the sanitizers' runtimes.
if [ "${1:-}" = "--clang" ]; then
  packages+=(clang libclang-rt-14-dev llvm-14)
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null; then SUDO=sudo; else
    echo "install-deps: missing packages (${missing[*]}) and not root; run as root" >&2
    exit 1
  fi
else
  SUDO=
fi
echo "install-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq >/dev/null
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
