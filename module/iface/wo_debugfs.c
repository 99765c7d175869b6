// SPDX-License-Identifier: GPL-2.0
/*
 * wakeoff: /sys/kernel/debug/wakeoff/ -- summary and control.
 *
 * Every file is root-only.  The summary is "key: value", one per line, so
 * that scripts can parse it; the format is documented in README.md.
 */
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/vmalloc.h>
#include <linux/mutex.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/utsname.h>

#include "wakeoff.h"
#include "lib/wo_wakepath.h"
#include "uapi/wakeoff_keys.h"

static struct dentry *wo_dir;

static const char * const wo_outcome_names[WAKEOFF_OUT_NR] = {
	[WAKEOFF_OUT_TKREAD]	= "tkread",
	[WAKEOFF_OUT_SLEPT]	= "slept",
	[WAKEOFF_OUT_EXITED]	= "exited",
	[WAKEOFF_OUT_TIMEOUT]	= "timeout",
	[WAKEOFF_OUT_REWOKEN]	= "rewoken",
	[WAKEOFF_OUT_FLUSHED]	= "flushed",
	[WAKEOFF_OUT_REPLACED]	= "replaced",
};

/*
 * The summary's layout version.  Keys are only ever added within one
 * format; a key that changes meaning or goes away bumps it (README).
 */
#define WO_SUMMARY_FORMAT	1

#define WO_CS_PATH "/sys/devices/system/clocksource/clocksource0/current_clocksource"

/*
 * The clocksource decides whether user clock_gettime() enters the kernel.
 * It is read from sysfs when the summary is opened: reading a sysfs
 * (seq_file) file from inside our own seq_file show would nest two
 * seq_file locks of one lock class.
 */
#define WO_CS_LEN	64

static void wo_read_clocksource(char *cs, size_t len)
{
	void *buf = NULL;
	ssize_t n;

	n = wo_read_file(WO_CS_PATH, len - 1, &buf);
	if (n > 0)
		strscpy(cs, buf, min_t(size_t, len, strcspn(buf, "\n") + 1));
	else
		strscpy(cs, "unknown", len);
	vfree(buf);
}

/* Clocksources the vDSO reads itself: user clock reads skip the kernel. */
static bool wo_vdso_clocksource(const char *cs)
{
	static const char * const vdso_cs[] = {
		"tsc", "kvm-clock", "arch_sys_counter",
		"hyperv_clocksource_tsc_page",
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(vdso_cs); i++)
		if (!strcmp(cs, vdso_cs[i]))
			return true;
	return false;
}

/*
 * Which first reads can be seen now: the sources with hooks attached,
 * and what stays invisible with this clocksource.
 */
static void wo_show_clocksource(struct seq_file *m, const char *cs)
{
	unsigned int user = wo_uprobes_nr();
	bool sys, kern, vdso = wo_vdso_clocksource(cs);

	wo_tk_sources(&sys, &kern);
	seq_printf(m, WAKEOFF_KEY_CLOCKSOURCE ": %s\n", cs);
	seq_printf(m, WAKEOFF_KEY_TK_SOURCES ":%s%s%s%s\n", user ? " user" : "",
		   sys ? " syscall" : "", kern ? " kernel" : "",
		   user || sys || kern ? "" : " none");
	if (!vdso)
		seq_printf(m, WAKEOFF_KEY_VDSO_NOTE ": %s has no vDSO mode: every user clock_gettime() is a system call and is seen%s\n",
			   cs, user ? " once, as the user read" : "");
	else if (!user)
		seq_printf(m, WAKEOFF_KEY_VDSO_NOTE ": %s: user clock_gettime() through the vDSO does not enter the kernel and is NOT seen; add user clock hooks (wakeoff uprobe libc --pid PID, or record --pid/--tgid); seen: system calls (CPU-time clocks always are), in-kernel reads\n",
			   cs);
	else
		seq_printf(m, WAKEOFF_KEY_VDSO_NOTE ": %s: user reads are seen through %u user clock hook%s; not seen: programs that call no hooked function (a static binary or another C library without its own hook, Go's time.Now, raw rdtsc)\n",
			   cs, user, user == 1 ? "" : "s");
}

/*
 * The first lines of the summary: is the recording complete, and its
 * counts.  Anything that makes the figures incomplete is named here.
 */
static void wo_show_health(struct seq_file *m, const struct wo_cpu_stats *sum)
{
	u64 closed = 0, untracked, dropped;
	int i;

	for (i = 0; i < WAKEOFF_OUT_NR; i++)
		closed += sum->closed[i];
	untracked = sum->untracked_full + sum->untracked_busy;
	dropped = sum->dropped_full + sum->dropped_nested;
	seq_printf(m, WAKEOFF_KEY_WAKEUPS ": %llu\n", sum->observed);
	seq_printf(m, WAKEOFF_KEY_WAKEUPS_CLOSED ": %llu\n", closed);
	seq_printf(m, WAKEOFF_KEY_WAKEUPS_INFLIGHT ": %llu\n", wo_corr_inflight());
	seq_printf(m, WAKEOFF_KEY_UNTRACKED_FULL ": %llu\n", sum->untracked_full);
	seq_printf(m, WAKEOFF_KEY_UNTRACKED_BUSY ": %llu\n", sum->untracked_busy);
	if (!untracked && !dropped && !sum->lost_busy) {
		seq_puts(m, WAKEOFF_KEY_COMPLETENESS ": complete\n");
		return;
	}
	seq_printf(m, WAKEOFF_KEY_COMPLETENESS ": incomplete: %llu wakeups untracked (table full %llu, slot busy %llu), %llu records dropped, %llu transitions lost\n",
		   untracked, sum->untracked_full, sum->untracked_busy,
		   dropped, sum->lost_busy);
}

/* The current run, copied under the control mutex that "run" writes it under. */
struct wo_run_snap {
	u64 id;
	char label[WAKEOFF_LABEL_LEN];
};

static void wo_show_correlation(struct seq_file *m,
				const struct wo_cpu_stats *sum, const char *cs,
				const struct wo_run_snap *run)
{
	u64 closed = 0;
	int i, cpu;

	seq_printf(m, WAKEOFF_KEY_RUN_ID ": %llu\n", run->id);
	seq_printf(m, WAKEOFF_KEY_RUN_LABEL ": %s\n", run->label[0] ? run->label : "-");
	seq_printf(m, WAKEOFF_KEY_RQ_CLOCK ": %s\n", wo_rq.valid ? "available" : "unavailable");
	seq_printf(m, WAKEOFF_KEY_RQ_CLOCK_DETAIL ": %s\n", wo_rq.why ? wo_rq.why : "not probed");
	if (wo_rq.valid)
		seq_printf(m, WAKEOFF_KEY_RQ_OFFSETS ": clock=%u cpu=%u nr_running=%u size=%u\n",
			   wo_rq.clock_off, wo_rq.cpu_off,
			   wo_rq.nr_running_off, wo_rq.size);
	wo_kprobes_show(m);
	wo_uprobes_show(m);
	wo_show_clocksource(m, cs);
	seq_puts(m, WAKEOFF_KEY_WAKE_FLAGS_TABLE ":");
	for (i = 0; wo_wake_flags[i].name; i++)
		seq_printf(m, " %s=0x%x", wo_wake_flags[i].name,
			   wo_wake_flags[i].value);
	seq_putc(m, '\n');

	for (i = 0; i < WAKEOFF_OUT_NR; i++)
		closed += sum->closed[i];
	seq_printf(m, WAKEOFF_KEY_WF_MIGRATED ": %llu\n", sum->migrated);
	for (i = 0; i < WAKEOFF_OUT_NR; i++)
		seq_printf(m, "closed.%s: %llu\n", wo_outcome_names[i],
			   sum->closed[i]);
	seq_printf(m, WAKEOFF_KEY_CLOSED_NO_TKREAD ": %llu\n",
		   closed - sum->closed[WAKEOFF_OUT_TKREAD]);
	seq_printf(m, WAKEOFF_KEY_CALLER_FLAGS_MISSED ": %llu\n", sum->caller_flags_missed);
	seq_printf(m, WAKEOFF_KEY_LOST_BUSY ": %llu\n", sum->lost_busy);
	seq_printf(m, WAKEOFF_KEY_TK_SKIP_CPUTIME ": %llu\n", sum->tk_skip[WO_TK_SKIP_CPUTIME]);
	seq_printf(m, WAKEOFF_KEY_TK_SKIP_FDCLOCK ": %llu\n", sum->tk_skip[WO_TK_SKIP_FD]);
	seq_printf(m, WAKEOFF_KEY_TK_SKIP_INVALID ": %llu\n", sum->tk_skip[WO_TK_SKIP_INVALID]);
	seq_printf(m, WAKEOFF_KEY_TK_SKIP_SLEPT ": %llu\n", sum->tk_skip[WO_TK_SKIP_SLEPT]);
	seq_printf(m, WAKEOFF_KEY_TK_SKIP_NO_ITEM ": %llu\n", sum->tk_skip[WO_TK_SKIP_NO_ITEM]);
	seq_printf(m, WAKEOFF_KEY_WAKEUPS_ON_RQ ": %llu\n", sum->on_rq);
	seq_printf(m, WAKEOFF_KEY_WAKEUPS_ON_RQ_MOVED ": %llu\n", sum->on_rq_moved);
	seq_printf(m, WAKEOFF_KEY_WAKEUPS_RTLOCK ": %llu\n", sum->rtlock);
	seq_printf(m, WAKEOFF_KEY_RECORDED ": %llu\n", sum->recorded);
	seq_printf(m, WAKEOFF_KEY_DROPPED_FULL ": %llu\n", sum->dropped_full);
	seq_printf(m, WAKEOFF_KEY_DROPPED_NESTED ": %llu\n", sum->dropped_nested);
	for_each_possible_cpu(cpu) {
		const struct wo_cpu_stats *s = per_cpu_ptr(&wo_stats, cpu);

		seq_printf(m, "cpu%d.wakeups: %llu\n", cpu, READ_ONCE(s->observed));
		seq_printf(m, "cpu%d.recorded: %llu\n", cpu, READ_ONCE(s->recorded));
		seq_printf(m, "cpu%d.dropped: %llu\n", cpu,
			   READ_ONCE(s->dropped_full) + READ_ONCE(s->dropped_nested));
	}
}

/* Longest filter and reader lines wo_filter_format() writes, with room. */
#define WO_FILTER_LINES	(128 + WO_CGROUP_PATH_LEN)

static void wo_show_filter(struct seq_file *m)
{
	char buf[WO_FILTER_LINES];

	wo_filter_format(buf, sizeof(buf));
	seq_puts(m, buf);
}

static int wo_summary_show(struct seq_file *m, void *v)
{
	struct wo_run_snap run;
	struct wo_cpu_stats sum;
	int cpu, i;

	/*
	 * "run" rewrites the label in place under the mutex: a label printed
	 * without it may be torn (half the old one, half the new one).
	 */
	mutex_lock(&wo_state.control_lock);
	run.id = wo_state.run_id;
	memcpy(run.label, wo_state.run_label, sizeof(run.label));
	mutex_unlock(&wo_state.control_lock);

	/* First screen: health and the three numbers (README, summary). */
	seq_printf(m, WAKEOFF_KEY_SUMMARY_FORMAT ": %d\n", WO_SUMMARY_FORMAT);
	seq_printf(m, WAKEOFF_KEY_WAKEOFF_VERSION ": %s\n", WAKEOFF_VERSION);
	seq_printf(m, WAKEOFF_KEY_STATE ": %s\n",
		   READ_ONCE(wo_state.recording) ? "recording" : "stopped");
	wo_stats_sum(&sum);
	wo_show_health(m, &sum);
	wo_agg_show_headline(m);

	seq_printf(m, WAKEOFF_KEY_RECORD_ABI ": %d.%d\n", WAKEOFF_ABI_MAJOR,
		   WAKEOFF_ABI_MINOR);
	seq_printf(m, WAKEOFF_KEY_KERNEL ": %s\n", init_utsname()->release);
	seq_printf(m, WAKEOFF_KEY_CPUS_POSSIBLE ": %u\n", num_possible_cpus());
	seq_printf(m, WAKEOFF_KEY_CPUS_ONLINE ": %u\n", num_online_cpus());
	wo_show_filter(m);
	for (i = 0; i < WO_EV_NR; i++)
		seq_printf(m, "hook.%s: %s\n", wo_event_names[i],
			   wo_tracepoint_attached(i) ? "attached" : "missing");

	wo_show_correlation(m, &sum, m->private, &run);
	/*
	 * A "run" or "reset" written meanwhile would move the run ring under
	 * the walk (a block printed twice: duplicate keys).
	 */
	mutex_lock(&wo_state.control_lock);
	wo_agg_show(m);
	mutex_unlock(&wo_state.control_lock);
	wo_offcpu_show(m);
	wo_wakepath_show(m);
	wo_anom_show(m);
	for (i = 0; i < WO_EV_NR; i++)
		seq_printf(m, "events.%s: %llu\n", wo_event_names[i],
			   sum.seen[i]);
	for (i = 0; i < WO_EV_NR; i++)
		seq_printf(m, "matched.%s: %llu\n", wo_event_names[i],
			   sum.matched[i]);
	for_each_possible_cpu(cpu) {
		const struct wo_cpu_stats *s = per_cpu_ptr(&wo_stats, cpu);

		for (i = 0; i < WO_EV_NR; i++)
			seq_printf(m, "cpu%d.%s: %llu\n", cpu,
				   wo_event_names[i], READ_ONCE(s->seen[i]));
	}
	return 0;
}

static int wo_summary_open(struct inode *inode, struct file *file)
{
	char *cs = kzalloc(WO_CS_LEN, GFP_KERNEL);
	int ret;

	if (!cs)
		return -ENOMEM;
	wo_read_clocksource(cs, WO_CS_LEN);
	ret = single_open(file, wo_summary_show, cs);
	if (ret)
		kfree(cs);
	return ret;
}

static int wo_summary_release(struct inode *inode, struct file *file)
{
	kfree(((struct seq_file *)file->private_data)->private);
	return single_release(inode, file);
}

static const struct file_operations wo_summary_fops = {
	.owner		= THIS_MODULE,
	.open		= wo_summary_open,
	.read		= seq_read,
	.llseek		= seq_lseek,
	.release	= wo_summary_release,
};

static int wo_stacks_show(struct seq_file *m, void *v)
{
	wo_stacks_show_all(m);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(wo_stacks);

static int wo_wake_flags_show(struct seq_file *m, void *v)
{
	int i;

	for (i = 0; wo_wake_flags[i].name; i++)
		seq_printf(m, "%s: 0x%x\n", wo_wake_flags[i].name,
			   wo_wake_flags[i].value);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(wo_wake_flags);

static int wo_tk_hooks_fshow(struct seq_file *m, void *v)
{
	wo_tk_hooks_show(m);
	return 0;
}

static int wo_tk_hooks_open(struct inode *inode, struct file *file)
{
	return single_open(file, wo_tk_hooks_fshow, NULL);
}

static const struct file_operations wo_tk_hooks_fops = {
	.owner		= THIS_MODULE,
	.open		= wo_tk_hooks_open,
	.read		= seq_read,
	.llseek		= seq_lseek,
	.release	= single_release,
};

static int wo_control_show(struct seq_file *m, void *v)
{
	char *page = (char *)__get_free_page(GFP_KERNEL);

	if (!page)
		return -ENOMEM;
	wo_control_state(page, PAGE_SIZE);
	seq_puts(m, page);
	free_page((unsigned long)page);
	return 0;
}

static int wo_control_open(struct inode *inode, struct file *file)
{
	return single_open(file, wo_control_show, inode->i_private);
}

static ssize_t wo_control_write(struct file *file, const char __user *ubuf,
				size_t count, loff_t *ppos)
{
	/* One byte more than accepted is enough to be rejected as too long. */
	size_t n = min_t(size_t, count, WO_CONTROL_MAX + 1);
	char *buf;
	int ret;

	buf = memdup_user(ubuf, n);
	if (IS_ERR(buf))
		return PTR_ERR(buf);
	ret = wo_control_exec(buf, n);
	kfree(buf);
	return ret ? ret : count;
}

static const struct file_operations wo_control_fops = {
	.owner		= THIS_MODULE,
	.open		= wo_control_open,
	.read		= seq_read,
	.llseek		= seq_lseek,
	.release	= single_release,
	.write		= wo_control_write,
};

int wo_debugfs_init(void)
{
	wo_dir = debugfs_create_dir("wakeoff", NULL);
	if (IS_ERR(wo_dir))
		return PTR_ERR(wo_dir);
	debugfs_create_file("summary", 0400, wo_dir, NULL, &wo_summary_fops);
	debugfs_create_file("control", 0600, wo_dir, NULL, &wo_control_fops);
	debugfs_create_file("events", 0400, wo_dir, NULL, &wo_events_fops);
	debugfs_create_file("wake_flags", 0400, wo_dir, NULL, &wo_wake_flags_fops);
	debugfs_create_file("tk_hooks", 0400, wo_dir, NULL, &wo_tk_hooks_fops);
	debugfs_create_file("stacks", 0400, wo_dir, NULL, &wo_stacks_fops);
	debugfs_create_file("offcpu_stacks", 0400, wo_dir, NULL,
			    &wo_offcpu_stacks_fops);
	return 0;
}

void wo_debugfs_exit(void)
{
	debugfs_remove(wo_dir);
	wo_dir = NULL;
}
