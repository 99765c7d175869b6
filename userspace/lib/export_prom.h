/* SPDX-License-Identifier: GPL-2.0 */
/* "wakeoff export --prometheus-textfile": the live summary for node_exporter. */
#ifndef WAKEOFF_EXPORT_PROM_H
#define WAKEOFF_EXPORT_PROM_H

#include <stddef.h>
#include <stdio.h>

#include "report.h"

/*
 * The text exposition of @r (report --prometheus's metrics, then
 * wakeoff_up 1 and wakeoff_wakeups_total); @r NULL: only wakeoff_up 0.
 * Returns 0, or -1 on a write error.
 */
int wo_prom_textfile(const struct wo_report *r, FILE *out);
/*
 * wo_prom_textfile() into @path atomically: @path.tmp, fsync, rename over
 * @path, fsync of the directory.  Returns 0, or -1 with @err set (and no
 * @path.tmp left behind).
 */
int wo_prom_write_file(const char *path, const struct wo_report *r,
		       char *err, size_t errlen);
/* The "export" command: --prometheus-textfile here, else --perfetto. */

#endif
