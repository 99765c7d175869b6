// SPDX-License-Identifier: GPL-2.0
/*
 * wakeoff report -i SECONDS [COUNT]: the live summary every interval, as
 * the difference from the previous reading (like vmstat 1); Ctrl-C
 * prints the total since the start.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cmds.h"
#include "interval.h"
#include "modfs.h"

static volatile sig_atomic_t iv_stop;

static void iv_on_signal(int sig)
{
	(void)sig;
	iv_stop = 1;
}

static double iv_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * Sleep @secs after the reading, as vmstat and runqlat do: a reader held
 * up (stopped, descheduled) still gets whole intervals, never a burst of
 * readings to catch up; each block prints its own length.  False if
 * interrupted by SIGINT/SIGTERM.
 */
static bool iv_sleep(double secs)
{
	struct timespec ts;

	ts.tv_sec = (time_t)secs;
	ts.tv_nsec = (long)((secs - (double)ts.tv_sec) * 1e9);
	while (!iv_stop) {
		int rc = clock_nanosleep(CLOCK_MONOTONIC, 0, &ts, &ts);

		if (!rc)
			return true;
		if (rc != EINTR)
			return false;
	}
	return false;
}

static void iv_stamp(char *buf, size_t len)
{
	time_t t = time(NULL);
	struct tm tm;

	if (!localtime_r(&t, &tm) || !strftime(buf, len, "%H:%M:%S", &tm))
		snprintf(buf, len, "?");
}

/* Print @cur - @prev; 0, or 1 after a message. */
static int iv_block(const struct wo_summary *prev,
		    const struct wo_summary *cur, double secs, bool json,
		    bool total)
{
	struct wo_ivdelta d;
	char err[256], stamp[16];

	if (wo_iv_delta(prev, cur, &d, err, sizeof(err))) {
		fprintf(stderr, "wakeoff report: %s\n", err);
		return 1;
	}
	iv_stamp(stamp, sizeof(stamp));
	if (json) {
		wo_iv_print_json(stdout, stamp, secs, total, &d);
	} else {
		if (total)
			printf("Total since the start:\n");
		wo_iv_print_text(stdout, stamp, secs, &d);
	}
	wo_iv_free(&d);
	return fflush(stdout) ? 1 : 0;
}

static void iv_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = iv_on_signal;	/* no SA_RESTART: wake the sleep */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

int wo_report_interval(double secs, unsigned long count, bool json)
{
	struct wo_summary first, prev, cur;
	double t0, tprev, t;
	unsigned long k;
	int rc = 0;

	if (wo_mod_summary(&first) || wo_mod_summary(&prev))
		return 1;
	iv_signals();
	t0 = tprev = iv_now();
	for (k = 0; !rc && (!count || k < count); k++) {
		bool slept = iv_sleep(secs);

		if (wo_mod_summary(&cur)) {
			rc = 1;
			break;
		}
		t = iv_now();
		rc = slept ? iv_block(&prev, &cur, t - tprev, json, false) :
			     iv_block(&first, &cur, t - t0, json, true);
		wo_summary_free(&prev);
		prev = cur;
		tprev = t;
		if (!slept)
			break;
	}
	wo_summary_free(&prev);
	wo_summary_free(&first);
	return rc;
}
