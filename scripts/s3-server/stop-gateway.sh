#!/usr/bin/env bash
# Stops only the RADOS Gateway of the cluster in FOLDER, so tests can check how Attache
# behaves while its object store is unreachable. The monitor and OSD keep running and
# start-gateway.sh brings the gateway back on the same port.
#
# Usage: scripts/s3-server/stop-gateway.sh [FOLDER]    (default FOLDER: .s3-server in the repo root)
set -euo pipefail
script=stop-gateway.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

resolve_folder "${1:-}"
[[ -f $env_file ]] || fail "no cluster in $folder: run scripts/s3-server/start.sh first"
port=$(gateway_port)
if running_pid rgw >/dev/null; then
  stop_daemons rgw
  log "stopped radosgw; connections to 127.0.0.1:$port are now refused"
else
  log "radosgw is not running in $folder"
fi
