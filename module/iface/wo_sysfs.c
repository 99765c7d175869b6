// SPDX-License-Identifier: GPL-2.0
/*
 * wakeoff: /sys/kernel/wakeoff/control -- the control file that kernel
 * lockdown allows.
 *
 * Under lockdown (integrity, the Secure Boot default) debugfs refuses to
 * open any file with a write bit, so debugfs wakeoff/control cannot be
 * used; sysfs attributes are not restricted.  This attribute takes the
 * same commands through the same entry point (wo_control_exec(): one
 * mutex, one last error) and reads back the same state.  Root only.
 *
 * Unlike an open debugfs file, an open sysfs file holds no reference on
 * the module: removing the attribute (kobject_put()) waits for a store
 * in progress and fails later ones, which is why module exit removes it
 * first -- a "start" must not turn recording back on during teardown.
 */
#include <linux/kobject.h>
#include <linux/mm.h>
#include <linux/sysfs.h>

#include "wakeoff.h"

static struct kobject *wo_kobj;

static ssize_t control_show(struct kobject *kobj, struct kobj_attribute *attr,
			    char *buf)
{
	return wo_control_state(buf, PAGE_SIZE);
}

/*
 * @buf is sysfs's page, NUL-terminated after @count bytes; a write longer
 * than a page arrives cut to one page, which is longer than any command
 * and so rejected whole, never run in pieces.
 */
static ssize_t control_store(struct kobject *kobj, struct kobj_attribute *attr,
			     const char *buf, size_t count)
{
	int ret = wo_control_exec(buf, count);

	return ret ? ret : count;
}

static struct kobj_attribute wo_control_attr = __ATTR(control, 0600,
						      control_show,
						      control_store);

static struct attribute *wo_attrs[] = {
	&wo_control_attr.attr,
	NULL,
};

static const struct attribute_group wo_attr_group = {
	.attrs = wo_attrs,
};

int wo_sysfs_init(void)
{
	int ret;

	wo_kobj = kobject_create_and_add("wakeoff", kernel_kobj);
	if (!wo_kobj)
		return -ENOMEM;
	ret = sysfs_create_group(wo_kobj, &wo_attr_group);
	if (ret) {
		kobject_put(wo_kobj);
		wo_kobj = NULL;
	}
	return ret;
}

void wo_sysfs_exit(void)
{
	/*
	 * kobject_del() removes the files now (waiting for a store or show
	 * still running); the put alone may defer that past module unload.
	 */
	kobject_del(wo_kobj);
	kobject_put(wo_kobj);
	wo_kobj = NULL;
}
