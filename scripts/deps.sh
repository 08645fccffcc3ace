#!/usr/bin/env bash
# Installs the Debian packages Varpulis needs, only those that are missing.
# Usage: scripts/deps.sh [build|test]   (test adds the test-only packages)
set -euo pipefail

need=(gcc make cmake libc6-dev libtcc-dev)
if [ "${1:-build}" = "test" ]; then
  need+=(libcriterion-dev clang diffutils libjansson-dev)
fi

missing=()
for p in "${need[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "installing: ${missing[*]}" >&2
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "error: need root (or sudo) to install: ${missing[*]}" >&2; exit 1; }
  sudo="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq "${missing[@]}" >/dev/null
