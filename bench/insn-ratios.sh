#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# insn-ratios.sh [RELEASE...] -- issue 18's overhead ratios counted in
# executed guest instructions instead of time: the host's load moves
# wall-clock ratios by more than the effects, instruction counts not.
# Per boot (INSN_BOOTS, 2, per kernel): bench/guest.sh in MODE=insn runs
# each configuration (INSN_CONFIGS) with each load (INSN_WORKLOADS,
# INSN_SECS s each) between two bench/tcg_mark runs, under QEMU with the
# bench/tcg_insn.c plugin (every instruction of every vCPU, the kernel's
# per block, user space as one total: a reader's or perf's own process
# is part of its cost);
# bench/insn_ratios.py turns the windows into added instructions per
# operation of the load against `base` of the same boot, and the ratios.
# Output: build/bench/insn-ratios-<release>.txt and .json.
set -euo pipefail
. "$(dirname "$0")/../selftests/vm/lib.sh"
. "$(dirname "$0")/tools.sh"
cd "$WO_ROOT"
OUT=$WO_BUILD/bench
secs=${INSN_SECS:-2}
boots=${INSN_BOOTS:-2}
configs=${INSN_CONFIGS:-"base hookfloor wo_sum wo_sum_kp wo_rec ftrace ftrace_ns perf bpftrace"}
loads=${INSN_WORKLOADS:-"idle clock pingpong messaging"}
make -s -C userspace >/dev/null
make -s -C bench >/dev/null
reader=$(bench_reader)
# perf and bpftrace as bench.sh left them, else prepared here.
case " $configs " in *" perf "*|*" bpftrace "*)
	[ -x "$OUT/perf/perf" ] && [ -x "$OUT/bpftrace/bpftrace" ] && [ -x "$OUT/dyn/wo_bench_dyn" ] ||
		bench_tools ;;
esac
# bpftrace's LLVM compile: 3-5 minutes per boot under the plugin.
limit=1200
case " $configs " in *" bpftrace "*) limit=$((limit + 600)) ;; esac
qemu=$(command -v qemu-system-x86_64)
initrd_sig=$(cat selftests/vm/init selftests/vm/initramfs.sh | md5sum | cut -c1-12)
# shellcheck disable=SC2046 # one release per word
[ $# -gt 0 ] || set -- $(selftests/vm/kernels.sh)
for rel in "$@"; do
	[ "$(wo_arch "$rel")" = amd64 ] || continue
	src=$OUT/$rel/src-insn
	rm -rf "$src"
	mkdir -p "$src"
	cp -a Kbuild VERSION module "$src/"
	make -s -C "/lib/modules/$rel/build" M="$src" modules >/dev/null
	initrd=$WO_CACHE/initrd-$rel-$initrd_sig.gz
	[ -f "$initrd" ] || selftests/vm/initramfs.sh "$rel" "$initrd"
	runs=()
	for b in $(seq 1 "$boots"); do
		share=$OUT/$rel/insn$b
		rm -rf "$share" "$share.bin"
		mkdir -p "$share/results" "$share.bin"
		cp "$src/module/wakeoff.ko" "$WO_BUILD/userspace/wakeoff" "$OUT/wo_bench" \
			"$OUT/tcg_mark" bench/guest.sh "$share/"
		# hard links: the same file system, no 200 MB copy per boot
		for t in perf bpftrace; do
			case " $configs " in *" $t "*) cp -al "$OUT/$t" "$share/" ;; esac
		done
		cat >"$share/bench.env" <<-EOS
			MODE=insn
			SECS=$secs
			CONFIGS="$configs"
			WORKLOADS="$loads"
			PP_CPUS="1 1"
			MSG_GROUPS=2
			MSG_FDS=5
			CLK_CPU=1
			WO_READER='$reader'
		EOS
		printf '#!/bin/sh\nexec %s -plugin %s,out=%s,user=1 "$@"\n' "$qemu" \
			"$OUT/tcg_insn.so" "$share/results/insns.txt" >"$share.bin/qemu-system-x86_64"
		chmod +x "$share.bin/qemu-system-x86_64"
		wo_log "$rel: instruction counts, boot $b of $boots"
		PATH=$share.bin:$PATH selftests/vm/qemu-run.sh "$rel" "$initrd" "$share" "$limit" 4
		runs+=("$share/results")
	done
	python3 bench/insn_ratios.py --kernel "$rel" --json "$OUT/insn-ratios-$rel.json" \
		"${runs[@]}" | tee "$OUT/insn-ratios-$rel.txt"
done
