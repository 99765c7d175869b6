/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The few kernel primitives module/lib/wo_stack_table.c uses, for building it
 * on the host (test_stack_table): fixed-width types, and READ_ONCE,
 * WRITE_ONCE, cmpxchg, smp_store_release and smp_load_acquire as GCC
 * __atomic builtins with the kernel's ordering.
 */
#ifndef WO_KSHIM_H
#define WO_KSHIM_H

#include <stdint.h>
#include <string.h>

typedef uint32_t u32;
typedef uint64_t u64;

#define READ_ONCE(x)		__atomic_load_n(&(x), __ATOMIC_RELAXED)
#define WRITE_ONCE(x, v)	__atomic_store_n(&(x), (v), __ATOMIC_RELAXED)
#define smp_load_acquire(p)	__atomic_load_n((p), __ATOMIC_ACQUIRE)
#define smp_store_release(p, v)	__atomic_store_n((p), (v), __ATOMIC_RELEASE)
/* The old value; fully ordered, as the kernel's cmpxchg(). */
#define cmpxchg(p, o, n) ({						\
	__typeof__(*(p)) __old = (o);					\
	__atomic_compare_exchange_n((p), &__old, (n), 0,		\
				    __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST); \
	__old;								\
})

#endif
