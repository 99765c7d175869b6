#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# costsplit-tcg.sh [RELEASE] -- wakeoff's per-wakeup cost split by stage
# (probe entry, correlation, off-CPU stamps, aggregation, stack capture,
# ring write) in a QEMU/TCG guest.  A cpu-clock profile cannot see it
# there (no PMU: timer samples land where IRQs are re-enabled, and the
# probes run with IRQs off), so QEMU runs with bench/tcg_insn.c, a TCG
# plugin counting executed guest instructions per translation block;
# bench/costsplit.py --tcg charges them to stages by the guest's
# kallsyms and the module objects' symbols, per wakeup the module
# counted, minus an idle boot's counts (same load, no workload).  One VM
# boot per load (COSTSPLIT_LOADS: pingpong messaging) and the idle one,
# COSTSPLIT_SECS (5) s each, default module parameters plus
# COSTSPLIT_MODPARAMS.  Output: build/bench/costsplit-tcg-<release>.txt
# (-<parameters> appended when COSTSPLIT_MODPARAMS is set).
set -euo pipefail
. "$(dirname "$0")/../selftests/vm/lib.sh"
cd "$WO_ROOT"
OUT=$WO_BUILD/bench
rel=${1:-$(selftests/vm/kernels.sh | head -n 1)}
secs=${COSTSPLIT_SECS:-5}
make -s -C bench >/dev/null
# Runs with module parameters keep their own directories and table.
tag=${COSTSPLIT_MODPARAMS:+-$(echo "$COSTSPLIT_MODPARAMS" | tr ' =' '_-')}
src=$OUT/$rel/src-costsplit$tag
rm -rf "$src"
mkdir -p "$src"
cp -a Kbuild VERSION module "$src/"
make -s -C "/lib/modules/$rel/build" M="$src" modules >/dev/null
# Every text symbol of the module, with the source file it came from.
symmap=$OUT/$rel/costsplit$tag-symmap.txt
(cd "$src" && find module -name '*.o' ! -name '*.mod.o' ! -name wakeoff.o | while read -r o; do
	nm --defined-only "$o" | awk -v f="${o#module/}" '$2 ~ /^[tT]$/ { sub(/\.o$/, ".c", f); print $3, f }'
done) >"$symmap"
# qemu-run.sh's QEMU with the plugin: a wrapper first in PATH (one per
# boot, so that runs for other kernels can go at the same time).
qemu=$(command -v qemu-system-x86_64)
initrd_sig=$(cat selftests/vm/init selftests/vm/initramfs.sh | md5sum | cut -c1-12)
initrd=$WO_CACHE/initrd-$rel-$initrd_sig.gz
[ -f "$initrd" ] || selftests/vm/initramfs.sh "$rel" "$initrd"
res=$OUT/costsplit-tcg-$rel$tag.txt
echo "== wakeoff cost split by stage: $rel, $(date -u +%F), 4-vCPU QEMU/TCG guest," \
	"executed instructions (bench/tcg_insn.c), ${secs} s per load${COSTSPLIT_MODPARAMS:+, $COSTSPLIT_MODPARAMS} ==" >"$res"
# run_vm WL ARGS: one boot that loads wakeoff, runs ARGS (wo_bench's, or
# a sleep for "idle") and reads the summary.
run_vm() {
	local wl=$1 share=$OUT/$rel/costsplit$tag-$1
	local wrap=$share.bin
	shift
	rm -rf "$share" "$wrap"
	mkdir -p "$share/results" "$wrap"
	cp "$src/module/wakeoff.ko" "$OUT/wo_bench" "$share/"
	# The module's whole life is in the count: wakeups since its load.
	cat >"$share/guest.sh" <<-EOF
		cd /mnt
		insmod ./wakeoff.ko ${COSTSPLIT_MODPARAMS:-} || exit 1
		cat /proc/kallsyms >results/kallsyms.txt
		$* >results/bench.txt 2>&1
		cp /sys/kernel/debug/wakeoff/summary results/summary.txt
	EOF
	printf '#!/bin/sh\nexec %s -plugin %s,out=%s "$@"\n' "$qemu" "$OUT/tcg_insn.so" \
		"$share/results/insns.txt" >"$wrap/qemu-system-x86_64"
	chmod +x "$wrap/qemu-system-x86_64"
	PATH=$wrap:$PATH selftests/vm/qemu-run.sh "$rel" "$initrd" "$share" 900 4
	sed -n 's/^wakeups: //p' "$share/results/summary.txt" >"$share/results/wakeups"
}
# The idle boot is subtracted from each load's: load, hook registration,
# the summary read and the idle system's own wakeups cancel.
run_vm idle sleep "$secs"
idle=$OUT/$rel/costsplit$tag-idle/results
for wl in ${COSTSPLIT_LOADS:-pingpong messaging}; do
	case $wl in
	pingpong) run_vm "$wl" ./wo_bench pingpong "$secs" 1 1 ;;
	messaging) run_vm "$wl" ./wo_bench messaging "$secs" 2 5 ;;
	*) wo_die "unknown load $wl" ;;
	esac
	r=$OUT/$rel/costsplit$tag-$wl/results
	python3 bench/costsplit.py --tcg --symmap "$symmap" --kallsyms "$r/kallsyms.txt" \
		--wakeups "$(cat "$r/wakeups")" \
		--idle "$idle/insns.txt" "$idle/kallsyms.txt" "$(cat "$idle/wakeups")" \
		--title "$wl ($(grep '^wo_bench:' "$r/bench.txt")), minus an idle boot" \
		--json "$r/costsplit.json" "$r/insns.txt" >>"$res"
done
cat "$res"
