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
base=${page%.html}
png=$base.png dom=$base.dom log=$base.chromium.log

now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

t0=$(now)
wo_need_pkgs chromium
t1=$(now)
chrome=$(command -v chromium || command -v chromium-browser) ||
	wo_die "no chromium binary after installing the package"
# Root needs --no-sandbox; a private profile keeps runs independent.
prof=$(mktemp -d)
trap 'rm -rf "$prof"' EXIT
flags=(--headless --no-sandbox --disable-gpu --no-first-run --no-default-browser-check
       --user-data-dir="$prof" --enable-logging=stderr --v=0
       --window-size=1200,2000 --hide-scrollbars --virtual-time-budget=2000)
rm -f "$png"
timeout 120 "$chrome" "${flags[@]}" --dump-dom "file://$page" >"$dom" 2>"$log" ||
	wo_die "chromium --dump-dom failed (log: $log)"
t2=$(now)
timeout 120 "$chrome" "${flags[@]}" --screenshot="$png" "file://$page" >/dev/null 2>>"$log" ||
	wo_die "chromium --screenshot failed (log: $log)"
t3=$(now)
echo "chromium: install/check $(secs "$t0" "$t1") s, dump-dom $(secs "$t1" "$t2") s, screenshot $(secs "$t2" "$t3") s"

if grep -E 'CONSOLE|Uncaught|SyntaxError|Failed to load resource' "$log"; then
	wo_die "console errors while rendering $page (log: $log)"
fi
for id in timeline histograms offset timeline-svg hist-wake hist-switch; do
	grep -q "id=\"$id\"" "$dom" || wo_die "rendered DOM lacks #$id"
done
svgs=$(grep -o '<svg' "$dom" | wc -l)
[ "$svgs" -ge 3 ] || wo_die "only $svgs SVGs rendered"
[ -s "$png" ] || wo_die "no screenshot written"

python3 - "$png" "$dom" <<'PY'
import re, struct, sys, zlib
data = open(sys.argv[1], "rb").read()
# Runqueue colours the DOM says the timeline painted (not "no sample"),
# in cells at least 4 px wide in all: those must be on the screenshot.
width = {}
dom = open(sys.argv[2], encoding="utf-8", errors="replace").read()
for col, d in re.findall(r'<path fill="#([0-9a-f]{6})" d="(M[^"]*)"><title>CPU \d+: runqueue length \d', dom):
    width[col] = width.get(col, 0) + sum(float(x) for x in re.findall(r'h([0-9.]+)v', d))
want = {bytes.fromhex(c) for c, wd in width.items() if wd >= 4}
assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
pos, idat, w = 8, b"", 0
while pos < len(data):
    n, typ = struct.unpack(">I4s", data[pos:pos + 8])
    body = data[pos + 8:pos + 8 + n]
    if typ == b"IHDR":
        w, h, depth, ctype, _, _, interlace = struct.unpack(">IIBBBBB", body)
        assert depth == 8 and ctype in (2, 6) and not interlace, "unexpected PNG format"
        bpp = 3 if ctype == 2 else 4
    elif typ == b"IDAT":
        idat += body
    pos += 12 + n
raw = zlib.decompress(idat)
stride = w * bpp + 1
prev = bytearray(w * bpp)
coloured = 0
seen = set()
for y in range(h):
    f = raw[y * stride]
    line = bytearray(raw[y * stride + 1:(y + 1) * stride])
    if f == 1:
        for i in range(bpp, len(line)):
            line[i] = (line[i] + line[i - bpp]) & 255
    elif f == 2:
        for i in range(len(line)):
            line[i] = (line[i] + prev[i]) & 255
    elif f == 3:
        for i in range(len(line)):
            a = line[i - bpp] if i >= bpp else 0
            line[i] = (line[i] + (a + prev[i]) // 2) & 255
    elif f == 4:
        for i in range(len(line)):
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            p = a + b - c
            pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
    for x in range(0, w * bpp, bpp):
        px = bytes(line[x:x + 3])
        if min(px) < 200:
            coloured += 1
        if px in want:
            seen.add(px)
    prev = line
share = coloured / (w * h)
print(f"screenshot {w}x{h}: {coloured} non-white pixels ({100 * share:.1f}%), "
      f"runqueue colours on it: {len(seen)} of {len(want)}")
assert share > 0.02, "screenshot is (nearly) blank"
assert seen == want, "timeline colours in the DOM missing from the screenshot: " + \
    " ".join("#" + c.hex() for c in want - seen)
PY
echo "rendered cleanly: $svgs SVGs, screenshot $png"
