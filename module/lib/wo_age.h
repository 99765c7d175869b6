/* SPDX-License-Identifier: GPL-2.0 */
/*
 * wakeoff: the age of a correlation, compared across CPUs.  Arithmetic
 * on u64/s64/bool only, no kernel header: the host unit tests compile
 * this file as it is (userspace/tests/test_corr_age.c).
 */
#ifndef _WO_AGE_H
#define _WO_AGE_H

/*
 * Has a correlation whose latest stage was stamped @from waited more
 * than @timeout_ns at @now?  @from was taken on another CPU, whose
 * local_clock() may run ahead of this one's (unsynchronised TSCs, TCG,
 * many VMs): now < from is a negative age, reported in *@negative for
 * the caller to count and taken as 0 -- as an unsigned difference it
 * was a huge age, and the correlation closed as "timeout" at once.
 * (Ages of 2^63 ns, 292 years, are not expected.)
 */
static inline bool wo_age_expired(u64 now, u64 from, u64 timeout_ns,
				  bool *negative)
{
	s64 age = (s64)(now - from);

	*negative = age < 0;
	if (*negative)
		age = 0;
	return (u64)age > timeout_ns;
}

#endif /* _WO_AGE_H */
