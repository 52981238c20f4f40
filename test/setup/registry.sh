#!/usr/bin/env bash
# Real registries on loopback for the registry:// tests: Debian's docker-registry (CNCF distribution 2.8) twice,
# sharing one storage directory (shared/ENVIRONMENT.md: several `serve` processes may), then the fixture
# images pushed there, and test/.registry.json written for the tests.
#
#   plain  http://127.0.0.1:5101   no auth
#   basic  http://127.0.0.1:5102   Basic auth (htpasswd; user and password in test/.registry.json)
#   token  http://127.0.0.1:5103   token auth: its realm http://127.0.0.1:5104/token is the tests' own token
#          server (test/integration/support/tokenServer.ts), signing with the key made here
#   tls    https://127.0.0.1:5105  TLS with a test CA, placed where dockerd reads it: /etc/docker/certs.d/127.0.0.1:5105/ca.crt
#
# Pushed (through the plain one; the basic one serves the same storage):
#   d20/<fixture>:<legacy|buildkit>   from Engine 20.10 (Docker schema2, gzip)
#   d26c/<fixture>:<legacy|buildkit>  from the containerd-store engine (its own manifests, gzip)
#   zstd/<fixture>:legacy             Engine 20.10's docker save, recompressed to zstd by skopeo (OCI manifest)
# (The tests make their multi-platform indexes themselves.)
#
# Idempotent: a registry that answers /v2/ is left alone; pushing an image already there moves no layer.
# Usage: test/setup/registry.sh   (as root, after engines.sh and build-fixtures.sh)
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
DIR=/tmp/layerlens-registry
PLAIN=127.0.0.1:5101
BASIC=127.0.0.1:5102
TOKEN=127.0.0.1:5103
TLS=127.0.0.1:5105
REALM=http://127.0.0.1:5104/token
SERVICE=layerlens-test-registry
ISSUER=layerlens-test-issuer
USER_NAME=layerlens
PASSWORD=layerlens-test-password
DOCKER=/usr/bin/docker
ENGINES=("d20 unix:///var/run/docker.sock" "d26c unix:///tmp/docker26c.sock")
export DEBIAN_FRONTEND=noninteractive

log() { printf '[registry %s] %s\n' "$(date +%T)" "$*"; }
die() { printf '[registry] ERROR: %s\n' "$*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || die "run as root (it installs packages and starts registries)"
[ -x $DOCKER ] || die "$DOCKER missing: run test/setup/engines.sh first"

need=()
for p in docker-registry apache2-utils skopeo curl openssl; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || need+=("$p")
done
if [ ${#need[@]} -gt 0 ]; then
  log "apt-get install ${need[*]}"
  # policy-rc.d 101: the package must not start a registry of its own.
  prc=/usr/sbin/policy-rc.d; made=0
  [ -e $prc ] || { printf '#!/bin/sh\nexit 101\n' > $prc; chmod +x $prc; made=1; }
  rc=0
  { apt-get install -y -q --no-install-recommends "${need[@]}" || { apt-get -q update && apt-get install -y -q --no-install-recommends "${need[@]}"; }; } \
    > /tmp/layerlens-registry-apt.log 2>&1 || rc=$?
  [ $made = 1 ] && rm -f $prc
  [ $rc = 0 ] || { tail -20 /tmp/layerlens-registry-apt.log >&2; die "installing ${need[*]} failed (log: /tmp/layerlens-registry-apt.log)"; }
fi

mkdir -p $DIR/data
htpasswd -Bbn $USER_NAME $PASSWORD > $DIR/htpasswd
config() {   # name addr [auth yaml] [more http settings]
  { echo 'version: 0.1'
    echo 'log: {level: error}'
    echo "storage: {filesystem: {rootdirectory: $DIR/data}, delete: {enabled: true}}"
    echo "http: {addr: $2, secret: layerlens-test-$1${4:+, $4}}"
    [ -z "${3:-}" ] || echo "$3"
  } > $DIR/$1.yml
}
# The TLS registry's test CA and its server certificate (for the IP address 127.0.0.1).
if [ ! -s $DIR/tls-server.pem ]; then
  openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj /CN=layerlens-test-ca -keyout $DIR/tls-ca-key.pem -out $DIR/tls-ca.pem 2>> $DIR/openssl.log
  openssl req -newkey rsa:2048 -nodes -subj /CN=127.0.0.1 -keyout $DIR/tls-server-key.pem -out $DIR/tls-server.csr 2>> $DIR/openssl.log
  printf 'subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' > $DIR/tls-server.ext
  openssl x509 -req -in $DIR/tls-server.csr -CA $DIR/tls-ca.pem -CAkey $DIR/tls-ca-key.pem -CAcreateserial -days 3650 \
    -extfile $DIR/tls-server.ext -out $DIR/tls-server.pem 2>> $DIR/openssl.log
fi
mkdir -p "/etc/docker/certs.d/$TLS" && cp $DIR/tls-ca.pem "/etc/docker/certs.d/$TLS/ca.crt"
[ -s $DIR/token-key.pem ] && [ -s $DIR/token-cert.pem ] || \
  openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj /CN=layerlens-test-token -keyout $DIR/token-key.pem -out $DIR/token-cert.pem 2> $DIR/openssl.log
config plain $PLAIN
config basic $BASIC "auth: {htpasswd: {realm: layerlens-test, path: $DIR/htpasswd}}"
config tls $TLS "" "tls: {certificate: $DIR/tls-server.pem, key: $DIR/tls-server-key.pem}"
config token $TOKEN "auth: {token: {realm: \"$REALM\", service: $SERVICE, issuer: $ISSUER, rootcertbundle: $DIR/token-cert.pem}}"

answers() {   # addr [scheme]
  local code; code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 --cacert $DIR/tls-ca.pem "${2:-http}://$1/v2/" || true)
  [ "$code" = 200 ] || [ "$code" = 401 ]
}
serve() {   # name addr [scheme]
  if answers "$2" "${3:-}"; then log "$1: already answering on $2 (left as is)"; return; fi
  log "$1: starting on $2 ($DIR/$1.log)"
  setsid docker-registry serve $DIR/$1.yml > $DIR/$1.log 2>&1 < /dev/null &
  echo $! > $DIR/$1.pid
  for _ in $(seq 100); do answers "$2" "${3:-}" && return; sleep 0.2; done
  tail -20 $DIR/$1.log >&2; die "$1 registry did not answer on $2"
}
serve plain $PLAIN
serve basic $BASIC
serve token $TOKEN
serve tls $TLS https
[ "$(curl -s -o /dev/null -w '%{http_code}' "http://$BASIC/v2/")" = 401 ] || die "$BASIC answers without credentials; is another registry on that port?"

images=()
for e in "${ENGINES[@]}"; do
  name=${e%% *} host=${e#* }
  mapfile -t refs < <($DOCKER -H "$host" images --format '{{.Repository}}:{{.Tag}}' | grep -E '^layerlens-test/[a-z0-9-]+:(legacy|buildkit)$' | sort)
  [ ${#refs[@]} -gt 0 ] || die "no layerlens-test/*:legacy|buildkit images on $host: run test/setup/build-fixtures.sh first"
  for ref in "${refs[@]}"; do
    target="$PLAIN/$name/${ref#layerlens-test/}"
    $DOCKER -H "$host" tag "$ref" "$target"
    $DOCKER -H "$host" push -q "$target" > $DIR/push.log 2>&1 || { cat $DIR/push.log >&2; die "docker push $target on $host failed"; }
    # The push tag goes again: a fixture's tags must not change under other tests (they list them).
    $DOCKER -H "$host" rmi "$target" > /dev/null
    images+=("$name $host $ref ${target#"$PLAIN"/}")
  done
  log "pushed ${#refs[@]} images from $name"
done

# zstd: skopeo from an uncompressed source really recompresses (copying between registries would keep gzip).
ZSTD_FIXTURES=(basics whiteouts)
for f in "${ZSTD_FIXTURES[@]}"; do
  ref=layerlens-test/$f:legacy
  $DOCKER save "$ref" -o $DIR/zstd-src.tar
  skopeo copy -q --format oci --dest-compress --dest-compress-format zstd --dest-tls-verify=false \
    docker-archive:$DIR/zstd-src.tar "docker://$PLAIN/zstd/$f:legacy" > $DIR/skopeo.log 2>&1 || { cat $DIR/skopeo.log >&2; die "skopeo copy of $ref (zstd) failed"; }
  images+=("d20 unix:///var/run/docker.sock $ref zstd/$f:legacy")
done
rm -f $DIR/zstd-src.tar
log "pushed ${#ZSTD_FIXTURES[@]} zstd images"

node -e '
  const [file, plain, basic, user, password, token, realm, service, issuer, key, cert, tls, tlsCa, ...lines] = process.argv.slice(1);
  const images = lines.map((l) => { const [engine, host, source, repository] = l.split(" "); return { engine, host, source, repository }; });
  const tokenAuth = { host: token, realm, service, issuer, key, cert };
  require("fs").writeFileSync(file + ".tmp", JSON.stringify({ plain, basic, user, password, token: tokenAuth, tls: { host: tls, ca: tlsCa }, images }, null, 1) + "\n");
  require("fs").renameSync(file + ".tmp", file);
' "$ROOT/test/.registry.json" $PLAIN $BASIC $USER_NAME $PASSWORD $TOKEN $REALM $SERVICE $ISSUER $DIR/token-key.pem $DIR/token-cert.pem $TLS $DIR/tls-ca.pem "${images[@]}"
touch "$ROOT/.gitignore"
git -C "$ROOT" check-ignore -q test/.registry.json 2>/dev/null || grep -qxF test/.registry.json "$ROOT/.gitignore" || echo test/.registry.json >> "$ROOT/.gitignore"
log "wrote test/.registry.json (${#images[@]} images)"
