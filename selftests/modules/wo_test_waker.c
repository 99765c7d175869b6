// SPDX-License-Identifier: GPL-2.0
/*
 * wo_test_waker: a test module for teardown_test, not part of wakeoff.
 * Its debugfs file wo_test_waker wakes from the module's own code: a
 * read takes a token, sleeping until there is one, and a write posts one
 * and wakes the reader.  The writer's stack at that wakeup holds
 * wo_test_waker_write(); once this module is unloaded, that frame
 * resolves to no symbol, and wakeoff must print "[unknown]" for it,
 * never an address.
 */
#include <linux/atomic.h>
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/module.h>
#include <linux/wait.h>

static DECLARE_WAIT_QUEUE_HEAD(wo_tw_wq);
static atomic_t wo_tw_tokens = ATOMIC_INIT(0);
static struct dentry *wo_tw_file;

static ssize_t wo_test_waker_read(struct file *file, char __user *buf,
				  size_t len, loff_t *pos)
{
	if (wait_event_interruptible(wo_tw_wq,
				     atomic_add_unless(&wo_tw_tokens, -1, 0)))
		return -ERESTARTSYS;
	return 0;
}

/* Not a tail call: this frame is on the stack when the reader wakes. */
static noinline ssize_t wo_test_waker_write(struct file *file,
					    const char __user *buf,
					    size_t len, loff_t *pos)
{
	atomic_inc(&wo_tw_tokens);
	wake_up_interruptible(&wo_tw_wq);
	return len;
}

static const struct file_operations wo_tw_fops = {
	.owner = THIS_MODULE,
	.read = wo_test_waker_read,
	.write = wo_test_waker_write,
	.llseek = noop_llseek,
};

static int __init wo_test_waker_init(void)
{
	wo_tw_file = debugfs_create_file("wo_test_waker", 0600, NULL, NULL,
					 &wo_tw_fops);
	return IS_ERR(wo_tw_file) ? PTR_ERR(wo_tw_file) : 0;
}

static void __exit wo_test_waker_exit(void)
{
	debugfs_remove(wo_tw_file);
}

module_init(wo_test_waker_init);
module_exit(wo_test_waker_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("wakeoff selftest: wakes a task from module code");
