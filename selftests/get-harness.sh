#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# get-harness.sh OUTDIR
#
# Extract the kernel's kselftest harness (kselftest_harness.h,
# kselftest.h) and checkpatch (with its data files) from Debian's
# linux-source-6.1 package at build time; the project carries no copy.
set -euo pipefail
. "$(dirname "$0")/vm/lib.sh"

out=$1
[ -f "$out/kselftest_harness.h" ] && [ -f "$out/scripts/checkpatch.pl" ] && exit 0
tarball=/usr/src/linux-source-6.1.tar.xz
[ -f "$tarball" ] || wo_need_pkgs linux-source-6.1
[ -f "$tarball" ] || wo_die "$tarball missing after installing linux-source-6.1"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
t=linux-source-6.1
tar -xJf "$tarball" -C "$tmp" \
	$t/tools/testing/selftests/kselftest_harness.h \
	$t/tools/testing/selftests/kselftest.h \
	$t/scripts/checkpatch.pl $t/scripts/spelling.txt \
	$t/scripts/const_structs.checkpatch
mkdir -p "$out/scripts"
cp "$tmp/$t"/tools/testing/selftests/kselftest{_harness,}.h "$out/"
cp "$tmp/$t"/scripts/{checkpatch.pl,spelling.txt,const_structs.checkpatch} "$out/scripts/"
