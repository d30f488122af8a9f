# Shared helpers for the scripts in scripts/s3-server. Source it after `set -euo pipefail`.
# Callers set `script` to their own name for messages.

script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo_root=$(cd "$script_dir/../.." && pwd)

# Names of the daemons, which are also the names of their PID files in FOLDER/pids, in the
# order in which they must stop.
daemons=(rgw osd mon)

log() {
  echo "$script: $*"
}

fail() {
  echo "$script: $*" >&2
  exit 1
}

# File that marks a folder as created by start.sh, so that no script deletes a folder that the
# user passed by mistake.
marker_name=.attache-s3-server
# Lock file that start.sh holds while it starts or checks the cluster.
lock_name=.start.lock

# Sets `folder` to the absolute path of the scratch folder given as $1 (default .s3-server in
# the repository root), and the paths derived from it. The folder must exist.
resolve_folder() {
  local given=${1:-$repo_root/.s3-server}
  [[ -d $given ]] || fail "$given does not exist: run scripts/s3-server/start.sh first"
  folder=$(cd "$given" && pwd)
  conf=$folder/ceph.conf
  env_file=$folder/env
  pid_dir=$folder/pids
  log_dir=$folder/log
  # Folders that start.sh made before it wrote the marker have ceph.conf and pids/ instead.
  if [[ -n $(ls -A "$folder" | grep -vxF "$lock_name") && ! -f $folder/$marker_name &&
    ! (-f $folder/ceph.conf && -d $folder/pids) ]]; then
    fail "$folder is not empty and was not created by scripts/s3-server/start.sh; \
pass an empty or new folder"
  fi
}

# Deletes everything in FOLDER except the marker and lock files and the entries named in the
# arguments.
clear_folder() {
  local keep=(-name "$marker_name" -o -name "$lock_name")
  local name
  for name in "$@"; do
    keep+=(-o -name "$name")
  done
  find "$folder" -mindepth 1 -maxdepth 1 ! \( "${keep[@]}" \) -exec rm -rf {} +
}

# Prints the PID stored in pids/$1.pid when that process is still running and was started with
# this folder's ceph.conf. A PID that the kernel reused for another program counts as stopped.
running_pid() {
  local pid_file=$pid_dir/$1.pid pid
  [[ -f $pid_file ]] || return 1
  pid=$(<"$pid_file")
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  [[ -r /proc/$pid/cmdline ]] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "$conf" || return 1
  echo "$pid"
}

# Starts a daemon in its own session, detached from this shell, and stores its PID in
# pids/$1.pid. The remaining arguments are the command. Its stdout and stderr go to
# log/$1.out; the daemon writes its own log to log/<ceph name>.log.
start_daemon() {
  local name=$1
  shift
  mkdir -p "$pid_dir" "$log_dir"
  if [[ -n ${lock_fd_to_close:-} ]]; then
    # The daemon must not inherit start.sh's lock, or the lock would last as long as the daemon.
    setsid "$@" </dev/null >>"$log_dir/$name.out" 2>&1 {lock_fd_to_close}>&- &
  else
    setsid "$@" </dev/null >>"$log_dir/$name.out" 2>&1 &
  fi
  echo $! >"$pid_dir/$name.pid"
  # Without this, bash reports "Killed" or "Terminated" when stop_daemons ends the daemon.
  disown $!
}

# Stops the named daemons one after another by their stored PIDs: SIGTERM, up to 15 s to exit,
# then SIGKILL. Order matters: radosgw hangs on SIGTERM when the OSD and monitor are gone, so
# callers pass rgw before osd before mon. Each daemon takes about 2 s to exit.
stop_daemons() {
  local name
  for name in "$@"; do
    stop_daemon "$name" || return 1
  done
}

stop_daemon() {
  local name=$1 pid i
  if ! pid=$(running_pid "$name"); then
    rm -f "$pid_dir/$name.pid"
    return 0
  fi
  log "stopping $name (PID $pid)"
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < 150; i++)); do
    [[ -d /proc/$pid ]] || break
    sleep 0.1
  done
  if [[ -d /proc/$pid ]]; then
    log "$name (PID $pid) did not exit within 15 s of SIGTERM, sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    for ((i = 0; i < 50; i++)); do
      [[ -d /proc/$pid ]] || break
      sleep 0.1
    done
  fi
  if [[ -d /proc/$pid ]]; then
    echo "$script: $name (PID $pid) still exists after SIGKILL" >&2
    return 1
  fi
  rm -f "$pid_dir/$name.pid"
}

# Prints the PIDs of Ceph daemons that run with this folder's ceph.conf but are missing from
# FOLDER/pids, for example after a start.sh that was killed between starting a daemon and
# writing its PID.
find_untracked_daemons() {
  local cmdline_file pid command tracked
  tracked=" $(cat "$pid_dir"/*.pid 2>/dev/null | tr '\n' ' ') "
  for cmdline_file in /proc/[0-9]*/cmdline; do
    pid=${cmdline_file#/proc/}
    pid=${pid%/cmdline}
    command=$(tr '\0' ' ' <"$cmdline_file" 2>/dev/null) || continue
    case $command in
      "ceph-mon --conf $conf "* | "ceph-osd --conf $conf "* | "radosgw --conf $conf "*)
        [[ $tracked == *" $pid "* ]] || echo "$pid"
        ;;
    esac
  done
}

# Runs the ceph CLI against this folder's cluster, giving up after 10 s.
ceph_cli() {
  timeout 10 ceph --conf "$conf" --connect-timeout 5 "$@"
}

# Prints the gateway's port, read from the env file that start.sh wrote.
gateway_port() {
  local endpoint
  endpoint=$(grep -E '^ATTACHE_S3_ENDPOINT=' "$env_file" 2>/dev/null | cut -d= -f2-) ||
    fail "no ATTACHE_S3_ENDPOINT in $env_file: run scripts/s3-server/start.sh first"
  echo "${endpoint##*:}"
}

# Succeeds when an HTTP server on 127.0.0.1:$1 sends any response within 2 s.
http_answers() {
  node -e '
    fetch(`http://127.0.0.1:${process.argv[1]}/`, { signal: AbortSignal.timeout(2000) }).then(
      () => process.exit(0),
      () => process.exit(1),
    );
  ' "$1"
}

# Polls until the gateway on port $1 responds to HTTP, for at most $2 seconds. Fails early when
# the radosgw process has exited.
wait_for_gateway() {
  local port=$1 timeout_seconds=$2 deadline
  deadline=$((SECONDS + timeout_seconds))
  while ((SECONDS < deadline)); do
    if http_answers "$port"; then
      return 0
    fi
    if ! running_pid rgw >/dev/null; then
      echo "$script: radosgw exited before it responded on 127.0.0.1:$port" >&2
      return 1
    fi
    sleep 0.3
  done
  echo "$script: radosgw did not respond on 127.0.0.1:$port within $timeout_seconds s" >&2
  return 1
}

start_gateway_daemon() {
  start_daemon rgw radosgw --conf "$conf" -n client.rgw.a -f
}
