#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# plot-chromium.sh PAGE.html -- render a "wakeoff plot" page in headless
# Chromium (the "chromium" package is installed with apt when missing) and
# fail unless
#   - Chromium logs no console message for it (the page has no script:
#     any console line, "Uncaught ..." or a failed resource is an error),
#   - the rendered DOM has the three sections (#timeline, #histograms,
#     #offset) and the SVGs #timeline-svg, #hist-wake, #hist-switch,
#   - the screenshot is not blank (>= 2% non-white pixels, PNG decoded
#     with python3's zlib), and when the DOM holds runqueue-coloured
#     timeline cells (4 px wide or more in all), their colours are on the
#     screenshot.
# Leaves PAGE.png (screenshot), PAGE.dom and PAGE.chromium.log; prints how
# long the install and the two renders took.
set -euo pipefail
. "$(dirname "$0")/../../selftests/vm/lib.sh"
[ $# -eq 1 ] && [ -f "$1" ] || wo_die "usage: $0 PAGE.html"
page=$(realpath "$1")
. "$(dirname "$0")/chromium.sh"

wo_chromium_render "$page" 1200,2000
for id in timeline histograms offset timeline-svg hist-wake hist-switch; do
	grep -q "id=\"$id\"" "$dom" || wo_die "rendered DOM lacks #$id"
done
svgs=$(grep -o '<svg' "$dom" | wc -l)
[ "$svgs" -ge 3 ] || wo_die "only $svgs SVGs rendered"

python3 "$(dirname "$0")/png-check.py" "$png" "$dom"
echo "rendered cleanly: $svgs SVGs, screenshot $png"
