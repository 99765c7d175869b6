// SPDX-License-Identifier: GPL-2.0
/*
 * wakeoff: the "events" debugfs file, one reader at a time, that drains
 * the per-CPU record buffers (lib/wo_ring.c) in whole records.
 */
#include <linux/atomic.h>
#include <linux/fs.h>
#include <linux/poll.h>
#include <linux/sched.h>

#include "wakeoff.h"

static atomic_t wo_readers = ATOMIC_INIT(0);

static int wo_events_open(struct inode *inode, struct file *file)
{
	/* One reader: each record is handed out exactly once. */
	if (atomic_cmpxchg(&wo_readers, 0, 1))
		return -EBUSY;
	wo_rings_set_reader(true);
	WRITE_ONCE(wo_state.reader_tgid, current->tgid);
	return nonseekable_open(inode, file);
}

static int wo_events_release(struct inode *inode, struct file *file)
{
	WRITE_ONCE(wo_state.reader_tgid, 0);
	wo_rings_set_reader(false);
	atomic_set(&wo_readers, 0);
	return 0;
}

static ssize_t wo_events_read(struct file *file, char __user *ubuf,
			      size_t count, loff_t *ppos)
{
	ssize_t ret;

	if (count < sizeof(struct wakeoff_rec_hdr))
		return -EINVAL;
	for (;;) {
		ret = wo_rings_read(ubuf, count);
		if (ret)
			return ret;
		if (file->f_flags & O_NONBLOCK)
			return -EAGAIN;
		ret = wo_rings_wait();
		if (ret)
			return ret;
	}
}

static __poll_t wo_events_poll(struct file *file, poll_table *wait)
{
	wo_rings_poll_wait(file, wait);
	return wo_rings_have_data() ? EPOLLIN | EPOLLRDNORM : 0;
}

const struct file_operations wo_events_fops = {
	.owner		= THIS_MODULE,
	.open		= wo_events_open,
	.release	= wo_events_release,
	.read		= wo_events_read,
	.poll		= wo_events_poll,
};
