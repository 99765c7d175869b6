/* SPDX-License-Identifier: GPL-2.0 */
/* "wakeoff export --perfetto" and "wakeoff plot": a record file as pictures. */
#ifndef WAKEOFF_EXPORT_H
#define WAKEOFF_EXPORT_H

#include <stddef.h>
#include <stdio.h>

#include "json.h"
#include "wofile.h"

/*
 * Chrome trace-event JSON (ui.perfetto.dev, chrome://tracing), streamed
 * to @out.  Returns 0, or -1 (allocation or write error, errno set).
 */
int wo_export_perfetto(const struct wo_trace *t, FILE *out);

/*
 * One self-contained HTML page (inline SVG and CSS, no script, nothing
 * fetched): per-CPU runqueue-length timeline, latency histograms per
 * class, clock offset over time.  @title: the page's heading, NULL for
 * "wakeoff: FILE".  Returns 0, or -1 (allocation or write error).
 */
int wo_plot_html(const struct wo_trace *t, FILE *out, const char *title);


#endif
