#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# check-debug.sh [--cached-only]
#
# `make check-debug`: the whole selftest suite on a debug kernel (KASAN,
# KMEMLEAK, PROVE_LOCKING, UBSAN, DEBUG_ATOMIC_SLEEP, ...) built from
# Debian's linux-source-6.1 by debug-kernel.sh (about 35 min once, then
# cached).  After the tests (module unloaded) kmemleak scans; the run
# passes only with zero kmemleak reports, no KASAN/UBSAN/lockdep/BUG/
# WARNING line in dmesg and taint B/D/W clear.  Prints TAP lines
# ("ok - ..."), then "N passed, N failed, N skipped" when run alone.
# With --cached-only (make check), a debug kernel that is not cached, or
# that no standalone make check-debug has passed on yet, is a SKIP.
#
# The iteration counts of the tests are scaled by WAKEOFF_DEBUG_ITER_PCT
# percent (default 25): the debug kernel under TCG is several times slower.
set -uo pipefail
. "$(dirname "$0")/lib.sh"
cd "$WO_ROOT"

cached_only=
[ "${1:-}" = --cached-only ] && cached_only=1
out=$WO_BUILD/check-debug
pct=${WAKEOFF_DEBUG_ITER_PCT:-25}
results=$out/results.tap
mkdir -p "$out"
: >"$results"
emit() { echo "$1" | tee -a "$results"; }
t_start=$(date +%s)

finish() {
	local pass skip fail
	if [ -z "$cached_only" ]; then
		pass=$(grep -c '^ok ' "$results")
		skip=$(grep -c '^ok .*# SKIP' "$results")
		fail=$(grep -c '^not ok ' "$results")
		echo "# check-debug took $(($(date +%s) - t_start)) s; artifacts in ${out#$WO_ROOT/}/"
		echo "$((pass - skip)) passed, $fail failed, $skip skipped"
		[ "$fail" -eq 0 ]
		exit
	fi
	exit 0
}

if [ -n "$cached_only" ]; then
	# Only a kernel that a standalone make check-debug ran through once:
	# a fresh build is first shown to boot and pass, outside CI.
	if ! dir=$(selftests/vm/debug-kernel.sh --cached) || [ ! -f "$dir/.suite-ok" ]; then
		emit "ok - debug kernel suite # SKIP no cached, verified debug kernel (make check-debug builds it, ~35-60 min, and runs the suite)"
		finish
	fi
else
	if ! dir=$(selftests/vm/debug-kernel.sh 2>"$out/debug-kernel.log"); then
		tail -n 20 "$out/debug-kernel.log" >&2
		emit "not ok - debug kernel builds from linux-source-6.1"
		finish
	fi
fi
rel=$(cat "$dir/release")
emit "ok - debug kernel $rel (built in $(cat "$dir/build-seconds" 2>/dev/null || echo '?') s, cached in ${dir/#$HOME/\~})"

src=$out/src share=$out/vm
rm -rf "$src" "$share"
mkdir -p "$src" "$share/tests"
cp -a Kbuild VERSION module "$src/"
if ! make -C "$dir/out" M="$src" W=1 KCFLAGS=-Werror modules >"$out/module.log" 2>&1; then
	tail -n 20 "$out/module.log" | sed 's/^/#   /'
	emit "not ok - debug: module builds against the debug kernel"
	finish
fi
emit "ok - debug: module builds clean with W=1 -Werror against $rel"
make -s -C selftests >"$out/selftests.log" 2>&1 || {
	emit "not ok - debug: selftests build"
	finish
}
cp "$src/module/wakeoff.ko" "$share/"
# A module built for one of Debian's kernels: load_test checks that the
# debug kernel refuses it.
for fkdir in /lib/modules/*/build; do
	[ -d "$fkdir" ] || continue
	fsrc=$out/foreign
	rm -rf "$fsrc" && mkdir -p "$fsrc" && cp -a Kbuild VERSION module "$fsrc/"
	make -C "$fkdir" M="$fsrc" modules >"$out/foreign.log" 2>&1 &&
		cp "$fsrc/module/wakeoff.ko" "$share/wakeoff-foreign.ko"
	break
done
cp "$WO_BUILD"/selftests/*_test "$share/tests/"
[ -x "$WO_BUILD/userspace/wakeoff" ] && cp "$WO_BUILD/userspace/wakeoff" "$share/"
# kmemleak: forget what boot left, run the suite, then scan twice (an
# object is reported only once it stayed unreferenced over two scans).
{
	echo "export WAKEOFF_ITER_PCT=$pct"
	echo 'KML=/sys/kernel/debug/kmemleak'
	echo 'echo scan >$KML; echo clear >$KML'
	grep -v '^exit \$rc$' selftests/vm/guest.sh
	echo 'echo scan >$KML; sleep 6; echo scan >$KML'
	echo 'cat $KML >/mnt/results/kmemleak.txt'
	echo 'echo "guest: kmemleak: $(grep -c "^unreferenced object" /mnt/results/kmemleak.txt) reports"'
	echo 'exit $rc'
} >"$share/guest.sh"

initrd_sig=$(cat selftests/vm/init selftests/vm/initramfs.sh | md5sum | cut -c1-12)
initrd=$WO_CACHE/initrd-nomodules-$initrd_sig.gz
[ -f "$initrd" ] || selftests/vm/initramfs.sh - "$initrd" ||
	{ emit "not ok - debug: pack initramfs"; finish; }

t0=$(date +%s)
for try in 1 2; do
	WAKEOFF_KERNEL_IMAGE=$dir/bzImage WAKEOFF_VM_MEM=2048 \
		selftests/vm/qemu-run.sh "$rel" "$initrd" "$share" "${WAKEOFF_DEBUG_VM_TIMEOUT:-3600}"
	vrc=$?
	# Seen once in six boots under TCG: KASAN "wild-memory-access" in
	# handle_edge_irq during identify_boot_cpu(), 3.6 s into boot, long
	# before any module.  A panic before init started the tests is the
	# kernel's, not the suite's: boot once more, and say so.
	[ $vrc -eq 125 ] && [ $try -eq 1 ] &&
		! grep -q 'init: running guest.sh' "$share/console.log" 2>/dev/null || break
	echo "# debug kernel died before the tests started ($(grep -m1 -E 'BUG:|panic' "$share/console.log")); booting again"
	cp "$share/console.log" "$out/console-boot-failure.log"
done
secs=$(($(date +%s) - t0))
if [ $vrc -eq 125 ]; then
	emit "not ok - debug: VM run finished (panic, hang or timeout; see ${share#$WO_ROOT/}/console.log)"
else
	emit "ok - debug: VM run finished in $secs s (iterations at $pct%)"
fi
echo "$secs" >"$out/suite-seconds"
[ -d "$share/results" ] &&
	selftests/vm/tap-count.sh "debug-$rel" "$share"/results/*_test.tap | tee -a "$results"
wo_guest_health debug "$share" | tee -a "$results"
if [ -f "$share/results/kmemleak.txt" ]; then
	n=$(grep -c '^unreferenced object' "$share/results/kmemleak.txt")
	if [ "$n" -eq 0 ]; then
		emit "ok - debug: kmemleak scan after unload reports nothing"
	else
		emit "not ok - debug: kmemleak reports $n unreferenced objects (${share#$WO_ROOT/}/results/kmemleak.txt)"
		head -n 20 "$share/results/kmemleak.txt" | sed 's/^/#   /'
	fi
else
	emit "not ok - debug: no kmemleak result"
fi
# A standalone run that passed lets make check use this kernel from now on.
if [ -z "$cached_only" ] && ! grep -q '^not ok' "$results"; then
	echo "$secs" >"$dir/.suite-ok"
fi
finish
