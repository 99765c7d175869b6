// SPDX-License-Identifier: GPL-2.0
/*
 * Host-side unit tests of the correlation timeout rule (module/lib/wo_age.h):
 * timestamps come from different CPUs' local_clock(), which may disagree.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

typedef uint64_t u64;
typedef int64_t s64;
#include "../../module/lib/wo_age.h"

#include "tap_check.h"

#define MS 1000000ULL

int main(void)
{
	const u64 tmo = 1000 * MS, t0 = 5000 * MS;
	bool neg;

	CHECK(!wo_age_expired(t0 + 10, t0, tmo, &neg) && !neg,
	      "10 ns after the stamp: not expired");
	CHECK(!wo_age_expired(t0 + tmo, t0, tmo, &neg) && !neg,
	      "exactly the timeout: not expired");
	CHECK(wo_age_expired(t0 + tmo + 1, t0, tmo, &neg) && !neg,
	      "one ns past the timeout: expired");
	CHECK(!wo_age_expired(t0 - 3000, t0, tmo, &neg),
	      "a clock 3 us behind the stamping CPU's: not expired");
	CHECK(neg, "... and the negative age is reported");
	CHECK(!wo_age_expired(0, t0, tmo, &neg) && neg,
	      "a clock far behind: negative, not expired");
	CHECK(wo_age_expired(INT64_MAX, 0, tmo, &neg) && !neg,
	      "the largest age: expired");
	printf("1..%d\n", n_test);
	return n_fail ? 1 : 0;
}
