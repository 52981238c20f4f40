#!/usr/bin/env bash
# A real Debian root filesystem for the package tests (shared/ENVIRONMENT.md "A real Debian root filesystem"):
# debootstrap --variant=minbase bookworm with python3, imported as layerlens-test/debian-base:bookworm on every
# Docker engine of test/.engines.json, plus the real .deb files the debian fixture's build steps install
# (apt-get download on the host into test/fixtures/debian/debs/, gitignored).
#
# Idempotent and cached: the rootfs tar is made once (in $LAYERLENS_FIXTURE_CACHE, default ~/.cache/layerlens-fixtures)
# and imported only where an engine lacks it; debs are downloaded only when missing. The mirror is the one this
# machine's apt uses (the first URIs: of /etc/apt/sources.list.d/debian.sources), so no host name is written here.
# Usage: test/setup/debian-base.sh   (as root, after engines.sh)
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
CACHE=${LAYERLENS_FIXTURE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/layerlens-fixtures}
ROOTFS_TAR=$CACHE/debian-bookworm-minbase-python3.tar
IMAGE=layerlens-test/debian-base:bookworm
DEBS=$ROOT/test/fixtures/debian/debs
DOCKER=/usr/bin/docker
LABEL=layerlens.fixture-hash
# name=version pairs the debian fixture installs: jq and its libraries in two versions (an upgrade and a
# downgrade), less (installed, then purged).
PACKAGES=(
  jq=1.6-2.1+deb12u2 libjq1=1.6-2.1+deb12u2
  jq=1.6-2.1+deb12u3 libjq1=1.6-2.1+deb12u3
  libonig5 less
)
export DEBIAN_FRONTEND=noninteractive

log() { printf '[debian-base %s] %s\n' "$(date +%T)" "$*"; }
die() { printf '[debian-base] ERROR: %s\n' "$*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || die "run as root (debootstrap needs it)"
[ -f "$ROOT/test/.engines.json" ] || die "test/.engines.json missing: run test/setup/engines.sh first"

mirror() {   # the first URIs: of the deb822 sources, else of a one-line sources.list
  local uri
  uri=$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/*.sources 2>/dev/null || true)
  [ -n "$uri" ] || uri=$(awk '$1 == "deb" {print $2; exit}' /etc/apt/sources.list 2>/dev/null || true)
  [ -n "$uri" ] || die "no Debian mirror found in /etc/apt/sources.list.d/*.sources or /etc/apt/sources.list"
  echo "$uri"
}

make_rootfs() {
  [ -s "$ROOTFS_TAR" ] && { log "rootfs cached: $ROOTFS_TAR"; return; }
  command -v debootstrap > /dev/null || { log "installing debootstrap"; apt-get update -qq; apt-get install -y -qq debootstrap > /dev/null; }
  local dir; dir=$(mktemp -d /tmp/layerlens-debootstrap.XXXXXX)
  log "debootstrap --variant=minbase bookworm (+python3) into $dir"
  debootstrap --variant=minbase --include=python3 bookworm "$dir" "$(mirror)" > "$dir.log" 2>&1 \
    || { tail -20 "$dir.log" >&2; rm -rf "$dir"; die "debootstrap failed (log: $dir.log)"; }
  # The apt lists and the downloaded .debs are build leftovers a real base image does not ship.
  rm -rf "$dir"/var/lib/apt/lists/* "$dir"/var/cache/apt/archives/*.deb
  mkdir -p "$CACHE"
  tar -C "$dir" --numeric-owner -cf "$ROOTFS_TAR.tmp" . && mv "$ROOTFS_TAR.tmp" "$ROOTFS_TAR"
  rm -rf "$dir" "$dir.log"
}

import_base() {   # engine host hash
  local engine=$1 host=$2 hash=$3
  [ "$($DOCKER -H "$host" image inspect -f "{{index .Config.Labels \"$LABEL\"}}" $IMAGE 2>/dev/null || true)" = "$hash" ] \
    && { log "$engine: $IMAGE up to date"; return; }
  log "$engine: importing $IMAGE"
  $DOCKER -H "$host" import -m 'debootstrap minbase bookworm + python3' --change "LABEL $LABEL=$hash" \
    --change 'CMD ["/bin/bash"]' "$ROOTFS_TAR" $IMAGE > /dev/null
}

download_debs() {
  mkdir -p "$DEBS"
  local spec name version
  for spec in "${PACKAGES[@]}"; do
    name=${spec%%=*}; version=${spec#*=}; [ "$version" = "$spec" ] && version=''
    # apt-get download names files <name>_<version with : as %3a>_<arch>.deb
    if [ -n "$version" ]; then ls "$DEBS/${name}_${version//:/%3a}_"*.deb > /dev/null 2>&1 && continue
    else ls "$DEBS/${name}_"*.deb > /dev/null 2>&1 && continue; fi
    log "apt-get download $spec"
    (cd "$DEBS" && apt-get download -qq "$spec" > /dev/null 2>&1) || {
      apt-get update -qq && (cd "$DEBS" && apt-get download -qq "$spec") || die "apt-get download $spec failed"; }
  done
}

make_rootfs
hash=$(sha256sum < "$ROOTFS_TAR" | cut -c1-64)
mapfile -t ENGINE_LINES < <(node -e 'for (const e of require(process.argv[1]).engines) console.log(e.name + " " + e.host)' "$ROOT/test/.engines.json")
for line in "${ENGINE_LINES[@]}"; do
  # Podman gets the fixtures built on Engine 20.10 (build-fixtures.sh), base layers included.
  [ "${line%% *}" = podman ] || import_base "${line%% *}" "${line#* }" "$hash"
done
download_debs
# In the fixture's build context, so that a new base makes build-fixtures.sh rebuild the fixture.
[ "$(cat "$ROOT/test/fixtures/debian/base.hash" 2>/dev/null)" = "$hash" ] || echo "$hash" > "$ROOT/test/fixtures/debian/base.hash"
log "done"
