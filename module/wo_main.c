// SPDX-License-Identifier: GPL-2.0
/*
 * wakeoff: scheduler wakeup latency tracer -- module entry and exit.
 *
 * Load, in the order that keeps a failing load invisible:
 *   1. BTF layout (optional), buffers, the correlation table and the
 *      summary tables: everything a probe touches exists first;
 *   2. the kprobes, whose tk_hooks list is parsed before anything is
 *      registered (a bad list fails the load with nothing attached or
 *      visible), then the tracepoints.  A probe may run as soon as it
 *      is attached, so recording is off until all are: each returns at
 *      once, and no wakeup is half-observed (seen at sched_waking before
 *      the sched_switch probe exists).  No reader exists yet, so no
 *      probe queues the reader-wakeup irq_work;
 *   3. recording on, and the correlation sweeper;
 *   4. the sysfs control file, /sys/kernel/wakeoff/control (the one
 *      kernel lockdown allows): everything its commands touch exists,
 *      and its removal on a failure waits for a command in progress;
 *   5. the debugfs files, last: no file can be opened on a module whose
 *      init then fails (the open file would outlive the module, which
 *      is freed whatever its references, and a reader blocked in read()
 *      would hang the removal of the files).
 * A failure unwinds in the reverse order.
 *
 * Unload, in the order that makes it safe under full load:
 *   0. remove the sysfs control file first: an open sysfs file holds no
 *      module reference, so a command may be running; removal waits for
 *      it and refuses later ones (a "start" cannot undo step 1);
 *   1. recording off (new probe calls return at once);
 *   2. remove the user clock hooks (uprobes: no breakpoint stays in any
 *      process; 6.12 waits once for all handlers), wait for the clock
 *      syscalls' queued return items (task_work, probes/wo_tk_sys.c),
 *      then unregister the kretprobes and the entry hooks (kprobes or
 *      ftrace_ops:
 *      unregister_kprobe() and unregister_ftrace_function() synchronize
 *      internally, and the ops' filter is freed after that);
 *   3. unregister tracepoints, tracepoint_synchronize_unregister():
 *      no probe body runs or will run after this; then stop the
 *      correlation sweeper (it closes records too);
 *   4. irq_work_sync() on every CPU's reader-wakeup work;
 *   5. remove the debugfs files (waits for in-flight file calls; an open
 *      file holds a module reference, so rmmod cannot even get here then);
 *   6. free buffers, the correlation table and the filter.
 */
#include <linux/module.h>
#include <linux/moduleparam.h>

#include "wakeoff.h"
#include "lib/wo_wakepath.h"
#include "compat/wo_arch.h"

unsigned int wo_bufsize_kb = 1024;
unsigned int wo_max_inflight = 4096;
unsigned int wo_tk_timeout_ms = 1000;
/*
 * Every hooked in-kernel function costs each of its callers a kretprobe
 * hit, tracked or not (the clock syscalls an ftrace trampoline and one
 * per-CPU load): the default is what user-space reads go through plus
 * the in-kernel wall-clock/boottime read.  The others (timespec64
 * variants, ktime_get()) stay available through tk_hooks;
 * docs/design-notes.md has the costs that decided it.
 */
#define WO_TK_DEFAULT WO_SYS("clock_gettime") "," WO_SYS("gettimeofday") \
	",ktime_get_with_offset"
char *wo_tk_hooks_param = WO_TK_DEFAULT;

/* Accepted ranges of the numeric parameters (MODULE_PARM_DESC below). */
#define WO_BUFSIZE_KB_MIN	4
#define WO_BUFSIZE_KB_MAX	65536
#define WO_INFLIGHT_MIN		64
#define WO_INFLIGHT_MAX		1048576
#define WO_TIMEOUT_MS_MAX	(3600 * MSEC_PER_SEC)
#define WO_RUNS_MAX		4096

static int wo_param_range(const char *val, const struct kernel_param *kp,
			  unsigned int min, unsigned int max)
{
	unsigned int v;
	int ret = kstrtouint(val, 0, &v);

	if (ret || v < min || v > max) {
		pr_err_ratelimited("%s must be a number in [%u, %u]\n",
				   kp->name, min, max);
		return -EINVAL;
	}
	*(unsigned int *)kp->arg = v;
	return 0;
}

static int wo_set_bufsize(const char *val, const struct kernel_param *kp)
{
	return wo_param_range(val, kp, WO_BUFSIZE_KB_MIN, WO_BUFSIZE_KB_MAX);
}

static int wo_set_inflight(const char *val, const struct kernel_param *kp)
{
	return wo_param_range(val, kp, WO_INFLIGHT_MIN, WO_INFLIGHT_MAX);
}

static int wo_set_timeout(const char *val, const struct kernel_param *kp)
{
	return wo_param_range(val, kp, 1, WO_TIMEOUT_MS_MAX);
}

static int wo_set_runs(const char *val, const struct kernel_param *kp)
{
	return wo_param_range(val, kp, 1, WO_RUNS_MAX);
}

/* Strict bool: exactly 0/1/y/n/Y/N (param_set_bool also takes "on"). */
static int wo_set_stacks(const char *val, const struct kernel_param *kp)
{
	bool v;

	if (!val || kstrtobool(val, &v) || strlen(val) > 2 ||
	    (strlen(val) == 2 && val[1] != '\n')) {
		pr_err_ratelimited("stacks must be 0 or 1\n");
		return -EINVAL;
	}
	WRITE_ONCE(*(bool *)kp->arg, v);
	return 0;
}

static const struct kernel_param_ops wo_runs_ops = {
	.set = wo_set_runs, .get = param_get_uint,
};

static const struct kernel_param_ops wo_stacks_ops = {
	.set = wo_set_stacks, .get = param_get_bool,
};

static const struct kernel_param_ops wo_bufsize_ops = {
	.set = wo_set_bufsize, .get = param_get_uint,
};

static const struct kernel_param_ops wo_inflight_ops = {
	.set = wo_set_inflight, .get = param_get_uint,
};

static const struct kernel_param_ops wo_timeout_ops = {
	.set = wo_set_timeout, .get = param_get_uint,
};

module_param_cb(bufsize_kb, &wo_bufsize_ops, &wo_bufsize_kb, 0444);
MODULE_PARM_DESC(bufsize_kb, "Record buffer per possible CPU, KiB, rounded up to a power of two (4..65536, default 1024)");
module_param_cb(max_inflight, &wo_inflight_ops, &wo_max_inflight, 0444);
MODULE_PARM_DESC(max_inflight, "Open wakeup correlations tracked at once (64..1048576, default 4096)");
module_param_cb(tk_timeout_ms, &wo_timeout_ops, &wo_tk_timeout_ms, 0644);
MODULE_PARM_DESC(tk_timeout_ms, "Close a correlation without a timekeeping read after this long (ms, default 1000)");
module_param_cb(max_runs, &wo_runs_ops, &wo_max_runs, 0444);
MODULE_PARM_DESC(max_runs, "Per-run summary blocks kept, the oldest recycled (1..4096, default 80: the idle-vs-load experiment's 40 idle + 40 load runs)");
module_param_cb(stacks, &wo_stacks_ops, &wo_stacks_enabled, 0644);
MODULE_PARM_DESC(stacks, "Capture and cluster the waker's kernel stack at each wakeup (0 or 1, default 1)");
module_param_named(tk_hooks, wo_tk_hooks_param, charp, 0444);
MODULE_PARM_DESC(tk_hooks, "Comma-separated timekeeping functions whose first call after a wakeup is recorded");

static int __init wakeoff_init(void)
{
	int ret;

	wo_btf_init();
	ret = wo_rings_alloc();
	if (ret)
		return ret;
	ret = wo_corr_alloc();
	if (ret)
		goto err_rings;
	ret = wo_agg_alloc();
	if (ret)
		goto err_corr;
	ret = wo_offcpu_init();
	if (ret)
		goto err_agg;
	ret = wo_wakepath_init();
	if (ret)
		goto err_offcpu;
	ret = wo_kprobes_attach();
	if (ret)
		goto err_wakepath;
	ret = wo_tracepoints_attach();
	if (ret)
		goto err_kprobes;
	wo_anom_attach();
	WRITE_ONCE(wo_state.recording, true);
	wo_corr_sweep_start();
	ret = wo_sysfs_init();
	if (ret) {
		pr_err("cannot create /sys/kernel/wakeoff: %d\n", ret);
		goto err_tracepoints;
	}
	ret = wo_debugfs_init();
	if (ret) {
		pr_err("cannot create debugfs files: %d\n", ret);
		goto err_sysfs;
	}
	pr_info("version %s loaded, record ABI %d.%d, rq clock %s\n",
		WAKEOFF_VERSION, WAKEOFF_ABI_MAJOR, WAKEOFF_ABI_MINOR,
		wo_rq.valid ? "available" : "unavailable");
	return 0;

err_sysfs:
	wo_sysfs_exit();
	/* Commands may have run through sysfs meanwhile (filter: below). */
	wo_uprobes_clear();
err_tracepoints:
	WRITE_ONCE(wo_state.recording, false);
	wo_anom_detach();	/* synchronized by wo_tracepoints_detach() */
	wo_tracepoints_detach();
	wo_corr_sweep_stop();
err_kprobes:
	wo_kprobes_detach();
err_wakepath:
	wo_wakepath_exit();
err_offcpu:
	wo_offcpu_exit();
err_agg:
	wo_agg_free();
err_corr:
	wo_corr_free();
err_rings:
	wo_rings_sync();
	wo_rings_free();
	wo_filter_free();
	return ret;
}

static void __exit wakeoff_exit(void)
{
	wo_sysfs_exit();
	WRITE_ONCE(wo_state.recording, false);
	wo_uprobes_clear();
	wo_kprobes_detach();
	wo_anom_detach();	/* synchronized by wo_tracepoints_detach() */
	wo_tracepoints_detach();
	wo_corr_sweep_stop();
	wo_rings_sync();
	wo_debugfs_exit();
	wo_wakepath_exit();
	wo_offcpu_exit();
	wo_agg_free();
	wo_corr_free();
	wo_rings_free();
	wo_filter_free();
	pr_info("unloaded\n");
}

module_init(wakeoff_init);
module_exit(wakeoff_exit);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("The wakeoff developers");
MODULE_DESCRIPTION("Scheduler wakeup latency and first-timekeeping-read tracer");
MODULE_VERSION(WAKEOFF_VERSION);
