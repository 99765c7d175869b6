// SPDX-License-Identifier: GPL-2.0
/*
 * wakeoff: the optional sched_wake_idle_without_ipi tracepoint (since
 * 3.16; on 6.1 and 6.12 alike).  It fires on the waker's CPU when the
 * target CPU's idle task polls TIF_NEED_RESCHED and is woken by setting
 * the flag, with no IPI.  Without it every cross-CPU wakeup is counted
 * as wakelist_ipi or remote, and the summary says the tracepoint is
 * missing; nothing else depends on it.
 */
#include <linux/kernel.h>
#include <linux/string.h>
#include <linux/tracepoint.h>

#include "wakeoff.h"
#include "lib/wo_wakepath.h"

#define WO_TP_NO_IPI	"sched_wake_idle_without_ipi"

static struct tracepoint *wo_no_ipi_tp;
static bool wo_no_ipi_attached;

/* TP_PROTO(int cpu): the CPU that was not sent an IPI. */
static void wo_probe_no_ipi(void *data, int cpu)
{
	if (READ_ONCE(wo_state.recording))
		wo_corr_idle_no_ipi(cpu);
}

static void wo_no_ipi_lookup(struct tracepoint *tp, void *priv)
{
	if (!wo_no_ipi_tp && !strcmp(tp->name, WO_TP_NO_IPI))
		wo_no_ipi_tp = tp;
}

bool wo_wakepath_tp_attached(void)
{
	return wo_no_ipi_attached;
}

/* Never fails the load: the path degrades, and the summary says so. */
void wo_wakepath_tp_attach(void)
{
	int ret;

	for_each_kernel_tracepoint(wo_no_ipi_lookup, NULL);
	if (!wo_no_ipi_tp) {
		pr_info("tracepoint %s not found: idle_poll wake path not told apart\n",
			WO_TP_NO_IPI);
		return;
	}
	ret = tracepoint_probe_register(wo_no_ipi_tp, wo_probe_no_ipi, NULL);
	if (ret) {
		pr_info("cannot attach to %s (%d): idle_poll wake path not told apart\n",
			WO_TP_NO_IPI, ret);
		return;
	}
	wo_no_ipi_attached = true;
}

/* The caller runs tracepoint_synchronize_unregister() after this. */
void wo_wakepath_tp_detach(void)
{
	if (!wo_no_ipi_attached)
		return;
	WARN_ON_ONCE(tracepoint_probe_unregister(wo_no_ipi_tp, wo_probe_no_ipi,
						 NULL));
	wo_no_ipi_attached = false;
}
