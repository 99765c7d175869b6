// SPDX-License-Identifier: GPL-2.0
/*
 * wakeoff: user clock hooks -- uprobes on the C library's clock functions.
 *
 * With a vDSO clocksource (tsc, kvm-clock) an application's
 * clock_gettime() never enters the kernel, so the syscall kretprobes see
 * nothing.  "uprobe add <path> <offset> <kind> [all]" puts a uprobe and
 * a uretprobe on a clock function of an ELF file (the CLI resolves the
 * symbol to a file offset): the entry handler marks the woken task's
 * correlation as inside an outer user read and keeps the user pointer;
 * the return handler reads the value the function stored and records it
 * with tk_source "user".  A syscall fallback under it (hpet, vdso=0)
 * nests and counts once, as the user read.
 *
 * Scope: the consumer's filter decides which processes get breakpoints.
 * It is fixed when the first hook is added, from the control filter:
 * "tgid N" (that process), "pid N" (the process of that thread), or,
 * only when asked with "all", every process mapping the file.  Without
 * a pid or tgid filter and without "all" the command is refused: a
 * breakpoint in every process that calls clock_gettime() costs each of
 * them microseconds per call.  The filter finds the process by its
 * global pid under RCU and compares mm pointers (it runs in process
 * context with the mmap lock held, at registration and at each mmap of
 * the file, so it must not take task or mm locks); a process that execs
 * keeps its tgid, and the new image gets the breakpoints when it maps
 * the file.  The handlers re-check the control filter
 * (wo_task_matches()); a hit in a process outside the scope (another
 * consumer's breakpoint) asks uprobes to remove ours there.
 *
 * Each hook holds a reference on its file's path (so the file system
 * cannot be unmounted under it).  Hooks are removed together: "uprobe
 * clear" and module exit (after recording is off, before the
 * tracepoints go).  Each hook's record index (tk_func) is
 * wo_tk_kernel_nr() + its slot; the tk_hooks file lists it as
 * "<index> <path>:<kind> attached|missing", the summary's per-function
 * keys as "uprobe<slot>_<kind>", and a cleared slot keeps its names
 * until a new hook takes it.
 */
#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/mm_types.h>
#include <linux/mutex.h>
#include <linux/namei.h>
#include <linux/pid.h>
#include <linux/ptrace.h>
#include <linux/sched/signal.h>
#include <linux/seq_file.h>
#include <linux/string.h>
#include <linux/time64.h>
#include <linux/uaccess.h>

#include "wakeoff.h"
#include "compat/wo_arch.h"
#include "uapi/wakeoff_keys.h"
#include "lib/wo_clock.h"
#include "compat/wo_uprobe_compat.h"

#define WO_UP_NAME	192	/* "<path>:<kind>" */

enum wo_up_kind {
	WO_UP_CLOCK_GETTIME,	/* int (clockid_t, struct timespec *) */
	WO_UP_GETTIMEOFDAY,	/* int (struct timeval *, void *) */
	WO_UP_TIME,		/* time_t (time_t *) */
	WO_UP_KINDS,
};

static const char * const wo_up_kind_names[WO_UP_KINDS] = {
	"clock_gettime", "gettimeofday", "time",
};

enum wo_up_scope_type { WO_UP_NONE, WO_UP_TGID, WO_UP_PID, WO_UP_ALL };

struct wo_up_hook {
	struct uprobe_consumer uc;
	struct wo_uprobe_ref ref;
	struct path path;	/* pins the inode and its mount (no umount) */
	enum wo_up_kind kind;
	unsigned int index;	/* the record's tk_func */
	bool attached;
	char name[WO_UP_NAME];	/* tk_hooks: "<path>:<kind>" */
	char key[32];		/* summary keys: "uprobe<slot>_<kind>" */
};

static DEFINE_MUTEX(wo_up_lock);	/* hooks and scope: add, clear, show */
static struct wo_up_hook wo_up[WO_UP_MAX];
static unsigned int wo_up_nr;		/* slots in use since the last clear */
static unsigned int wo_up_named;	/* slots with a name */
static int wo_up_scope_type = WO_UP_NONE;
static pid_t wo_up_scope_id;

/* The filter's context: process, mmap lock held; RCU only. */
bool wo_uprobe_mm_wanted(struct uprobe_consumer *uc, struct mm_struct *mm)
{
	int type = READ_ONCE(wo_up_scope_type);
	struct task_struct *p, *t;
	bool found = false;

	if (type == WO_UP_ALL)
		return true;
	if (type != WO_UP_TGID && type != WO_UP_PID)
		return false;
	rcu_read_lock();
	p = pid_task(find_pid_ns(READ_ONCE(wo_up_scope_id), &init_pid_ns),
		     type == WO_UP_TGID ? PIDTYPE_TGID : PIDTYPE_PID);
	if (p) {
		/* Any thread: a dead group leader has no mm. */
		for_each_thread(p, t) {
			if (READ_ONCE(t->mm) == mm) {
				found = true;
				break;
			}
		}
	}
	rcu_read_unlock();
	return found;
}

static int wo_up_handler(struct uprobe_consumer *uc, struct pt_regs *regs)
{
	struct wo_up_hook *h = container_of(uc, struct wo_up_hook, uc);
	unsigned long ptr = 0;
	int clock, ret = 0;
	bool match;

	preempt_disable();
	match = wo_task_matches(current);
	if (!match || !READ_ONCE(wo_state.recording) || !wo_corr_tk_armed())
		goto out;
	/* User functions take their arguments as the kernel's do (the C ABI). */
	switch (h->kind) {
	case WO_UP_CLOCK_GETTIME:
		clock = (int)wo_arg(regs, 0);
		ptr = wo_arg(regs, 1);
		break;
	case WO_UP_GETTIMEOFDAY:
		clock = WO_CLOCK_REALTIME;
		ptr = wo_arg(regs, 0);
		break;
	default:
		/* The vDSO's time() reads the coarse wall-clock seconds. */
		clock = WO_CLOCK_REALTIME_COARSE;
		break;
	}
	if (wo_corr_tk_clock(clock))
		wo_corr_tk_enter_user(h->index, ptr, clock);
out:
	preempt_enable();
	/* Outside the scope: another consumer's breakpoint; drop ours here. */
	if (!match && !wo_uprobe_mm_wanted(uc, current->mm))
		ret = UPROBE_HANDLER_REMOVE;
	return ret;
}

static int wo_up_ret_handler(struct uprobe_consumer *uc, unsigned long func,
			     struct pt_regs *regs)
{
	struct wo_up_hook *h = container_of(uc, struct wo_up_hook, uc);
	long rv = (long)regs_return_value(regs);
	struct __kernel_old_timeval tv;
	struct __kernel_timespec ts;
	unsigned long ptr;
	int clock;
	u64 v;

	preempt_disable();
	if (!wo_corr_tk_user_pending(h->index, &ptr, &clock))
		goto out;
	if (!READ_ONCE(wo_state.recording))
		goto no_value;
	/* The value was just stored by the task: its page is present. */
	switch (h->kind) {
	case WO_UP_CLOCK_GETTIME:
		if (rv || copy_from_user_nofault(&ts, (void __user *)ptr,
						 sizeof(ts)))
			goto no_value;
		v = (u64)ts.tv_sec * NSEC_PER_SEC + ts.tv_nsec;
		break;
	case WO_UP_GETTIMEOFDAY:
		if (rv || !ptr ||
		    copy_from_user_nofault(&tv, (void __user *)ptr, sizeof(tv)))
			goto no_value;
		v = (u64)tv.tv_sec * NSEC_PER_SEC + tv.tv_usec * NSEC_PER_USEC;
		break;
	default:
		if (rv < 0)
			goto no_value;
		v = (u64)rv * NSEC_PER_SEC;
		break;
	}
	wo_corr_tkread(h->index, v, clock, WAKEOFF_TK_SRC_USER);
	goto out;
no_value:
	wo_corr_tk_leave();
out:
	preempt_enable();
	return 0;
}

/* Unregister every attached hook; the caller holds wo_up_lock. */
static void wo_up_detach_all(void)
{
	unsigned int i, n = 0;

	lockdep_assert_held(&wo_up_lock);
	for (i = 0; i < wo_up_nr; i++) {
		if (!wo_up[i].attached)
			continue;
		wo_uprobe_unregister_nosync(&wo_up[i].ref, &wo_up[i].uc);
		n++;
	}
	if (n)
		wo_uprobe_unregister_sync();
	/* No handler runs now: the files can go. */
	for (i = 0; i < wo_up_nr; i++) {
		if (!wo_up[i].attached)
			continue;
		wo_up[i].attached = false;
		path_put(&wo_up[i].path);
		wo_up[i].ref.inode = NULL;
	}
	wo_up_nr = 0;
	WRITE_ONCE(wo_up_scope_type, WO_UP_NONE);
	wo_up_scope_id = 0;
}

void wo_uprobes_clear(void)
{
	mutex_lock(&wo_up_lock);
	wo_up_detach_all();
	mutex_unlock(&wo_up_lock);
}

/* The scope a new hook asks for, from the control filter and "all". */
static int wo_up_want_scope(bool all, int *type, pid_t *id, const char **why)
{
	const struct wo_filter *f;

	*type = WO_UP_NONE;
	*id = 0;
	rcu_read_lock();
	f = rcu_dereference(wo_state.filter);
	if (f && f->tgid) {
		*type = WO_UP_TGID;
		*id = f->tgid;
	} else if (f && f->pid) {
		*type = WO_UP_PID;
		*id = f->pid;
	}
	rcu_read_unlock();
	if (all) {
		*type = WO_UP_ALL;
		*id = 0;
	}
	if (*type == WO_UP_NONE) {
		*why = "uprobe add needs a pid or tgid filter, or 'all' (every process)";
		return -EINVAL;
	}
	if (wo_up_nr && (*type != wo_up_scope_type || *id != wo_up_scope_id)) {
		*why = "uprobe scope differs from the attached hooks' (uprobe clear first)";
		return -EINVAL;
	}
	return 0;
}

/*
 * A regular ELF file with @offset inside; takes a reference on its path
 * (dentry and mount, as trace_uprobe does: an inode reference alone would
 * let the file system be unmounted under the uprobe).
 */
static int wo_up_open(const char *path, u64 offset, struct path *out,
		      const char **why)
{
	static const char elfmag[4] = { 0x7f, 'E', 'L', 'F' };
	struct file *f;
	char magic[4];
	loff_t pos = 0;
	struct inode *inode;
	ssize_t n;

	if (path[0] != '/') {
		*why = "uprobe path must be absolute";
		return -EINVAL;
	}
	f = filp_open(path, O_RDONLY, 0);
	if (IS_ERR(f)) {
		*why = "uprobe path cannot be opened";
		return -EINVAL;
	}
	inode = file_inode(f);
	if (!S_ISREG(inode->i_mode)) {
		*why = "uprobe path is not a regular file";
		goto bad;
	}
	if (offset >= (u64)i_size_read(inode)) {
		*why = "uprobe offset is beyond the end of the file";
		goto bad;
	}
	n = kernel_read(f, magic, sizeof(magic), &pos);
	if (n != sizeof(magic) || memcmp(magic, elfmag, sizeof(magic))) {
		*why = "uprobe path is not an ELF file";
		goto bad;
	}
	*out = f->f_path;
	path_get(out);
	filp_close(f, NULL);
	return 0;
bad:
	filp_close(f, NULL);
	return -EINVAL;
}

/* The arguments of "uprobe add", checked before any lock is taken. */
struct wo_up_args {
	const char *path;
	u64 offset;
	int kind;		/* index into wo_up_kind_names */
	bool all;		/* every process, not the filter's */
};

/* Parse "<path> <offset> <kind> [all]" strictly. */
static int wo_up_parse(char **rest, struct wo_up_args *a, const char **why)
{
	char *off, *kind, *opt;

	a->path = wo_next_token(rest);
	off = wo_next_token(rest);
	kind = wo_next_token(rest);
	if (!a->path || !off || !kind) {
		*why = "uprobe add needs <path> <offset> <kind> [all]";
		return -EINVAL;
	}
	opt = wo_next_token(rest);
	a->all = !!opt;
	if (opt && strcmp(opt, "all")) {
		*why = "uprobe add: the only option is 'all'";
		return -EINVAL;
	}
	if (wo_next_token(rest)) {
		*why = "trailing argument";
		return -EINVAL;
	}
	if (kstrtou64(off, 0, &a->offset)) {
		*why = "uprobe offset is not a number (decimal or 0x hex)";
		return -EINVAL;
	}
	a->kind = match_string(wo_up_kind_names, WO_UP_KINDS, kind);
	if (a->kind < 0) {
		*why = "uprobe kind must be clock_gettime, gettimeofday or time";
		return -EINVAL;
	}
	if (strlen(a->path) + strlen(kind) + 2 > WO_UP_NAME) {
		*why = "uprobe path too long";
		return -EINVAL;
	}
	return 0;
}

/* Is a uprobe of ours already at @inode + @offset?  wo_up_lock held. */
static bool wo_up_taken(const struct inode *inode, u64 offset)
{
	int k;

	for (k = 0; k < wo_up_nr; k++)
		if (wo_up[k].ref.inode == inode && wo_up[k].ref.offset == offset)
			return true;
	return false;
}

/*
 * Register the next hook on @fpath (its reference passes to the hook on
 * success) with the scope @type/@id.  wo_up_lock held.
 */
static int wo_up_register(const struct wo_up_args *a, struct path *fpath,
			  int type, pid_t id, const char **why)
{
	struct wo_up_hook *h = &wo_up[wo_up_nr];
	const char *kind = wo_up_kind_names[a->kind];
	int ret;

	memset(&h->uc, 0, sizeof(h->uc));
	h->uc.handler = wo_up_handler;
	h->uc.ret_handler = wo_up_ret_handler;
	h->uc.filter = wo_uprobe_filter;
	h->path = *fpath;
	h->ref.inode = d_inode(fpath->dentry);
	h->ref.offset = a->offset;
	h->kind = a->kind;
	h->index = wo_tk_kernel_nr() + wo_up_nr;
	/* The filter reads the scope as soon as the probe is registered. */
	WRITE_ONCE(wo_up_scope_id, id);
	WRITE_ONCE(wo_up_scope_type, type);
	ret = wo_uprobe_register(&h->ref, &h->uc);
	if (ret) {
		pr_warn_ratelimited("uprobe %s+0x%llx: %d\n", a->path,
				    a->offset, ret);
		*why = "uprobe_register failed (offset not an instruction?)";
		if (!wo_up_nr)
			WRITE_ONCE(wo_up_scope_type, WO_UP_NONE);
		return -EINVAL;
	}
	snprintf(h->name, sizeof(h->name), "%s:%s", a->path, kind);
	snprintf(h->key, sizeof(h->key), "uprobe%u_%s", wo_up_nr, kind);
	h->attached = true;
	wo_up_nr++;
	wo_up_named = max(wo_up_named, wo_up_nr);
	return 0;
}

/* "uprobe add <path> <offset> <kind> [all]", control mutex held. */
static int wo_up_add(char **rest, const char **why)
{
	struct wo_up_args a;
	struct path fpath;
	int type, ret;
	pid_t id;

	ret = wo_up_parse(rest, &a, why);
	if (ret)
		return ret;
	mutex_lock(&wo_up_lock);
	ret = wo_up_want_scope(a.all, &type, &id, why);
	if (ret)
		goto out;
	if (wo_up_nr == WO_UP_MAX) {
		*why = "too many uprobes (8)";
		ret = -EINVAL;
		goto out;
	}
	ret = wo_up_open(a.path, a.offset, &fpath, why);
	if (ret)
		goto out;
	if (wo_up_taken(d_inode(fpath.dentry), a.offset)) {
		*why = "uprobe already attached at this offset";
		ret = -EINVAL;
	} else {
		ret = wo_up_register(&a, &fpath, type, id, why);
	}
	if (ret)
		path_put(&fpath);
out:
	mutex_unlock(&wo_up_lock);
	return ret;
}

/* "uprobe add ..." | "uprobe clear", control mutex held. */
int wo_cmd_uprobe(char **rest, const char **why)
{
	char *what = wo_next_token(rest);

	lockdep_assert_held(&wo_state.control_lock);
	if (!what) {
		*why = "uprobe needs add or clear";
		return -EINVAL;
	}
	if (!strcmp(what, "add"))
		return wo_up_add(rest, why);
	if (!strcmp(what, "clear")) {
		if (wo_next_token(rest)) {
			*why = "uprobe clear takes no argument";
			return -EINVAL;
		}
		wo_uprobes_clear();
		return 0;
	}
	*why = "unknown uprobe command (add, clear)";
	return -EINVAL;
}

/* Summary lines. */
void wo_uprobes_show(struct seq_file *m)
{
	unsigned int i;

	mutex_lock(&wo_up_lock);
	for (i = 0; i < wo_up_nr; i++)
		seq_printf(m, "uprobe.%u: %s offset=0x%llx %s\n", i,
			   wo_up[i].name, (u64)wo_up[i].ref.offset,
			   wo_up[i].attached ? "attached" : "missing");
	seq_printf(m, WAKEOFF_KEY_UPROBES_ATTACHED ": %u\n", wo_up_nr);
	switch (wo_up_scope_type) {
	case WO_UP_TGID:
		seq_printf(m, WAKEOFF_KEY_UPROBES_SCOPE ": tgid %d\n", wo_up_scope_id);
		break;
	case WO_UP_PID:
		seq_printf(m, WAKEOFF_KEY_UPROBES_SCOPE ": pid %d\n", wo_up_scope_id);
		break;
	case WO_UP_ALL:
		seq_puts(m, WAKEOFF_KEY_UPROBES_SCOPE ": all (every process mapping the file traps)\n");
		break;
	default:
		seq_puts(m, WAKEOFF_KEY_UPROBES_SCOPE ": none\n");
		break;
	}
	mutex_unlock(&wo_up_lock);
}

/* User hooks attached now (a racy snapshot, for the summary). */
unsigned int wo_uprobes_nr(void)
{
	return READ_ONCE(wo_up_nr);
}

/* tk_hooks lines for the user hooks, numbered from @first. */
void wo_uprobes_tk_show(struct seq_file *m, unsigned int first)
{
	unsigned int i;

	mutex_lock(&wo_up_lock);
	for (i = 0; i < wo_up_named; i++)
		seq_printf(m, "%u %s %s\n", first + i, wo_up[i].name,
			   i < wo_up_nr && wo_up[i].attached ? "attached" :
							       "missing");
	mutex_unlock(&wo_up_lock);
}

/*
 * The summary's name of user hook @slot, "uprobe<slot>_<kind>" (a path
 * does not fit in a summary key; the "uprobe.<slot>:" line maps it), in
 * static storage that is never freed; NULL if the slot was never used.
 */
const char *wo_uprobe_name(unsigned int slot)
{
	return slot < READ_ONCE(wo_up_named) ? wo_up[slot].key : NULL;
}
