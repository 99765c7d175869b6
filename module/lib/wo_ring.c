// SPDX-License-Identifier: GPL-2.0
/*
 * wakeoff: per-CPU record buffers (iface/wo_events.c drains them).
 *
 * One buffer per possible CPU (allocated at load, never freed before
 * unload, so hotplug needs nothing), written only by its own CPU: a
 * single-producer/single-consumer byte ring with free-running u64 head
 * and tail.  The producer runs in probe context: it disables IRQs for
 * the copy, so only an NMI can nest, and a per-CPU busy flag makes such
 * a nested writer drop (and count, and take a sequence number: every
 * drop is a gap) instead of corrupting the buffer.
 * The record is published with smp_store_release(head); the reader
 * pairs with smp_load_acquire(head) and frees space with
 * smp_store_release(tail).  Readers are woken through a lazy irq_work
 * (never wake_up() from a probe: we may hold rq or pi locks).
 */
#include <linux/cpu.h>
#include <linux/cpuhotplug.h>
#include <linux/fs.h>
#include <linux/irq_work.h>
#include <linux/mutex.h>
#include <linux/poll.h>
#include <linux/sched/clock.h>
#include <linux/sizes.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>
#include <linux/wait.h>

#include "wakeoff.h"

struct wo_ring {
	u64 head;		/* bytes written; producer only */
	u64 tail;		/* bytes consumed; reader only */
	u64 seq;		/* next sequence number, drops included: this_cpu ops only */
	u8 *data;
	u32 size;		/* power of two */
	int busy;
	bool quiet;		/* CPU going down: queue no reader wakeup */
	struct irq_work wake;
};

static DEFINE_PER_CPU(struct wo_ring, wo_rings);

/* read() never splits a record; the uapi promises this bound. */
static_assert(sizeof(struct wakeoff_wakeup) <= WAKEOFF_REC_MAX_SIZE);
static_assert(sizeof(struct wakeoff_run) <= WAKEOFF_REC_MAX_SIZE);

static __always_inline u64 wo_head_acquire(struct wo_ring *r)
{
	/* Reader: pairs with the producer's release of head (record complete). */
	return smp_load_acquire(&r->head);
}

static __always_inline u64 wo_tail_acquire(struct wo_ring *r)
{
	/* Producer: pairs with the reader's release of tail (space is free). */
	return smp_load_acquire(&r->tail);
}

static __always_inline void wo_head_release(struct wo_ring *r, u64 head)
{
	/* Producer: the record's bytes are visible before the new head. */
	smp_store_release(&r->head, head);
}

static __always_inline void wo_tail_release(struct wo_ring *r, u64 tail)
{
	/* Reader: done copying out before the producer may overwrite. */
	smp_store_release(&r->tail, tail);
}

static DECLARE_WAIT_QUEUE_HEAD(wo_read_wq);
/*
 * The consumer side (tail, the drain's start CPU) has one owner at a
 * time: the one open events file may be shared by processes or threads
 * that read at once, and reset moves the tails too.
 */
static DEFINE_MUTEX(wo_drain_lock);
static bool wo_reader_open;	/* "events" is open: wake its reader */

static void wo_ring_wake(struct irq_work *w)
{
	wake_up_interruptible(&wo_read_wq);
}

/*
 * A lazy irq_work runs, on PREEMPT_RT, only in its CPU's irq_work thread,
 * which is parked while the CPU is offline: one queued just before the CPU
 * went down would wait there, and irq_work_sync() at rmmod with it.  So a
 * CPU going down stops queueing wakeups and waits for its last one while
 * that thread still runs (AP_ONLINE_DYN teardown, on the CPU itself).  Its
 * records stay in its buffer for the next read.
 */
static enum cpuhp_state wo_ring_hp;

static int wo_ring_cpu_down(unsigned int cpu)
{
	struct wo_ring *r = per_cpu_ptr(&wo_rings, cpu);

	WRITE_ONCE(r->quiet, true);
	irq_work_sync(&r->wake);
	return 0;
}

static int wo_ring_cpu_up(unsigned int cpu)
{
	WRITE_ONCE(per_cpu_ptr(&wo_rings, cpu)->quiet, false);
	return 0;
}

int wo_rings_alloc(void)
{
	u32 size = roundup_pow_of_two(wo_bufsize_kb * SZ_1K);
	int cpu, ret;

	for_each_possible_cpu(cpu) {
		struct wo_ring *r = per_cpu_ptr(&wo_rings, cpu);

		r->data = vmalloc_node(size, cpu_to_node(cpu));
		if (!r->data) {
			wo_rings_free();
			return -ENOMEM;
		}
		r->size = size;
		r->head = 0;
		r->tail = 0;
		r->seq = 0;
		r->busy = 0;
		r->quiet = false;
		/* Lazy: batch reader wakeups up to the next tick. */
		r->wake = IRQ_WORK_INIT_LAZY(wo_ring_wake);
	}
	ret = cpuhp_setup_state_nocalls(CPUHP_AP_ONLINE_DYN, "wakeoff/ring:online",
					wo_ring_cpu_up, wo_ring_cpu_down);
	if (ret < 0) {
		wo_rings_free();
		return ret;
	}
	wo_ring_hp = ret;
	return 0;
}

/*
 * After the probes are gone: no irq_work may still be pending.  With
 * hotplug held off, an offline CPU has none (wo_ring_cpu_down()).
 */
void wo_rings_sync(void)
{
	int cpu;

	cpus_read_lock();
	for_each_possible_cpu(cpu)
		irq_work_sync(&per_cpu_ptr(&wo_rings, cpu)->wake);
	cpus_read_unlock();
}

void wo_rings_free(void)
{
	int cpu;

	if (wo_ring_hp > 0)
		cpuhp_remove_state_nocalls(wo_ring_hp);
	wo_ring_hp = 0;
	for_each_possible_cpu(cpu) {
		struct wo_ring *r = per_cpu_ptr(&wo_rings, cpu);

		vfree(r->data);
		r->data = NULL;
	}
}

/* Only while no probe can write (recording off + synchronize_rcu()). */
void wo_rings_reset(void)
{
	int cpu;

	mutex_lock(&wo_drain_lock);
	for_each_possible_cpu(cpu) {
		struct wo_ring *r = per_cpu_ptr(&wo_rings, cpu);

		wo_tail_release(r, READ_ONCE(r->head));
	}
	mutex_unlock(&wo_drain_lock);
}

static void wo_ring_copy_in(struct wo_ring *r, u64 pos, const void *src,
			    u32 len)
{
	u32 off = pos & (r->size - 1);
	u32 first = min(len, r->size - off);

	memcpy(r->data + off, src, first);
	if (first < len)
		memcpy(r->data, (const u8 *)src + first, len - first);
}

/*
 * Append one record; fills in the header.  Called with preemption
 * disabled from any context.  Returns false if the record was dropped
 * (and counted).
 */
bool wo_ring_write(struct wakeoff_rec_hdr *hdr, u16 type, u16 size)
{
	struct wo_ring *r;
	unsigned long flags;
	bool ok = false;
	u64 head;

	/*
	 * Every attempt takes a sequence number, drops included, so that a
	 * reader sees each drop as a gap.  An NMI may hit the outer writer
	 * anywhere, also between its read and write of seq: this_cpu ops
	 * are single instructions, so neither increment is lost.  No test
	 * reaches the two nested paths (docs/design-notes.md).
	 */
	if (in_nmi()) {
		this_cpu_inc(wo_rings.seq);
		this_cpu_inc(wo_stats.dropped_nested);
		return false;
	}
	local_irq_save(flags);
	r = this_cpu_ptr(&wo_rings);
	if (unlikely(r->busy || !r->data)) {
		this_cpu_inc(wo_rings.seq);
		this_cpu_inc(wo_stats.dropped_nested);
		goto out_restore;
	}
	r->busy = 1;
	hdr->magic = WAKEOFF_REC_MAGIC;
	hdr->abi_major = WAKEOFF_ABI_MAJOR;
	hdr->type = type;
	hdr->size = size;
	hdr->cpu = smp_processor_id();
	hdr->seq = this_cpu_inc_return(wo_rings.seq) - 1;
	head = r->head;
	if (head + size - wo_tail_acquire(r) > r->size) {
		this_cpu_inc(wo_stats.dropped_full);
		goto out_unbusy;
	}
	wo_ring_copy_in(r, head, hdr, size);
	wo_head_release(r, head + size);
	this_cpu_inc(wo_stats.recorded);
	ok = true;
	if (READ_ONCE(wo_reader_open) && !READ_ONCE(r->quiet))
		irq_work_queue(&r->wake);
out_unbusy:
	r->busy = 0;
out_restore:
	local_irq_restore(flags);
	return ok;
}

bool wo_rings_have_data(void)
{
	int cpu;

	for_each_possible_cpu(cpu) {
		struct wo_ring *r = per_cpu_ptr(&wo_rings, cpu);

		if (wo_head_acquire(r) != READ_ONCE(r->tail))
			return true;
	}
	return false;
}

static int wo_ring_copy_out(struct wo_ring *r, u64 pos, void __user *dst,
			    u32 len)
{
	u32 off = pos & (r->size - 1);
	u32 first = min(len, r->size - off);

	if (copy_to_user(dst, r->data + off, first))
		return -EFAULT;
	if (first < len && copy_to_user((u8 __user *)dst + first, r->data,
					len - first))
		return -EFAULT;
	return 0;
}

/*
 * How many bytes of whole records, from @tail, fit in @room: each header
 * checked (never hand garbage out).  *@corrupt: a bad header ends the
 * span (cannot happen).  The span is then copied at once: every
 * copy_to_user() from vmalloc memory pays the usercopy check's vmap area
 * lookup, once per span instead of once per record.
 */
static u64 wo_ring_span(struct wo_ring *r, u64 tail, u64 head, size_t room,
			bool *corrupt)
{
	u64 pos = tail;

	*corrupt = false;
	while (pos < head) {
		struct wakeoff_rec_hdr h;
		u32 off = pos & (r->size - 1);
		u32 first = min_t(u32, sizeof(h), r->size - off);

		memcpy(&h, r->data + off, first);
		if (first < sizeof(h))
			memcpy((u8 *)&h + first, r->data, sizeof(h) - first);
		if (wakeoff_rec_check(&h, head - pos)) {
			*corrupt = true;
			break;
		}
		if (h.size > room - (pos - tail))
			break;
		pos += h.size;
	}
	return pos - tail;
}

/*
 * Copy whole records from every CPU's buffer; 0 if none, or -errno.
 * Called with wo_drain_lock held.
 */
static ssize_t wo_rings_drain(char __user *ubuf, size_t count)
{
	static int start_cpu;
	ssize_t done = 0;
	int i, cpu = start_cpu;

	lockdep_assert_held(&wo_drain_lock);
	for (i = 0; i < nr_cpu_ids; i++, cpu = (cpu + 1) % nr_cpu_ids) {
		struct wo_ring *r;
		u64 head, tail, span;
		bool corrupt;

		if (!cpu_possible(cpu))
			continue;
		r = per_cpu_ptr(&wo_rings, cpu);
		head = wo_head_acquire(r);
		tail = r->tail;
		span = wo_ring_span(r, tail, head, count - done, &corrupt);
		if (span && wo_ring_copy_out(r, tail, ubuf + done, (u32)span))
			return done ? done : -EFAULT;
		done += span;
		tail += span;
		if (corrupt) {
			pr_err_ratelimited("cpu%d buffer corrupt, skipped\n", cpu);
			tail = head;
		}
		wo_tail_release(r, tail);
		if (tail < head) {
			/* the next record does not fit: this CPU first next time */
			start_cpu = cpu;
			return done ? done : -EINVAL;
		}
	}
	start_cpu = (start_cpu + 1) % nr_cpu_ids;
	return done;
}

/* Whether a reader has "events" open: only then do writers wake it. */
void wo_rings_set_reader(bool open)
{
	WRITE_ONCE(wo_reader_open, open);
}

/* Whole records into @ubuf; 0 if there are none, or -errno. */
ssize_t wo_rings_read(char __user *ubuf, size_t count)
{
	ssize_t ret;

	if (mutex_lock_interruptible(&wo_drain_lock))
		return -ERESTARTSYS;
	ret = wo_rings_drain(ubuf, count);
	mutex_unlock(&wo_drain_lock);
	return ret;
}

/* Sleep until a record is there; -ERESTARTSYS on a signal. */
int wo_rings_wait(void)
{
	return wait_event_interruptible(wo_read_wq, wo_rings_have_data());
}

void wo_rings_poll_wait(struct file *file, poll_table *wait)
{
	poll_wait(file, &wo_read_wq, wait);
}
