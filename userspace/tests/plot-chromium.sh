#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# plot-chromium.sh PAGE.html -- render a "wakeoff plot" page in headless
# Chromium (installed with apt when missing) and fail unless
#   - Chromium logs no console error for it,
#   - the rendered DOM has the three sections and their SVGs,
#   - the screenshot is not blank (enough non-white pixels).
# The screenshot is left next to the page as PAGE.png.
set -euo pipefail
. "$(dirname "$0")/../../selftests/vm/lib.sh"
page=$(realpath "$1")
png=${page%.html}.png
log=${page%.html}.chromium.log
wo_need_pkgs chromium
chrome=$(command -v chromium || command -v chromium-browser) ||
	wo_die "no chromium binary after installing the package"
# Root needs --no-sandbox; a private profile keeps runs independent.
prof=$(mktemp -d)
trap 'rm -rf "$prof"' EXIT
flags=(--headless --no-sandbox --disable-gpu --no-first-run --user-data-dir="$prof"
       --enable-logging=stderr --v=0 --window-size=1200,2000
       --virtual-time-budget=2000)
timeout 120 "$chrome" "${flags[@]}" --dump-dom "file://$page" >"${page%.html}.dom" 2>"$log"
timeout 120 "$chrome" "${flags[@]}" --screenshot="$png" "file://$page" 2>>"$log" >/dev/null
if grep -E 'CONSOLE|Uncaught|SyntaxError' "$log"; then
	wo_die "console errors while rendering $page"
fi
for id in timeline histograms offset; do
	grep -q "id=\"$id\"" "${page%.html}.dom" || wo_die "rendered DOM lacks #$id"
done
svgs=$(grep -o '<svg' "${page%.html}.dom" | wc -l)
[ "$svgs" -ge 3 ] || wo_die "only $svgs SVGs rendered"
python3 - "$png" <<'PY'
import struct, sys, zlib
data = open(sys.argv[1], "rb").read()
assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
pos, idat, w = 8, b"", 0
while pos < len(data):
    n, typ = struct.unpack(">I4s", data[pos:pos + 8])
    body = data[pos + 8:pos + 8 + n]
    if typ == b"IHDR":
        w, h, depth, ctype = struct.unpack(">IIBB", body[:10])
        assert depth == 8 and ctype in (2, 6), "unexpected PNG format"
        bpp = 3 if ctype == 2 else 4
    elif typ == b"IDAT":
        idat += body
    pos += 12 + n
raw = zlib.decompress(idat)
stride = w * bpp + 1
prev = bytearray(w * bpp)
coloured = 0
for y in range(h):
    f = raw[y * stride]
    line = bytearray(raw[y * stride + 1:(y + 1) * stride])
    for i in range(len(line)):
        a = line[i - bpp] if i >= bpp else 0
        b = prev[i]
        c = prev[i - bpp] if i >= bpp else 0
        if f == 1: line[i] = (line[i] + a) & 255
        elif f == 2: line[i] = (line[i] + b) & 255
        elif f == 3: line[i] = (line[i] + (a + b) // 2) & 255
        elif f == 4:
            p = a + b - c
            pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
    for x in range(0, w * bpp, bpp):
        if min(line[x], line[x + 1], line[x + 2]) < 200:
            coloured += 1
    prev = line
share = coloured / (w * h)
print(f"screenshot {w}x{h}: {coloured} non-white pixels ({100 * share:.1f}%)")
assert share > 0.02, "screenshot is (nearly) blank"
PY
echo "rendered cleanly: $svgs SVGs, screenshot $png"
