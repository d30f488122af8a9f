#!/usr/bin/env bash
# Stops the cluster that start.sh started in FOLDER (gateway, then OSD, then monitor) by the
# PIDs in FOLDER/pids, then any other Ceph daemon that runs with FOLDER/ceph.conf, and deletes
# FOLDER with its data and logs.
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

stop_daemons "${daemons[@]}" || fail "not deleting $folder because daemons are still running"
for pid in $(find_untracked_daemons); do
  log "stopping PID $pid, which runs with $conf but is not in $pid_dir"
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < 150; i++)); do
    [[ -d /proc/$pid ]] || break
    sleep 0.1
  done
  if [[ -d /proc/$pid ]]; then
    log "PID $pid did not exit within 15 s of SIGTERM, sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
  fi
done
rm -rf "$folder"
log "deleted $folder"
