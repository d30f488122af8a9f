#!/usr/bin/env bash
# Starts a scratch single-node Ceph cluster (one monitor, one bluestore OSD, one RADOS
# Gateway) in FOLDER, creates a test user and bucket, and writes FOLDER/env with the
# ATTACHE_S3_* settings that point Attache at it. Every daemon listens on 127.0.0.1 only.
#
# Usage: scripts/s3-server/start.sh [FOLDER]    (default FOLDER: .s3-server in the repo root)
#
# Environment variables (all optional):
#   ATTACHE_S3_SERVER_PORT               gateway HTTP port (default 7480, or a free port if 7480 is taken)
#   ATTACHE_S3_SERVER_MON_PORT           monitor port (default 6789, or a free port if 6789 is taken)
#   ATTACHE_S3_SERVER_BUCKET             bucket to create (default attache-test)
#   ATTACHE_S3_SERVER_ACCESS_KEY_ID      access key of the test user
#   ATTACHE_S3_SERVER_SECRET_ACCESS_KEY  secret key of the test user
#   ATTACHE_S3_SERVER_TIMEOUT            seconds to wait for each daemon (default 30)
#
# When FOLDER already contains a running cluster whose gateway serves the bucket, the script
# reuses it and only prints the env file. A failed start is retried once from scratch.
set -euo pipefail
script=start.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

bucket=${ATTACHE_S3_SERVER_BUCKET:-attache-test}
access_key=${ATTACHE_S3_SERVER_ACCESS_KEY_ID:-ATTACHETESTACCESSKEY}
secret_key=${ATTACHE_S3_SERVER_SECRET_ACCESS_KEY:-attache-test-secret-key-0123456789abcdef}
timeout_seconds=${ATTACHE_S3_SERVER_TIMEOUT:-30}
region=us-east-1

for command in ceph-mon ceph-osd radosgw radosgw-admin ceph monmaptool; do
  command -v "$command" >/dev/null 2>&1 ||
    fail "$command not found: run scripts/s3-server/install.sh first"
done
command -v node >/dev/null 2>&1 || fail "node not found: Node.js 20 or later is required"
[[ -d $repo_root/node_modules/@aws-sdk/client-s3 ]] ||
  fail "@aws-sdk/client-s3 not found in $repo_root/node_modules: run npm ci first"

mkdir -p "${1:-$repo_root/.s3-server}"
resolve_folder "${1:-}"

# Several test processes may run start.sh on one folder at once: the first starts the cluster
# and the others wait for it and then reuse it.
exec {lock_fd}>"$folder/$lock_name"
flock -w 120 "$lock_fd" || fail "timed out after 120 s waiting for another start.sh on $folder"
lock_fd_to_close=$lock_fd

# Prints port $1 if it is free on 127.0.0.1, and fails if it is taken. With $1 = 0, prints a
# free port that the kernel chose. Another process can still take the port before the daemon
# binds it, and then the daemon fails and start.sh retries.
find_free_port() {
  node -e '
    const server = require("node:net").createServer();
    server.on("error", () => process.exit(1));
    server.listen(Number(process.argv[1]), "127.0.0.1", () => {
      console.log(server.address().port);
      server.close();
    });
  ' "$1"
}

# Prints the port that the user set in variable $1, or else $2 if it is free, or else any free
# port.
choose_port() {
  local variable=$1 preferred=$2
  if [[ -n ${!variable:-} ]]; then
    echo "${!variable}"
  else
    find_free_port "$preferred" || find_free_port 0
  fi
}

# Reject an invalid port or timeout now, because retrying would not help.
for variable in ATTACHE_S3_SERVER_PORT ATTACHE_S3_SERVER_MON_PORT; do
  value=${!variable:-}
  [[ -z $value ]] && continue
  [[ $value =~ ^[0-9]+$ ]] && ((value > 0 && value < 65536)) ||
    fail "$variable=$value is not a valid TCP port"
done
[[ $timeout_seconds =~ ^[1-9][0-9]*$ ]] ||
  fail "ATTACHE_S3_SERVER_TIMEOUT=$timeout_seconds is not a positive whole number of seconds"

# Prints the env file that this run would write for a gateway on port $1.
format_env_file() {
  cat <<ENV
ATTACHE_S3_ENDPOINT=http://127.0.0.1:$1
ATTACHE_S3_BUCKET=$bucket
ATTACHE_S3_ACCESS_KEY_ID=$access_key
ATTACHE_S3_SECRET_ACCESS_KEY=$secret_key
ATTACHE_S3_REGION=$region
ATTACHE_S3_FORCE_PATH_STYLE=true
ENV
}

# Succeeds when FOLDER contains a running cluster whose gateway accepts the test user's keys
# and has the bucket. create-bucket.mjs is idempotent, so it doubles as the health check.
cluster_is_healthy() {
  [[ -f $env_file ]] || return 1
  local name port
  port=$(gateway_port)
  # A cluster with another port, bucket or keys than this run requests is not reused.
  [[ -z ${ATTACHE_S3_SERVER_PORT:-} || $ATTACHE_S3_SERVER_PORT == "$port" ]] || return 1
  [[ $(format_env_file "$port") == "$(<"$env_file")" ]] || return 1
  for name in "${daemons[@]}"; do
    running_pid "$name" >/dev/null || return 1
  done
  http_answers "$port" || return 1
  (set -a && source "$env_file" && node "$script_dir/create-bucket.mjs" >/dev/null 2>&1)
}

stop_cluster() {
  stop_daemons "${daemons[@]}" || fail "could not stop the daemons in $folder"
}

# Prints the last lines of each daemon's log and of the setup commands' output to stderr, for a
# failed start. cluster.log repeats the monitor's log, so it is left out. In the daemon logs
# (*.log) only timestamped lines count, because RocksDB appends multi-line statistics dumps.
print_log_tails() {
  local file
  for file in "$log_dir"/*; do
    [[ -s $file && $file != */cluster.log ]] || continue
    echo "----- last 20 lines of $file -----" >&2
    if [[ $file == *.log ]]; then
      grep -E '^[0-9]{4}-' "$file" | grep -vF ' rocksdb: ' | tail -n 20 >&2 || true
    else
      tail -n 20 "$file" >&2
    fi
  done
}

# Runs an idempotent ceph CLI command up to 3 times. The ceph CLI of Ceph 16.2 sometimes sends
# its first command before it has the monitor map. The monitor then rejects it with EPERM
# ("problem getting command descriptions from mon"), and a second try succeeds.
ceph_cli_with_retry() {
  local try
  for try in 1 2 3; do
    if ceph_cli "$@" 2>>"$log_dir/setup.out"; then
      return 0
    fi
    sleep 0.5
  done
  echo "$script: ceph $* failed 3 times" >&2
  return 1
}

# Creates the test user with the requested keys. A try that fails after it created the user is
# fine, so success means that `user info` finds the user afterwards.
create_user() {
  local try
  for try in 1 2 3; do
    timeout 30 radosgw-admin --conf "$conf" user create --uid=attache-test \
      --display-name="Attache tests" --access-key="$access_key" --secret-key="$secret_key" \
      >>"$log_dir/setup.out" 2>&1 && return 0
    timeout 30 radosgw-admin --conf "$conf" user info --uid=attache-test \
      >>"$log_dir/setup.out" 2>&1 && return 0
    sleep 0.5
  done
  echo "$script: radosgw-admin user create failed 3 times" >&2
  return 1
}

write_ceph_conf() {
  local fsid=$1 mon_port=$2 gateway_port=$3
  # $name, $cluster and $id below are Ceph metavariables, expanded by each daemon.
  cat >"$conf" <<CONF
[global]
fsid = $fsid
mon host = [v1:127.0.0.1:$mon_port]
mon initial members = a
public network = 127.0.0.0/8
public addr = 127.0.0.1
cluster addr = 127.0.0.1
ms bind msgr2 = false
ms bind ipv6 = false
auth cluster required = none
auth service required = none
auth client required = none
keyring = $folder/keyring
run dir = $folder/run
admin socket = $folder/run/\$name.asok
log file = $log_dir/\$name.log
mon cluster log file = $log_dir/cluster.log
crash dir = $folder/crash
mon data = $folder/mon/\$cluster-\$id
osd data = $folder/osd/\$cluster-\$id

# One OSD stores every copy, so pools keep one replica and CRUSH picks OSDs, not hosts.
osd pool default size = 1
osd pool default min size = 1
osd pool default pg num = 8
osd pool default pgp num = 8
osd pool default pg autoscale mode = off
osd crush chooseleaf type = 0
# start.sh places the OSD in the CRUSH map itself. An OSD that does this during start-up can
# send the command before it has the monitor map, so with a zero fsid. The monitor then
# rejects it ("wrong fsid") and the OSD exits.
osd crush update on start = false
osd class update on start = false
mon allow pool size one = true
mon warn on pool no redundancy = false
# The monitor commits a change at most once per propose interval (1 s by default in 16.2). The gateway
# creates its pools one command at a time on first start, so a short interval saves seconds.
paxos propose interval = 0.05

# Bluestore on a sparse 10 GiB file: it uses disk only for data written. Memstore would keep
# deleted objects in RAM until garbage collection runs.
osd objectstore = bluestore
bluestore block path = $folder/osd/block
bluestore block size = 10737418240
bluestore block create = true
bluestore block db create = false
bluestore block wal create = false
bluestore fsck on mkfs = false
# Closing the block file waits up to one poll period of the I/O thread (default 250 ms), and
# mkfs and OSD start open and close it about 15 times.
bdev aio poll ms = 25
# 2 GiB, so tests can store an object just over 1 GiB.
osd max object size = 2147483648

[client.rgw.a]
rgw frontends = beast endpoint=127.0.0.1:$gateway_port
rgw data = $folder/rgw
# Reclaim the space of deleted objects within seconds (defaults: 2 h and 1 h).
rgw gc obj min wait = 5
rgw gc processor period = 10
CONF
}

# Polls `ceph osd stat` until one OSD is up, for at most timeout_seconds.
wait_for_osd_up() {
  local deadline=$((SECONDS + timeout_seconds))
  while ((SECONDS < deadline)); do
    if ceph_cli osd stat --format json 2>/dev/null | grep -q '"num_up_osds":1'; then
      return 0
    fi
    if ! running_pid osd >/dev/null; then
      echo "$script: ceph-osd exited before it came up" >&2
      return 1
    fi
    sleep 0.3
  done
  echo "$script: the OSD was not up within $timeout_seconds s" >&2
  return 1
}

wait_for_mon() {
  local deadline=$((SECONDS + timeout_seconds))
  while ((SECONDS < deadline)); do
    if ceph_cli mon stat >/dev/null 2>&1; then
      return 0
    fi
    if ! running_pid mon >/dev/null; then
      echo "$script: ceph-mon exited before it responded" >&2
      return 1
    fi
    sleep 0.3
  done
  echo "$script: ceph-mon did not respond within $timeout_seconds s" >&2
  return 1
}

# Creates and starts the cluster, user and bucket once. Returns non-zero on the first step
# that fails, leaving any started daemons running for the caller to stop.
start_cluster() {
  local fsid osd_uuid osd_id mon_port gateway_port
  mon_port=$(choose_port ATTACHE_S3_SERVER_MON_PORT 6789) || return 1
  gateway_port=$(choose_port ATTACHE_S3_SERVER_PORT 7480) || return 1
  if [[ $gateway_port == "$mon_port" ]]; then
    echo "$script: the gateway and the monitor cannot both use port $mon_port" >&2
    return 1
  fi

  fsid=$(</proc/sys/kernel/random/uuid)
  osd_uuid=$(</proc/sys/kernel/random/uuid)
  mkdir -p "$folder"/{mon,osd,rgw,run,crash} "$pid_dir" "$log_dir"
  write_ceph_conf "$fsid" "$mon_port" "$gateway_port"

  log "starting ceph-mon on 127.0.0.1:$mon_port"
  monmaptool --create --fsid "$fsid" --addv a "[v1:127.0.0.1:$mon_port]" "$folder/monmap" \
    >>"$log_dir/setup.out" 2>&1 || return 1
  ceph-mon --conf "$conf" --mkfs -i a --monmap "$folder/monmap" >>"$log_dir/setup.out" 2>&1 ||
    return 1
  start_daemon mon ceph-mon --conf "$conf" -i a -f
  wait_for_mon || return 1

  log "starting ceph-osd (bluestore, sparse 10 GiB file)"
  osd_id=$(ceph_cli_with_retry osd new "$osd_uuid") || return 1
  ceph_cli_with_retry osd crush add "osd.$osd_id" 1.0 root=default host=localhost \
    >>"$log_dir/setup.out" || return 1
  mkdir -p "$folder/osd/ceph-$osd_id"
  ceph-osd --conf "$conf" -i "$osd_id" --mkfs --osd-uuid "$osd_uuid" \
    >>"$log_dir/setup.out" 2>&1 || return 1
  start_daemon osd ceph-osd --conf "$conf" -i "$osd_id" -f
  wait_for_osd_up || return 1

  log "starting radosgw on 127.0.0.1:$gateway_port"
  start_gateway_daemon
  wait_for_gateway "$gateway_port" "$timeout_seconds" || return 1

  log "creating user attache-test and bucket $bucket"
  create_user || return 1
  format_env_file "$gateway_port" >"$env_file.tmp"
  (set -a && source "$env_file.tmp" && node "$script_dir/create-bucket.mjs") \
    >>"$log_dir/setup.out" 2>&1 || return 1
  mv "$env_file.tmp" "$env_file"
}

if cluster_is_healthy; then
  log "reusing the running cluster in $folder"
  cat "$env_file"
  exit 0
fi

# Anything left in FOLDER is a stopped or broken cluster: clear it.
stop_cluster
clear_folder
touch "$folder/$marker_name"

started_at=$SECONDS
for attempt in 1 2; do
  if start_cluster; then
    log "started in $((SECONDS - started_at)) s; settings written to $env_file"
    cat "$env_file"
    exit 0
  fi
  echo "$script: attempt $attempt of 2 failed" >&2
  print_log_tails
  stop_cluster
  if [[ $attempt -eq 1 ]]; then
    log "retrying from scratch; the failed attempt's logs are in $folder/log-attempt-1"
    rm -rf "$folder/log-attempt-1"
    mv "$log_dir" "$folder/log-attempt-1"
    clear_folder log-attempt-1
  fi
done
fail "could not start the cluster; logs are in $log_dir and $folder/log-attempt-1. \
Run scripts/s3-server/stop.sh to delete $folder"
