#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# png-check.py PNG DOM: fail when a Chromium screenshot is (nearly) blank
# (< 2% non-white pixels; PNG decoded with zlib, no imaging library), or
# when runqueue colours the DOM says the plot timeline painted (cells 4 px
# wide or more in all) are missing from it.  Used by plot-chromium.sh and
# flamegraph-chromium.sh.
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
