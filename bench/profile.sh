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
# parameters (e.g. stacks=0).
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
cp -a "$OUT/perf" "$share/perf"
cat >"$share/guest.sh" <<EOF
cd /mnt
export HOME=/tmp
PERF="/mnt/perf/lib/ld-linux-x86-64.so.2 --library-path /mnt/perf/lib /mnt/perf/perf"
prof() {
	name=\$1; shift
	\$PERF record -q -a -g -e cpu-clock -F 2000 -o /tmp/p.data -- ./wo_bench "\$@" >results/\$name.bench 2>&1
	\$PERF report -i /tmp/p.data --stdio --no-children --sort sym 2>/dev/null |
		grep -v '^\$' | head -n 400 >results/\$name.callers.txt
	\$PERF report -i /tmp/p.data --stdio --no-children --sort sym -g none 2>/dev/null |
		grep -E '^ +[0-9]' | head -n 60 >results/\$name.flat.txt
	rm -f /tmp/p.data
}
prof base-pingpong pingpong 3 1 1
prof base-clock clock 3 1
prof base-messaging messaging 3 2 5
insmod ./wakeoff.ko ${PROFILE_MODPARAMS:-} || exit 1
prof wo-pingpong pingpong 3 1 1
prof wo-clock clock 3 1
prof wo-messaging messaging 3 2 5
rmmod wakeoff
EOF
initrd_sig=$(cat selftests/vm/init selftests/vm/initramfs.sh | md5sum | cut -c1-12)
initrd=$WO_CACHE/initrd-$rel-$initrd_sig.gz
[ -f "$initrd" ] || selftests/vm/initramfs.sh "$rel" "$initrd"
selftests/vm/qemu-run.sh "$rel" "$initrd" "$share" 900 4
for f in "$share"/results/*.flat.txt; do
	echo "== $(basename "$f" .flat.txt): $(cat "${f%.flat.txt}.bench")"
	head -n 25 "$f"
done
