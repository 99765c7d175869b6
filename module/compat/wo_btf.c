// SPDX-License-Identifier: GPL-2.0
/*
 * wakeoff: find struct rq's layout and the per-CPU runqueues from the
 * running kernel's own BTF (/sys/kernel/btf/vmlinux).
 *
 * struct rq lives in kernel/sched/sched.h, which no headers package
 * ships, and its layout differs per config and stable update, so the
 * offsets are never hard-coded: we parse the BTF blob at load time, take
 * offsetof(struct rq, clock/cpu) and the offset of the per-CPU variable
 * runqueues in the .data..percpu datasec (anchored on an exported per-CPU
 * variable, see wo_btf_percpu_base()), and validate them by checking
 * rq->cpu == cpu for every possible CPU (with non-faulting reads) before
 * any probe uses them.  When any step fails, rq clocks are reported as
 * unavailable; nothing else depends on them.
 */
#include <linux/bits.h>
#include <linux/btf.h>
#include <linux/kernel.h>
#include <linux/fs.h>
#include <linux/kernel_stat.h>
#include <linux/percpu.h>
#include <linux/sched/clock.h>
#include <linux/string.h>
#include <linux/threads.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>

#include "wakeoff.h"

struct wo_rq_layout wo_rq;

struct wo_btf {
	const u8 *types, *strs;
	u32 types_len, strs_len;
	const struct btf_type **by_id;	/* index: type id */
	u32 nr;
};

static const char *wo_btf_str(const struct wo_btf *b, u32 off)
{
	if (off >= b->strs_len)
		return "";
	/* The string section ends with a NUL (checked in wo_btf_index). */
	return (const char *)b->strs + off;
}

/* Bytes that follow a struct btf_type of this kind, or -1 if unknown. */
static long wo_btf_extra(const struct btf_type *t)
{
	u32 vlen = BTF_INFO_VLEN(t->info);

	switch (BTF_INFO_KIND(t->info)) {
	case BTF_KIND_INT:
		return sizeof(u32);
	case BTF_KIND_PTR: case BTF_KIND_FWD: case BTF_KIND_TYPEDEF:
	case BTF_KIND_VOLATILE: case BTF_KIND_CONST: case BTF_KIND_RESTRICT:
	case BTF_KIND_FUNC: case BTF_KIND_FLOAT: case BTF_KIND_TYPE_TAG:
		return 0;
	case BTF_KIND_ARRAY:
		return sizeof(struct btf_array);
	case BTF_KIND_STRUCT: case BTF_KIND_UNION:
		return (long)vlen * sizeof(struct btf_member);
	case BTF_KIND_ENUM:
		return (long)vlen * sizeof(struct btf_enum);
	case BTF_KIND_FUNC_PROTO:
		return (long)vlen * sizeof(struct btf_param);
	case BTF_KIND_VAR:
		return sizeof(struct btf_var);
	case BTF_KIND_DATASEC:
		return (long)vlen * sizeof(struct btf_var_secinfo);
	case BTF_KIND_DECL_TAG:
		return sizeof(struct btf_decl_tag);
	case BTF_KIND_ENUM64:
		return (long)vlen * sizeof(struct btf_enum64);
	default:
		return -1;
	}
}

static int wo_btf_index(struct wo_btf *b, const u8 *data, size_t size,
			const char **why)
{
	const struct btf_header *h = (const void *)data;
	u32 off, n = 0, cap;

	if (size < sizeof(*h) || h->magic != BTF_MAGIC || h->version != 1 ||
	    h->hdr_len < sizeof(*h) || h->hdr_len > size) {
		*why = "bad BTF header";
		return -EINVAL;
	}
	if ((u64)h->hdr_len + h->type_off + h->type_len > size ||
	    (u64)h->hdr_len + h->str_off + h->str_len > size || !h->str_len) {
		*why = "BTF sections out of bounds";
		return -EINVAL;
	}
	b->types = data + h->hdr_len + h->type_off;
	b->types_len = h->type_len;
	b->strs = data + h->hdr_len + h->str_off;
	b->strs_len = h->str_len;
	if (b->strs[b->strs_len - 1] != '\0') {
		*why = "BTF strings not terminated";
		return -EINVAL;
	}

	/* Every type is at least 12 bytes: that bounds the index size. */
	cap = b->types_len / sizeof(struct btf_type) + 2;
	b->by_id = vmalloc_array(cap, sizeof(*b->by_id));
	if (!b->by_id) {
		*why = "out of memory";
		return -ENOMEM;
	}
	b->by_id[n++] = NULL;			/* id 0 is void */
	for (off = 0; off + sizeof(struct btf_type) <= b->types_len;) {
		const struct btf_type *t = (const void *)(b->types + off);
		long extra = wo_btf_extra(t);

		if (extra < 0 || off + sizeof(*t) + extra > b->types_len ||
		    n >= cap) {
			*why = "unknown or truncated BTF type";
			return -EINVAL;
		}
		b->by_id[n++] = t;
		off += sizeof(*t) + extra;
	}
	b->nr = n;
	return 0;
}

static const struct btf_type *wo_btf_type(const struct wo_btf *b, u32 id)
{
	return id && id < b->nr ? b->by_id[id] : NULL;
}

/* Typedef/const/volatile layers followed, anonymous members looked into. */
#define WO_BTF_QUAL_DEPTH	8
#define WO_BTF_ANON_DEPTH	3

/* Size of a type after typedef/const/volatile, 0 if not an int/enum. */
static u32 wo_btf_int_size(const struct wo_btf *b, u32 id)
{
	const struct btf_type *t;
	int depth;

	for (depth = 0; depth < WO_BTF_QUAL_DEPTH; depth++) {
		t = wo_btf_type(b, id);
		if (!t)
			return 0;
		switch (BTF_INFO_KIND(t->info)) {
		case BTF_KIND_TYPEDEF: case BTF_KIND_CONST:
		case BTF_KIND_VOLATILE:
			id = t->type;
			continue;
		case BTF_KIND_INT: case BTF_KIND_ENUM:
			return t->size;
		default:
			return 0;
		}
	}
	return 0;
}

/*
 * Byte offset of member @name of the struct/union @t, looking into
 * anonymous struct/union members; -1 if absent or a bitfield.
 */
static long wo_btf_member(const struct wo_btf *b, const struct btf_type *t,
			  const char *name, u32 want_size, int depth)
{
	const struct btf_member *m = (const void *)(t + 1);
	bool kflag = BTF_INFO_KFLAG(t->info);
	u32 i, vlen = BTF_INFO_VLEN(t->info);

	for (i = 0; i < vlen; i++, m++) {
		u32 bits = kflag ? BTF_MEMBER_BIT_OFFSET(m->offset) : m->offset;
		const struct btf_type *mt;
		long sub;

		if (kflag && BTF_MEMBER_BITFIELD_SIZE(m->offset))
			continue;
		if (bits % BITS_PER_BYTE)
			continue;
		if (m->name_off) {
			if (strcmp(wo_btf_str(b, m->name_off), name))
				continue;
			if (wo_btf_int_size(b, m->type) != want_size)
				return -1;
			return bits / BITS_PER_BYTE;
		}
		mt = wo_btf_type(b, m->type);
		if (!mt || depth >= WO_BTF_ANON_DEPTH ||
		    (BTF_INFO_KIND(mt->info) != BTF_KIND_STRUCT &&
		     BTF_INFO_KIND(mt->info) != BTF_KIND_UNION))
			continue;
		sub = wo_btf_member(b, mt, name, want_size, depth + 1);
		if (sub >= 0)
			return bits / BITS_PER_BYTE + sub;
	}
	return -1;
}

static const struct btf_type *wo_btf_find(const struct wo_btf *b, u32 kind,
					  const char *name, u32 *id)
{
	u32 i;

	for (i = 1; i < b->nr; i++) {
		const struct btf_type *t = b->by_id[i];

		if (BTF_INFO_KIND(t->info) == kind &&
		    !strcmp(wo_btf_str(b, t->name_off), name)) {
			if (id)
				*id = i;
			return t;
		}
	}
	return NULL;
}

/*
 * The offset in the .data..percpu datasec of VAR @name, and its size;
 * -ENOENT if it is not a per-CPU variable.
 */
static int wo_btf_percpu_var(const struct wo_btf *b,
			     const struct btf_type *sec, const char *name,
			     u32 *off, u32 *size)
{
	const struct btf_var_secinfo *vs = (const void *)(sec + 1);
	u32 var_id, i;

	if (!wo_btf_find(b, BTF_KIND_VAR, name, &var_id))
		return -ENOENT;
	for (i = 0; i < BTF_INFO_VLEN(sec->info); i++, vs++) {
		if (vs->type == var_id) {
			*off = vs->offset;
			*size = vs->size;
			return 0;
		}
	}
	return -ENOENT;
}

/*
 * What a datasec offset is relative to, as a per-CPU pointer: BTF gives
 * offsets within .data..percpu, but what per_cpu_ptr() takes is the
 * variable's link address.  That was the offset itself only where the
 * section is linked at 0 (x86_64 up to 6.14); arm64, and x86_64 since
 * 6.15 (9d7de2aa8b41, relative per-CPU offsets), link it at a kernel
 * address.  kernel_cpustat is a per-CPU variable of vmlinux that modules
 * can take the address of: its link address minus its datasec offset is
 * the section's base on every layout.
 */
static int wo_btf_percpu_base(const struct wo_btf *b,
			      const struct btf_type *sec, unsigned long *base)
{
	u32 off, size;

	if (wo_btf_percpu_var(b, sec, "kernel_cpustat", &off, &size) ||
	    size != sizeof(struct kernel_cpustat))
		return -ENOENT;
	*base = (unsigned long)(void __force *)&kernel_cpustat - off;
	return 0;
}

static int wo_btf_layout(const struct wo_btf *b, struct wo_rq_layout *l,
			 const char **why)
{
	const struct btf_type *rq, *sec;
	unsigned long base;
	long clock, cpu, nr;
	u32 off, size;

	rq = wo_btf_find(b, BTF_KIND_STRUCT, "rq", NULL);
	if (!rq) {
		*why = "no struct rq in BTF";
		return -ENOENT;
	}
	clock = wo_btf_member(b, rq, "clock", sizeof(u64), 0);
	cpu = wo_btf_member(b, rq, "cpu", sizeof(int), 0);
	if (clock < 0 || cpu < 0 || clock + sizeof(u64) > rq->size ||
	    cpu + sizeof(int) > rq->size) {
		*why = "struct rq has no usable clock/cpu members";
		return -ENOENT;
	}
	sec = wo_btf_find(b, BTF_KIND_DATASEC, ".data..percpu", NULL);
	if (!sec) {
		*why = "no .data..percpu datasec in BTF";
		return -ENOENT;
	}
	if (wo_btf_percpu_var(b, sec, "runqueues", &off, &size)) {
		*why = "no per-CPU runqueues variable in BTF";
		return -ENOENT;
	}
	if (size != rq->size) {
		*why = "runqueues size differs from struct rq";
		return -EINVAL;
	}
	if (wo_btf_percpu_base(b, sec, &base)) {
		*why = "no per-CPU kernel_cpustat in BTF to anchor runqueues";
		return -ENOENT;
	}
	l->clock_off = clock;
	l->cpu_off = cpu;
	/* Optional: the runqueue length at wakeup (offset 0 is rq->__lock). */
	nr = wo_btf_member(b, rq, "nr_running", sizeof(unsigned int), 0);
	l->nr_running_off = nr > 0 && nr + sizeof(unsigned int) <= rq->size ?
			    nr : 0;
	l->runqueues_off = base + off;
	l->size = rq->size;
	return 0;
}

static void *wo_rq_ptr(const struct wo_rq_layout *l, int cpu)
{
	return per_cpu_ptr((void __percpu __force *)(unsigned long)l->runqueues_off,
			   cpu);
}

/*
 * rq->nr_running is optional: a value no runqueue can hold means the
 * offset is wrong, and the field is then simply not recorded.
 */
static void wo_rq_validate_nr(struct wo_rq_layout *l)
{
	unsigned int nr;
	int cpu;

	if (!l->nr_running_off)
		return;
	for_each_possible_cpu(cpu) {
		u8 *rq = wo_rq_ptr(l, cpu);

		if (copy_from_kernel_nofault(&nr, rq + l->nr_running_off,
					     sizeof(nr)) ||
		    nr > PID_MAX_LIMIT) {
			pr_warn("rq->nr_running not usable at offset %u; not recorded\n",
				l->nr_running_off);
			l->nr_running_off = 0;
			return;
		}
	}
}

/* Only offsets that pass this are ever used by a probe. */
static int wo_rq_validate(struct wo_rq_layout *l, const char **why)
{
	int cpu;

	for_each_possible_cpu(cpu) {
		u8 *rq = wo_rq_ptr(l, cpu);
		int seen_cpu;
		u64 clock;

		if (copy_from_kernel_nofault(&seen_cpu, rq + l->cpu_off,
					     sizeof(seen_cpu)) ||
		    copy_from_kernel_nofault(&clock, rq + l->clock_off,
					     sizeof(clock))) {
			*why = "runqueue not readable at the BTF offset";
			return -EFAULT;
		}
		if (seen_cpu != cpu) {
			*why = "rq->cpu does not match the CPU (offsets wrong)";
			return -EINVAL;
		}
		/*
		 * cpu_clock() is the rq clock's source, sched_clock_cpu(),
		 * which arm64 (stable sched_clock) does not export.
		 */
		if (cpu_online(cpu) && clock > cpu_clock(cpu) + NSEC_PER_SEC) {
			*why = "rq->clock ahead of sched_clock_cpu (offsets wrong)";
			return -EINVAL;
		}
	}
	wo_rq_validate_nr(l);
	return 0;
}

#define WO_BTF_PATH	"/sys/kernel/btf/vmlinux"
#define WO_BTF_MAX	(64 << 20)

void wo_btf_init(void)
{
	struct wo_btf b = { };
	struct wo_rq_layout l = { };
	const char *why = "";
	void *data = NULL;
	ssize_t n;
	int ret;

	n = wo_read_file(WO_BTF_PATH, WO_BTF_MAX, &data);
	if (n < 0) {
		why = "cannot read " WO_BTF_PATH " (CONFIG_DEBUG_INFO_BTF?)";
		ret = (int)n;
		goto out;
	}
	ret = wo_btf_index(&b, data, n, &why);
	if (!ret)
		ret = wo_btf_layout(&b, &l, &why);
	if (!ret)
		ret = wo_rq_validate(&l, &why);
out:
	vfree(b.by_id);
	vfree(data);
	if (ret) {
		wo_rq.valid = false;
		wo_rq.why = why;
		pr_warn("rq->clock unavailable: %s (%d); all else works\n",
			why, ret);
		return;
	}
	l.valid = true;
	l.why = "validated on every possible CPU";
	wo_rq = l;
}

bool wo_rq_nr_running(int cpu, u32 *nr)
{
	if (!wo_rq.valid || !wo_rq.nr_running_off)
		return false;
	*nr = READ_ONCE(*(u32 *)((u8 *)wo_rq_ptr(&wo_rq, cpu) +
				 wo_rq.nr_running_off));
	return true;
}

u64 wo_rq_clock(int cpu)
{
	return READ_ONCE(*(u64 *)((u8 *)wo_rq_ptr(&wo_rq, cpu) +
				  wo_rq.clock_off));
}
