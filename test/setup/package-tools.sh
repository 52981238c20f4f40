#!/usr/bin/env bash
# Host tools and real package data for the package-database unit tests (test/unit/packages-*.test.ts):
# - Debian's rpm (rpm, rpmbuild), with which the rpm test builds and installs real packages into an rpmdb.sqlite;
# - Debian's python3-pip-whl (real wheels in /usr/share/python-wheels), pip-installed under a prefix;
# - real Python .debs (apt-get download) whose dist-info / egg-info metadata the Python test reads;
# - a real npm tree: `npm pack` of small registry packages, then `npm install` of those tarballs, so that npm
#   itself lays out node_modules (a version conflict makes it nest one package) and a global prefix.
# Idempotent and cached in $LAYERLENS_FIXTURE_CACHE/packages-unit (default ~/.cache/layerlens-fixtures).
# Usage: test/setup/package-tools.sh   (as root; before the unit tests)
set -euo pipefail

CACHE=${LAYERLENS_FIXTURE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/layerlens-fixtures}/packages-unit
# python3-pkg-resources: python3-chardet's dependency, for the integration test's dpkg -i in a Debian base.
PYTHON_DEBS=(python3-six python3-certifi python3-yaml python3-chardet python3-pkg-resources)
# is-odd 3 wants is-number ^6 while the project wants is-number 7: npm nests 6 under is-odd.
NPM_PACKAGES=(is-number@7.0.0 is-number@6.0.0 is-odd@3.0.1 @isaacs/string-locale-compare@1.1.0)
export DEBIAN_FRONTEND=noninteractive

log() { printf '[package-tools %s] %s\n' "$(date +%T)" "$*"; }
die() { printf '[package-tools] ERROR: %s\n' "$*" >&2; exit 1; }

need=()
command -v rpmbuild > /dev/null || need+=(rpm)
[ -d /usr/share/python-wheels ] && ls /usr/share/python-wheels/pip-*.whl > /dev/null 2>&1 || need+=(python3-pip-whl)
if [ ${#need[@]} -gt 0 ]; then
  log "apt-get install ${need[*]}"
  { apt-get install -y -q --no-install-recommends "${need[@]}" || { apt-get update -q && apt-get install -y -q --no-install-recommends "${need[@]}"; }; } \
    > /tmp/layerlens-package-tools-apt.log 2>&1 || { tail -20 /tmp/layerlens-package-tools-apt.log >&2; die "apt-get install ${need[*]} failed"; }
fi

mkdir -p "$CACHE/python-debs"
for pkg in "${PYTHON_DEBS[@]}"; do
  ls "$CACHE/python-debs/${pkg}_"*.deb > /dev/null 2>&1 && continue
  log "apt-get download $pkg"
  (cd "$CACHE/python-debs" && { apt-get download -qq "$pkg" 2> /dev/null || { apt-get update -qq && apt-get download -qq "$pkg"; }; }) \
    || die "apt-get download $pkg failed"
done

# Real wheels (pip, setuptools) installed by pip under a prefix: dist-info with RECORDs whose console scripts sit at
# ../../../bin/pip, relative to site-packages.
pip_prefix=$CACHE/pip-prefix
if [ ! -f "$pip_prefix/.complete" ]; then
  log "pip install --prefix of the wheels in /usr/share/python-wheels"
  rm -rf "$pip_prefix"
  python3 -m pip install -q --no-index --find-links /usr/share/python-wheels --prefix "$pip_prefix/usr/local" \
    --ignore-installed --no-warn-script-location --disable-pip-version-check pip setuptools 2> /dev/null \
    || die "pip install of /usr/share/python-wheels failed"
  touch "$pip_prefix/.complete"
fi

npm_tree=$CACHE/npm-tree
if [ ! -f "$npm_tree/.complete" ]; then
  log "npm pack ${NPM_PACKAGES[*]}"
  rm -rf "$npm_tree" && mkdir -p "$npm_tree/tarballs" "$npm_tree/project" "$npm_tree/global"
  (cd "$npm_tree/tarballs" && npm pack --silent "${NPM_PACKAGES[@]}" > /dev/null)
  t=$npm_tree/tarballs
  (cd "$npm_tree/project" && npm init -y > /dev/null &&
    npm install --silent --no-audit --no-fund "$t/is-number-7.0.0.tgz" "$t/is-odd-3.0.1.tgz" "$t/isaacs-string-locale-compare-1.1.0.tgz" > /dev/null)
  npm install --silent --no-audit --no-fund -g --prefix "$npm_tree/global/usr/local" "$t/is-number-6.0.0.tgz" > /dev/null
  touch "$npm_tree/.complete"
fi
log "done ($CACHE)"
