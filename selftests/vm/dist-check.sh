#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# dist-check.sh WORK: "make dist" makes build/wakeoff-VERSION.tar.gz from
# HEAD; the tarball holds every tracked file (what make check runs), and
# unpacked in WORK it builds the module (W=1 -Werror) with VERSION's
# version, the CLI with its unit tests passing, and the selftests.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
cd "$WO_ROOT"
work=$(realpath -m "$1")
ver=$(cat VERSION)
tgz=$WO_BUILD/wakeoff-$ver.tar.gz
rm -rf "$work"
mkdir -p "$work"
make -s dist
[ -s "$tgz" ] || wo_die "make dist made no $tgz"

git ls-tree -r --name-only HEAD | sort >"$work/tracked"
tar -tzf "$tgz" | sed -n "s|^wakeoff-$ver/||p" | grep -v '/$' | grep -v '^$' | sort >"$work/packed"
diff -u "$work/tracked" "$work/packed" || wo_die "the tarball differs from HEAD's tracked files"
echo "$tgz: $(wc -l <"$work/packed") files, all tracked files"

tar -xzf "$tgz" -C "$work"
d=$work/wakeoff-$ver
# The kselftest harness is fetched at build time (get-harness.sh); reuse
# this tree's copy rather than unpack linux-source again.
mkdir -p "$d/build"
cp -a "$WO_BUILD/kselftest" "$d/build/"
# One kernel (the tarball's Makefile picks it); the per-kernel builds are
# make check's own steps.
make -s -C "$d" module W=1 KCFLAGS=-Werror
modinfo -F version "$d/module/wakeoff.ko" | grep -qx "$ver" || wo_die "module version is not $ver"
make -s -C "$d/userspace" all check >"$work/unit.tap" 2>"$work/unit.log"
echo "unit tests: $(grep -c '^ok' "$work/unit.tap") ok, $(grep -c '^not ok' "$work/unit.tap" || true) not ok"
make -s -C "$d/selftests"
echo "selftests: $(ls "$d/build/selftests" | grep -c _test) binaries"
[ "$("$d/build/userspace/wakeoff" --version | cut -d' ' -f2)" = "$ver" ]
