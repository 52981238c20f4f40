#!/usr/bin/env bash
# A local SSH endpoint for testing ssh:// Docker hosts: its own sshd on 127.0.0.1:2222 (own config, keys and
# pid file under /tmp/layerlens-ssh; the system's sshd and ~/.ssh are never touched) that lets one generated
# key log in as root, whose `docker system dial-stdio` then reaches /var/run/docker.sock (d20).
# Writes /tmp/layerlens-ssh/env with LAYERLENS_TEST_SSH_HOST and LAYERLENS_TEST_SSH_KEY. Idempotent.
set -euo pipefail
DIR=/tmp/layerlens-ssh
PORT=2222
log() { printf '[ssh %s] %s\n' "$(date +%T)" "$*"; }
die() { printf '[ssh] ERROR: %s\n' "$*" >&2; exit 1; }

if ! dpkg-query -W -f='${Status}' openssh-server 2>/dev/null | grep -q 'ok installed'; then
  log "apt-get install openssh-server"
  # policy-rc.d 101: the package must not start (or enable) the system sshd.
  prc=/usr/sbin/policy-rc.d; made=0
  [ -e $prc ] || { printf '#!/bin/sh\nexit 101\n' > $prc; chmod +x $prc; made=1; }
  rc=0; DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends openssh-server > /tmp/layerlens-ssh-apt.log 2>&1 || rc=$?
  [ $made = 1 ] && rm -f $prc
  [ $rc = 0 ] || { tail -20 /tmp/layerlens-ssh-apt.log >&2; die "installing openssh-server failed"; }
fi
command -v docker > /dev/null || die "no docker CLI on PATH for the remote side's dial-stdio"

mkdir -p $DIR && chmod 700 $DIR
[ -f $DIR/host_key ] || ssh-keygen -q -t ed25519 -N '' -f $DIR/host_key
[ -f $DIR/client_key ] || ssh-keygen -q -t ed25519 -N '' -f $DIR/client_key
cp $DIR/client_key.pub $DIR/authorized_keys && chmod 600 $DIR/authorized_keys
cat > $DIR/sshd_config <<CONF
Port $PORT
ListenAddress 127.0.0.1
HostKey $DIR/host_key
PidFile $DIR/sshd.pid
AuthorizedKeysFile $DIR/authorized_keys
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
SetEnv PATH=$(dirname "$(command -v docker)"):/usr/sbin:/usr/bin:/sbin:/bin
CONF
mkdir -p /run/sshd
if ! { [ -s $DIR/sshd.pid ] && kill -0 "$(cat $DIR/sshd.pid)" 2>/dev/null; }; then
  log "starting sshd on 127.0.0.1:$PORT"
  /usr/sbin/sshd -f $DIR/sshd_config -E $DIR/sshd.log
fi
for _ in $(seq 50); do
  ssh -q -i $DIR/client_key -p $PORT -o BatchMode=yes -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null root@127.0.0.1 \
    'docker version --format "{{.Server.Version}}"' > $DIR/remote-version 2>/dev/null && break
  sleep 0.2
done
[ -s $DIR/remote-version ] || { tail -20 $DIR/sshd.log >&2; die "cannot run docker over ssh on 127.0.0.1:$PORT"; }
printf 'LAYERLENS_TEST_SSH_HOST=ssh://root@127.0.0.1:%s\nLAYERLENS_TEST_SSH_KEY=%s\n' $PORT $DIR/client_key > $DIR/env
log "ready: docker $(cat $DIR/remote-version) over ssh://root@127.0.0.1:$PORT"
