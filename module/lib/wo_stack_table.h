/* SPDX-License-Identifier: GPL-2.0 */
/*
 * wakeoff: the waker stack cluster table, keys only.  Its one job is find
 * or insert, lock-free, from probe context; the counts that go with a
 * cluster live in wo_stacks.c.  Kept free of other kernel dependencies so
 * that the host unit test (userspace/tests/test_stack_table.c) builds it
 * with a small shim.
 */
#ifndef WO_STACK_TABLE_H
#define WO_STACK_TABLE_H

#include <linux/types.h>

#define WO_STACK_DEPTH	12
#define WO_STACKS	64
#define WO_STACK_PROBE	8

struct wo_stack_key {
	u64 hash;			/* 0: free */
	int ready;			/* nr and ip are written */
	unsigned int nr;
	unsigned long ip[WO_STACK_DEPTH];
};

/*
 * The cluster id (1..WO_STACKS) of the @n frames at @ip, whose hash (not
 * 0) is @hash, in the table @tab of WO_STACKS keys: found or inserted;
 * 0 if no slot of its probe window is free.  A cluster is found by its
 * frames, not its hash alone: *@collisions is set to the number of
 * clusters passed over that had the same hash and other frames.
 */
u32 wo_stack_table_find(struct wo_stack_key *tab, u64 hash,
			const unsigned long *ip, unsigned int n,
			unsigned int *collisions);

#endif
