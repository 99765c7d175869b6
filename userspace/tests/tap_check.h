/* SPDX-License-Identifier: GPL-2.0 */
/*
 * CHECK(cond, name): one TAP line per check for the small host-side unit
 * tests; n_test and n_fail give the plan and the exit status.
 */
#ifndef WAKEOFF_TAP_CHECK_H
#define WAKEOFF_TAP_CHECK_H

#include <stdio.h>

static int n_test, n_fail;

#define CHECK(cond, name) do {						\
	n_test++;							\
	if (cond) {							\
		printf("ok %d - %s\n", n_test, name);			\
	} else {							\
		n_fail++;						\
		printf("not ok %d - %s (%s:%d)\n", n_test, name,	\
		       __FILE__, __LINE__);				\
	}								\
} while (0)

#endif
