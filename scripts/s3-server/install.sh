#!/usr/bin/env bash
# Installs the Debian packages that scripts/s3-server/start.sh needs (Ceph mon, OSD, RADOS
# Gateway and CLI tools). Does nothing and prints nothing when they are already installed.
# start.sh runs every daemon itself in a scratch folder, so no system service needs to run.
set -euo pipefail

packages=(radosgw ceph-mon ceph-osd ceph-common)
commands=(radosgw ceph-mon ceph-osd ceph radosgw-admin monmaptool)

missing=0
for command in "${commands[@]}"; do
  if ! command -v "$command" >/dev/null 2>&1; then
    missing=1
  fi
done
if [[ $missing -eq 0 ]]; then
  exit 0
fi

if [[ $(id -u) -eq 0 ]]; then
  sudo=()
elif command -v sudo >/dev/null 2>&1; then
  sudo=(sudo)
else
  echo "install.sh: must run as root, or sudo must be installed, to install ${packages[*]}" >&2
  exit 1
fi

echo "install.sh: installing ${packages[*]} from Debian"
"${sudo[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends \
  "${packages[@]}" >/dev/null
echo "install.sh: installed $(radosgw --version | head -n 1)"
