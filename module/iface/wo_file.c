// SPDX-License-Identifier: GPL-2.0
/*
 * wakeoff: read a whole kernel-provided file (BTF, sysfs) from process
 * context, for the BTF lookup at load and the summary's clocksource.
 */
#include <linux/fs.h>
#include <linux/minmax.h>
#include <linux/vmalloc.h>

#include "wakeoff.h"

/*
 * Read a whole (sysfs) file into a vmalloc'ed buffer, NUL-terminated.
 * Plain filp_open/kernel_read rather than kernel_read_file(): the latter
 * asks the LSMs about a READING_UNKNOWN read, which IPE on 6.12 WARNs
 * about.
 */
ssize_t wo_read_file(const char *path, size_t max, void **out)
{
	struct file *f = filp_open(path, O_RDONLY, 0);
	loff_t pos = 0;
	ssize_t done = 0, n;
	size_t want;
	char *buf;

	if (IS_ERR(f))
		return PTR_ERR(f);
	want = min_t(loff_t, i_size_read(file_inode(f)), max);
	if (!want)
		want = min_t(size_t, max, PAGE_SIZE);
	buf = vmalloc(want + 1);
	if (!buf) {
		filp_close(f, NULL);
		return -ENOMEM;
	}
	while ((size_t)done < want) {
		n = kernel_read(f, buf + done, want - done, &pos);
		if (n < 0) {
			vfree(buf);
			filp_close(f, NULL);
			return n;
		}
		if (!n)
			break;
		done += n;
	}
	filp_close(f, NULL);
	buf[done] = '\0';
	*out = buf;
	return done;
}
