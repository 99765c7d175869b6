/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * The summary's key names, one table for the module's printer and the
 * CLI's parser.  Fixed keys are string literals, so a printer writes
 * seq_printf(m, WAKEOFF_KEY_WAKEUPS ": %llu\n", n) and the output is the
 * same text as before.  Keys that carry a name or number (a CPU, a class,
 * a run) are listed as patterns in the README's notation: <x> one name,
 * {a,b} one of the words, * anything.
 *
 * WAKEOFF_SUMMARY_KEYS and WAKEOFF_SUMMARY_PATTERNS (array initializers)
 * are the whole list: the host test test_keys fails when README's key tables and this
 * list differ, or when a WAKEOFF_KEY_ define is missing from the list.
 */
#ifndef _UAPI_WAKEOFF_KEYS_H
#define _UAPI_WAKEOFF_KEYS_H

/* The first screen: health, the three numbers, latency. */
#define WAKEOFF_KEY_SUMMARY_FORMAT	"summary_format"
#define WAKEOFF_KEY_WAKEOFF_VERSION	"wakeoff_version"
#define WAKEOFF_KEY_STATE		"state"
#define WAKEOFF_KEY_WAKEUPS		"wakeups"
#define WAKEOFF_KEY_WAKEUPS_CLOSED	"wakeups_closed"
#define WAKEOFF_KEY_WAKEUPS_INFLIGHT	"wakeups_inflight"
#define WAKEOFF_KEY_UNTRACKED_FULL	"wakeups_untracked_table_full"
#define WAKEOFF_KEY_UNTRACKED_BUSY	"wakeups_untracked_busy"
#define WAKEOFF_KEY_COMPLETENESS	"completeness"
#define WAKEOFF_HEADLINE		"headline."
#define WAKEOFF_KEY_HL_WF_MIGRATED_PCT	WAKEOFF_HEADLINE "wf_migrated_pct"
#define WAKEOFF_KEY_HL_MEDIAN_TK_MIGRATED \
	WAKEOFF_HEADLINE "median_ttwu_to_tkread_ns.migrated"
#define WAKEOFF_KEY_HL_MEDIAN_TK_LOCAL \
	WAKEOFF_HEADLINE "median_ttwu_to_tkread_ns.local"
#define WAKEOFF_KEY_HL_OFFSET_CLOCK	WAKEOFF_HEADLINE "offset_clock"
#define WAKEOFF_KEY_HL_OFFSET_FUNCTION	WAKEOFF_HEADLINE "offset_function"
#define WAKEOFF_KEY_HL_OFFSET_MEDIAN	WAKEOFF_HEADLINE "offset_median_ns"
#define WAKEOFF_KEY_HL_OFFSET_SPREAD	WAKEOFF_HEADLINE "offset_spread_ns"
#define WAKEOFF_KEY_HL_OFFSET_P1_P99	WAKEOFF_HEADLINE "offset_p1_p99_ns"
#define WAKEOFF_KEY_HL_OFFSET_STABLE	WAKEOFF_HEADLINE "offset_stable"
/* An offset is called constant when its p99 - p1 spread is at most this. */
#define WAKEOFF_OFFSET_STABLE_NS	1000000
#define WAKEOFF_KEY_HL_OFFSET_RULE	WAKEOFF_HEADLINE "offset_stable_rule"

/* Configuration and state. */
#define WAKEOFF_KEY_RECORD_ABI		"record_abi"
#define WAKEOFF_KEY_KERNEL		"kernel"
#define WAKEOFF_KEY_CPUS_POSSIBLE	"cpus_possible"
#define WAKEOFF_KEY_CPUS_ONLINE		"cpus_online"
#define WAKEOFF_KEY_FILTER		"filter"
#define WAKEOFF_KEY_READER_EXCLUDED	"reader_excluded"
#define WAKEOFF_KEY_RUN_ID		"run_id"
#define WAKEOFF_KEY_RUN_LABEL		"run_label"
#define WAKEOFF_KEY_RQ_CLOCK		"rq_clock"
#define WAKEOFF_KEY_RQ_CLOCK_DETAIL	"rq_clock_detail"
#define WAKEOFF_KEY_RQ_OFFSETS		"rq_offsets"
#define WAKEOFF_KEY_CLOCKSOURCE		"clocksource"
#define WAKEOFF_KEY_VDSO_NOTE		"vdso_note"
#define WAKEOFF_KEY_TK_SOURCES		"tk_sources"
/* hooks.<function>.mechanism: ftrace, fprobe, kprobe, kretprobe or none. */
#define WAKEOFF_HOOKS_PREFIX		"hooks."
#define WAKEOFF_KEY_UPROBES_ATTACHED	"uprobes.attached"
#define WAKEOFF_KEY_UPROBES_SCOPE	"uprobes.scope"
#define WAKEOFF_KEY_WAKE_FLAGS_TABLE	"wake_flags_table"

/* Counters. */
#define WAKEOFF_KEY_WF_MIGRATED		"wf_migrated"
#define WAKEOFF_KEY_CLOSED_NO_TKREAD	"closed_without_tkread"
#define WAKEOFF_KEY_TK_SKIP_CPUTIME	"tk_skipped.cputime"
#define WAKEOFF_KEY_TK_SKIP_FDCLOCK	"tk_skipped.fdclock"
#define WAKEOFF_KEY_TK_SKIP_INVALID	"tk_skipped.invalid"
#define WAKEOFF_KEY_TK_SKIP_SLEPT	"tk_skipped.slept"
#define WAKEOFF_KEY_TK_SKIP_NO_ITEM	"tk_skipped.no_item"
#define WAKEOFF_KEY_CALLER_FLAGS_MISSED	"caller_flags_missed"
#define WAKEOFF_KEY_LOST_BUSY		"transitions_lost_busy"
#define WAKEOFF_KEY_WAKEUPS_RTLOCK	"wakeups_rtlock"
#define WAKEOFF_KEY_WAKEUPS_ON_RQ	"wakeups_on_rq"
#define WAKEOFF_KEY_WAKEUPS_ON_RQ_MOVED	"wakeups_on_rq_moved"
#define WAKEOFF_KEY_RECORDED		"records.recorded"
#define WAKEOFF_KEY_DROPPED_FULL	"records.dropped_full"
#define WAKEOFF_KEY_DROPPED_NESTED	"records.dropped_nested"

/* The aggregation. */
#define WAKEOFF_KEY_AGG_MEMORY		"agg.memory_bytes"
#define WAKEOFF_KEY_AGG_MEMORY_CPU	"agg.memory_bytes_per_cpu"
#define WAKEOFF_KEY_AGG_MEMORY_SHARED	"agg.memory_bytes_shared"
#define WAKEOFF_KEY_AGG_DROPPED_NESTED	"agg.dropped_nested"
#define WAKEOFF_KEY_AGG_HISTOGRAM	"agg.histogram"
#define WAKEOFF_KEY_AGG_NEGATIVE	"agg.negative_deltas"
#define WAKEOFF_KEY_SERIES_OVERFLOW	"offset.series_overflow"
#define WAKEOFF_KEY_STACKS_UNWOUND	"stacks.unwound"
#define WAKEOFF_KEY_STACKS_CACHED	"stacks.cached"
#define WAKEOFF_KEY_STACKS_COLLISIONS	"stacks.collisions"
#define WAKEOFF_KEY_RUNS_MAX		"runs.max"
#define WAKEOFF_KEY_RUNS_UNATTRIBUTED	"runs.unattributed"

/*
 * Wake path names by enum wakeoff_wake_path (uapi/wakeoff.h): the <path>
 * of the summary's wakepath.<path>.* keys and of the report's table.
 */
#define WAKEOFF_WAKE_PATH_NAMES {					\
	"none", "local", "remote", "wakelist_ipi", "idle_poll",	\
	"runnable", "other" }
#define WAKEOFF_WAKEPATH		"wakepath."
#define WAKEOFF_PREMIGRATE_WAIT		"premigrate.wakeup_to_migrate_ns"

/* Wake paths and the pre-migration wait (record ABI 1.5). */
#define WAKEOFF_KEY_WAKEPATH_NO_IPI_TP	"wakepath.idle_poll_tracepoint"
#define WAKEOFF_KEY_WAKEPATH_MEMORY	"wakepath.memory_bytes"
#define WAKEOFF_KEY_WAKEPATH_WF_CURRENT_CPU	"wakepath.wf_current_cpu"
#define WAKEOFF_KEY_WAKEPATH_WF_RQ_SELECTED	"wakepath.wf_rq_selected"
#define WAKEOFF_KEY_PREMIGRATE_COUNT	"premigrate.count"
#define WAKEOFF_KEY_PREMIGRATE_MOVES	"premigrate.migrations"
/* NUMA and priority-inheritance events (probes/wo_anomaly.c). */
#define WAKEOFF_ANOMALY			"anomaly."
#define WAKEOFF_KEY_ANOMALY_RECORDS	"anomaly.records"
#define WAKEOFF_KEY_ANOMALY_DROPPED	"anomaly.records_dropped"

#define WAKEOFF_SUMMARY_KEYS {						\
	WAKEOFF_KEY_SUMMARY_FORMAT,					\
	WAKEOFF_KEY_WAKEOFF_VERSION,					\
	WAKEOFF_KEY_STATE,						\
	WAKEOFF_KEY_WAKEUPS,						\
	WAKEOFF_KEY_WAKEUPS_CLOSED,					\
	WAKEOFF_KEY_WAKEUPS_INFLIGHT,					\
	WAKEOFF_KEY_UNTRACKED_FULL,					\
	WAKEOFF_KEY_UNTRACKED_BUSY,					\
	WAKEOFF_KEY_COMPLETENESS,					\
	WAKEOFF_KEY_HL_WF_MIGRATED_PCT,					\
	WAKEOFF_KEY_HL_MEDIAN_TK_MIGRATED,				\
	WAKEOFF_KEY_HL_MEDIAN_TK_LOCAL,					\
	WAKEOFF_KEY_HL_OFFSET_CLOCK,					\
	WAKEOFF_KEY_HL_OFFSET_FUNCTION,					\
	WAKEOFF_KEY_HL_OFFSET_MEDIAN,					\
	WAKEOFF_KEY_HL_OFFSET_SPREAD,					\
	WAKEOFF_KEY_HL_OFFSET_P1_P99,					\
	WAKEOFF_KEY_HL_OFFSET_STABLE,					\
	WAKEOFF_KEY_HL_OFFSET_RULE,					\
	WAKEOFF_KEY_RECORD_ABI,						\
	WAKEOFF_KEY_KERNEL,						\
	WAKEOFF_KEY_CPUS_POSSIBLE,					\
	WAKEOFF_KEY_CPUS_ONLINE,					\
	WAKEOFF_KEY_FILTER,						\
	WAKEOFF_KEY_READER_EXCLUDED,					\
	WAKEOFF_KEY_RUN_ID,						\
	WAKEOFF_KEY_RUN_LABEL,						\
	WAKEOFF_KEY_RQ_CLOCK,						\
	WAKEOFF_KEY_RQ_CLOCK_DETAIL,					\
	WAKEOFF_KEY_RQ_OFFSETS,						\
	WAKEOFF_KEY_CLOCKSOURCE,					\
	WAKEOFF_KEY_VDSO_NOTE,						\
	WAKEOFF_KEY_TK_SOURCES,						\
	WAKEOFF_KEY_UPROBES_ATTACHED,					\
	WAKEOFF_KEY_UPROBES_SCOPE,					\
	WAKEOFF_KEY_WAKE_FLAGS_TABLE,					\
	WAKEOFF_KEY_WF_MIGRATED,					\
	WAKEOFF_KEY_CLOSED_NO_TKREAD,					\
	WAKEOFF_KEY_TK_SKIP_CPUTIME,					\
	WAKEOFF_KEY_TK_SKIP_FDCLOCK,					\
	WAKEOFF_KEY_TK_SKIP_INVALID,					\
	WAKEOFF_KEY_TK_SKIP_SLEPT,					\
	WAKEOFF_KEY_TK_SKIP_NO_ITEM,					\
	WAKEOFF_KEY_CALLER_FLAGS_MISSED,				\
	WAKEOFF_KEY_LOST_BUSY,						\
	WAKEOFF_KEY_WAKEUPS_RTLOCK,					\
	WAKEOFF_KEY_WAKEUPS_ON_RQ,					\
	WAKEOFF_KEY_WAKEUPS_ON_RQ_MOVED,				\
	WAKEOFF_KEY_RECORDED,						\
	WAKEOFF_KEY_DROPPED_FULL,					\
	WAKEOFF_KEY_DROPPED_NESTED,					\
	WAKEOFF_KEY_AGG_MEMORY,						\
	WAKEOFF_KEY_AGG_MEMORY_CPU,					\
	WAKEOFF_KEY_AGG_MEMORY_SHARED,					\
	WAKEOFF_KEY_AGG_DROPPED_NESTED,					\
	WAKEOFF_KEY_AGG_HISTOGRAM,					\
	WAKEOFF_KEY_AGG_NEGATIVE,					\
	WAKEOFF_KEY_SERIES_OVERFLOW,					\
	WAKEOFF_KEY_STACKS_UNWOUND,					\
	WAKEOFF_KEY_STACKS_CACHED,					\
	WAKEOFF_KEY_STACKS_COLLISIONS,					\
	WAKEOFF_KEY_RUNS_MAX,						\
	WAKEOFF_KEY_RUNS_UNATTRIBUTED,					\
	"offcpu.memory_bytes",						\
	"offcpu.stamped",						\
	"offcpu.evicted",						\
	"offcpu.busy",							\
	"offcpu.taken",							\
	"offcpu.no_stamp",						\
	"offcpu.not_woken",						\
	"offcpu.rtlock",						\
	"offcpu.negative",						\
	WAKEOFF_KEY_WAKEPATH_NO_IPI_TP,					\
	WAKEOFF_KEY_WAKEPATH_MEMORY,					\
	WAKEOFF_KEY_WAKEPATH_WF_CURRENT_CPU,				\
	WAKEOFF_KEY_WAKEPATH_WF_RQ_SELECTED,				\
	WAKEOFF_KEY_PREMIGRATE_COUNT,					\
	WAKEOFF_KEY_PREMIGRATE_MOVES,					\
	WAKEOFF_KEY_ANOMALY_RECORDS,					\
	WAKEOFF_KEY_ANOMALY_DROPPED,					\
}

/* Keys that carry a name or a number, as the README writes them. */
#define WAKEOFF_SUMMARY_PATTERNS {					\
	"latency.<metric>",						\
	"hook.<tracepoint>",						\
	"kprobe.<function>",						\
	"tk_hook.<function>",						\
	"hooks.<function>.mechanism",					\
	"uprobe.<n>",							\
	"closed.<outcome>",						\
	"cpu<N>.wakeups",						\
	"cpu<N>.recorded",						\
	"cpu<N>.dropped",						\
	"events.<tracepoint>",						\
	"matched.<tracepoint>",						\
	"cpu<N>.<tracepoint>",						\
	"offset.<migrated|local>.<clock>.<function>."			\
		"{count,median_ns,min_ns,max_ns,spread_ns,neg_buckets,pos_buckets}", \
	"class.<all|migrated|local|other>.count",			\
	"class.<c>.<metric>.{count,p50,p90,p99,max}",			\
	"class.<c>.<metric>.buckets",					\
	"flags.0x<v>.name",						\
	"flags.0x<v>.count",						\
	"flags.0x<v>.<metric>.*",					\
	"target_cpu<N>.wakeups",					\
	"target_cpu<N>.median_wakeup_to_switch_ns",			\
	"prev_to_target.cpu<P>",					\
	"stacks.{enabled,clusters,capacity,overflow}",			\
	"stack.<rank>."							\
		"{id,count,wf_sync_pct,wf_migrated_pct,median_wakeup_to_switch_ns,frames}", \
	"run.<id>.{label,wakeups,wf_migrated_pct,tkreads}",		\
	"run.<id>.median_ttwu_to_tkread_ns.{migrated,local}",		\
	"run.<id>.offset.<clock>.<function>.{min_ns,spread_ns}",	\
	"offcpu.stacks.{enabled,clusters,capacity,overflow,unwound,cached}", \
	"offcpu.nostack.{count,total_ns}",				\
	"offcpu.{all,migrated,local}.{count,p50,p90,p99,max,total_ns}",	\
	"offcpu.state.{interruptible,uninterruptible,idle,other}."	\
		"{count,p50,p90,p99,max,total_ns}",			\
	"offcpu_stack.<rank>.{id,count,total_ns,frames}",		\
	"wakepath.<path>.count",					\
	"wakepath.<path>.waking_to_switch_ns.{count,p50,p90,p99,max}",	\
	"premigrate.wakeup_to_migrate_ns.{count,p50,p90,p99,max}",	\
	"anomaly.hook.<tracepoint>",					\
	"anomaly.<tracepoint>.{fair,rt,dl,other}",			\
}

#endif /* _UAPI_WAKEOFF_KEYS_H */
