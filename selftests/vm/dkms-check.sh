#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# dkms-check.sh RELEASE WORKDIR: dkms add, build and install wakeoff for a
# kernel that is not running, with private source/dkms/install trees so
# the machine's /usr/src, /var/lib/dkms and /lib/modules stay untouched.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
rel=$1 work=$2
ver=$(cat "$root/VERSION")
rm -rf "$work"
mkdir -p "$work/src/wakeoff-$ver" "$work/dkms" "$work/install/$rel"
(cd "$root" && cp -a Kbuild VERSION Makefile dkms.conf module "$work/src/wakeoff-$ver/")
sed -i "s/#MODULE_VERSION#/$ver/" "$work/src/wakeoff-$ver/dkms.conf"
D=(dkms --sourcetree "$work/src" --dkmstree "$work/dkms" --installtree "$work/install")
"${D[@]}" add -m wakeoff -v "$ver"
"${D[@]}" build -m wakeoff -v "$ver" -k "$rel"
"${D[@]}" --no-depmod install -m wakeoff -v "$ver" -k "$rel"
"${D[@]}" status -m wakeoff -v "$ver" -k "$rel" | tee "$work/status"
grep -q 'installed' "$work/status"
ko=$(find "$work/install/$rel" -name 'wakeoff.ko*' | head -n 1)
[ -n "$ko" ] || { echo "no wakeoff.ko under $work/install/$rel"; exit 1; }
echo "installed: $ko"
modinfo -F vermagic "$ko" | grep -q "^$rel " ||
	{ echo "vermagic of $ko is not $rel"; exit 1; }
[ "$(modinfo -F version "$ko")" = "$ver" ] ||
	{ echo "MODULE_VERSION of $ko is not VERSION's $ver"; exit 1; }
