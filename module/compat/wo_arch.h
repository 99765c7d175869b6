/* SPDX-License-Identifier: GPL-2.0 */
/*
 * wakeoff: architecture differences, in one place.
 *
 * wakeoff is built and tested on x86_64 and arm64 (Debian's 6.1 and
 * 6.12 kernels of each).  Generic code never names a register, a syscall
 * wrapper or an unwinder: it uses what this header defines.
 *
 *  - WO_SYS(name): the symbol of a syscall's pt_regs wrapper, the one
 *    function a syscall kprobe can hook (both arches have
 *    ARCH_HAS_SYSCALL_WRAPPER: the wrapper's only argument is the user
 *    registers).
 *  - wo_arg(regs, n): argument n of a probed function at its entry,
 *    through the arch's own regs_get_kernel_argument() (rdi, rsi, rdx...
 *    on x86_64; x0..x7 on arm64).
 *  - WO_STACK_CACHE: 1 when the waker-stack cache of probes/wo_stacks.c
 *    can be used: it needs the unwinder API of the x86 ORC unwinder
 *    (unwind_start()/unwind_next_frame(), a function of ip and sp) and
 *    the syscall entry function WO_SYSCALL_ENTRY.  arm64 unwinds frame
 *    records with stack_trace_save() (no ORC); every capture unwinds.
 */
#ifndef _WAKEOFF_ARCH_H
#define _WAKEOFF_ARCH_H

#include <linux/ptrace.h>

#if defined(CONFIG_X86_64)
#define WO_SYS(name)		"__x64_sys_" name
#elif defined(CONFIG_ARM64)
#define WO_SYS(name)		"__arm64_sys_" name
#else
#error "wakeoff supports x86_64 and arm64; port wo_arch.h first"
#endif

#if defined(CONFIG_X86_64) && defined(CONFIG_UNWINDER_ORC)
#define WO_STACK_CACHE		1
#define WO_SYSCALL_ENTRY	"do_syscall_64"
#else
#define WO_STACK_CACHE		0
#endif

static __always_inline unsigned long wo_arg(struct pt_regs *regs,
					    unsigned int n)
{
	return regs_get_kernel_argument(regs, n);
}

#endif /* _WAKEOFF_ARCH_H */
