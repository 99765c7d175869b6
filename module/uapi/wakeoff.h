/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * wakeoff: binary record format shared by the kernel module and the
 * userspace reader.  This is the only header both sides include.
 *
 * Every record starts with struct wakeoff_rec_hdr.  A reader checks the
 * magic, refuses a major ABI it does not know, and uses hdr.size to skip
 * record types it does not understand, so new record types and new
 * trailing fields (minor ABI bumps) never break an older reader.
 *
 * All integers are little-endian host order of the recording machine
 * (x86_64 only for now); the file header written by the reader says so.
 */
#ifndef _UAPI_WAKEOFF_H
#define _UAPI_WAKEOFF_H

#include <linux/types.h>

#define WAKEOFF_ABI_MAJOR	1	/* incompatible layout change */
#define WAKEOFF_ABI_MINOR	0	/* compatible additions */

#define WAKEOFF_REC_MAGIC	0x574f	/* "WO" */
#define WAKEOFF_REC_ALIGN	8	/* every record size is a multiple */

#define WAKEOFF_COMM_LEN	16	/* TASK_COMM_LEN */

/* Record types (struct wakeoff_rec_hdr.type). */
enum wakeoff_rec_type {
	WAKEOFF_REC_WAKEUP	= 1,	/* one closed wakeup correlation */
	WAKEOFF_REC_RUN		= 2,	/* run id / label change marker */
};

struct wakeoff_rec_hdr {
	__u16 magic;		/* WAKEOFF_REC_MAGIC */
	__u8  abi_major;	/* WAKEOFF_ABI_MAJOR of the writer */
	__u8  type;		/* enum wakeoff_rec_type */
	__u16 size;		/* bytes, header included, WAKEOFF_REC_ALIGN'ed */
	__u16 cpu;		/* CPU whose buffer carried the record */
	__u64 seq;		/* per-CPU sequence; a gap means drops */
};

#endif /* _UAPI_WAKEOFF_H */
