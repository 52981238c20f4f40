#!/usr/bin/env bash
# The main job on a fresh machine of this kind (Debian, root): installs the npm dependencies, builds, makes sure
# a Docker engine answers on /var/run/docker.sock (installs and starts Debian's Docker 20.10 if none does),
# builds the sample images from test/fixtures/, and prints `layerlens analyze` of one of them.
set -euo pipefail
cd "$(dirname "$0")/.."
npm ci --no-audit --no-fund --loglevel=error
npm run -s build
bash test/setup/engines.sh d20
bash test/setup/build-fixtures.sh d20
echo
node dist/cli.js analyze layerlens-test/basics:legacy --host unix:///var/run/docker.sock
