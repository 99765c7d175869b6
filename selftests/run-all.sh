#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# run-all.sh -- everything `make check` runs, as one TAP stream:
#   host-side unit tests; per Debian kernel (6.1 and 6.12, resolved through
#   the meta-packages): W=1 -Werror module build, sparse, DKMS add/build/
#   install into a private tree, and the kselftests inside QEMU; checkpatch
#   on the module sources; the suite on the cached debug kernel, if any
#   (WAKEOFF_NO_DEBUG=1 leaves it out).  Ends with "N passed, N failed,
#   N skipped".
#
# Artifacts (logs, dmesg and console of every VM run) go to build/check/.
set -uo pipefail
. "$(dirname "$0")/vm/lib.sh"
cd "$WO_ROOT"

LOGS=$WO_BUILD/check
RESULTS=$LOGS/results.tap
VM_TIMEOUT=${WAKEOFF_VM_TIMEOUT:-900}
# What the host checks on the file cli_test records in each guest.
WO_CLI_HOST_CHECKS="report perfetto plot prom"
rm -rf "$LOGS"
mkdir -p "$LOGS"
: >"$RESULTS"
nstep=0
t_start=$(date +%s)

emit() { echo "$1" | tee -a "$RESULTS"; }

# step DESCRIPTION CMD...: run CMD with its output in a log; one TAP line.
step() {
	local desc=$1 log
	shift
	nstep=$((nstep + 1))
	log=$LOGS/step-$nstep.log
	if "$@" >"$log" 2>&1; then
		emit "ok - $desc"
		return 0
	fi
	emit "not ok - $desc (log: ${log#$WO_ROOT/})"
	tail -n 30 "$log" | sed 's/^/#   /'
	return 1
}

finish() {
	local pass fail skip
	pass=$(grep -c '^ok ' "$RESULTS")
	skip=$(grep -c '^ok .*# SKIP' "$RESULTS")
	fail=$(grep -c '^not ok ' "$RESULTS")
	pass=$((pass - skip))
	echo "# make check took $(($(date +%s) - t_start)) s; artifacts in ${LOGS#$WO_ROOT/}/"
	echo "$pass passed, $fail failed, $skip skipped"
	[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
	exit
}

if ! rels=$(selftests/vm/kernels.sh 2>"$LOGS/kernels.log"); then
	cat "$LOGS/kernels.log" >&2
	emit "not ok - resolve and fetch the Debian kernels"
	finish
fi
emit "ok - kernels under test: $(echo $rels)"

step "kselftest harness and checkpatch from linux-source-6.1" \
	selftests/get-harness.sh "$WO_BUILD/kselftest" || finish
wo_need_pkgs sparse dkms >/dev/null

# Host-side unit tests (no VM), one TAP file per binary so that a binary
# that crashes is reported by its plan.
if make -s -C userspace >"$LOGS/host-unit-build.log" 2>&1; then
	for t in "$WO_BUILD"/userspace/tests/test_*; do
		"$t" >"$LOGS/host-$(basename "$t").tap" 2>"$LOGS/host-$(basename "$t").log"
	done
	selftests/vm/tap-count.sh host "$LOGS"/host-test_*.tap | tee -a "$RESULTS"
else
	emit "not ok - host unit tests build (log: ${LOGS#$WO_ROOT/}/host-unit-build.log)"
fi
step "userspace CLI builds warning-free (-Wall -Wextra -Werror)" make -C userspace
step "selftests build" make -C selftests

step "checkpatch on the module sources" \
	make lint-checkpatch HARNESS_DIR="$WO_BUILD/kselftest"

initrd_sig=$(cat selftests/vm/init selftests/vm/initramfs.sh | md5sum | cut -c1-12)
for rel in $rels; do
	kdir=/lib/modules/$rel/build
	src=$WO_BUILD/kernels/$rel/src
	rm -rf "$src"
	mkdir -p "$src"
	cp -a Kbuild VERSION module "$src/"

	if ! step "$rel: module builds clean with W=1 -Werror" \
		make -C "$kdir" M="$src" W=1 KCFLAGS=-Werror modules; then
		emit "not ok - $rel: in-guest tests not run (no module)"
		continue
	fi
	step "$rel: sparse (C=2) is clean" \
		selftests/vm/sparse-check.sh "$kdir" "$WO_BUILD/kernels/$rel/sparse"
	step "$rel: dkms add/build/install into a private tree" \
		selftests/vm/dkms-check.sh "$rel" "$WO_BUILD/kernels/$rel/dkms"

	share=$WO_BUILD/kernels/$rel/vm
	rm -rf "$share"
	mkdir -p "$share/tests"
	cp "$src/module/wakeoff.ko" "$share/"
	# The module built for the other kernel under test: load_test checks
	# that this kernel refuses it with a message.
	other=
	for o in $rels; do [ "$o" = "$rel" ] || other=$o; done
	if [ -n "$other" ]; then
		fsrc=$WO_BUILD/kernels/$rel/foreign
		rm -rf "$fsrc" && mkdir -p "$fsrc" && cp -a Kbuild VERSION module "$fsrc/"
		step "$rel: the module built for $other, for load_test to see refused" \
			make -C "/lib/modules/$other/build" M="$fsrc" modules &&
			cp "$fsrc/module/wakeoff.ko" "$share/wakeoff-foreign.ko"
	fi
	# The test module whose frames reliability_test sees unresolved once
	# it is unloaded.
	tsrc=$WO_BUILD/kernels/$rel/testmod
	rm -rf "$tsrc" && mkdir -p "$tsrc" && cp -a selftests/modules/. "$tsrc/"
	step "$rel: the test module wo_test_waker builds clean with W=1 -Werror" \
		make -C "$kdir" M="$tsrc" W=1 KCFLAGS=-Werror modules &&
		cp "$tsrc/wo_test_waker.ko" "$share/"
	cp "$WO_BUILD"/selftests/*_test "$share/tests/"
	cp "$WO_BUILD/userspace/wakeoff" "$share/"
	wo_share_dyn "$share"
	cp selftests/vm/guest.sh "$share/guest.sh"
	initrd=$WO_CACHE/initrd-$rel-$initrd_sig.gz
	[ -f "$initrd" ] || selftests/vm/initramfs.sh "$rel" "$initrd" ||
		{ emit "not ok - $rel: pack initramfs"; continue; }

	t0=$(date +%s)
	selftests/vm/qemu-run.sh "$rel" "$initrd" "$share" "$VM_TIMEOUT"
	vrc=$?
	if [ $vrc -eq 125 ]; then
		emit "not ok - $rel: VM run finished (panic, hang or timeout; see ${share#$WO_ROOT/}/console.log)"
	else
		emit "ok - $rel: VM run finished in $(($(date +%s) - t0)) s"
	fi
	if [ -d "$share/results" ]; then
		selftests/vm/tap-count.sh "$rel" "$share"/results/*.tap | tee -a "$RESULTS"
	fi
	for chk in $WO_CLI_HOST_CHECKS; do
		step "$rel: host $chk of the file recorded in the guest" \
			selftests/vm/cli-host-check.sh "$chk" "$share"
	done
	wo_guest_health "$rel" "$share" | tee -a "$RESULTS"
done

# The Debian packages on this machine (root only: installs, then purges),
# checked against a record file a guest made; then a guest on the module
# the package's DKMS built.
if [ "$(id -u)" = 0 ]; then
	pshare=
	for rel in $rels; do
		[ -f "$WO_BUILD/kernels/$rel/vm/results/cli_test.wo" ] &&
			pshare=$WO_BUILD/kernels/$rel/vm && break
	done
	step "packages: make deb, apt-get install, DKMS for every kernel with headers, purge" \
		selftests/vm/deb-check.sh "$WO_BUILD/deb-check" $pshare &&
		step "packages: load_test in a guest on the module the package's DKMS built" \
			selftests/vm/deb-check.sh --guest "$WO_BUILD/deb-check"
else
	emit "ok - packages: install and purge # SKIP needs root"
fi
step "make dist: the tarball builds module, CLI and selftests, and has what make check runs" \
	selftests/vm/dist-check.sh "$WO_BUILD/dist-check"

# The suite on the debug kernel (KASAN, kmemleak, lockdep, UBSAN), when
# that kernel is cached: building it takes ~35 min (make check-debug).
if [ -z "${WAKEOFF_NO_DEBUG:-}" ]; then
	selftests/vm/check-debug.sh --cached-only | tee -a "$RESULTS"
fi
finish
