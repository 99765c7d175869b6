// SPDX-License-Identifier: GPL-2.0
/*
 * Host-side unit test of the waker stack cluster table
 * (module/lib/wo_stack_table.c, built with the shim in kshim/), TAP output.
 * The hash is a parameter of the find, so collisions are forced: two
 * different frame lists under one hash must be two clusters.
 */
#include <stdio.h>
#include <string.h>

#include "lib/wo_stack_table.h"

#include "tap_check.h"

static struct wo_stack_key tab[WO_STACKS];
static unsigned int coll;	/* collisions of the last find */

static u32 find(u64 hash, const unsigned long *ip, unsigned int n)
{
	return wo_stack_table_find(tab, hash, ip, n, &coll);
}

/* The frames of cluster @id are @n frames equal to @ip. */
static int holds(u32 id, const unsigned long *ip, unsigned int n)
{
	const struct wo_stack_key *k = &tab[id - 1];

	return id && id <= WO_STACKS && k->ready && k->nr == n &&
	       !memcmp(k->ip, ip, n * sizeof(ip[0]));
}

int main(void)
{
	const unsigned long a[] = { 0x1000, 0x2000, 0x3000 };
	const unsigned long b[] = { 0x1000, 0x2000, 0x3004 };
	const unsigned long a2[] = { 0x1000, 0x2000 };
	unsigned long many[WO_STACK_PROBE + 1][1];
	const u64 h = 5;
	u32 ia, ib, ia2, id;
	unsigned int i;
	int distinct = 1, full;

	memset(tab, 0, sizeof(tab));
	ia = find(h, a, 3);
	CHECK(ia != 0 && coll == 0, "a new stack gets a cluster");
	CHECK(holds(ia, a, 3), "the cluster holds its frames");
	CHECK(find(h, a, 3) == ia && coll == 0,
	      "the same frames find the same cluster");

	ib = find(h, b, 3);
	CHECK(ib != 0 && ib != ia,
	      "other frames under the same hash get another cluster");
	CHECK(coll == 1, "the collision is counted");
	CHECK(holds(ib, b, 3), "the colliding cluster holds its own frames");
	CHECK(holds(ia, a, 3), "the first cluster is left as it was");
	CHECK(find(h, b, 3) == ib && find(h, a, 3) == ia,
	      "both colliding stacks find their own cluster again");

	ia2 = find(h, a2, 2);
	CHECK(ia2 != 0 && ia2 != ia && ia2 != ib,
	      "a prefix of the frames under the same hash is another cluster");
	CHECK(find(h, a2, 2) == ia2 && coll == 2,
	      "found again past the two clusters it collides with");

	/*
	 * A slot claimed with this hash whose frames are not published yet
	 * (its inserter is mid-copy on another CPU): the hash is trusted.
	 */
	memset(tab, 0, sizeof(tab));
	tab[h % WO_STACKS].hash = h;
	CHECK(find(h, a, 3) == h % WO_STACKS + 1 && coll == 0,
	      "a same-hash slot not yet ready is taken as the same stack");

	/* A probe window of WO_STACK_PROBE slots, all taken by collisions. */
	memset(tab, 0, sizeof(tab));
	for (i = 0; i <= WO_STACK_PROBE; i++)
		many[i][0] = 0x10000 + i;
	for (i = 0; i < WO_STACK_PROBE; i++) {
		id = find(h, many[i], 1);
		distinct &= id != 0 && holds(id, many[i], 1);
	}
	CHECK(distinct, "a full probe window of colliding stacks, each its own");
	full = find(h, many[WO_STACK_PROBE], 1) == 0;
	CHECK(full && coll == WO_STACK_PROBE,
	      "a stack that finds its probe window full gets 0");
	for (i = 0, distinct = 1; i < WO_STACK_PROBE; i++)
		distinct &= holds(find(h, many[i], 1), many[i], 1);
	CHECK(distinct, "with the window full, known stacks are still found");

	/* Another hash starts elsewhere: the window is per hash. */
	CHECK(find(h + WO_STACK_PROBE, a, 3) != 0,
	      "a hash whose window is free still gets a cluster");

	printf("1..%d\n", n_test);
	return n_fail != 0;
}
