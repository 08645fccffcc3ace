#!/usr/bin/env bash
# Installs the Debian packages Varpulis needs, only those that are missing.
# Usage: scripts/deps.sh [build|test]   (test adds the test-only packages)
set -euo pipefail

need=(gcc make cmake libc6-dev libtcc-dev)
if [ "${1:-build}" = "test" ]; then
  need+=(libcriterion-dev clang diffutils libjansson-dev)
fi

installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }

sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
updated=0
apt_install() {
  [ $# -eq 0 ] && return 0
  if [ -n "$sudo" ] && ! command -v sudo >/dev/null; then
    echo "error: need root (or sudo) to install: $*" >&2
    exit 1
  fi
  echo "installing: $*" >&2
  export DEBIAN_FRONTEND=noninteractive
  if [ $updated -eq 0 ]; then $sudo apt-get update -qq; updated=1; fi
  $sudo apt-get install -y -qq "$@" >/dev/null
}

missing=()
for p in "${need[@]}"; do installed "$p" || missing+=("$p"); done
apt_install "${missing[@]}"

# libFuzzer's runtime comes with clang's compiler-rt package of the same version
if [ "${1:-build}" = "test" ]; then
  v=$(clang --version | sed -n 's/.*clang version \([0-9]*\).*/\1/p' | head -n 1)
  if [ -n "$v" ] && ! installed "libclang-rt-$v-dev"; then apt_install "libclang-rt-$v-dev"; fi
fi
