#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# flamegraph-chromium.sh GRAPH.svg -- render a "wakeoff flamegraph" SVG in
# headless Chromium (as plot-chromium.sh does for the plot page) and fail
# unless Chromium logs no console message, the DOM is the flame graph
# (#offcpu-flamegraph with its frames' <rect>s) and the screenshot is not
# blank.
set -euo pipefail
. "$(dirname "$0")/../../selftests/vm/lib.sh"
[ $# -eq 1 ] && [ -f "$1" ] || wo_die "usage: $0 GRAPH.svg"
svg=$(realpath "$1")
base=${svg%.svg}
png=$base.png dom=$base.dom log=$base.chromium.log
wo_need_pkgs chromium
chrome=$(command -v chromium || command -v chromium-browser) ||
	wo_die "no chromium binary after installing the package"
prof=$(mktemp -d)
trap 'rm -rf "$prof"' EXIT
flags=(--headless --no-sandbox --disable-gpu --no-first-run --no-default-browser-check
       --user-data-dir="$prof" --enable-logging=stderr --v=0
       --window-size=1200,800 --hide-scrollbars --virtual-time-budget=2000)
rm -f "$png"
timeout 120 "$chrome" "${flags[@]}" --dump-dom "file://$svg" >"$dom" 2>"$log" ||
	wo_die "chromium --dump-dom failed (log: $log)"
timeout 120 "$chrome" "${flags[@]}" --screenshot="$png" "file://$svg" >/dev/null 2>>"$log" ||
	wo_die "chromium --screenshot failed (log: $log)"
if grep -E 'CONSOLE|Uncaught|SyntaxError|Failed to load resource|error on line' "$log" "$dom"; then
	wo_die "errors while rendering $svg (log: $log)"
fi
grep -q 'id="offcpu-flamegraph"' "$dom" || wo_die "rendered DOM lacks #offcpu-flamegraph"
rects=$(grep -o '<rect ' "$dom" | wc -l)
[ "$rects" -ge 3 ] || wo_die "only $rects rects rendered"
[ -s "$png" ] || wo_die "no screenshot written"
size=$(stat -c %s "$png")
[ "$size" -gt 5000 ] || wo_die "screenshot of $size bytes: blank?"
echo "rendered cleanly: $rects rects, screenshot $png ($size bytes)"
