#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# bench.sh -- `make bench`: wakeoff's overhead against ftrace and perf.
#
# For each Debian kernel under test (selftests/vm/kernels.sh: the
# meta-packages, never a pinned ABI) boot QEMU/TCG with 4 vCPUs and, in
# ONE VM run, measure the same workloads (bench/wo_bench.c: pipe
# ping-pong, hackbench-style messaging, clock_gettime syscall loop, the
# same loop through the shared libc's clock_gettime) under
# every configuration, alternating and rotating the order every
# repetition:
#   base          module not loaded, no tracer
#   wo_rec        wakeoff loaded and recording, a reader draining events
#   wo_sum        wakeoff loaded, summary only (no reader: drops expected)
#   wo_sum_nostk  the same with stacks=0 (no stack unwind per wakeup)
#   wo_sum_nooffstk  wo_sum with offcpu_stacks=0 (off-CPU times, no
#                 blocking stacks): wo_sum minus it is the capture's cost
#   ftrace        sched_waking/wakeup/switch/migrate_task, trace_pipe drained
#   ftrace_ns     the same with the reader's own sched events filtered
#                 out (traced, each of its wakeups wakes it again)
#   perf          perf record -a of the same four tracepoints
#   bpftrace      bench/wakeoff.bt: summary-only wakeoff as a bpftrace
#                 script (Debian's bpftrace and its libraries copied in)
#   hookfloor     the function tracer on __x64_sys_clock_gettime with
#                 tracing off: the least any ftrace-based hook on the
#                 syscall costs (the clock loop's floor)
#   wo_sum_uprobe summary only with `wakeoff uprobe libc` hooks scoped to
#                 another (idle) process: what the user clock hooks cost
#                 the clock loops of a process wakeoff does not trace
# then step a rate-limited ping-pong up with wakeoff + reader to find the
# highest event rate without drops, and boot once more with 8 vCPUs to
# read the module's memory footprint.  Only ratios measured side by side
# in one VM count: other jobs share the host's cores.
#
# Output: build/bench/bench-<release>.txt (tables) and .json; raw lines in
# build/bench/<release>/vm/results/raw.txt.
#
# Knobs (environment): WAKEOFF_KERNELS, BENCH_REPS (4), BENCH_SECS (1.2),
# BENCH_CONFIGS, BENCH_WORKLOADS (pingpong messaging clock clock_libc:
# all when empty), BENCH_RATES, BENCH_READER (the reader command, see below),
# BENCH_COSTSPLIT (1): also run bench/costsplit-tcg.sh with offcpu_stacks=1
# and 0 (instructions per wakeup by stage; x86_64 kernels),
# BENCH_INSN (1): also run bench/insn-ratios.sh (the ratios in executed
# guest instructions, x86_64 kernels; build/bench/insn-ratios-<rel>.*),
# BENCH_COMPARE_REV=<git rev>: also build the module of that revision and
# add the configurations cmp_rec, cmp_sum, cmp_sum_nostk with it (before
# and after a module change, side by side in the same VM run).
set -euo pipefail
. "$(dirname "$0")/../selftests/vm/lib.sh"
. "$(dirname "$0")/tools.sh"
cd "$WO_ROOT"
t_start=$(date +%s)

REPS=${BENCH_REPS:-4}
SECS=${BENCH_SECS:-1.2}
CONFIGS=${BENCH_CONFIGS:-"base wo_rec wo_sum wo_sum_nostk wo_sum_nooffstk ftrace perf bpftrace hookfloor wo_sum_uprobe"}
if [ -n "${BENCH_COMPARE_REV:-}" ]; then
	case " $CONFIGS " in *" cmp_"*) ;; *) CONFIGS="$CONFIGS cmp_rec cmp_sum cmp_sum_nostk" ;; esac
fi
RATES=${BENCH_RATES:-"1000 2000 4000 0"}
OUT=$WO_BUILD/bench

wo_need_pkgs python3
rels=$(selftests/vm/kernels.sh)
make -s -C userspace >/dev/null
make -s -C bench >/dev/null

reader=$(bench_reader)
wo_log "reader: $reader"

bench_tools

# bpftrace compiles its script with LLVM under TCG: about 4 minutes per
# start, one start per repetition.
vm_limit=1500
case " $CONFIGS " in *" bpftrace "*) vm_limit=$((vm_limit + REPS * 420)) ;; esac

initrd_sig=$(cat selftests/vm/init selftests/vm/initramfs.sh | md5sum | cut -c1-12)
rc=0
for rel in $rels; do
	t0=$(date +%s)
	src=$OUT/$rel/src
	rm -rf "$src"
	mkdir -p "$src"
	cp -a Kbuild VERSION module "$src/"
	make -s -C "/lib/modules/$rel/build" M="$src" modules >/dev/null
	if [ -n "${BENCH_COMPARE_REV:-}" ]; then
		rm -rf "$src-cmp"
		mkdir -p "$src-cmp"
		# Revisions before VERSION existed kept the version in wakeoff.h.
		git archive "$BENCH_COMPARE_REV" Kbuild module \
			$(git cat-file -e "$BENCH_COMPARE_REV:VERSION" 2>/dev/null && echo VERSION) |
			tar -x -C "$src-cmp"
		make -s -C "/lib/modules/$rel/build" M="$src-cmp" modules >/dev/null
	fi
	initrd=$WO_CACHE/initrd-$rel-$initrd_sig.gz
	[ -f "$initrd" ] || selftests/vm/initramfs.sh "$rel" "$initrd"

	for smp in 4 8; do
		share=$OUT/$rel/vm$([ $smp = 4 ] || echo $smp)
		rm -rf "$share"
		mkdir -p "$share"
		cp "$src/module/wakeoff.ko" "$WO_BUILD/userspace/wakeoff" \
			"$OUT/wo_bench" bench/guest.sh "$share/"
		mode=full
		if [ $smp = 4 ]; then
			cp -a "$OUT/perf" "$OUT/bpftrace" "$OUT/dyn" "$share/"
			[ -z "${BENCH_COMPARE_REV:-}" ] ||
				cp "$src-cmp/module/wakeoff.ko" "$share/wakeoff-cmp.ko"
		else
			mode=mem
		fi
		cat >"$share/bench.env" <<-EOF
			MODE=$mode
			REPS=$REPS
			SECS=$SECS
			RATE_SECS=$SECS
			CONFIGS="$CONFIGS"
			WORKLOADS="${BENCH_WORKLOADS:-}"
			RATES="$RATES"
			PP_CPUS="1 1"
			MSG_GROUPS=2
			MSG_FDS=5
			CLK_CPU=1
			WO_READER='$reader'
		EOF
		wo_log "$rel: $mode run, $smp vCPUs"
		if ! selftests/vm/qemu-run.sh "$rel" "$initrd" "$share" \
			"${WAKEOFF_VM_TIMEOUT:-$vm_limit}" "$smp"; then
			wo_log "$rel: VM run with $smp vCPUs failed; guest log:"
			tail -n 30 "$share/guest.log" >&2 || true
			rc=1
			continue 2
		fi
		if grep -qE 'BUG:|WARNING:|Oops|general protection|Call Trace' "$share/dmesg.txt"; then
			wo_log "$rel: dmesg reports problems (see $share/dmesg.txt)"
			rc=1
		fi
	done
	python3 bench/analyze.py --kernel "$rel" --wall $(($(date +%s) - t0)) \
		"$OUT/$rel/vm/results/raw.txt" "$OUT/$rel/vm8/results/raw.txt" \
		--json "$OUT/bench-$rel.json" | tee "$OUT/bench-$rel.txt"
	# Instructions per wakeup by stage, with and without blocking stacks
	# (host load does not change them): one short boot each.
	if [ "${BENCH_COSTSPLIT:-1}" = 1 ] && [ "$(wo_arch "$rel")" = amd64 ]; then
		if bench/costsplit-tcg.sh "$rel" >/dev/null &&
			COSTSPLIT_MODPARAMS=offcpu_stacks=0 bench/costsplit-tcg.sh "$rel" >/dev/null; then
			python3 bench/costsplit.py --merge "$OUT/bench-$rel.json" "$OUT/$rel" |
				tee -a "$OUT/bench-$rel.txt"
		else
			wo_log "$rel: costsplit-tcg.sh failed"
			rc=1
		fi
	fi
	# Issue 18's ratios in instructions (host load does not move them):
	# two boots, 8-12 minutes each (bpftrace's compile), their targets
	# added to the JSON as targets_instructions.
	if [ "${BENCH_INSN:-1}" = 1 ] && [ "$(wo_arch "$rel")" = amd64 ]; then
		# (pipefail: the script's failure fails the pipe)
		if bench/insn-ratios.sh "$rel" | tee -a "$OUT/bench-$rel.txt"; then
			python3 bench/insn_ratios.py --merge "$OUT/bench-$rel.json" \
				"$OUT/insn-ratios-$rel.json" | tee -a "$OUT/bench-$rel.txt"
		else
			wo_log "$rel: insn-ratios.sh failed"
			rc=1
		fi
	fi
done
echo "# make bench took $(($(date +%s) - t_start)) s; tables and JSON in ${OUT#$WO_ROOT/}/"
exit $rc
