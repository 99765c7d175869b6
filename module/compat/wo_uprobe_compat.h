/* SPDX-License-Identifier: GPL-2.0 */
/*
 * wakeoff: the uprobe API of 6.1 and of 6.12, behind one interface.
 *
 *  6.1:  int uprobe_register(inode, offset, uc);
 *        uprobe_unregister(inode, offset, uc) (waits for its handlers:
 *        they run under the uprobe's register_rwsem);
 *        filter(uc, enum uprobe_filter_ctx, mm).
 *  6.12: struct uprobe *uprobe_register(inode, offset, ref_ctr, uc);
 *        uprobe_unregister_nosync(uprobe, uc) per probe, then one
 *        uprobe_unregister_sync() before the consumers may go away;
 *        filter(uc, mm).
 * The handler and ret_handler prototypes are the same in both.
 */
#ifndef _WO_UPROBE_COMPAT_H
#define _WO_UPROBE_COMPAT_H

#include <linux/err.h>
#include <linux/uprobes.h>
#include <linux/version.h>

#define WO_UPROBE_NEW_API (KERNEL_VERSION(6, 12, 0) <= LINUX_VERSION_CODE)

struct wo_uprobe_ref {
	struct inode *inode;
	loff_t offset;
#if WO_UPROBE_NEW_API
	struct uprobe *uprobe;
#endif
};

/* Does @mm belong to a process the user hooks trace? (wo_uprobes.c) */
bool wo_uprobe_mm_wanted(struct uprobe_consumer *uc, struct mm_struct *mm);

#if WO_UPROBE_NEW_API
static inline int wo_uprobe_register(struct wo_uprobe_ref *r,
				     struct uprobe_consumer *uc)
{
	struct uprobe *u = uprobe_register(r->inode, r->offset, 0, uc);

	if (IS_ERR(u))
		return PTR_ERR(u);
	r->uprobe = u;
	return 0;
}

static inline void wo_uprobe_unregister_nosync(struct wo_uprobe_ref *r,
					       struct uprobe_consumer *uc)
{
	uprobe_unregister_nosync(r->uprobe, uc);
}

static inline void wo_uprobe_unregister_sync(void)
{
	uprobe_unregister_sync();
}

static inline bool wo_uprobe_filter(struct uprobe_consumer *uc,
				    struct mm_struct *mm)
{
	return wo_uprobe_mm_wanted(uc, mm);
}
#else
static inline int wo_uprobe_register(struct wo_uprobe_ref *r,
				     struct uprobe_consumer *uc)
{
	return uprobe_register(r->inode, r->offset, uc);
}

static inline void wo_uprobe_unregister_nosync(struct wo_uprobe_ref *r,
					       struct uprobe_consumer *uc)
{
	uprobe_unregister(r->inode, r->offset, uc);
}

static inline void wo_uprobe_unregister_sync(void)
{
}

static inline bool wo_uprobe_filter(struct uprobe_consumer *uc,
				    enum uprobe_filter_ctx ctx,
				    struct mm_struct *mm)
{
	return wo_uprobe_mm_wanted(uc, mm);
}
#endif

#endif /* _WO_UPROBE_COMPAT_H */
