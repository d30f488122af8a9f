#!/usr/bin/env bash
# Starts the RADOS Gateway of the cluster in FOLDER again after stop-gateway.sh, with the same
# ceph.conf and port, and waits until it responds to HTTP.
#
# Usage: scripts/s3-server/start-gateway.sh [FOLDER]    (default FOLDER: .s3-server in the repo root)
# ATTACHE_S3_SERVER_TIMEOUT sets the seconds to wait (default 30).
set -euo pipefail
script=start-gateway.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

resolve_folder "${1:-}"
[[ -f $env_file ]] || fail "no cluster in $folder: run scripts/s3-server/start.sh first"
for name in mon osd; do
  running_pid "$name" >/dev/null ||
    fail "the $name daemon in $folder is not running: run scripts/s3-server/start.sh to restart the cluster"
done

port=$(gateway_port)
if pid=$(running_pid rgw); then
  log "radosgw is already running (PID $pid)"
else
  started_at=$SECONDS
  start_gateway_daemon
  wait_for_gateway "$port" "${ATTACHE_S3_SERVER_TIMEOUT:-30}" ||
    fail "radosgw failed to start; its logs are $log_dir/client.rgw.a.log and $log_dir/rgw.out"
  log "radosgw (PID $(running_pid rgw)) responds on 127.0.0.1:$port after $((SECONDS - started_at)) s"
fi
