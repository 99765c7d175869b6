#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# cli-host-check.sh WHAT SHARE -- host-side checks of a file the guest
# recorded (SHARE/results/cli_test.wo, by cli_test), with the host's CLI:
#   report   the host's report --csv equals the guest's, row for row (the
#            file carries the flag table: it reports the same anywhere)
#   perfetto export --perfetto writes JSON that python's parser accepts,
#            with CPU tracks, flows and counters
#   plot     plot writes a page that headless Chromium renders cleanly
#   flamegraph  --folded lines parse and their counts sum to the off-CPU
#            time of the file's records (read here by python, not the
#            CLI); the SVG renders cleanly in headless Chromium
#   prom     the guest's export --prometheus-textfile output (from the live
#            module, SHARE/results/cli_test.prom) passes promtool check metrics
set -euo pipefail
. "$(dirname "$0")/lib.sh"
what=$1 share=$2
cli=$WO_BUILD/userspace/wakeoff
wo=$share/results/cli_test.wo
[ -f "$wo" ] || wo_die "no $wo (did cli_test run?)"
out=$share/host
mkdir -p "$out"

case $what in
report)
	"$cli" report --csv "$wo" | grep -v '^meta,source,' >"$out/host.csv"
	grep -v '^meta,source,' "$share/results/cli_test.report.csv" >"$out/guest.csv"
	diff -u "$out/guest.csv" "$out/host.csv"
	echo "identical: $(wc -l <"$out/host.csv") CSV rows"
	;;
perfetto)
	"$cli" export --perfetto "$out/trace.json" "$wo"
	python3 - "$out/trace.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
ev = d["traceEvents"] if isinstance(d, dict) else d
ph = {}
for e in ev:
    ph[e.get("ph")] = ph.get(e.get("ph"), 0) + 1
print("events by phase:", dict(sorted(ph.items())))
assert ph.get("X", 0) > 0, "no slices"
assert ph.get("M", 0) > 0, "no track names"
assert ph.get("s", 0) > 0 and ph.get("s") == ph.get("f"), "flows unpaired"
assert ph.get("C", 0) > 0, "no runqueue counters"
assert ph.get("i", 0) + ph.get("I", 0) > 0, "no timekeeping instants"
PY
	;;
plot)
	"$cli" plot "$wo" -o "$out/plot.html"
	bash "$WO_ROOT/userspace/tests/plot-chromium.sh" "$out/plot.html"
	;;
flamegraph)
	"$cli" flamegraph --folded "$wo" >"$out/offcpu.folded"
	"$cli" flamegraph "$wo" -o "$out/offcpu.svg"
	python3 - "$out/offcpu.folded" "$wo" <<'PY'
import re, struct, sys
total = 0
lines = open(sys.argv[1]).read().splitlines()
for l in lines:
    m = re.fullmatch(r"(\S+) (\d+)", l)
    assert m and all(m.group(1).split(";")), "bad folded line: " + l
    total += int(m.group(2))
data = open(sys.argv[2], "rb").read()
assert data[:8] == b"WAKEOFF1"
pos, want, n = 8, 0, 0
while pos + 8 <= len(data):
    tag, ln = data[pos:pos + 4], struct.unpack("<I", data[pos + 4:pos + 8])[0]
    body = data[pos + 8:pos + 8 + ln]
    pos += 8 + (ln + 7) // 8 * 8
    if tag != b"RECS":
        continue
    off = 0
    while off + 16 <= len(body):
        _, _, typ, size = struct.unpack("<HBBH", body[off:off + 6])
        # wakeup record, ABI 1.4: valid @108, ts_waking @112, ts_blocked @216
        if typ == 1 and size >= 240:
            valid = struct.unpack("<I", body[off + 108:off + 112])[0]
            if valid & 0x800:
                w, b = struct.unpack("<QQ", body[off + 112:off + 120] + body[off + 216:off + 224])
                want += max(w - b if w >= b else -1, 0)
                n += 1
        off += size
print(f"{len(lines)} folded lines, {total} ns; {n} records with off-CPU time, {want} ns")
assert n > 0, "no record with off-CPU time"
assert total == want, "folded counts do not sum to the records' off-CPU time"
PY
	bash "$WO_ROOT/userspace/tests/flamegraph-chromium.sh" "$out/offcpu.svg"
	;;
prom)
	wo_need_pkgs prometheus
	prom=$share/results/cli_test.prom
	[ -s "$prom" ] || wo_die "no $prom (did cli_test's export test run?)"
	promtool check metrics <"$prom"
	echo "promtool: clean, $(grep -vc '^#' "$prom") samples"
	;;
*)
	wo_die "unknown check $what"
	;;
esac
