#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# run-one.sh RELEASE TEST [HARNESS ARGS...]
#
# Developer loop: build the module for RELEASE, boot it under QEMU and run
# one selftest binary (e.g. records_test -t pingpong_has_wf_sync).  The
# TAP goes to stdout; the share dir is build/one/RELEASE.
set -uo pipefail
. "$(dirname "$0")/lib.sh"
cd "$WO_ROOT"

rel=$1 test=$2
shift 2
src=$WO_BUILD/one/$rel/src share=$WO_BUILD/one/$rel/vm
rm -rf "$src" "$share"
mkdir -p "$src" "$share/tests"
cp -a Kbuild VERSION module "$src/"
wo_kmake "$rel" -s M="$src" W=1 modules >&2 || exit 1
wo_user_build "$rel" >&2 || exit 1
udir=$(wo_user_dir "$rel")
cp "$src/module/wakeoff.ko" "$share/"
# WO_KO=FILE boots FILE instead (e.g. the module the Debian package's DKMS built).
[ -n "${WO_KO:-}" ] && cp "$WO_KO" "$share/wakeoff.ko"
# The selftests' test modules (teardown_test's wo_test_waker.ko).
mkdir -p "$src/testmod" && cp -a selftests/modules/. "$src/testmod/"
wo_kmake "$rel" -s M="$src/testmod" W=1 modules >&2 || exit 1
cp "$src/testmod"/*.ko "$share/"
cp "$udir/selftests/$test" "$share/tests/"
[ -x "$udir/userspace/wakeoff" ] && cp "$udir/userspace/wakeoff" "$share/"
wo_share_dyn "$share" "$rel"
{
	echo 'cd /mnt; export WAKEOFF_KO=/mnt/wakeoff.ko; mkdir -p results'
	printf '"tests/%s"' "$test"
	printf ' %q' "$@"
	echo ' >results/one.tap 2>results/one.log; rc=$?'
	echo 'echo "guest: tainted=$(cat /proc/sys/kernel/tainted)"; exit $rc'
} >"$share/guest.sh"
initrd_sig=$(cat selftests/vm/init selftests/vm/initramfs.sh | md5sum | cut -c1-12)
initrd=$WO_CACHE/initrd-$rel-$initrd_sig.gz
[ -n "${WO_GUEST:-}" ] && cp "$WO_GUEST" "$share/guest.sh"
# WO_EXTRA="FILE..." also go into the share (e.g. a wakeoff-foreign.ko).
for f in ${WO_EXTRA:-}; do cp "$f" "$share/"; done
[ -f "$initrd" ] || selftests/vm/initramfs.sh "$rel" "$initrd" || exit 1
t0=$(date +%s)
selftests/vm/qemu-run.sh "$rel" "$initrd" "$share" "${WAKEOFF_VM_TIMEOUT:-900}"
rc=$?
cat "$share/results/one.tap" 2>/dev/null
echo "# run-one: exit $rc after $(($(date +%s) - t0)) s; dmesg: $share/dmesg.txt"
exit $rc
