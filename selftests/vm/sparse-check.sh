#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# sparse-check.sh KDIR WORKDIR: build the module with C=2 (sparse on every
# file) in WORKDIR and fail if sparse says anything.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
rm -rf "$2"
mkdir -p "$2"
cp -a "$root/Kbuild" "$root/VERSION" "$root/module" "$2/"
make -C "$1" M="$2" C=2 CHECK="sparse -Wno-unknown-attribute" modules 2>&1 | tee "$2/sparse.log"
if grep -E 'warning:|error:' "$2/sparse.log"; then
	echo "sparse reported the lines above"
	exit 1
fi
