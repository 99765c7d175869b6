// SPDX-License-Identifier: GPL-2.0
/*
 * wakeoff: the running kernel's wake_flags, and how a wakeup's final
 * flags are put together from what the probes saw.
 */
#include <linux/seq_file.h>

#include "wakeoff.h"
#include "compat/wo_compat.h"

const struct wo_flag_name wo_wake_flags[] = {
	{ "WF_EXEC",		WF_EXEC_VAL },
	{ "WF_FORK",		WF_FORK_VAL },
	{ "WF_TTWU",		WF_TTWU_VAL },
	{ "WF_SYNC",		WF_SYNC_VAL },
	{ "WF_MIGRATED",	WF_MIGRATED_VAL },
#ifdef WF_ON_CPU_VAL
	{ "WF_ON_CPU",		WF_ON_CPU_VAL },
#endif
#ifdef WF_CURRENT_CPU_VAL
	{ "WF_CURRENT_CPU",	WF_CURRENT_CPU_VAL },
#endif
#ifdef WF_RQ_SELECTED_VAL
	{ "WF_RQ_SELECTED",	WF_RQ_SELECTED_VAL },
#endif
	{ NULL, 0 },
};

/*
 * final = the caller's flags (try_to_wake_up entry)
 *       | WF_MIGRATED when the task's CPU changed between sched_waking
 *         and sched_wakeup (exactly when try_to_wake_up sets it), except
 *         for a task still queued at sched_waking and never activated
 *         (WAKEOFF_V_ON_RQ): ttwu_runnable() sets no WF_MIGRATED, even
 *         when the load balancer moved the task in between
 *       | the flags ttwu_do_activate saw (it adds WF_RQ_SELECTED on
 *         6.12; on the IPI wake-list path it sees WF_MIGRATED only)
 *       | WF_TTWU on kernels that add it on entry (6.12).
 * A new task's first wakeup carries WF_FORK only.
 */
u32 wo_final_flags(const struct wakeoff_wakeup *rec)
{
	u32 f = rec->caller_flags;

	if (rec->valid & WAKEOFF_V_WAKEUP_NEW)
		return f;
	if ((rec->valid & WAKEOFF_V_WAKEUP) && !(rec->valid & WAKEOFF_V_ON_RQ) &&
	    rec->target_cpu != rec->prev_cpu)
		f |= WF_MIGRATED_VAL;
	if (rec->valid & WAKEOFF_V_ACTIVATE)
		f |= rec->activate_flags;
	return f | WO_TTWU_IN_FINAL;
}

/* "WF_SYNC|WF_MIGRATED", unknown bits as "|0x100", nothing as "0". */
void wo_flags_name(u32 flags, char *buf, size_t len)
{
	const struct wo_flag_name *f;
	const char *sep = "";
	size_t n = 0;

	buf[0] = '\0';
	if (!flags) {
		strscpy(buf, "0", len);
		return;
	}
	for (f = wo_wake_flags; f->name && n < len; f++) {
		if (flags & f->value) {
			n += scnprintf(buf + n, len - n, "%s%s", sep, f->name);
			flags &= ~f->value;
			sep = "|";
		}
	}
	if (flags && n < len)
		scnprintf(buf + n, len - n, "%s0x%x", sep, flags);
}
