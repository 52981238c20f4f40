#!/usr/bin/env bash
# Builds the fixture images on the engines listed in test/.engines.json (written by
# engines.sh):  layerlens-test/<fixture>:legacy    classic builder (DOCKER_BUILDKIT=0)
#               layerlens-test/<fixture>:buildkit  BuildKit        (DOCKER_BUILDKIT=1)
#               layerlens-test/commit:latest       docker commit of a changed container
#               layerlens-test/import:latest       docker export | docker import
# Podman gets the fixture images only, built on d20 and moved with save | load
# (there they are named localhost/layerlens-test/<fixture>:<tag>).
#
# Idempotent: an image whose label layerlens.fixture-hash matches the fixture's
# content hash is kept. Only layerlens-test/* images are created or removed.
#
# Usage: test/setup/build-fixtures.sh [engine-name...]   (default: every engine)
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
FIX=$ROOT/test/fixtures
ENGINES_JSON=$ROOT/test/.engines.json
# Debian's 20.10 CLI on purpose: its built-in BuildKit client works against all three
# Docker engines, while newer clients on PATH (e.g. 28.x) insist on the buildx plugin.
DOCKER=/usr/bin/docker
RECIPE=1              # bump when the way images are built here changes: forces rebuilds
PODMAN_SOURCE=d20     # engine whose images are loaded into podman
LOGDIR=/tmp/layerlens-build
HASH_LABEL=layerlens.fixture-hash

log() { printf '[fixtures %s] %s\n' "$(date +%T)" "$*"; }
die() { printf '[fixtures] ERROR: %s\n' "$*" >&2; exit 1; }
[ -x $DOCKER ] || die "$DOCKER missing: run test/setup/engines.sh first"
[ -f "$ENGINES_JSON" ] || die "$ENGINES_JSON missing: run test/setup/engines.sh first"
mkdir -p $LOGDIR

# "name host" lines from test/.engines.json; fixture names from the manifest.
mapfile -t ENGINE_LINES < <(node -e 'for (const e of require(process.argv[1]).engines) console.log(e.name + " " + e.host)' "$ENGINES_JSON")
mapfile -t FIXTURES < <(node -e 'for (const f of require(process.argv[1]).fixtures) console.log(f.name)' "$FIX/manifest.json")
[ ${#ENGINE_LINES[@]} -gt 0 ] && [ ${#FIXTURES[@]} -gt 0 ] || die "no engines or fixtures read (needs node; see $ENGINES_JSON, $FIX/manifest.json)"
host_of() {
  local l; for l in "${ENGINE_LINES[@]}"; do [ "${l%% *}" = "$1" ] && { echo "${l#* }"; return; }; done
  die "engine '$1' is not in $ENGINES_JSON"
}
SELECTED=("$@")
[ ${#SELECTED[@]} -gt 0 ] || for l in "${ENGINE_LINES[@]}"; do SELECTED+=("${l%% *}"); done

# Containers made here are removed whatever happens.
CONTAINERS=()
cleanup() { local c; for c in "${CONTAINERS[@]}"; do $DOCKER -H "${c%% *}" rm -f "${c#* }" >/dev/null 2>&1 || true; done; }
trap cleanup EXIT

# The busybox binary is copied in, never committed (see .gitignore).
for f in "${FIXTURES[@]}"; do cmp -s /bin/busybox "$FIX/$f/busybox" || cp /bin/busybox "$FIX/$f/busybox"; done
# The debian fixture's base image and real .debs (cached and idempotent; it writes debian/base.hash, so a new
# base rebuilds the fixture).
if [[ " ${FIXTURES[*]} " == *" debian "* ]]; then bash "$ROOT/test/setup/debian-base.sh"; fi

sha() { sha256sum | cut -c1-64; }
# A fixture built FROM another fixture (FROM layerlens-test/<base>:${BUILDER}, the compare pair) hashes its base's too,
# so it is rebuilt whenever its base is.
fixture_hash() {   # every file of the context (busybox by content) + this script's recipe (+ the base's hash)
  # A base that is no fixture directory would leave the subshell elsewhere and recurse: fail instead.
  [ -f "$FIX/$1/Dockerfile" ] || { printf '[fixtures] ERROR: no fixture %s (named as a base)\n' "$1" >&2; return 1; }
  (cd "$FIX/$1" || exit 1; find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum; echo "recipe=$RECIPE"
   for base in $(sed -n 's|^FROM layerlens-test/\([a-z0-9-]*\):\${BUILDER}$|\1|p' Dockerfile); do echo "base=$(fixture_hash "$base")"; done) | sha
}
label_of() { $DOCKER -H "$1" image inspect -f "{{index .Config.Labels \"$HASH_LABEL\"}}" "$2" 2>/dev/null || true; }
id_of() { $DOCKER -H "$1" image inspect -f '{{.Id}}' "$2" 2>/dev/null || true; }
# A replaced image is ours; drop it once no tag points at it (rmi refuses otherwise).
drop_old() { [ -z "$3" ] || [ "$3" = "$(id_of "$1" "$2")" ] || $DOCKER -H "$1" rmi "$3" >/dev/null 2>&1 || true; }

build_fixture() {   # engine host fixture builder
  local engine=$1 host=$2 f=$3 builder=$4 img=layerlens-test/$3:$4 hash old bk=0 logf args=()
  hash=$(fixture_hash "$f")
  [ "$(label_of "$host" "$img")" = "$hash" ] && { log "$engine: $img up to date"; return; }
  [ "$builder" = buildkit ] && bk=1
  # A fixture FROM another fixture names its base by the builder's tag (ARG BUILDER before its FROM).
  grep -q '^ARG BUILDER' "$FIX/$f/Dockerfile" && args=(--build-arg "BUILDER=$builder")
  logf=$LOGDIR/$engine-$f-$builder.log; old=$(id_of "$host" "$img")
  log "$engine: building $img"
  DOCKER_BUILDKIT=$bk $DOCKER -H "$host" build --network none --label "$HASH_LABEL=$hash" "${args[@]}" \
      -t "$img" "$FIX/$f" > "$logf" 2>&1 \
    || { tail -30 "$logf" >&2; die "$engine: build of $img failed (log: $logf)"; }
  drop_old "$host" "$img" "$old"
}

# commit: a container of the whiteouts image adds, modifies and deletes files and
# dirs, so the committed layer carries whiteouts of lower-layer paths.
COMMIT_BASE=layerlens-test/whiteouts:legacy
COMMIT_SCRIPT='echo added > /added-by-commit.txt && echo modified >> /readd.txt && rm /dir2file /partial/p3 && rm -rf /file2dir /opq && mkdir -p /new-dir/sub && echo n > /new-dir/sub/n'
IMPORT_BASE=layerlens-test/basics:legacy

make_commit() {   # engine host
  local engine=$1 host=$2 img=layerlens-test/commit:latest hash old c
  hash=$( (fixture_hash whiteouts; echo "$COMMIT_SCRIPT") | sha)
  [ "$(label_of "$host" $img)" = "$hash" ] && { log "$engine: $img up to date"; return; }
  log "$engine: committing $img"; old=$(id_of "$host" $img)
  c=layerlens-test-commit-$$; CONTAINERS+=("$host $c")
  $DOCKER -H "$host" run --network none --user 0:0 --name $c $COMMIT_BASE sh -c "$COMMIT_SCRIPT" \
    || die "$engine: the commit container failed"
  $DOCKER -H "$host" commit -m 'layerlens commit fixture' --change "LABEL $HASH_LABEL=$hash" \
      --change 'CMD ["/bin/cat","/added-by-commit.txt"]' $c $img > /dev/null
  $DOCKER -H "$host" rm $c > /dev/null
  drop_old "$host" $img "$old"
}

make_import() {   # engine host
  local engine=$1 host=$2 img=layerlens-test/import:latest hash old c
  hash=$( (fixture_hash basics; echo import) | sha)
  [ "$(label_of "$host" $img)" = "$hash" ] && { log "$engine: $img up to date"; return; }
  log "$engine: importing $img"; old=$(id_of "$host" $img)
  c=layerlens-test-import-$$; CONTAINERS+=("$host $c")
  $DOCKER -H "$host" create --network none --name $c $IMPORT_BASE > /dev/null
  $DOCKER -H "$host" export $c | $DOCKER -H "$host" import -m 'layerlens import fixture' \
      --change "LABEL $HASH_LABEL=$hash" --change 'CMD ["/bin/sh"]' - $img > /dev/null
  $DOCKER -H "$host" rm $c > /dev/null
  drop_old "$host" $img "$old"
}

build_engine() {   # engine
  local engine=$1 host f b
  host=$(host_of "$engine")
  for f in "${FIXTURES[@]}"; do for b in legacy buildkit; do build_fixture "$engine" "$host" "$f" $b; done; done
  make_commit "$engine" "$host"
  make_import "$engine" "$host"
}

load_podman() {   # engine (the podman one)
  local engine=$1 host src f b old missing=() olds=()
  host=$(host_of "$engine"); src=$(host_of $PODMAN_SOURCE)
  build_engine $PODMAN_SOURCE   # no-op when already built
  for f in "${FIXTURES[@]}"; do for b in legacy buildkit; do
    [ "$(label_of "$host" "localhost/layerlens-test/$f:$b")" = "$(fixture_hash "$f")" ] \
      && log "$engine: localhost/layerlens-test/$f:$b up to date" \
      || { missing+=("layerlens-test/$f:$b"); olds+=("localhost/layerlens-test/$f:$b $(id_of "$host" "localhost/layerlens-test/$f:$b")"); }
  done; done
  [ ${#missing[@]} -gt 0 ] || return 0
  log "$engine: loading ${missing[*]} from $PODMAN_SOURCE"
  $DOCKER -H "$src" save "${missing[@]}" | $DOCKER -H "$host" load > $LOGDIR/$engine-load.log 2>&1 \
    || { tail -30 $LOGDIR/$engine-load.log >&2; die "$engine: docker load of ${missing[*]} failed"; }
  for old in "${olds[@]}"; do drop_old "$host" "${old%% *}" "${old#* }"; done
}

for engine in "${SELECTED[@]}"; do
  host=$(host_of "$engine"); t0=$SECONDS
  curl -s --max-time 5 --unix-socket "${host#unix://}" http://x/_ping | grep -qx OK \
    || die "$engine does not answer on $host: run test/setup/engines.sh"
  if [ "$engine" = podman ]; then load_podman "$engine"; else build_engine "$engine"; fi
  $DOCKER -H "$host" image ls 'layerlens-test/*' > "$LOGDIR/images-$engine.txt"
  log "$engine: done in $((SECONDS - t0)) s (image list: $LOGDIR/images-$engine.txt)"
done
