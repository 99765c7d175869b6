/* SPDX-License-Identifier: GPL-2.0 */
/*
 * wakeoff: module-internal declarations shared by the module's files.
 */
#ifndef _WAKEOFF_INTERNAL_H
#define _WAKEOFF_INTERNAL_H

#include <linux/types.h>
#include <linux/percpu.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>

#include "uapi/wakeoff.h"

#define WAKEOFF_VERSION "0.1.0"

/* Scheduler tracepoints wakeoff attaches to; index into wo_tp_table. */
enum wo_event {
	WO_EV_WAKING,
	WO_EV_WAKEUP,
	WO_EV_WAKEUP_NEW,
	WO_EV_SWITCH,
	WO_EV_MIGRATE,
	WO_EV_NR,
};

/* Per-CPU event counters, written only by probes on their own CPU. */
struct wo_cpu_stats {
	u64 seen[WO_EV_NR];	/* every event the probe observed */
	u64 matched[WO_EV_NR];	/* events whose task passed the filter */
};

DECLARE_PER_CPU(struct wo_cpu_stats, wo_stats);

/*
 * Task filter.  Replaced as a whole under RCU so a probe never sees a
 * half-written filter; a NULL pointer means "match every task".
 */
struct wo_filter {
	pid_t pid;		/* 0: any */
	pid_t tgid;		/* 0: any */
	char comm[TASK_COMM_LEN];	/* "": any */
	struct rcu_head rcu;
};

extern struct wo_filter __rcu *wo_filter;
extern bool wo_recording;

/* wo_tracepoints.c */
extern const char * const wo_event_names[WO_EV_NR];
int wo_tracepoints_attach(void);
void wo_tracepoints_detach(void);
bool wo_tracepoint_attached(enum wo_event ev);

/* wo_control.c */
int wo_filter_set(const struct wo_filter *tmpl);
void wo_filter_free(void);
ssize_t wo_control_parse(char *buf, const char **why);

/* wo_debugfs.c */
int wo_debugfs_init(void);
void wo_debugfs_exit(void);

#endif /* _WAKEOFF_INTERNAL_H */
