#!/usr/bin/env bash
# The main job on a fresh machine of this kind (Debian, root, no desktop): installs the npm dependencies, builds
# and packages the extension (layerlens-<version>.vsix, also for `code --install-extension`), makes sure a Docker
# engine answers on /var/run/docker.sock (installs and starts Debian's Docker 20.10 if none does), builds the
# sample images from test/fixtures/, prints `layerlens analyze` of one of them, then installs code-server (a real
# VS Code in the browser, offline) and serves it with the extension on http://127.0.0.1:${LAYERLENS_PORT:-8080}
# until Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
ENGINE=unix:///var/run/docker.sock

npm ci --no-audit --no-fund --loglevel=error
# vsce runs the build first (vscode:prepublish), so this also makes dist/cli.js.
npm run -s package
vsix=$PWD/$(node -p 'const p = require("./package.json"); `${p.name}-${p.version}.vsix`')
bash test/setup/engines.sh d20
bash test/setup/build-fixtures.sh d20
echo
node dist/cli.js analyze layerlens-test/basics:legacy --host "$ENGINE"
echo
bash test/e2e/setup.sh
# exec: Ctrl-C goes straight to the server script, which stops code-server and everything it started.
DOCKER_HOST=$ENGINE exec node --import tsx scripts/codeServer.ts "$vsix"
