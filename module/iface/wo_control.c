// SPDX-License-Identifier: GPL-2.0
/*
 * wakeoff: the control file's command language.
 *
 * One command per write(2); a trailing newline is allowed, anything else
 * that does not parse exactly is rejected with -EINVAL and a reason that
 * is kept for the next read of the control file (and logged, rate
 * limited).  Commands:
 *
 *   start | stop | reset
 *   run <id> [label]		(id < 2^64 - 1: WO_RUN_NONE is reserved)
 *   filter pid <pid> | filter tgid <tgid> | filter comm <name> |
 *   filter cgroup <path> | filter clear	(criteria AND; all on the woken task)
 *   uprobe add <path> <offset> <kind> [all] | uprobe clear  (wo_uprobes.c)
 *
 * stop closes every open correlation (outcome "flushed") so that the
 * counters conserve exactly once recording is off.
 *
 * Two files carry the language: debugfs wakeoff/control and, because
 * kernel lockdown refuses every debugfs file with a write bit, sysfs
 * /sys/kernel/wakeoff/control (wo_sysfs.c).  Both go through
 * wo_control_exec() and wo_control_state(): one mutex, one last error.
 */
#include <linux/cgroup.h>
#include <linux/ctype.h>
#include <linux/kernel.h>
#include <linux/mutex.h>
#include <linux/sched/clock.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "wakeoff.h"
#include "lib/wo_wakepath.h"
#include "lib/wo_agg.h"

/* Contexts and locking: at struct wo_state (wakeoff.h). */
struct wo_state wo_state = {
	.control_lock	= __MUTEX_INITIALIZER(wo_state.control_lock),
	.last_error	= "none",
};

static void wo_filter_put(struct wo_filter *f)
{
	if (f->cgrp)
		cgroup_put(f->cgrp);
	kfree(f);
}

/* After the grace period no probe can still compare against @cgrp. */
static void wo_filter_free_rcu(struct rcu_head *head)
{
	wo_filter_put(container_of(head, struct wo_filter, rcu));
}

/*
 * Publish a copy of @tmpl, or "match all" when @tmpl is NULL.  The copy
 * takes over @tmpl's cgroup reference, which is dropped on failure.
 */
int wo_filter_set(const struct wo_filter *tmpl)
{
	struct wo_filter *new = NULL, *old;

	lockdep_assert_held(&wo_state.control_lock);
	if (tmpl) {
		new = kmemdup(tmpl, sizeof(*tmpl), GFP_KERNEL);
		if (!new) {
			if (tmpl->cgrp)
				cgroup_put(tmpl->cgrp);
			return -ENOMEM;
		}
	}
	old = rcu_replace_pointer(wo_state.filter, new,
				  lockdep_is_held(&wo_state.control_lock));
	if (old)
		call_rcu(&old->rcu, wo_filter_free_rcu);
	return 0;
}

/*
 * Module exit only: no probe can be running any more.  rcu_barrier():
 * no wo_filter_free_rcu() may run once the module's text is gone.
 */
void wo_filter_free(void)
{
	struct wo_filter *f = rcu_replace_pointer(wo_state.filter, NULL, true);

	if (f)
		wo_filter_put(f);
	rcu_barrier();
}

/*
 * Stop and wait until every probe that might still run has returned
 * (tracepoint probes and kprobe handlers run with preemption disabled,
 * so synchronize_rcu() covers them all), then close what is open.
 */
void wo_stop_and_flush(void)
{
	lockdep_assert_held(&wo_state.control_lock);
	WRITE_ONCE(wo_state.recording, false);
	synchronize_rcu();
	wo_corr_flush();
}

/* Zero counters and buffers exactly, keeping the recording state. */
static void wo_counters_reset(void)
{
	bool was = READ_ONCE(wo_state.recording);

	lockdep_assert_held(&wo_state.control_lock);
	wo_stop_and_flush();
	wo_rings_reset();
	wo_agg_reset();
	wo_offcpu_reset_all();
	wo_wakepath_reset();
	wo_anom_reset();
	wo_stats_reset();
	WRITE_ONCE(wo_state.recording, was);
}

/* Split off the next blank-separated token; NULL at the end. */
char *wo_next_token(char **s)
{
	char *p = *s, *tok;

	while (*p == ' ' || *p == '\t')
		p++;
	if (!*p) {
		*s = p;
		return NULL;
	}
	tok = p;
	while (*p && *p != ' ' && *p != '\t')
		p++;
	if (*p)
		*p++ = '\0';
	*s = p;
	return tok;
}

/* "run <id> [label]": the label is the rest of the line, printable. */
static int wo_cmd_run(char *rest, const char **why)
{
	struct wakeoff_run rec = { };
	char *id = wo_next_token(&rest);
	const char *c;
	u64 v;

	lockdep_assert_held(&wo_state.control_lock);
	if (!id) {
		*why = "run needs an id";
		return -EINVAL;
	}
	if (kstrtou64(id, 10, &v)) {
		*why = "run id is not a decimal u64";
		return -EINVAL;
	}
	/* The summary's "no run" mark: its block would look free. */
	if (v == WO_RUN_NONE) {
		*why = "run id 18446744073709551615 is reserved";
		return -EINVAL;
	}
	rest = skip_spaces(rest);
	if (strlen(rest) >= WAKEOFF_LABEL_LEN) {
		*why = "run label longer than 63 bytes";
		return -EINVAL;
	}
	for (c = rest; *c; c++) {
		if (!isprint(*c)) {
			*why = "run label has a non-printable byte";
			return -EINVAL;
		}
	}
	/* The run's summary block exists before any record carries its id. */
	wo_agg_run_begin(v, rest);
	strscpy(wo_state.run_label, rest, sizeof(wo_state.run_label));
	WRITE_ONCE(wo_state.run_id, v);
	rec.run_id = v;
	rec.ts = local_clock();
	strscpy(rec.label, rest, sizeof(rec.label));
	preempt_disable();
	wo_ring_write(&rec.hdr, WAKEOFF_REC_RUN, sizeof(rec));
	preempt_enable();
	return 0;
}

static int wo_parse_pid(const char *tok, pid_t *out, const char **why)
{
	int v;

	if (!tok) {
		*why = "missing number";
		return -EINVAL;
	}
	if (kstrtoint(tok, 10, &v) || v <= 0) {
		*why = "not a positive decimal number";
		return -EINVAL;
	}
	*out = v;
	return 0;
}

static int wo_parse_comm(const char *arg, char *comm, const char **why)
{
	const char *c;

	if (!arg) {
		*why = "missing task name";
		return -EINVAL;
	}
	if (strlen(arg) >= TASK_COMM_LEN) {
		*why = "task name longer than 15 bytes";
		return -EINVAL;
	}
	for (c = arg; *c; c++) {
		if (!isprint(*c)) {
			*why = "task name has a non-printable byte";
			return -EINVAL;
		}
	}
	strscpy(comm, arg, TASK_COMM_LEN);
	return 0;
}

/*
 * A cgroup v2 path, relative to the cgroup2 root as the writer's cgroup
 * namespace sees it (the form of /proc/PID/cgroup's "0::/..." line), not
 * a path in the mounted file system.  Takes a reference into f->cgrp.
 */
static int wo_parse_cgroup(const char *arg, struct wo_filter *f,
			   const char **why)
{
	struct cgroup *cg;
	const char *c;

	if (!arg) {
		*why = "missing cgroup path";
		return -EINVAL;
	}
	if (arg[0] != '/') {
		*why = "cgroup path must start with / (the form of /proc/PID/cgroup)";
		return -EINVAL;
	}
	if (strlen(arg) >= sizeof(f->cgroup_path)) {
		*why = "cgroup path too long";
		return -EINVAL;
	}
	for (c = arg; *c; c++) {
		if (!isprint(*c)) {
			*why = "cgroup path has a non-printable byte";
			return -EINVAL;
		}
	}
	cg = cgroup_get_from_path(arg);
	if (IS_ERR(cg)) {
		if (PTR_ERR(cg) == -ENOTDIR) {
			*why = "cgroup path names a file, not a cgroup";
			return -EINVAL;
		}
		*why = "no such cgroup v2 (relative to the cgroup2 root; cgroup2 mounted?)";
		return -ENOENT;
	}
	f->cgrp = cg;
	strscpy(f->cgroup_path, arg, sizeof(f->cgroup_path));
	return 0;
}

/* One criterion @what = @arg into the zeroed @f. */
static int wo_parse_criterion(const char *what, const char *arg,
			      struct wo_filter *f, const char **why)
{
	if (!strcmp(what, "pid"))
		return wo_parse_pid(arg, &f->pid, why);
	if (!strcmp(what, "tgid"))
		return wo_parse_pid(arg, &f->tgid, why);
	if (!strcmp(what, "comm"))
		return wo_parse_comm(arg, f->comm, why);
	if (!strcmp(what, "cgroup"))
		return wo_parse_cgroup(arg, f, why);
	*why = "unknown filter (pid, tgid, comm, cgroup, clear)";
	return -EINVAL;
}

/*
 * Criteria combine (logical AND): what @f does not set comes from the
 * current filter, stable under the control mutex the caller holds.
 */
static void wo_filter_merge(struct wo_filter *f)
{
	const struct wo_filter *cur;

	lockdep_assert_held(&wo_state.control_lock);
	cur = rcu_dereference_protected(wo_state.filter,
					lockdep_is_held(&wo_state.control_lock));
	if (!cur)
		return;
	if (!f->pid)
		f->pid = cur->pid;
	if (!f->tgid)
		f->tgid = cur->tgid;
	if (!f->comm[0])
		memcpy(f->comm, cur->comm, sizeof(f->comm));
	if (!f->cgrp && cur->cgrp) {
		cgroup_get(cur->cgrp);
		f->cgrp = cur->cgrp;
		memcpy(f->cgroup_path, cur->cgroup_path, sizeof(f->cgroup_path));
	}
}

static int wo_cmd_filter(char **rest, const char **why)
{
	struct wo_filter f = { };
	char *what = wo_next_token(rest);
	char *arg;
	int ret;

	if (!what) {
		*why = "filter needs pid, tgid, comm, cgroup or clear";
		return -EINVAL;
	}
	if (!strcmp(what, "clear")) {
		if (wo_next_token(rest)) {
			*why = "filter clear takes no argument";
			return -EINVAL;
		}
		return wo_filter_set(NULL);
	}
	arg = wo_next_token(rest);
	/* Before parsing: a parsed cgroup holds a reference. */
	if (arg && wo_next_token(rest)) {
		*why = "trailing argument";
		return -EINVAL;
	}
	ret = wo_parse_criterion(what, arg, &f, why);
	if (ret)
		return ret;
	wo_filter_merge(&f);
	return wo_filter_set(&f);
}

/*
 * Parse and run one command.  @buf is NUL-terminated and writable.
 * Called with the control mutex held.
 */
static ssize_t wo_control_parse(char *buf, const char **why)
{
	char *rest = buf, *cmd;
	size_t len = strlen(buf);

	lockdep_assert_held(&wo_state.control_lock);
	if (len && buf[len - 1] == '\n')
		buf[--len] = '\0';
	if (strchr(buf, '\n')) {
		*why = "one command per write";
		return -EINVAL;
	}
	cmd = wo_next_token(&rest);
	if (!cmd) {
		*why = "empty command";
		return -EINVAL;
	}
	if (!strcmp(cmd, "filter"))
		return wo_cmd_filter(&rest, why);
	if (!strcmp(cmd, "run"))
		return wo_cmd_run(rest, why);
	if (!strcmp(cmd, "uprobe"))
		return wo_cmd_uprobe(&rest, why);

	if (wo_next_token(&rest)) {
		*why = "trailing argument";
		return -EINVAL;
	}
	if (!strcmp(cmd, "start")) {
		WRITE_ONCE(wo_state.recording, true);
	} else if (!strcmp(cmd, "stop")) {
		/* Nothing records: no process keeps paying for a breakpoint. */
		wo_stop_and_flush();
		wo_uprobes_clear();
	} else if (!strcmp(cmd, "reset")) {
		wo_counters_reset();
	} else {
		*why = "unknown command (start, stop, reset, run, filter, uprobe)";
		return -EINVAL;
	}
	return 0;
}

/*
 * The one entry point of both control files: @cmd holds @count bytes,
 * not necessarily NUL-terminated (a debugfs copy of the user buffer, or
 * sysfs's page).  Returns 0 or -errno; a rejection's reason becomes the
 * last error that both files show.
 */
int wo_control_exec(const char *cmd, size_t count)
{
	const char *why = "none";
	char *buf = NULL;
	int ret = -EINVAL;

	if (count == 0 || count > WO_CONTROL_MAX) {
		why = count ? "command too long" : "empty command";
		goto out_report;
	}
	buf = kmemdup_nul(cmd, count, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	/* A NUL would silently cut the command short. */
	if (strlen(buf) != count) {
		why = "NUL byte in command";
		goto out_report;
	}
	mutex_lock(&wo_state.control_lock);
	ret = wo_control_parse(buf, &why);
	mutex_unlock(&wo_state.control_lock);

out_report:
	kfree(buf);
	mutex_lock(&wo_state.control_lock);
	wo_state.last_error = ret ? why : "none";
	mutex_unlock(&wo_state.control_lock);
	if (ret)
		pr_info_ratelimited("control: rejected: %s\n", why);
	return ret;
}

/*
 * "filter: ...\nreader_excluded: ...\n" into @buf (for the summary and
 * both control files).  Returns the length, as scnprintf().
 */
int wo_filter_format(char *buf, size_t len)
{
	const struct wo_filter *f;
	pid_t reader = READ_ONCE(wo_state.reader_tgid);
	int n;

	rcu_read_lock();
	f = rcu_dereference(wo_state.filter);
	if (!f) {
		n = scnprintf(buf, len, "filter: none\n");
	} else {
		n = scnprintf(buf, len, "filter:");
		if (f->pid)
			n += scnprintf(buf + n, len - n, " pid=%d", f->pid);
		if (f->tgid)
			n += scnprintf(buf + n, len - n, " tgid=%d", f->tgid);
		if (f->comm[0])
			n += scnprintf(buf + n, len - n, " comm=%s", f->comm);
		if (f->cgrp)
			n += scnprintf(buf + n, len - n, " cgroup=%s",
				       f->cgroup_path);
		n += scnprintf(buf + n, len - n, "\n");
	}
	rcu_read_unlock();
	if (reader)
		n += scnprintf(buf + n, len - n, "reader_excluded: tgid=%d\n",
			       reader);
	else
		n += scnprintf(buf + n, len - n, "reader_excluded: none\n");
	return n;
}

/*
 * What reading either control file shows: the state, the filter, the
 * reason the last command was rejected and the commands.  Returns the
 * length, as scnprintf(); @len of a page is always enough.
 */
int wo_control_state(char *buf, size_t len)
{
	int n;

	mutex_lock(&wo_state.control_lock);
	n = scnprintf(buf, len, "state: %s\n",
		      READ_ONCE(wo_state.recording) ? "recording" : "stopped");
	n += wo_filter_format(buf + n, len - n);
	n += scnprintf(buf + n, len - n, "last_error: %s\nrun_id: %llu\n",
		       wo_state.last_error, READ_ONCE(wo_state.run_id));
	n += scnprintf(buf + n, len - n,
		       "commands: start | stop | reset | run <id> [label] | filter pid <pid> | filter tgid <tgid> | filter comm <name> | filter cgroup <path> | filter clear\n");
	mutex_unlock(&wo_state.control_lock);
	return n;
}
