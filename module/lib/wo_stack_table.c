// SPDX-License-Identifier: GPL-2.0
/*
 * wakeoff: find or insert a waker stack in the cluster table, by cmpxchg
 * on the hash, so probes never lock.  A cluster's frames are written
 * once, by its inserter, and published with a release store of "ready";
 * a cluster with the same hash is the same stack only if its frames are.
 */
#include <linux/atomic.h>
#include <linux/string.h>

#include "lib/wo_stack_table.h"

u32 wo_stack_table_find(struct wo_stack_key *tab, u64 h,
			const unsigned long *ip, unsigned int n,
			unsigned int *collisions)
{
	struct wo_stack_key *c;
	unsigned int i, slot;
	u64 cur;

	*collisions = 0;
	for (i = 0; i < WO_STACK_PROBE; i++) {
		slot = ((u32)h + i) % WO_STACKS;
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
		if (cur != h)
			continue;
		/*
		 * Same hash, frames not published yet: another CPU claimed
		 * the slot and is copying them (a dozen words, IRQs off).
		 * Waiting on it here could spin on a preempted vCPU, and
		 * moving on would insert the stack twice when it is the same
		 * one, which it is but for a 64-bit keyed hash collision:
		 * trust the hash.
		 */
		if (!smp_load_acquire(&c->ready))
			return slot + 1;
		if (c->nr == n && !memcmp(c->ip, ip, n * sizeof(ip[0])))
			return slot + 1;
		(*collisions)++;	/* another stack: keep probing */
	}
	return 0;
}
