#!/usr/bin/env bash
# tools/deps.sh — install the Debian 12 packages nerve needs, only those that are missing.
#
# Runs apt-get update + install (non-interactive, no recommends) only when a package is missing;
# uses sudo when not root. Safe to run again: with everything present it only checks.
set -euo pipefail

packages=(
    cmake ninja-build g++ clang libclang-rt-14-dev
    libeigen3-dev libxsimd-dev catch2 libfmt-dev libbenchmark-dev
    gcc-arm-none-eabi libnewlib-arm-none-eabi libstdc++-arm-none-eabi-newlib qemu-system-arm
    g++-aarch64-linux-gnu qemu-user
    libfftw3-dev libkissfft-dev nlohmann-json3-dev
    libcli11-dev libfmt-dev
    libpaho-mqtt-dev mosquitto mosquitto-clients
    python3-numpy python3-scipy python3-sklearn python3-matplotlib python3-mpmath
)

missing=()
for p in "${packages[@]}"; do
    status=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
    [ "$status" = "installed" ] || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
    echo "deps.sh: all ${#packages[@]} packages are installed"
    exit 0
fi

sudo=()
if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "deps.sh: not root and no sudo; install: ${missing[*]}" >&2; exit 1; }
    sudo=(sudo)
fi
echo "deps.sh: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
echo "deps.sh: done"
