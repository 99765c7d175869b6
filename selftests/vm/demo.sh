#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# demo.sh -- `make demo`: on a machine that cannot load modules, boot a
# Debian kernel under QEMU, insmod wakeoff, run an idle phase and then
# the experiment's controlled load (a pipe ping-pong pair on CPUs 0-1, CPU 2
# kept busy), each as its own run id, and print the report of the live
# summary; then the idle-vs-load recipe (`wakeoff stress`, 40 idle + 40 loaded
# runs) and its table; last, an off-CPU flame graph of the loaded phase
# (build/demo/<release>/offcpu.svg) and its top three blocking stacks.
# WAKEOFF_KERNELS picks the kernel (default: linux-image-amd64).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
cd "$WO_ROOT"
export WAKEOFF_KERNELS=${WAKEOFF_KERNELS:-linux-image-amd64}

rel=$(selftests/vm/kernels.sh | head -n 1)
selftests/get-harness.sh "$WO_BUILD/kselftest"
make -s -C userspace >/dev/null
make -s -C selftests >/dev/null
src=$WO_BUILD/kernels/$rel/src
rm -rf "$src"
mkdir -p "$src"
cp -a Kbuild VERSION module "$src/"
make -s -C "/lib/modules/$rel/build" M="$src" modules >/dev/null

share=$WO_BUILD/demo/$rel
rm -rf "$share"
mkdir -p "$share"
cp "$src/module/wakeoff.ko" "$WO_BUILD/userspace/wakeoff" \
	"$WO_BUILD/selftests/wo_workload" "$share/"
cat >"$share/guest.sh" <<'GUEST'
cd /mnt
insmod ./wakeoff.ko || exit 1
./wakeoff control reset
echo "=== run 1: idle (3 s) ==="
./wakeoff control run 1 idle
./wo_workload idle 3
echo "=== run 2: loaded (3 s): ping-pong on CPUs 0-1, CPU 2 busy ==="
./wakeoff control run 2 load
./wo_workload load 3 0 1 2
./wakeoff control stop
./wakeoff report
echo "=== the idle-vs-load recipe: wakeoff stress -n 40 -d 0.5 ==="
./wakeoff control reset
./wakeoff stress -n 40 -d 0.5
echo "=== off-CPU: where the loaded phase's tasks blocked (3 s recorded) ==="
./wakeoff control reset
./wo_workload load 3 0 1 2 &
./wakeoff record -q -o offcpu.wo -d 3
wait
./wakeoff flamegraph offcpu.wo -o offcpu.svg &&
	echo "off-CPU flame graph written: offcpu.svg (in the demo's share directory)"
echo "the top three blocking stacks, by off-CPU time:"
grep '^offcpu_stack\.[123]\.' /sys/kernel/debug/wakeoff/summary
rmmod wakeoff
GUEST
sig=$(cat selftests/vm/init selftests/vm/initramfs.sh | md5sum | cut -c1-12)
initrd=$WO_CACHE/initrd-$rel-$sig.gz
[ -f "$initrd" ] || selftests/vm/initramfs.sh "$rel" "$initrd"
wo_log "booting $rel under QEMU (TCG, 4 vCPUs)"
rc=0
selftests/vm/qemu-run.sh "$rel" "$initrd" "$share" 600 || rc=$?
cat "$share/guest.log"
exit $rc
