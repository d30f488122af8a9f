#!/usr/bin/env bash
# Stops the cluster that start.sh started in FOLDER (gateway, then OSD, then monitor) by the
# PIDs in FOLDER/pids, and deletes FOLDER with its data and logs.
#
# Usage: scripts/s3-server/stop.sh [FOLDER]    (default FOLDER: .s3-server in the repo root)
set -euo pipefail
script=stop.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

given=${1:-$repo_root/.s3-server}
if [[ ! -d $given ]]; then
  log "$given does not exist; nothing to stop"
  exit 0
fi
resolve_folder "$given"
[[ $folder != / && $folder != "$repo_root" ]] || fail "refusing to delete $folder"

for name in "${daemons[@]}"; do
  if pid=$(running_pid "$name"); then
    log "stopping $name (PID $pid)"
  fi
  stop_daemon "$name"
done
rm -rf "$folder"
log "deleted $folder"
