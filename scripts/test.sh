#!/usr/bin/env bash
# The whole test suite, on a fresh machine of this kind (Debian, root, nothing running) or on one already set up:
# installs the npm dependencies, type-checks, builds, runs the unit tests, installs and starts the real engines
# (Docker 20.10, Docker 26, Docker 26 with the containerd store, Podman) and a local sshd for ssh:// hosts,
# builds the fixture images, starts loopback registries with those images pushed, and runs the integration tests
# against them; then installs code-server and Chromium and runs the end-to-end tests in a real VS Code.
set -euo pipefail
cd "$(dirname "$0")/.."
step() { printf '\n=== %s\n' "$*"; }

step "npm ci"
npm ci --no-audit --no-fund
step "type check"
npm run -s typecheck
step "build"
npm run -s build
step "package tools and data for the unit tests (rpm, real Python and npm packages)"
bash test/setup/package-tools.sh
step "unit tests"
npm run -s test:unit
step "engines"
bash test/setup/engines.sh
step "fixture images"
bash test/setup/build-fixtures.sh
step "ssh endpoint"
bash test/setup/ssh.sh
step "registry"
bash test/setup/registry.sh
step "integration tests"
npm run -s test:integration
step "end-to-end tests (code-server + Chromium)"
npm run -s test:e2e
