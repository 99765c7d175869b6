// SPDX-License-Identifier: GPL-2.0
/*
 * wakeoff: find or insert a waker stack in the cluster table, by cmpxchg
 * on the hash, so probes never lock.  A cluster's frames are written
 * once, by its inserter, and published with a release store of "ready".
 */
#include <linux/atomic.h>
#include <linux/string.h>

#include "wo_stack_table.h"

u32 wo_stack_table_find(struct wo_stack_key *tab, u32 h,
			const unsigned long *ip, unsigned int n)
{
	struct wo_stack_key *c;
	unsigned int i;
	u32 slot, cur;

	for (i = 0; i < WO_STACK_PROBE; i++) {
		slot = (h + i) % WO_STACKS;
		c = &tab[slot];
		cur = READ_ONCE(c->hash);
		if (!cur) {
			cur = cmpxchg(&c->hash, 0, h);
			if (!cur) {
				memcpy(c->ip, ip, n * sizeof(ip[0]));
				c->nr = n;
				/* Frames written before readers see "ready". */
				smp_store_release(&c->ready, 1);
				return slot + 1;
			}
		}
		/* Also when another CPU just inserted the same stack. */
		if (cur == h)
			return slot + 1;
	}
	return 0;
}
