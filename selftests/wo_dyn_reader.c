// SPDX-License-Identifier: GPL-2.0
/*
 * user_clock_test's dynamically linked reader: for each byte on stdin,
 * one clock_gettime(CLOCK_MONOTONIC) through the shared C library, the
 * value (ns, 8 bytes) to stdout.  The guest has no libc.so: the VM
 * bench copies this program with the host's libc and ld.so into the
 * share (wo_share_dyn in selftests/vm/lib.sh).
 */
#include <stdint.h>
#include <time.h>
#include <unistd.h>

int main(void)
{
	struct timespec ts;
	uint64_t v;
	char c;

	while (read(0, &c, 1) == 1) {
		if (clock_gettime(CLOCK_MONOTONIC, &ts))
			return 1;
		v = (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
		if (write(1, &v, sizeof(v)) != sizeof(v))
			return 1;
	}
	return 0;
}
