#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# profile.sh [RELEASE] -- where wakeoff's time goes, for `make bench`'s
# findings: boot one kernel (default: the first of kernels.sh) under
# QEMU with the same share as bench.sh (run `make bench` or bench.sh
# first, or this builds what it needs) and, with wakeoff loaded, take a
# cpu-clock profile (TCG has no PMU) of the ping-pong, the messaging
# load and of the clock_gettime loop with perf record -a -g.  Reports go to
# build/bench/<release>/profile/results/.  PROFILE_MODPARAMS passes module
# parameters (e.g. stacks=0).  With wakeoff loaded, each profile is also
# written as perf script output and bench/costsplit.py charges its
# samples to wakeoff's stages (probe entry, correlation, aggregation,
# stack capture, ring write) per wakeup counted by the module meanwhile:
# build/bench/costsplit-<release>.txt (JSON per load in results/).
# PROFILE_SECS (5) is the length of each wakeoff profile.  Under TCG the
# cpu-clock samples cannot land in the probes (IRQs off): the split is
# empty there, use bench/costsplit-tcg.sh; PROFILE_EVENT=cycles where a
# PMU exists.
set -euo pipefail
. "$(dirname "$0")/../selftests/vm/lib.sh"
cd "$WO_ROOT"
OUT=$WO_BUILD/bench
rel=${1:-$(selftests/vm/kernels.sh | head -n 1)}
[ -d "$OUT/perf" ] || wo_die "run bench/bench.sh once first (it prepares perf for the guest)"
make -s -C bench >/dev/null
src=$OUT/$rel/src-profile
rm -rf "$src"
mkdir -p "$src"
cp -a Kbuild VERSION module "$src/"
make -s -C "/lib/modules/$rel/build" M="$src" modules >/dev/null
share=$OUT/$rel/profile
rm -rf "$share"
mkdir -p "$share/results"
cp "$src/module/wakeoff.ko" "$OUT/wo_bench" "$share/"
# Every text symbol of the module, with the source file it came from.
(cd "$src" && find module -name '*.o' ! -name '*.mod.o' ! -name wakeoff.o | while read -r o; do
	nm --defined-only "$o" | awk -v f="${o#module/}" '$2 ~ /^[tT]$/ { sub(/\.o$/, ".c", f); print $3, f }'
done) >"$share/results/symmap.txt"
cp -a "$OUT/perf" "$share/perf"
cat >"$share/guest.sh" <<EOF
cd /mnt
export HOME=/tmp
PERF="/mnt/perf/lib/ld-linux-x86-64.so.2 --library-path /mnt/perf/lib /mnt/perf/perf"
prof() {
	name=\$1; shift
	\$PERF record -q -a -g -e ${PROFILE_EVENT:-cpu-clock} -F 2000 -o /tmp/p.data -- ./wo_bench "\$@" >results/\$name.bench 2>&1
	\$PERF report -i /tmp/p.data --stdio --no-children --sort sym 2>/dev/null |
		grep -v '^\$' | head -n 400 >results/\$name.callers.txt
	\$PERF report -i /tmp/p.data --stdio --no-children --sort sym -g none 2>/dev/null |
		grep -E '^ +[0-9]' | head -n 60 >results/\$name.flat.txt
	if [ -d /sys/kernel/debug/wakeoff ]; then
		\$PERF script -i /tmp/p.data -F comm,cpu,period,ip,sym,dso 2>/dev/null |
			gzip -1 >results/\$name.script.gz
	fi
	rm -f /tmp/p.data
}
wakeups() { sed -n 's/^wakeups: //p' /sys/kernel/debug/wakeoff/summary; }
# wprof NAME ARGS...: prof, and the wakeups wakeoff counted meanwhile
wprof() {
	w0=\$(wakeups)
	prof "\$@"
	echo \$((\$(wakeups) - w0)) >results/\$1.wakeups
}
prof base-pingpong pingpong 3 1 1
prof base-clock clock 3 1
prof base-messaging messaging 3 2 5
insmod ./wakeoff.ko ${PROFILE_MODPARAMS:-} || exit 1
wprof wo-pingpong pingpong ${PROFILE_SECS:-5} 1 1
prof wo-clock clock 3 1
wprof wo-messaging messaging ${PROFILE_SECS:-5} 2 5
rmmod wakeoff
EOF
initrd_sig=$(cat selftests/vm/init selftests/vm/initramfs.sh | md5sum | cut -c1-12)
initrd=$WO_CACHE/initrd-$rel-$initrd_sig.gz
[ -f "$initrd" ] || selftests/vm/initramfs.sh "$rel" "$initrd"
selftests/vm/qemu-run.sh "$rel" "$initrd" "$share" 900 4
{
	echo "== wakeoff cost split: $rel, $(date -u +%F), profile of ${PROFILE_SECS:-5} s per load," \
		"perf record -a -g -e ${PROFILE_EVENT:-cpu-clock} -F 2000 in a 4-vCPU TCG guest${PROFILE_MODPARAMS:+, $PROFILE_MODPARAMS}"
	for wl in pingpong messaging; do
		r=$share/results/wo-$wl
		python3 bench/costsplit.py --symmap "$share/results/symmap.txt" \
			--wakeups "$(cat "$r.wakeups")" --title "$wl ($(cat "$r.bench"))" \
			--json "$r.costsplit.json" "$r.script.gz"
	done
} | tee "$OUT/costsplit-$rel.txt"
for f in "$share"/results/*.flat.txt; do
	echo "== $(basename "$f" .flat.txt): $(cat "${f%.flat.txt}.bench")"
	head -n 25 "$f"
done
