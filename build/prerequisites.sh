#!/usr/bin/env bash
# Installs what the stack and the tests run on, and nothing else: a real Redis, Azurite (npm),
# the Fashion-MNIST and DICOM test data and kubectl (for the manifest tests) from Debian packages,
# and what build/images.sh and the manifest-run test need to build and run images without Docker:
# podman (with runc), debootstrap (the Debian base) and docker-registry (a local registry).
# Safe to run again: it skips what is there.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

apt_packages=()
command -v redis-server >/dev/null || apt_packages+=(redis-server)
[ -f /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz ] || apt_packages+=(dataset-fashion-mnist)
[ -d /usr/lib/python3/dist-packages/pydicom/data/test_files ] || apt_packages+=(python3-pydicom)
command -v kubectl >/dev/null || apt_packages+=(kubernetes-client)
command -v podman >/dev/null || apt_packages+=(podman)
# Named explicitly: with --no-install-recommends apt may satisfy podman's network stack with CNI
# plugins, which give containers no DNS, and the manifest-run test resolves Services by name.
[ -x /usr/lib/podman/netavark ] || apt_packages+=(netavark)
[ -x /usr/lib/podman/aardvark-dns ] || apt_packages+=(aardvark-dns)
command -v iptables >/dev/null || apt_packages+=(iptables)
{ [ -x /usr/sbin/runc ] || command -v runc; } >/dev/null || apt_packages+=(runc)
{ [ -x /usr/sbin/debootstrap ] || command -v debootstrap; } >/dev/null || apt_packages+=(debootstrap)
command -v docker-registry >/dev/null || apt_packages+=(docker-registry)
if [ ${#apt_packages[@]} -gt 0 ]; then
  echo "fedgan: installing ${apt_packages[*]} (apt-get)"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${apt_packages[@]}" >/dev/null
fi

# Azurite, pinned, into the repository's own tool folder (ignored by git).
azurite_version=3.35.0
tools="$repo/.fedgan/tools"
if ! grep -q "\"version\": \"$azurite_version\"" "$tools/node_modules/azurite/package.json" 2>/dev/null; then
  echo "fedgan: installing azurite@$azurite_version (npm)"
  mkdir -p "$tools"
  npm install --prefix "$tools" --no-audit --no-fund --silent "azurite@$azurite_version" >/dev/null
fi
