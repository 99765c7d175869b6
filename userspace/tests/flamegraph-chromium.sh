#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# flamegraph-chromium.sh GRAPH.svg -- render a "wakeoff flamegraph" SVG in
# headless Chromium and fail unless Chromium logs no console message or
# XML error, the DOM is the flame graph (#offcpu-flamegraph with its
# frames' <rect>s) and the screenshot is not blank (png-check.py).
set -euo pipefail
. "$(dirname "$0")/../../selftests/vm/lib.sh"
[ $# -eq 1 ] && [ -f "$1" ] || wo_die "usage: $0 GRAPH.svg"
svg=$(realpath "$1")
. "$(dirname "$0")/chromium.sh"

wo_chromium_render "$svg" 1200,800
grep -q 'id="offcpu-flamegraph"' "$dom" || wo_die "rendered DOM lacks #offcpu-flamegraph"
rects=$(grep -o '<rect ' "$dom" | wc -l)
[ "$rects" -ge 3 ] || wo_die "only $rects rects rendered"
python3 "$(dirname "$0")/png-check.py" "$png" "$dom"
echo "rendered cleanly: $rects rects, screenshot $png"
