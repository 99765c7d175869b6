// SPDX-License-Identifier: GPL-2.0
/*
 * NUMA and priority-inheritance events as anomalies: a SCHED_OTHER
 * thread holds a PTHREAD_PRIO_INHERIT mutex that a SCHED_FIFO thread
 * blocks on ROUNDS times, so the kernel boosts the holder at least
 * ROUNDS times (sched_pi_setprio).  wakeoff's counts per event equal
 * tracefs's for the same window (NUMA: 0 in a single-node guest, which
 * the test prints), ROUNDS is a lower bound of the holder's boosts, and
 * every sched event record parses and lies between two run records
 * written at the window's start and end.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <semaphore.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/futex.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "common.h"

#define ROUNDS		20
#define POLL_NS		200000L
#define FIFO_PRIO	10

static const char * const ev_names[WAKEOFF_SEV_NR] = {
	"sched_move_numa", "sched_swap_numa", "sched_stick_numa",
	"sched_pi_setprio",
};

static const char * const class_names[] = { "fair", "rt", "dl", "other" };

struct pi {
	pthread_mutex_t m;
	sem_t held, done;
	pid_t holder_tid;
};

/*
 * Hold the lock until the kernel has queued the FIFO thread on it: the
 * futex word's FUTEX_WAITERS bit (glibc's PI mutex word is the futex).
 * The kernel sets it and boosts the owner under the rt_mutex's
 * wait_lock, which the unlock takes too: once seen, the boost happened.
 */
static void hold_until_waiter(struct pi *pi)
{
	struct timespec ts = { 0, POLL_NS };
	int i;

	for (i = 0; i < 50000; i++) {
		if (__atomic_load_n(&pi->m.__data.__lock, __ATOMIC_ACQUIRE) &
		    FUTEX_WAITERS)
			return;
		nanosleep(&ts, NULL);
	}
}

static void *holder(void *arg)
{
	struct pi *pi = arg;
	int i;

	pi->holder_tid = syscall(SYS_gettid);
	for (i = 0; i < ROUNDS; i++) {
		pthread_mutex_lock(&pi->m);
		sem_post(&pi->held);
		hold_until_waiter(pi);
		pthread_mutex_unlock(&pi->m);
		sem_wait(&pi->done);
	}
	return NULL;
}

static void *waiter(void *arg)
{
	struct pi *pi = arg;
	int i;

	for (i = 0; i < ROUNDS; i++) {
		sem_wait(&pi->held);
		pthread_mutex_lock(&pi->m);	/* contended: boosts holder */
		pthread_mutex_unlock(&pi->m);
		sem_post(&pi->done);
	}
	return NULL;
}

/* Run the workload; the holder's tid, or -1. */
static pid_t pi_workload(void)
{
	struct sched_param sp = { .sched_priority = FIFO_PRIO };
	pthread_mutexattr_t ma;
	pthread_attr_t fa;
	pthread_t th, tw;
	static struct pi pi;

	pthread_mutexattr_init(&ma);
	if (pthread_mutexattr_setprotocol(&ma, PTHREAD_PRIO_INHERIT) ||
	    pthread_mutex_init(&pi.m, &ma))
		return -1;
	sem_init(&pi.held, 0, 0);
	sem_init(&pi.done, 0, 0);
	pthread_attr_init(&fa);
	pthread_attr_setinheritsched(&fa, PTHREAD_EXPLICIT_SCHED);
	pthread_attr_setschedpolicy(&fa, SCHED_FIFO);
	pthread_attr_setschedparam(&fa, &sp);
	if (pthread_create(&th, NULL, holder, &pi))
		return -1;
	if (pthread_create(&tw, &fa, waiter, &pi))
		return -1;
	pthread_join(tw, NULL);
	pthread_join(th, NULL);
	pthread_mutex_destroy(&pi.m);
	return pi.holder_tid;
}

static int tracefs_events(const char *v)
{
	char path[128];
	int i, ret = 0;

	for (i = 0; i < WAKEOFF_SEV_NR; i++) {
		snprintf(path, sizeof(path), TRACEFS "/events/sched/%s/enable",
			 ev_names[i]);
		ret |= wo_write_str(path, v);
	}
	return ret;
}

/* wakeoff's count of event @ev, all classes. */
static uint64_t wo_count(const char *ev)
{
	char key[96];
	uint64_t n = 0;
	unsigned int c;

	for (c = 0; c < 4; c++) {
		snprintf(key, sizeof(key), "anomaly.%s.%s", ev, class_names[c]);
		n += wo_summary_u64(key);
	}
	return n;
}

FIXTURE(anom) {
	char *buf;
	long len;
};

FIXTURE_SETUP(anom)
{
	if (access(TRACEFS "/events/sched/sched_pi_setprio/enable", W_OK))
		SKIP(return, "tracefs is not mounted at %s", TRACEFS);
	if (wo_is_loaded())
		wo_unload();
	ASSERT_EQ(0, wo_load(NULL));
	self->buf = NULL;
}

FIXTURE_TEARDOWN(anom)
{
	tracefs_events("0");
	wo_write_str(TRACEFS "/trace", "");
	free(self->buf);
	wo_unload();
	EXPECT_EQ(0, wo_bad_taint());
}

/* Every one of the four tracepoints exists on the kernels under test. */
TEST_F(anom, hooks_attached)
{
	char key[96];
	int i;

	for (i = 0; i < WAKEOFF_SEV_NR; i++) {
		snprintf(key, sizeof(key), "anomaly.hook.%s", ev_names[i]);
		ASSERT_NE(NULL, wo_summary_get_str(key));
		EXPECT_STREQ("attached", wo_summary_get_str(key));
	}
}

static const struct wakeoff_run *run_rec(const char *buf, long len,
					 uint64_t id)
{
	const struct wakeoff_run *r;
	long off = 0;

	while ((r = wo_next_record(buf, len, &off, WAKEOFF_REC_RUN)))
		if (r->run_id == id)
			return r;
	return NULL;
}

TEST_F(anom, pi_and_numa_match_tracefs)
{
	const struct wakeoff_sched_event *e;
	const struct wakeoff_run *r1, *r2;
	long off = 0, nrec = 0, nholder = 0, boosts = 0, tf[WAKEOFF_SEV_NR];
	uint64_t wo[WAKEOFF_SEV_NR], fair_pi;
	char needle[64];
	pid_t tid;
	int i;

	ASSERT_EQ(0, wo_write_str(TRACEFS "/buffer_size_kb", "4096"));
	ASSERT_EQ(0, wo_write_str(TRACEFS "/trace", ""));
	ASSERT_EQ(0, tracefs_events("1"));
	ASSERT_EQ(0, wo_control("reset"));
	ASSERT_EQ(0, wo_control("run 1 anomaly-start"));
	tid = pi_workload();
	ASSERT_LT(0, tid);
	ASSERT_EQ(0, wo_control("run 2 anomaly-end"));
	ASSERT_EQ(0, wo_control("stop"));
	ASSERT_EQ(0, tracefs_events("0"));

	for (i = 0; i < WAKEOFF_SEV_NR; i++) {
		snprintf(needle, sizeof(needle), " %s: ", ev_names[i]);
		tf[i] = wo_trace_count(needle);
		wo[i] = wo_count(ev_names[i]);
		TH_LOG("%s: wakeoff %llu, tracefs %ld", ev_names[i],
		       (unsigned long long)wo[i], tf[i]);
		EXPECT_EQ(tf[i], (long)wo[i]);
	}
	fair_pi = wo_summary_u64("anomaly.sched_pi_setprio.fair");
	EXPECT_LE(ROUNDS, fair_pi);
	if (!wo[WAKEOFF_SEV_MOVE_NUMA] && !wo[WAKEOFF_SEV_SWAP_NUMA] &&
	    !wo[WAKEOFF_SEV_STICK_NUMA])
		TH_LOG("NUMA: no balancing event in this window (single-node guest: 0 expected)");

	self->len = wo_events_drain(&self->buf);
	ASSERT_LT(0, self->len);
	r1 = run_rec(self->buf, self->len, 1);
	r2 = run_rec(self->buf, self->len, 2);
	ASSERT_NE(NULL, r1);
	ASSERT_NE(NULL, r2);
	while ((e = wo_next_record(self->buf, self->len, &off,
				   WAKEOFF_REC_SCHED_EVENT))) {
		nrec++;
		ASSERT_EQ(WAKEOFF_SCHED_EVENT_SIZE, e->hdr.size);
		ASSERT_GT(WAKEOFF_SEV_NR, e->event);
		ASSERT_GT(WAKEOFF_TCLASS_NR, e->task_class);
		/* Written after "run 1" and before "run 2" (same clock). */
		EXPECT_LE(r1->ts, e->ts);
		EXPECT_GE(r2->ts, e->ts);
		if (e->event != WAKEOFF_SEV_PI_SETPRIO || e->pid != tid)
			continue;
		nholder++;
		EXPECT_EQ(WAKEOFF_TCLASS_FAIR, e->task_class);
		/* A boost to the waiter's priority (99 - FIFO_PRIO)... */
		if (e->other_pid) {
			boosts++;
			EXPECT_EQ(99 - FIFO_PRIO, e->new_prio);
		} else {
			/* ... and back to nice 0 when it ends. */
			EXPECT_EQ(120, e->new_prio);
		}
	}
	snprintf(needle, sizeof(needle), " pid=%d oldprio=", tid);
	TH_LOG("holder %d: %ld PI records (%ld boosts), tracefs %ld; %ld sched event records in all",
	       tid, nholder, boosts, wo_trace_count(needle), nrec);
	EXPECT_EQ(wo_trace_count(needle), nholder);
	EXPECT_LE(ROUNDS, boosts);
	EXPECT_EQ((long)wo_summary_u64("anomaly.records"), nrec);
	EXPECT_EQ(0, wo_summary_u64("anomaly.records_dropped"));
	EXPECT_EQ(tf[0] + tf[1] + tf[2] + tf[3], nrec);
}

TEST_HARNESS_MAIN
