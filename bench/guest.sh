# SPDX-License-Identifier: GPL-2.0
# Runs inside the bench VM (busybox sh) from the 9p share, started by
# vm/init.  bench.env (written by bench.sh) sets MODE, REPS, the
# durations and WO_READER.  Every measurement is one line of
# key=value pairs starting with "R " in results/raw.txt; bench.sh turns
# them into tables.  Nothing here judges a time.
cd /mnt || exit 1
. ./bench.env
mkdir -p results
OUT=/mnt/results/raw.txt
: >"$OUT"
WO=/sys/kernel/debug/wakeoff
T=/sys/kernel/tracing
PERF="/mnt/perf/lib/ld-linux-x86-64.so.2 --library-path /mnt/perf/lib /mnt/perf/perf"
# perf's configuration: the same four tracepoints, system-wide, to a file
PERF_REC="$PERF record -a -B -N -q -o /tmp/perf.data -e sched:sched_waking
	-e sched:sched_wakeup -e sched:sched_switch -e sched:sched_migrate_task"
BT="/mnt/bpftrace/lib/ld-linux-x86-64.so.2 --library-path /mnt/bpftrace/lib /mnt/bpftrace/bpftrace"
# wo_bench against the shared libc in /mnt/dyn/lib (clock_libc, idle)
DYN="/mnt/dyn/lib/ld-linux-x86-64.so.2 --library-path /mnt/dyn/lib /mnt/dyn/wo_bench_dyn"
export HOME=/tmp
EVENTS="sched_waking sched_wakeup sched_switch sched_migrate_task"

log() { echo "guest: $*"; }

# Module footprint: vmalloc'ed pages by wakeoff's allocators + module size.
footprint() {
	vm=$(awk '/\[wakeoff\]/ { for (i = 1; i <= NF; i++) if ($i ~ /^pages=/) { sub("pages=", "", $i); p += $i } } END { print p * 4096 + 0 }' /proc/vmallocinfo)
	mod=$(awk '$1 == "wakeoff" { print $2 }' /proc/modules)
	s=$(cat $WO/summary)
	agg=$(echo "$s" | sed -n 's/^agg.memory_bytes: //p')
	poss=$(echo "$s" | sed -n 's/^cpus_possible: //p')
	bufkb=$(cat /sys/module/wakeoff/parameters/bufsize_kb)
	echo "M cpus_possible=$poss nproc=$(nproc) bufsize_kb=$bufkb agg_memory_bytes=$agg vmalloc_bytes=$vm module_bytes=$mod" >>"$OUT"
	awk '/\[wakeoff\]/ { print "V", $2, $3, $4 }' /proc/vmallocinfo >>"$OUT"
}

if [ "$MODE" = mem ]; then
	insmod ./wakeoff.ko || exit 1
	footprint
	rmmod wakeoff
	exit 0
fi

# ---- per-configuration hooks -------------------------------------------
snap_wo() {
	s=$(cat $WO/summary)
	for k in wakeups events.sched_waking records.recorded records.dropped_full \
		records.dropped_nested wakeups_untracked_table_full wakeups_untracked_busy \
		stacks.unwound stacks.cached stacks.overflow; do
		v=$(echo "$s" | sed -n "s/^$k: //p")
		echo "${k}=${v:-0}"
	done
}

snap_ft() {
	o=0 d=0 e=0
	for f in $T/per_cpu/cpu*/stats; do
		o=$((o + $(sed -n 's/^overrun: //p' "$f")))
		d=$((d + $(sed -n 's/^dropped events: //p' "$f")))
		e=$((e + $(sed -n 's/^entries: //p' "$f")))
	done
	echo "ft_overrun=$o"
	echo "ft_dropped=$d"
}

# bpftrace's counters (bench/wakeoff.bt) now: SIGUSR1 makes it print
# every map; the output file is emptied first (opened O_APPEND) and read
# once it stopped growing.
snap_bt() {
	: >/tmp/bt.out
	kill -USR1 "$reader_pid"
	last=-1 i=0
	while [ $i -lt 100 ]; do
		sleep 0.2
		cur=$(stat -c %s /tmp/bt.out)
		[ "$cur" -gt 0 ] && [ "$cur" = "$last" ] && break
		last=$cur
		i=$((i + 1))
	done
	for k in wakeups closed tkreads ttwu_calls; do
		v=$(sed -n "s/^@$k: //p" /tmp/bt.out | tail -n 1)
		echo "bt_${k}=${v:-0}"
	done
}

# delta A B: "k=v" lines of B minus A, as " k=v" on one line.
delta() {
	echo "$2" | while IFS== read -r k v; do
		a=$(echo "$1" | sed -n "s/^$k=//p")
		printf ' %s=%s' "$k" $((v - ${a:-0}))
	done
}

# cmp_*: the same as wo_* with the module built from BENCH_COMPARE_REV
# (before/after a change, side by side in this one VM run).
ko() {
	case $1 in
	cmp_*) echo ./wakeoff-cmp.ko ;;
	*) echo ./wakeoff.ko ;;
	esac
}

# bt_start: bench/wakeoff.bt, its LLVM compile (minutes under TCG) done
# and every probe attached (its BEGIN prints) before any workload runs.
bt_start() {
	: >/tmp/bt.out
	$BT /mnt/bpftrace/wakeoff.bt >>/tmp/bt.out 2>/tmp/bt.err &
	reader_pid=$!
	t0=$(cut -d' ' -f1 /proc/uptime)
	while ! grep -q '^wakeoff.bt: attached' /tmp/bt.out; do
		if ! kill -0 "$reader_pid" 2>/dev/null; then
			log "bpftrace exited:"; cat /tmp/bt.err
			reader_pid=
			return 1
		fi
		sleep 1
	done
	log "bpftrace attached after $t0 -> $(cut -d' ' -f1 /proc/uptime) s uptime"
}

# wo_uprobe_start: summary-only wakeoff with its user clock hooks on the
# shared libc's clock_gettime, scoped to an idle process (the traced
# one); the clock loops run in other processes, outside the scope.
wo_uprobe_start() {
	insmod ./wakeoff.ko || return 1
	$DYN idle 100000 &
	idle_pid=$!
	sleep 0.5
	echo "filter tgid $idle_pid" >$WO/control || return 1
	/mnt/wakeoff uprobe libc --pid "$idle_pid" || return 1
	grep -q '^uprobes.attached: 1$' $WO/summary || { log "no uprobe attached"; return 1; }
}

# ft_noself PID: the events of the reader's own sleeps and wakeups
# filtered out.  trace_pipe wakes its reader on every event, and each
# wakeup of the reader is itself an event: traced, they feed a loop that
# runs as fast as the reader can read, load or no load.
ft_noself() {
	echo "prev_pid != $1 && next_pid != $1" >$T/events/sched/sched_switch/filter
	for e in sched_waking sched_wakeup sched_migrate_task; do
		echo "pid != $1" >$T/events/sched/$e/filter
	done
}

reader_pid=
idle_pid=
setup() {
	case $1 in
	base) ;;
	wo_rec|cmp_rec)
		insmod "$(ko "$1")" || return 1
		eval "$WO_READER &"
		reader_pid=$!
		sleep 0.3 ;;
	wo_sum|cmp_sum) insmod "$(ko "$1")" || return 1 ;;
	# wo_sum with kprobes instead of ftrace_ops for the entry hooks.
	wo_sum_kp) insmod ./wakeoff.ko entry_hooks=kprobe || return 1 ;;
	wo_sum_nostk|cmp_sum_nostk) insmod "$(ko "$1")" stacks=0 || return 1 ;;
	# The same as wo_sum but no blocking stacks: off-CPU stamping stays on,
	# so wo_sum minus this is what offcpu_stacks=1 adds.
	wo_sum_nooffstk) insmod ./wakeoff.ko offcpu_stacks=0 || return 1 ;;
	# Where the clock loop's cost comes from: no timekeeping hooks at all,
	# or only the two syscalls (one probe per clock_gettime, not two).
	wo_sum_notk) insmod ./wakeoff.ko tk_hooks= || return 1 ;;
	wo_sum_sys) insmod ./wakeoff.ko tk_hooks=__x64_sys_clock_gettime,__x64_sys_gettimeofday || return 1 ;;
	# The floor of any ftrace-based hook on the clock_gettime syscall:
	# the function tracer attached to it with tracing off (its callback
	# runs and returns).  No kprobe/kretprobe can cost less than this.
	hookfloor)
		echo __x64_sys_clock_gettime >$T/set_ftrace_filter
		echo 0 >$T/tracing_on
		echo function >$T/current_tracer ;;
	ftrace|ftrace_ns)
		echo 0 >$T/tracing_on
		echo >$T/trace
		for e in $EVENTS; do echo 1 >$T/events/sched/$e/enable; done
		echo 1 >$T/tracing_on
		cat $T/trace_pipe >/tmp/ft.txt &
		reader_pid=$!
		[ "$1" = ftrace ] || ft_noself "$reader_pid"
		sleep 0.3 ;;
	perf) ;;
	bpftrace) bt_start || return 1 ;;
	wo_sum_uprobe) wo_uprobe_start || return 1 ;;
	esac
}

teardown() {
	if [ "$1" = bpftrace ] && [ -n "$reader_pid" ]; then
		# SIGINT: it prints its maps and exits; keep the last block's
		# histograms.
		kill -INT "$reader_pid"
		wait "$reader_pid"
		reader_pid=
		cp /tmp/bt.out /mnt/results/bpftrace-maps.txt
	fi
	if [ -n "$idle_pid" ]; then
		kill "$idle_pid" 2>/dev/null
		wait "$idle_pid" 2>/dev/null
		idle_pid=
	fi
	if [ -n "$reader_pid" ]; then
		kill "$reader_pid" 2>/dev/null
		wait "$reader_pid" 2>/dev/null
		reader_pid=
	fi
	case $1 in
	wo_*|cmp_*) rmmod wakeoff || log "rmmod failed" ;;
	ftrace|ftrace_ns)
		for e in $EVENTS; do
			echo 0 >$T/events/sched/$e/enable
			echo 0 >$T/events/sched/$e/filter
		done
		echo >$T/trace ;;
	hookfloor)
		echo nop >$T/current_tracer
		echo >$T/set_ftrace_filter
		echo 1 >$T/tracing_on ;;
	esac
	rm -f /tmp/wo.rec /tmp/ft.txt /tmp/perf.data /tmp/perf.data.old /tmp/bt.out
}

# stable FILE: FILE stopped growing (0.2 s apart), at most 5 s.
stable() {
	last=-1 i=0
	while [ $i -lt 25 ]; do
		cur=$(stat -c %s "$1" 2>/dev/null || echo 0)
		[ "$cur" = "$last" ] && return 0
		last=$cur
		sleep 0.2
		i=$((i + 1))
	done
	log "$1 still growing after 5 s"
}

# Let a reader catch up with the previous workload's backlog first: on
# single-threaded TCG, a reader still writing on another vCPU would slow
# the next workload down and be charged to it.
settle() {
	case $1 in
	wo_rec|cmp_rec) stable /tmp/wo.rec ;;
	ftrace|ftrace_ns) stable /tmp/ft.txt ;;
	esac
}

# measure CFG REP WL ARGS...: one R line.
measure() {
	cfg=$1 rep=$2 wl=$3
	shift 3
	settle "$cfg"
	pre= post= extra=
	case $cfg in
	wo_*|cmp_*) pre=$(snap_wo) ;;
	ftrace|ftrace_ns) pre=$(snap_ft) ;;
	bpftrace) pre=$(snap_bt) ;;
	esac
	# clock_libc: the dynamic build, against the shared libc
	cmd=./wo_bench
	[ "$wl" = clock_libc ] && cmd=$DYN
	if [ "$cfg" = perf ]; then
		line=$($PERF_REC -- $cmd "$@" 2>/tmp/perf.err | grep '^wo_bench:')
		st=$($PERF report -i /tmp/perf.data --stats 2>/dev/null)
		lost=$(echo "$st" | awk '/^ *LOST events:/ { print $3; exit }')
		lsam=$(echo "$st" | awk '/^ *LOST_SAMPLES events:/ { print $3; exit }')
		samp=$(echo "$st" | awk '/^ *SAMPLE events:/ { print $3; exit }')
		extra=" perf_lost_records=${lost:-0} perf_lost_samples=${lsam:-0} perf_samples=${samp:-0} perf_bytes=$(stat -c %s /tmp/perf.data 2>/dev/null || echo 0)"
		[ -n "$line" ] || { log "perf run failed:"; cat /tmp/perf.err; }
		rm -f /tmp/perf.data
	else
		line=$($cmd "$@" | grep '^wo_bench:')
	fi
	case $cfg in
	wo_*|cmp_*) post=$(snap_wo); extra=$(delta "$pre" "$post")
		extra="$extra out_bytes=$(stat -c %s /tmp/wo.rec 2>/dev/null || echo 0)"
		[ -f /tmp/wo.rec ] && : >/tmp/wo.rec ;;
	ftrace|ftrace_ns) post=$(snap_ft); extra=$(delta "$pre" "$post")
		extra="$extra out_bytes=$(stat -c %s /tmp/ft.txt 2>/dev/null || echo 0)"
		: >/tmp/ft.txt ;;
	bpftrace) post=$(snap_bt); extra=$(delta "$pre" "$post") ;;
	esac
	echo "R rep=$rep seq=${seq:-0} cfg=$cfg wl=$wl ${line#wo_bench: }$extra" | tee -a "$OUT"
}

# wl_on WL: WL is among the workloads asked for (WORKLOADS, all if empty).
wl_on() {
	[ -z "${WORKLOADS:-}" ] && return 0
	case " $WORKLOADS " in *" $1 "*) return 0 ;; esac
	return 1
}

workloads() {
	# hookfloor and wo_sum_uprobe only say something about the clock loops.
	if [ "$1" != hookfloor ] && [ "$1" != wo_sum_uprobe ]; then
		wl_on pingpong && measure "$1" "$2" pingpong pingpong "$SECS" $PP_CPUS
		wl_on messaging && measure "$1" "$2" messaging messaging "$SECS" $MSG_GROUPS $MSG_FDS
	fi
	wl_on clock && measure "$1" "$2" clock clock "$SECS" $CLK_CPU
	wl_on clock_libc && measure "$1" "$2" clock_libc clock_libc "$SECS" $CLK_CPU
	return 0
}

# drain CFG: ftrace's reader has emptied the ring buffer (all but a few
# events: its own wakeups while it catches up are traced too, so the
# output never stops growing; and tracing_on=0 would make trace_pipe
# return EOF, ending the reader).
drain() {
	case $1 in ftrace|ftrace_ns) ;; *) return 0 ;; esac
	i=0
	while [ $i -lt 50 ]; do
		e=0
		for f in $T/per_cpu/cpu*/stats; do
			e=$((e + $(sed -n 's/^entries: //p' "$f")))
		done
		[ $e -lt 64 ] && return 0
		sleep 0.1
		i=$((i + 1))
	done
	log "drain: $e trace entries left after 5 s"
}

# insn_reader_start CFG / insn_reader_stop CFG (MODE=insn): wo_rec's
# reader and perf run from just before a window's first mark and are
# stopped with SIGINT inside it (each drains what is left, writes it and
# exits), so every event of the load is read, and charged, before the
# window closes; their start-up is outside.  Their exit is a cost per
# recording, not per wakeup, and grows with what the load left (a record
# file's trailer formats the summary and every stack cluster): after
# each load window the reader runs once more with no load, a `fixed.WL`
# window, which insn_ratios.py subtracts from WL's.
insn_reader_start() {
	case $1 in
	wo_rec)
		[ -n "$reader_pid" ] && return 0
		eval "$WO_READER &"
		reader_pid=$!
		sleep 0.5 ;;
	perf)
		# Started with its events off; "enable" on its control fifo,
		# acknowledged once they are on (its start-up, minutes under
		# the plugin, stays outside the window).
		rm -f /tmp/perf.ctl /tmp/perf.ack
		mkfifo /tmp/perf.ctl /tmp/perf.ack
		$PERF_REC -D -1 --control fifo:/tmp/perf.ctl,/tmp/perf.ack 2>/tmp/perf.err &
		reader_pid=$!
		if ! timeout 600 sh -c 'echo enable >/tmp/perf.ctl && read -r a </tmp/perf.ack &&
			[ "$a" = ack ]'; then
			log "perf did not start:"
			cat /tmp/perf.err
			return 1
		fi ;;
	esac
	return 0
}

insn_reader_stop() {
	case $1 in wo_rec|perf) ;; *) return 0 ;; esac
	kill -INT "$reader_pid"
	wait "$reader_pid" || log "$1 reader exit status $?"
	reader_pid=
}

# insn_out CFG: what the configuration's reader wrote in the window
# (bytes), emptied for the next one.
insn_out() {
	f=
	case $1 in
	wo_rec) f=/tmp/wo.rec ;;
	perf) f=/tmp/perf.data ;;
	ftrace|ftrace_ns) f=/tmp/ft.txt ;;
	esac
	[ -n "$f" ] || { echo 0; return; }
	stat -c %s "$f" 2>/dev/null || echo 0
	# ftrace's cat still writes to it: emptied, not removed
	case $1 in ftrace|ftrace_ns) : >"$f" ;; *) rm -f "$f" ;; esac
}

# insn_fixed CFG WL: the reader's fixed.WL window, no load (see above).
insn_fixed() {
	insn_reader_start "$1" || exit 1
	t0=$(cut -d' ' -f1 /proc/uptime)
	./tcg_mark
	sleep "$SECS"
	insn_reader_stop "$1"
	./tcg_mark
	t1=$(cut -d' ' -f1 /proc/uptime)
	m=$((m + 2))
	echo "N cfg=$1 wl=fixed.$2 mark=$m win_secs=$(awk "BEGIN { print $t1 - $t0 }")" \
		"workload=idle ops=0 out_bytes=$(insn_out "$1")" | tee -a "$OUT"
}

# MODE=insn (bench/insn-ratios.sh): each configuration's workloads once,
# each between two bench/tcg_mark runs (the TCG plugin snapshots its
# instruction counts there).  A reader's catch-up (drain, or its stop) is
# inside the window: the events it reads are the load's cost.
if [ "$MODE" = insn ]; then
	m=0
	for c in $CONFIGS; do
		setup "$c" || { log "setup $c failed"; exit 1; }
		# symbols by configuration (the module's move with each insmod)
		cat /proc/kallsyms >results/kallsyms-$c.txt
		for wl in $WORKLOADS; do
			[ "$c" = hookfloor ] && [ "$wl" != clock ] && continue
			# idle: base's is the idle system; a reader's is its
			# start-up-free fixed cost (stop and exit, a summary
			# and the stacks read into a record file's trailer)
			[ "$wl" = idle ] && [ "$c" != base ] && continue
			case $wl in
			pingpong) args="pingpong $SECS $PP_CPUS" ;;
			messaging) args="messaging $SECS $MSG_GROUPS $MSG_FDS" ;;
			clock) args="clock $SECS $CLK_CPU" ;;
			idle) args= ;;
			esac
			drain "$c"
			insn_reader_start "$c" || exit 1
			t0=$(cut -d' ' -f1 /proc/uptime)
			./tcg_mark
			if [ -n "$args" ]; then line=$(./wo_bench $args | grep '^wo_bench:'); else sleep "$SECS"; line="workload=idle ops=0"; fi
			insn_reader_stop "$c"
			drain "$c"
			./tcg_mark
			t1=$(cut -d' ' -f1 /proc/uptime)
			m=$((m + 2))
			[ -n "$line" ] || { log "$c $wl: no result line"; exit 1; }
			echo "N cfg=$c wl=$wl mark=$m win_secs=$(awk "BEGIN { print $t1 - $t0 }")" \
				"${line#wo_bench: } out_bytes=$(insn_out "$c")" | tee -a "$OUT"
			case $c in wo_rec|perf) [ "$wl" != idle ] && insn_fixed "$c" "$wl" ;; esac
		done
		teardown "$c"
	done
	exit 0
fi

log "$(uname -r), $(nproc) CPUs, clocksource $(cat /sys/devices/system/clocksource/clocksource0/current_clocksource)"
echo "I kernel=$(uname -r) nproc=$(nproc) clocksource=$(cat /sys/devices/system/clocksource/clocksource0/current_clocksource) reps=$REPS secs=$SECS reader=$(echo "$WO_READER" | tr ' =' '_:')" >>"$OUT"
$PERF --version >>/mnt/results/perf-version.txt 2>&1 || log "perf does not run"
case " $CONFIGS " in *" bpftrace "*)
	$BT --version >/mnt/results/bpftrace-version.txt 2>&1 || log "bpftrace does not run" ;;
esac

# Memory footprint with the default parameters, and the loaded module's view.
insmod ./wakeoff.ko || exit 1
footprint
cat $WO/summary >/mnt/results/summary-at-load.txt
rmmod wakeoff

# ---- main loop ----------------------------------------------------------
# Every configuration block is framed by baseline blocks (B C1 B C2 B ...),
# the order of the configurations rotated every repetition: each one is
# compared with the baselines measured just before and just after it, so
# slow drifts of the host (other VMs on the same cores) cancel out.
set -- $CONFIGS
n=$#
seq=0
block() {
	seq=$((seq + 1))
	setup "$1" || { log "setup $1 failed"; exit 1; }
	workloads "$1" "$2"
	teardown "$1"
}
rep=1
while [ $rep -le "$REPS" ]; do
	order=
	k=0
	for c in $CONFIGS; do
		# rotated by rep - 1: each configuration takes every position
		idx=$(( (k + rep - 1) % n ))
		order="$order $(echo $CONFIGS | cut -d' ' -f$((idx + 1)))"
		k=$((k + 1))
	done
	log "rep $rep: $order"
	block base "$rep"
	for c in $order; do
		[ "$c" = base ] && continue
		block "$c" "$rep"
		block base "$rep"
	done
	rep=$((rep + 1))
done

# ---- highest event rate without drops, reader attached, default buffer --
setup wo_rec || exit 1
for rate in $RATES; do
	measure wo_rec rate pingpong_rate pingpong "$RATE_SECS" $PP_CPUS "$rate"
	sed -i '$ s/$/ rate='"$rate"'/' "$OUT"
done
# More at once: three unpaced pairs on three CPUs, and the messaging load.
measure wo_rec rate pingpong_3pairs pingpong "$RATE_SECS" 0 0 0 3
measure wo_rec rate messaging_rate messaging "$RATE_SECS" $MSG_GROUPS $MSG_FDS
teardown wo_rec

lsmod | grep -q '^wakeoff ' && { log "wakeoff still loaded"; rmmod wakeoff; }
log "done; tainted=$(cat /proc/sys/kernel/tainted)"
exit 0
