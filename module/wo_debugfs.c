// SPDX-License-Identifier: GPL-2.0
/*
 * wakeoff: /sys/kernel/debug/wakeoff/ -- summary and control.
 *
 * Every file is root-only.  The summary is "key: value", one per line, so
 * that scripts can parse it; the format is documented in README.md.
 */
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/mutex.h>
#include <linux/seq_file.h>
#include <linux/uaccess.h>
#include <linux/utsname.h>

#include "wakeoff.h"

#define WO_CONTROL_MAX	256	/* longest accepted control command */

static struct dentry *wo_dir;
static DEFINE_MUTEX(wo_control_lock);
static const char *wo_last_error = "none";	/* static strings only */

static void wo_sum_stats(struct wo_cpu_stats *sum)
{
	int cpu, i;

	memset(sum, 0, sizeof(*sum));
	for_each_possible_cpu(cpu) {
		const struct wo_cpu_stats *s = per_cpu_ptr(&wo_stats, cpu);

		for (i = 0; i < WO_EV_NR; i++) {
			sum->seen[i] += READ_ONCE(s->seen[i]);
			sum->matched[i] += READ_ONCE(s->matched[i]);
		}
	}
}

static void wo_show_filter(struct seq_file *m)
{
	const struct wo_filter *f;

	rcu_read_lock();
	f = rcu_dereference(wo_filter);
	if (!f) {
		seq_puts(m, "filter: none\n");
	} else {
		seq_puts(m, "filter:");
		if (f->pid)
			seq_printf(m, " pid=%d", f->pid);
		if (f->tgid)
			seq_printf(m, " tgid=%d", f->tgid);
		if (f->comm[0])
			seq_printf(m, " comm=%s", f->comm);
		seq_putc(m, '\n');
	}
	rcu_read_unlock();
}

static int wo_summary_show(struct seq_file *m, void *v)
{
	struct wo_cpu_stats sum;
	int cpu, i;

	seq_printf(m, "wakeoff_version: %s\n", WAKEOFF_VERSION);
	seq_printf(m, "record_abi: %d.%d\n", WAKEOFF_ABI_MAJOR,
		   WAKEOFF_ABI_MINOR);
	seq_printf(m, "kernel: %s\n", init_utsname()->release);
	seq_printf(m, "state: %s\n",
		   READ_ONCE(wo_recording) ? "recording" : "stopped");
	seq_printf(m, "cpus_possible: %u\n", num_possible_cpus());
	seq_printf(m, "cpus_online: %u\n", num_online_cpus());
	wo_show_filter(m);
	for (i = 0; i < WO_EV_NR; i++)
		seq_printf(m, "hook.%s: %s\n", wo_event_names[i],
			   wo_tracepoint_attached(i) ? "attached" : "missing");

	wo_sum_stats(&sum);
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
DEFINE_SHOW_ATTRIBUTE(wo_summary);

static int wo_control_show(struct seq_file *m, void *v)
{
	mutex_lock(&wo_control_lock);
	seq_printf(m, "state: %s\n",
		   READ_ONCE(wo_recording) ? "recording" : "stopped");
	wo_show_filter(m);
	seq_printf(m, "last_error: %s\n", wo_last_error);
	seq_puts(m, "commands: start | stop | reset | filter pid <pid> | filter tgid <tgid> | filter comm <name> | filter clear\n");
	mutex_unlock(&wo_control_lock);
	return 0;
}

static int wo_control_open(struct inode *inode, struct file *file)
{
	return single_open(file, wo_control_show, inode->i_private);
}

static ssize_t wo_control_write(struct file *file, const char __user *ubuf,
				size_t count, loff_t *ppos)
{
	const char *why = "none";
	char *buf;
	ssize_t ret;

	if (count == 0 || count > WO_CONTROL_MAX) {
		why = count ? "command too long" : "empty command";
		ret = -EINVAL;
		goto out_report;
	}
	buf = memdup_user_nul(ubuf, count);
	if (IS_ERR(buf))
		return PTR_ERR(buf);
	if (strlen(buf) != count) {
		why = "NUL byte in command";
		ret = -EINVAL;
		goto out_free;
	}

	mutex_lock(&wo_control_lock);
	ret = wo_control_parse(buf, &why);
	mutex_unlock(&wo_control_lock);

out_free:
	kfree(buf);
out_report:
	mutex_lock(&wo_control_lock);
	wo_last_error = ret ? why : "none";
	mutex_unlock(&wo_control_lock);
	if (ret) {
		pr_info_ratelimited("wakeoff: control: rejected: %s\n", why);
		return ret;
	}
	return count;
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
	return 0;
}

void wo_debugfs_exit(void)
{
	debugfs_remove(wo_dir);
	wo_dir = NULL;
}
