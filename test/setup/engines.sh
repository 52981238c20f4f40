#!/usr/bin/env bash
# Installs and starts the real engines the integration tests run against, then
# writes test/.engines.json. Idempotent: a daemon that already answers /_ping is
# left alone; packages and the Engine 26 unpack happen only when missing.
#
#   d20    Debian bookworm docker.io 20.10   unix:///var/run/docker.sock   legacy `docker save`
#   d26    Debian trixie docker.io 26.1       unix:///tmp/docker26.sock     OCI-layout `docker save`
#   d26c   same, containerd image store       unix:///tmp/docker26c.sock    containerd-store layout
#   podman Debian podman 4.3 Docker-compat API unix:///tmp/podman.sock      podman layout
#
# Usage: test/setup/engines.sh [d20 d26 d26c podman]   (as root; needs the Debian mirror this machine's apt uses; default: all four)
set -euo pipefail

WANT=("$@")
[ ${#WANT[@]} -gt 0 ] || WANT=(d20 d26 d26c podman)
wants() { [[ " ${WANT[*]} " == *" $1 "* ]]; }
for w in "${WANT[@]}"; do case $w in d20|d26|d26c|podman) ;; *) echo "unknown engine '$w' (d20, d26, d26c, podman)" >&2; exit 2;; esac; done

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
D26=/opt/docker26                      # unpacked trixie docker.io (dockerd only; no CLI in it)
APT_TRIXIE=/tmp/apt-trixie             # private apt state, so the system's apt never sees trixie
WAIT_SECS=${LAYERLENS_ENGINE_WAIT:-60}
export DEBIAN_FRONTEND=noninteractive

log() { printf '[engines %s] %s\n' "$(date +%T)" "$*"; }
die() { printf '[engines] ERROR: %s\n' "$*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || die "run as root (it installs packages and starts daemons)"
command -v node > /dev/null || die "node is needed (to write test/.engines.json)"

ping_ok() { [ "$(curl -s --max-time 2 --unix-socket "$1" http://x/_ping 2>/dev/null || true)" = OK ]; }
# A pid file can outlive its daemon (the session that started it ended); after a reboot its number may
# belong to anything. Only a live dockerd/podman counts.
pid_alive() {
  [ -s "$1" ] || return 1
  local pid; pid=$(cat "$1")
  kill -0 "$pid" 2>/dev/null && tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | grep -qE 'dockerd|podman'
}

# --- 1. Debian packages (bookworm) ------------------------------------------
need=()
packages=(docker.io busybox-static zstd curl python3)
wants podman && packages+=(podman)
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || need+=("$p")
done

# The trixie download does not touch dpkg, so it runs beside the bookworm install.
fetch_docker26() {
  local a=$APT_TRIXIE
  mkdir -p "$a/lists/partial" "$a/archives/partial" "$a/cache" "$a/dl"
  # The mirror this machine's apt already uses (no host name of our own in the project).
  local mirror
  mirror=$(awk '/^URIs:/{print $2; exit}' /etc/apt/sources.list.d/*.sources 2>/dev/null || true)
  [ -n "$mirror" ] || mirror=$(awk '/^deb /{print $2; exit}' /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null || true)
  [ -n "$mirror" ] || die "no Debian mirror found in /etc/apt/sources.list.d/ (needed to download Engine 26 from trixie)"
  echo "deb $mirror trixie main" > "$a/sources.list"
  # Own lists AND own pkgcache, so the system's /var/cache/apt is not rewritten with trixie.
  local A=(-o Dir::Etc::sourcelist="$a/sources.list" -o Dir::Etc::sourceparts=/dev/null
           -o Dir::State::Lists="$a/lists" -o Dir::Cache="$a/cache" -o Dir::Cache::Archives="$a/archives"
           -o APT::Sandbox::User=root)   # _apt cannot write into our download dir
  apt-get "${A[@]}" -q update
  rm -f "$a"/dl/*.deb
  # Only docker.io: the 20.10 CLI's built-in BuildKit client builds on Engine 26 too, so
  # the docker-buildx plugin is not needed (see build-fixtures.sh).
  (cd "$a/dl" && apt-get "${A[@]}" -q download docker.io)
  # Unpack beside, then rename: an interrupted run never leaves a half /opt/docker26.
  rm -rf "$D26.tmp" && mkdir -p "$D26.tmp"
  for deb in "$a"/dl/*.deb; do dpkg -x "$deb" "$D26.tmp"; done
  rm -rf "$D26" && mv "$D26.tmp" "$D26"
}

fetch_pid=
if { wants d26 || wants d26c; } && [ ! -x "$D26/usr/sbin/dockerd" ]; then
  log "downloading docker.io 26 from trixie into $D26 (background)"
  fetch_docker26 > /tmp/layerlens-fetch-docker26.log 2>&1 & fetch_pid=$!
fi

if [ ${#need[@]} -gt 0 ]; then
  log "apt-get update"
  apt-get -q update > /tmp/layerlens-apt.log 2>&1 || { tail -30 /tmp/layerlens-apt.log; die "apt-get update failed"; }
fi
if [ ${#need[@]} -gt 0 ]; then
  log "apt-get install ${need[*]}"
  # --no-install-recommends: recommends pull in git, needrestart, apparmor... none needed here.
  # policy-rc.d 101: keep docker.io's postinst from starting its own dockerd; we start it below.
  prc=/usr/sbin/policy-rc.d; made_prc=0
  if [ ! -e $prc ]; then printf '#!/bin/sh\nexit 101\n' > $prc; chmod +x $prc; made_prc=1; fi
  rc=0; apt-get install -y -q --no-install-recommends "${need[@]}" >> /tmp/layerlens-apt.log 2>&1 || rc=$?
  [ $made_prc = 1 ] && rm -f $prc
  [ $rc = 0 ] || { tail -30 /tmp/layerlens-apt.log; die "apt-get install ${need[*]} failed (log: /tmp/layerlens-apt.log)"; }
fi

# --- 2. Daemons ---------------------------------------------------------------
# start <name> <socket> <log> <pidfile> <cmd...>: no-op when the socket answers or the
# recorded process is still alive (another run is starting it).
start() {
  local name=$1 sock=$2 logf=$3 pidf=$4; shift 4
  if ping_ok "$sock"; then log "$name: already answering on $sock (left as is)"; return; fi
  if pid_alive "$pidf"; then log "$name: process $(cat "$pidf") exists, waiting for it"; return; fi
  log "$name: starting ($logf)"
  # setsid + closed stdin/stdout: the daemon outlives this script and does not hold its pipes.
  setsid "$@" > "$logf" 2>&1 < /dev/null &
  LAUNCHED[$name]=$!
}
declare -A LAUNCHED=()

wait_ping() {
  local name=$1 sock=$2 logf=$3 i
  for ((i = 0; i < WAIT_SECS * 5; i++)); do
    ping_ok "$sock" && { log "$name: ready"; return; }
    # A daemon we launched that already exited will never answer: fail now, not in 60 s.
    if [ -n "${LAUNCHED[$name]:-}" ] && ! kill -0 "${LAUNCHED[$name]}" 2>/dev/null; then break; fi
    sleep 0.2
  done
  echo "----- last 30 lines of $logf -----" >&2; tail -30 "$logf" >&2 || true
  die "$name did not answer GET /_ping on $sock (waited up to ${WAIT_SECS}s; log: $logf)"
}

# d20: the system engine. Never restarted if anything answers on the default socket.
wants d20 && start d20 /var/run/docker.sock /tmp/dockerd.log /var/run/docker.pid \
  dockerd --host unix:///var/run/docker.sock

# Podman's service needs no daemon of its own beyond this process.
wants podman && start podman /tmp/podman.sock /tmp/podman.log /tmp/podman-service.pid \
  sh -c 'echo $$ > /tmp/podman-service.pid; exec podman system service --time=0 unix:///tmp/podman.sock'

if [ -n "$fetch_pid" ]; then
  wait "$fetch_pid" || { tail -30 /tmp/layerlens-fetch-docker26.log >&2; die "trixie download of docker.io 26 failed (log: /tmp/layerlens-fetch-docker26.log)"; }
  log "unpacked $("$D26/usr/sbin/dockerd" --version 2>/dev/null || echo '?') (no CLI in it: tests use /usr/bin/docker 20.10)"
fi

# Engines 26 run with the system's runc/containerd binaries but their own roots; own
# containerd namespaces too, in case a system containerd is running and gets shared.
d26() {
  local name=$1 sock=$2 logf=$3 tag=$4; shift 4
  start "$name" "$sock" "$logf" "/tmp/$tag.pid" \
    env PATH="$D26/usr/sbin:$D26/usr/bin:$PATH" "$D26/usr/sbin/dockerd" "$@" \
      --host "unix://$sock" --data-root "/tmp/$tag-data" --exec-root "/tmp/$tag-exec" \
      --pidfile "/tmp/$tag.pid" --bridge none --iptables=false \
      --containerd-namespace "$tag" --containerd-plugins-namespace "$tag-plugins"
}
wants d26 && d26 d26 /tmp/docker26.sock /tmp/dockerd26.log docker26
mkdir -p /tmp/d26c && echo '{"features":{"containerd-snapshotter":true}}' > /tmp/d26c/daemon.json
wants d26c && d26 d26c /tmp/docker26c.sock /tmp/dockerd26c.log docker26c --config-file /tmp/d26c/daemon.json

wants d20 && wait_ping d20 /var/run/docker.sock /tmp/dockerd.log
wants d26 && wait_ping d26 /tmp/docker26.sock /tmp/dockerd26.log
wants d26c && wait_ping d26c /tmp/docker26c.sock /tmp/dockerd26c.log
wants podman && wait_ping podman /tmp/podman.sock /tmp/podman.log

# --- 3. Describe them for the tests -------------------------------------------
# saveFormat of d20 is detected, not assumed: on a machine where another engine already
# served /var/run/docker.sock, that engine is what the tests get.
describe() {   # name socket [saveFormat]
  local v i fmt=${3:-}
  v=$(curl -s --max-time 5 --unix-socket "$2" http://x/version)
  i=$(curl -s --max-time 5 --unix-socket "$2" http://x/info)
  node -e '
    const [name, sock, fmt, v, i] = process.argv.slice(1), ver = JSON.parse(v), info = JSON.parse(i);
    const containerd = JSON.stringify(info.DriverStatus || []).includes("io.containerd.snapshotter");
    const saveFormat = fmt || (containerd ? "containerd" : parseInt(ver.Version) >= 25 ? "oci" : "legacy");
    console.log(JSON.stringify({ name, host: "unix://" + sock, saveFormat, version: ver.Version, apiVersion: ver.ApiVersion }));
  ' "$1" "$2" "$fmt" "$v" "$i"
}
entries=()
wants d20 && entries+=("$(describe d20 /var/run/docker.sock)")
wants d26 && entries+=("$(describe d26 /tmp/docker26.sock oci)")
wants d26c && entries+=("$(describe d26c /tmp/docker26c.sock containerd)")
wants podman && entries+=("$(describe podman /tmp/podman.sock podman)")
n=${#entries[@]}
{ echo '{"engines":['; for ((k = 0; k < n; k++)); do echo "  ${entries[k]}$([ $k -lt $((n - 1)) ] && echo ,)"; done; echo ']}'; } \
  > "$ROOT/test/.engines.json.tmp"
mv "$ROOT/test/.engines.json.tmp" "$ROOT/test/.engines.json"
! wants d20 || grep -q '"name":"d20","host":"unix:///var/run/docker.sock","saveFormat":"legacy"' "$ROOT/test/.engines.json" \
  || log "warning: /var/run/docker.sock is not a Docker 20.10 engine; d20 in test/.engines.json says what it is"

# Keep the generated file and the copied busybox binaries out of git (append only if
# no existing .gitignore rule already covers them).
touch "$ROOT/.gitignore"
for pair in 'test/.engines.json test/.engines.json' 'test/fixtures/*/busybox test/fixtures/basics/busybox'; do
  git -C "$ROOT" check-ignore -q "${pair#* }" 2>/dev/null || grep -qxF "${pair%% *}" "$ROOT/.gitignore" \
    || echo "${pair%% *}" >> "$ROOT/.gitignore"
done
log "wrote test/.engines.json"
