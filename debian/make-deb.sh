#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make-deb.sh OUTDIR: build the wakeoff and wakeoff-dkms packages with
# dpkg-buildpackage from a copy of the tree (the source dir stays clean),
# lintian them, and leave the .deb files in OUTDIR.  Installs the build
# dependencies with apt when missing (as root).
set -euo pipefail
. "$(dirname "$0")/../selftests/vm/lib.sh"
out=$(realpath -m "${1:-$WO_BUILD/deb}")
ver=$(cat "$WO_ROOT/VERSION")
wo_need_pkgs build-essential dpkg-dev debhelper dh-dkms lintian

work=$WO_BUILD/deb-src
src=$work/wakeoff-$ver
rm -rf "$work" "$out"
mkdir -p "$src" "$out"
tar -C "$WO_ROOT" --exclude=./build --exclude=./.git -c . | tar -x -C "$src"

# debian/changelog is written from VERSION: the version lives in one place.
# Its date is the last commit's, so that two builds of a commit agree.
when=$(git -C "$WO_ROOT" log -1 --format=%ct 2>/dev/null || date +%s)
maint=$(sed -n 's/^Maintainer: //p' "$src/debian/control")
cat >"$src/debian/changelog" <<EOC
wakeoff ($ver) unstable; urgency=medium

  * Release $ver; the user-visible changes are in CHANGELOG.

 -- $maint  $(date -R -u -d "@$when")
EOC

(cd "$src" && dpkg-buildpackage -us -uc -b)
mv "$work"/*.deb "$work"/*.buildinfo "$work"/*.changes "$out/"
# Lintian: errors and warnings fail the build; overrides are justified in
# debian/*.lintian-overrides.
lintian --fail-on error,warning --info --pedantic "$out"/*.changes
# The debug symbols aside, so that "apt-get install ./build/deb/*.deb"
# installs the two packages a user wants.
mkdir -p "$out/dbgsym"
mv "$out"/*-dbgsym_*.deb "$out/dbgsym/"
ls -l "$out"/*.deb
