// SPDX-License-Identifier: GPL-2.0
/*
 * tcg_mark -- run in the guest by bench/costsplit-tcg.sh: executes one
 * instruction at TCG_MARK_VA, which bench/tcg_insn.c (the QEMU plugin)
 * takes as "snapshot the counts now", so that a window of one boot
 * (a workload between two marks) can be counted alone.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>

#define TCG_MARK_VA 0x5a5a0000UL

int main(void)
{
	unsigned char *p = mmap((void *)TCG_MARK_VA, 4096, PROT_READ | PROT_WRITE | PROT_EXEC,
				MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);

	if (p == MAP_FAILED) {
		perror("tcg_mark: mmap");
		return 1;
	}
	p[0] = 0xc3;	/* ret */
	((void (*)(void))p)();
	return 0;
}
