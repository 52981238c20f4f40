#!/usr/bin/env bash
# Installs what the end-to-end tests need, offline-safe (only Debian's packages and the npm registry): Debian's
# Chromium and the build headers code-server's native modules need, then code-server (VS Code in a browser) and
# playwright-core into .e2e/. code-server's own install scripts fetch binaries from GitHub, so they are skipped
# (--ignore-scripts) and the native modules are rebuilt here instead (recipe: /work/shared/ENVIRONMENT.md).
# Idempotent: a marker written as the very last step, keyed by the versions, makes a second run a no-op.
# Run as root on Debian 12. LAYERLENS_E2E_DIR overrides the install folder (default: <repo>/.e2e).
set -euo pipefail

CODE_SERVER_VERSION=4.100.3 # the last code-server that runs on Node 20 (4.10x+ need Node 22)
PLAYWRIGHT_VERSION=1.65.1
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
E2E=${LAYERLENS_E2E_DIR:-$ROOT/.e2e}
MARKER=$E2E/.setup-complete-code-server-$CODE_SERVER_VERSION
STAMP="code-server $CODE_SERVER_VERSION, playwright-core $PLAYWRIGHT_VERSION"
LOG=$E2E/setup.log
APT_PACKAGES=(libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev ripgrep chromium fonts-liberation fonts-dejavu-core
  build-essential python3 curl ca-certificates)
NATIVE_MODULES=(@parcel/watcher @vscode/spdlog kerberos native-watchdog node-pty)

started=$SECONDS
mkdir -p "$E2E"
printf '\n### %s  e2e setup (%s)\n' "$(date -u +%FT%TZ)" "$STAMP" >>"$LOG"

# run "what it does" command...: output goes to the log; on failure, its last lines and one sentence, then exit 1.
run() {
  local what=$1
  shift
  printf '== %s\n' "$what" >>"$LOG"
  if ! "$@" >>"$LOG" 2>&1 </dev/null; then
    echo "--- last lines of $LOG:" >&2
    tail -n 25 "$LOG" >&2
    echo "e2e setup failed while ${what} (see $LOG); fix that and run test/e2e/setup.sh again." >&2
    exit 1
  fi
}

# 1. Debian packages, only those missing (so a set-up machine never touches apt).
missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q '^install ok installed$' || missing+=("$p")
done
if ((${#missing[@]})); then
  [ "$(id -u)" = 0 ] || { echo "e2e setup needs root to install these Debian packages: ${missing[*]}." >&2; exit 1; }
  echo "e2e setup: installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  run "running apt-get update" apt-get update
  run "installing Debian packages (${missing[*]})" apt-get install -y --no-install-recommends "${missing[@]}"
fi
for tool in /usr/bin/chromium /usr/bin/rg; do
  [ -x "$tool" ] || { echo "e2e setup: $tool is missing although its package is installed; reinstall it." >&2; exit 1; }
done

# 2. code-server and playwright-core, unless a previous run completed.
if [ -f "$MARKER" ] && [ "$(cat "$MARKER")" = "$STAMP" ]; then
  echo "e2e setup: already complete ($STAMP in $E2E)."
  exit 0
fi

# node-gyp must build against the local Node headers: it cannot download them here.
node_prefix=$(dirname "$(dirname "$(command -v node)")")
if [ -z "${npm_config_nodedir:-}" ] && [ -f "$node_prefix/include/node/node_api.h" ]; then export npm_config_nodedir=$node_prefix; fi
export npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false

echo "e2e setup: installing code-server $CODE_SERVER_VERSION and playwright-core $PLAYWRIGHT_VERSION into $E2E (log: $LOG)"
cd "$E2E"
[ -f package.json ] || printf '{\n  "name": "layerlens-e2e",\n  "private": true,\n  "description": "code-server and playwright-core for the end-to-end tests (test/e2e/setup.sh)"\n}\n' >package.json
run "installing code-server and playwright-core from npm" \
  npm install --ignore-scripts "code-server@$CODE_SERVER_VERSION" "playwright-core@$PLAYWRIGHT_VERSION"

VSCODE=$E2E/node_modules/code-server/lib/vscode
[ -d "$VSCODE" ] || { echo "e2e setup: $VSCODE is missing after npm install; the code-server package changed shape." >&2; exit 1; }
cd "$VSCODE"
# A previous partial run may have left the asar link; npm must see a plain tree.
rm -f node_modules.asar
run "installing VS Code's own dependencies" npm install --omit=dev --ignore-scripts
run "copying Debian's ripgrep into @vscode/ripgrep" \
  bash -c 'mkdir -p node_modules/@vscode/ripgrep/bin && cp /usr/bin/rg node_modules/@vscode/ripgrep/bin/rg'
# --yes: npm is configured with yes=false here, and node-pty's build step runs `npx node-gyp`.
run "building VS Code's native modules (${NATIVE_MODULES[*]})" npm rebuild --yes "${NATIVE_MODULES[@]}"
ln -sfn node_modules node_modules.asar
cd "$VSCODE/extensions"
run "installing the built-in extensions' dependencies" npm install --omit=dev --ignore-scripts
cd "$E2E"
run "building argon2 for code-server" npm rebuild --yes argon2

# 3. Proof that it starts, then the marker (last, so an interrupted run is redone).
# With its own config file and XDG dirs, else code-server writes a default config into ~/.config.
mkdir -p xdg/config xdg/data xdg/cache && touch config.yaml
version=$(XDG_CONFIG_HOME=$E2E/xdg/config XDG_DATA_HOME=$E2E/xdg/data XDG_CACHE_HOME=$E2E/xdg/cache \
  node_modules/.bin/code-server --config "$E2E/config.yaml" --version 2>>"$LOG" </dev/null | tail -n 1) || true
case "$version" in
  "$CODE_SERVER_VERSION "*) ;;
  *) tail -n 25 "$LOG" >&2; echo "e2e setup: code-server --version said '${version}', expected $CODE_SERVER_VERSION; see $LOG." >&2; exit 1 ;;
esac
node -e "require('playwright-core')" 2>>"$LOG" || { echo "e2e setup: playwright-core does not load; see $LOG." >&2; exit 1; }
printf '%s' "$STAMP" >"$MARKER"
echo "e2e setup: complete ($STAMP), $((SECONDS - started)) s."
