/* SPDX-License-Identifier: GPL-2.0 */
/* "wakeoff export --perfetto" and "wakeoff plot": a record file as pictures. */
#ifndef WAKEOFF_EXPORT_H
#define WAKEOFF_EXPORT_H

#include <stdio.h>

#include "wofile.h"

/* Chrome trace-event JSON (Perfetto UI, chrome://tracing). */
int wo_export_perfetto(const struct wo_trace *t, FILE *out);
/* One self-contained HTML page: inline SVG and CSS, no script, no network. */
int wo_plot_html(const struct wo_trace *t, FILE *out);

int cmd_export(int argc, char **argv);
int cmd_plot(int argc, char **argv);

#endif
