// SPDX-License-Identifier: GPL-2.0
/*
 * wakeoff: scheduler wakeup latency tracer -- module entry and exit.
 *
 * Load order: files first (so the state is visible even while attaching),
 * then the probes.  Unload order, the reverse, matters for safety:
 * stop -> unregister probes -> tracepoint_synchronize_unregister() ->
 * remove the debugfs files (waits for open readers' in-flight calls) ->
 * free what the probes and files used.
 */
#include <linux/module.h>

#include "wakeoff.h"

static int __init wakeoff_init(void)
{
	int ret;

	ret = wo_debugfs_init();
	if (ret) {
		pr_err("wakeoff: cannot create debugfs files: %d\n", ret);
		return ret;
	}
	ret = wo_tracepoints_attach();
	if (ret)
		goto err_debugfs;
	pr_info("wakeoff: version %s loaded, record ABI %d.%d\n",
		WAKEOFF_VERSION, WAKEOFF_ABI_MAJOR, WAKEOFF_ABI_MINOR);
	return 0;

err_debugfs:
	wo_debugfs_exit();
	return ret;
}

static void __exit wakeoff_exit(void)
{
	WRITE_ONCE(wo_recording, false);
	wo_tracepoints_detach();
	wo_debugfs_exit();
	wo_filter_free();
	pr_info("wakeoff: unloaded\n");
}

module_init(wakeoff_init);
module_exit(wakeoff_exit);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("The wakeoff developers");
MODULE_DESCRIPTION("Scheduler wakeup latency and first-timekeeping-read tracer");
MODULE_VERSION(WAKEOFF_VERSION);
