# SPDX-License-Identifier: GPL-2.0
#
# tools.sh -- sourced by bench.sh and insn-ratios.sh (after
# selftests/vm/lib.sh, with OUT set): the tools the guest runs besides
# wakeoff, prepared once per host run.

# copy_dyn DIR BIN NAME [ARGS]: BIN (as NAME) and its shared libraries
# (ldd) into $OUT/DIR, run in the guest through the copied dynamic loader
# (the busybox initramfs has no libc); ARGS, if any, must make it exit 0
# here when run that way.
copy_dyn() {
	local d=$OUT/$1 bin=$2 name=$3 lib
	shift 3
	rm -rf "$d"
	mkdir -p "$d/lib"
	cp "$bin" "$d/$name"
	ldd "$bin" | awk '/=> \// { print $3 } /^\t\/.*ld-linux/ { print $1 }' |
		while read -r lib; do cp -L "$lib" "$d/lib/"; done
	[ -f "$d/lib/ld-linux-x86-64.so.2" ] || wo_die "$name: no dynamic loader found by ldd"
	[ $# -eq 0 ] || "$d/lib/ld-linux-x86-64.so.2" --library-path "$d/lib" "$d/$name" "$@" >/dev/null ||
		wo_die "$name does not run from $d"
}

# bench_tools: $OUT/perf (Debian's perf), $OUT/bpftrace (bpftrace and
# bench/wakeoff.bt) and $OUT/dyn (the clock loop against the shared
# libc, which wo_sum_uprobe hooks); the guest finds them under /mnt.
bench_tools() {
	local perf_bin
	wo_need_pkgs linux-perf bpftrace
	perf_bin=$(readlink -f "$(command -v perf)")
	file -L "$perf_bin" 2>/dev/null | grep -q ELF ||
		perf_bin=$(ls /usr/bin/perf_[0-9]* 2>/dev/null | sort -V | tail -n 1)
	[ -x "$perf_bin" ] || wo_die "no perf binary (linux-perf)"
	copy_dyn perf "$perf_bin" perf --version
	# bpftrace: LLVM, clang and libbcc, about 200 MB, read over 9p on demand.
	copy_dyn bpftrace "$(command -v bpftrace)" bpftrace --version
	cp bench/wakeoff.bt "$OUT/bpftrace/"
	copy_dyn dyn "$OUT/wo_bench_dyn" wo_bench_dyn clock_libc 0.01 0
}

# bench_reader: the reader command of wo_rec: BENCH_READER, else the
# CLI's record command once it has one, else cat of the events file.
bench_reader() {
	if [ -n "${BENCH_READER:-}" ]; then
		echo "$BENCH_READER"
	elif "$WO_BUILD/userspace/wakeoff" --help 2>&1 | grep -q '^ *record'; then
		echo '/mnt/wakeoff record -q -o /tmp/wo.rec'
	else
		echo 'cat /sys/kernel/debug/wakeoff/events >/tmp/wo.rec'
	fi
}
