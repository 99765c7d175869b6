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
# counted; only the instructions between two marks (bench/tcg_mark.c)
# around each load count.  One VM boot for the loads (COSTSPLIT_LOADS:
# pingpong messaging), COSTSPLIT_SECS (5) s each, default module parameters plus
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
# One boot: wakeoff loaded, then per load: wakeups, a mark (the plugin
# snapshots its counts), the load, a mark, wakeups.  The counts between
# two marks of the same boot are the load's alone: module load, hook
# registration and the summary reads fall outside.
share=$OUT/$rel/costsplit$tag
wrap=$share.bin
rm -rf "$share" "$wrap"
mkdir -p "$share/results" "$wrap"
cp "$src/module/wakeoff.ko" "$OUT/wo_bench" "$OUT/tcg_mark" "$share/"
loads=${COSTSPLIT_LOADS:-pingpong messaging}
{
	echo "cd /mnt"
	echo "insmod ./wakeoff.ko ${COSTSPLIT_MODPARAMS:-} || exit 1"
	echo "cat /proc/kallsyms >results/kallsyms.txt"
	echo "w() { sed -n 's/^wakeups: //p' /sys/kernel/debug/wakeoff/summary; }"
	for wl in $loads; do
		case $wl in
		pingpong) args="pingpong $secs 1 1" ;;
		messaging) args="messaging $secs 2 5" ;;
		*) wo_die "unknown load $wl" ;;
		esac
		echo "w >results/$wl.w0; ./tcg_mark; ./wo_bench $args >results/$wl.bench 2>&1; ./tcg_mark; w >results/$wl.w1"
	done
} >"$share/guest.sh"
printf '#!/bin/sh\nexec %s -plugin %s,out=%s "$@"\n' "$qemu" "$OUT/tcg_insn.so" \
	"$share/results/insns.txt" >"$wrap/qemu-system-x86_64"
chmod +x "$wrap/qemu-system-x86_64"
PATH=$wrap:$PATH selftests/vm/qemu-run.sh "$rel" "$initrd" "$share" 900 4
r=$share/results
m=0
for wl in $loads; do
	w=$(($(cat "$r/$wl.w1") - $(cat "$r/$wl.w0")))
	python3 bench/costsplit.py --tcg --symmap "$symmap" --kallsyms "$r/kallsyms.txt" \
		--wakeups "$w" --idle "$r/insns.txt.$((m + 1))" "$r/kallsyms.txt" 0 \
		--title "$wl ($(grep '^wo_bench:' "$r/$wl.bench")), between two marks" \
		--json "$r/$wl.costsplit.json" "$r/insns.txt.$((m + 2))" >>"$res"
	m=$((m + 2))
done
cat "$res"
