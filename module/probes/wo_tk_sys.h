/* SPDX-License-Identifier: GPL-2.0 */
/*
 * wakeoff: the value a clock system call wrote to user space, and a
 * return hook for one task at a time (wo_tk_sys.c).
 */
#ifndef _WAKEOFF_TK_SYS_H
#define _WAKEOFF_TK_SYS_H

#include <linux/time64.h>
#include <linux/types.h>
#include <linux/uaccess.h>

/*
 * What clock_gettime(, @uptr) (@gettod false) or gettimeofday(@uptr, )
 * stored, in ns.  @atomic: no fault may be taken (a kretprobe handler).
 */
static inline int wo_tk_sys_value(bool gettod, unsigned long uptr,
				  bool atomic, u64 *v)
{
	void __user *p = (void __user *)uptr;
	struct __kernel_old_timeval tv;
	struct __kernel_timespec ts;
	unsigned long left;

	if (!uptr)
		return -EFAULT;
	if (gettod) {
		left = atomic ? copy_from_user_nofault(&tv, p, sizeof(tv)) :
				copy_from_user(&tv, p, sizeof(tv));
		if (left)
			return -EFAULT;
		*v = (u64)tv.tv_sec * NSEC_PER_SEC + tv.tv_usec * NSEC_PER_USEC;
		return 0;
	}
	left = atomic ? copy_from_user_nofault(&ts, p, sizeof(ts)) :
			copy_from_user(&ts, p, sizeof(ts));
	if (left)
		return -EFAULT;
	*v = (u64)ts.tv_sec * NSEC_PER_SEC + ts.tv_nsec;
	return 0;
}

bool wo_tk_sys_queue(unsigned int func, bool gettod, unsigned long uptr,
		     int clock);
void wo_tk_sys_drain(void);

#endif /* _WAKEOFF_TK_SYS_H */
