#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# run-all.sh [--all] -- everything `make check` runs, as one TAP stream:
#   host-side unit tests; per Debian kernel (resolved through the
#   meta-packages): W=1 -Werror module build, sparse, DKMS add/build/
#   install into a private tree, and the kselftests inside QEMU; checkpatch
#   on the module sources; the suite on the cached debug kernel, if any
#   (WAKEOFF_NO_DEBUG=1 leaves it out).  Ends with "N passed, N failed,
#   N skipped".
#
# The kernel matrix (README "Supported kernels"): the whole guest suite
# on the generic x86_64 6.1 and 6.12 kernels (WAKEOFF_KERNELS), and the
# subset WO_SUBSET_TESTS on 6.1-rt, 6.12-rt and arm64 6.1, 6.12
# (WAKEOFF_SUBSET_KERNELS), which keeps .ci/run within CI's time limit.
# --all (make check-all) runs the whole suite on every kernel.
# arm64 kernels are cross-built; DKMS runs for x86_64 kernels only.
#
# Artifacts (logs, dmesg and console of every VM run) go to build/check/.
set -uo pipefail
. "$(dirname "$0")/vm/lib.sh"
cd "$WO_ROOT"

all=
[ "${1:-}" = --all ] && all=1
LOGS=$WO_BUILD/check
SUBSET_METAS=${WAKEOFF_SUBSET_KERNELS-"linux-image-rt-amd64 linux-image-6.12-rt-amd64 linux-image-arm64:arm64 linux-image-6.12-arm64:arm64"}
# The correlation (integrity), reliability and CLI suites, and load_test
# (loading, hooks, the foreign module); names not built are skipped.
WO_SUBSET_TESTS="load_test integrity_test cli_test teardown_test concurrency_test overflow_test hotplug_test security_test"
# On arm64 TCG a module load under load takes seconds (stop_machine for
# each kprobe's text patch): iteration counts are scaled down there.
WO_ARM64_ITER_PCT=${WAKEOFF_ARM64_ITER_PCT:-40}
RESULTS=$LOGS/results.tap
VM_TIMEOUT=${WAKEOFF_VM_TIMEOUT:-900}
# What the host checks on the file cli_test records in each guest.
WO_CLI_HOST_CHECKS="report perfetto plot flamegraph prom"
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

if ! full=$(selftests/vm/kernels.sh 2>"$LOGS/kernels.log") ||
	! subset=$(WAKEOFF_KERNELS=$SUBSET_METAS selftests/vm/kernels.sh 2>>"$LOGS/kernels.log"); then
	cat "$LOGS/kernels.log" >&2
	emit "not ok - resolve and fetch the Debian kernels"
	finish
fi
rels=$(echo $full $subset)
[ -n "$all" ] && full=$rels
emit "ok - kernels under test: $rels (whole suite: $(echo $full))"

# in_list WORD LIST...: is WORD one of LIST?
in_list() {
	local w=$1 x
	shift
	for x in "$@"; do [ "$x" = "$w" ] && return 0; done
	return 1
}

# The kernel whose module load_test sees refused: another version of the
# same architecture and flavour (generic, rt), so that the refusal is
# the version check's, not an ELF machine mismatch.
foreign_of() {
	local rel=$1 o
	for o in $rels; do
		[ "$o" != "$rel" ] && [ "$(wo_arch "$o")" = "$(wo_arch "$rel")" ] &&
			[ "$(wo_flavour "$o")" = "$(wo_flavour "$rel")" ] && echo "$o" && return
	done
}

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
step "host: the flame graph of known stacks renders in headless Chromium" \
	bash -c "WO_FG_SVG=$LOGS/flamegraph/known.svg && mkdir -p \${WO_FG_SVG%/*} &&
		 export WO_FG_SVG && $WO_BUILD/userspace/tests/test_flamegraph >/dev/null &&
		 userspace/tests/flamegraph-chromium.sh \$WO_FG_SVG"
step "host: bench/costsplit.py charges a known perf script sample to its stages" \
	python3 bench/tests/test_costsplit.py
step "host: bench/insn_ratios.py's added instructions per op on generated counts" \
	python3 bench/tests/test_insn_ratios.py
step "host: bench/analyze.py judges a wall-clock target only when every repetition agrees" \
	python3 bench/tests/test_analyze.py
step "selftests build" make -C selftests
for rel in $rels; do
	if [ "$(wo_arch "$rel")" = arm64 ]; then
		step "CLI and selftests cross-build for arm64 (static)" wo_user_build "$rel"
		break
	fi
done

step "checkpatch on the module sources" \
	make lint-checkpatch HARNESS_DIR="$WO_BUILD/kselftest"

initrd_sig=$(cat selftests/vm/init selftests/vm/initramfs.sh | md5sum | cut -c1-12)
kconfig_done=
for rel in $rels; do
	kdir=$(wo_kdir "$rel")
	src=$WO_BUILD/kernels/$rel/src
	udir=$(wo_user_dir "$rel")
	rm -rf "$src"
	mkdir -p "$src"
	cp -a Kbuild VERSION module "$src/"
	cross=()
	[ "$(wo_arch "$rel")" = arm64 ] && cross=(env ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu-)

	if ! step "$rel: module builds clean with W=1 -Werror" \
		wo_kmake "$rel" M="$src" W=1 KCFLAGS=-Werror modules; then
		emit "not ok - $rel: in-guest tests not run (no module)"
		continue
	fi
	step "$rel: sparse (C=2) is clean" "${cross[@]}" \
		selftests/vm/sparse-check.sh "$kdir" "$WO_BUILD/kernels/$rel/sparse"
	[ "$(wo_arch "$rel")" = arm64 ] ||
		step "$rel: dkms add/build/install into a private tree" \
			selftests/vm/dkms-check.sh "$rel" "$WO_BUILD/kernels/$rel/dkms"
	# Kernel options off and the #error gates: once, on the first kernel.
	if [ -z "$kconfig_done" ]; then
		kconfig_done=1
		"${cross[@]}" selftests/vm/kconfig-check.sh "$kdir" \
			"$WO_BUILD/kernels/$rel/kconfig" "$rel" |
			tee -a "$RESULTS"
	fi

	share=$WO_BUILD/kernels/$rel/vm
	rm -rf "$share"
	mkdir -p "$share/tests"
	cp "$src/module/wakeoff.ko" "$share/"
	# The module built for the other kernel under test: load_test checks
	# that this kernel refuses it with a message.
	other=$(foreign_of "$rel")
	if [ -n "$other" ]; then
		fsrc=$WO_BUILD/kernels/$rel/foreign
		rm -rf "$fsrc" && mkdir -p "$fsrc" && cp -a Kbuild VERSION module "$fsrc/"
		step "$rel: the module built for $other, for load_test to see refused" \
			wo_kmake "$other" M="$fsrc" modules &&
			cp "$fsrc/module/wakeoff.ko" "$share/wakeoff-foreign.ko"
	fi
	# The test module whose frames teardown_test sees unresolved once
	# it is unloaded.
	tsrc=$WO_BUILD/kernels/$rel/testmod
	rm -rf "$tsrc" && mkdir -p "$tsrc" && cp -a selftests/modules/. "$tsrc/"
	step "$rel: the test module wo_test_waker builds clean with W=1 -Werror" \
		wo_kmake "$rel" M="$tsrc" W=1 KCFLAGS=-Werror modules &&
		cp "$tsrc/wo_test_waker.ko" "$share/"
	if in_list "$rel" $full; then
		cp "$udir"/selftests/*_test "$share/tests/"
	else
		for t in $WO_SUBSET_TESTS; do
			[ -x "$udir/selftests/$t" ] && cp "$udir/selftests/$t" "$share/tests/"
		done
		emit "ok - $rel: guest suite subset: $(ls "$share/tests" | tr '\n' ' ')"
	fi
	cp "$udir/userspace/wakeoff" "$share/"
	wo_share_dyn "$share" "$rel"
	{
		[ "$(wo_arch "$rel")" = arm64 ] && echo "export WAKEOFF_ITER_PCT=$WO_ARM64_ITER_PCT"
		cat selftests/vm/guest.sh
	} >"$share/guest.sh"
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
