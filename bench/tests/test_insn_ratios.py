#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Unit test of bench/insn_ratios.py on generated plugin counts: two boots
whose windows hold known instruction totals; the added instructions per
op and the ratios are computed here by hand from the same numbers."""
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
SCRIPT = os.path.join(os.path.dirname(HERE), "insn_ratios.py")
# (cfg, wl, window instructions, ops_total, warm-up, load secs, window secs)
WINDOWS = [
    ("base", "idle", 2_000_000, 0, 0, 0, 2.0),
    ("base", "clock", 40_000_000, 90_000, 10_000, 3.0, 3.5),
    ("hookfloor", "clock", 50_000_000, 90_000, 10_000, 3.0, 3.5),
    ("wo_sum", "clock", 56_000_000, 90_000, 10_000, 3.0, 3.5),
    ("base", "pingpong", 30_000_000, 1_000, 0, 3.0, 3.5),
    ("ftrace", "pingpong", 80_000_000, 1_000, 0, 3.0, 4.5),
    ("wo_sum", "pingpong", 35_000_000, 1_000, 0, 3.0, 3.5),
    # the same cost as perf: wo_rec / perf is exactly 1, "< 1" missed;
    # a fixed cost per window, subtracted: wo_rec's measured after the
    # load (fixed.pingpong), perf's by its idle window (the fallback)
    ("wo_rec", "pingpong", 60_000_000, 1_000, 0, 3.0, 4.0),
    ("wo_rec", "fixed.pingpong", 9_000_000, 0, 0, 0, 2.5),
    ("perf", "idle", 9_000_000, 0, 0, 0, 2.5),
    ("perf", "pingpong", 60_000_000, 1_000, 0, 3.0, 4.0),
]


def write_boot(d, scale):
    """One boot's raw.txt and cumulative insns.txt.N; window counts times
    scale (boot 2 differs from boot 1)."""
    cum, m, lines = 0, 0, []
    for cfg, wl, n, ops, warm, secs, win in WINDOWS:
        for k in (1, 2):
            m += 1
            if k == 2:
                cum += int(n * scale)
            # two blocks: the count split unevenly, n_insns x executions
            with open(os.path.join(d, "insns.txt.%d" % m), "w") as f:
                f.write("ffffffff81000000 10 %d\n" % (cum // 10 // 2))
                f.write("ffffffff81000100 1 %d\n" % (cum - cum // 10 // 2 * 10))
        lines.append("N cfg=%s wl=%s mark=%d win_secs=%s workload=%s ops_total=%d "
                     "total_secs=%s%s" % (cfg, wl, m, win, wl, ops, secs,
                                          " warmup_ops=%d" % warm if warm else ""))
    with open(os.path.join(d, "raw.txt"), "w") as f:
        f.write("\n".join(lines) + "\n")


def expect(scale, cfg, wl):
    by = {(c, w): (n * scale, o + warm, s, win) for c, w, n, o, warm, s, win in WINDOWS}
    rate = by[("base", "idle")][0] / by[("base", "idle")][3]

    def per(c):
        n, ops, s, win = by[(c, wl)]
        fixed = 0
        for w in ("fixed." + wl, "idle"):
            if (c, w) in by and c != "base":
                fixed = by[(c, w)][0] - rate * by[(c, w)][3]
                break
        return (n - rate * (win - s) - fixed) / ops
    return per(cfg) - per("base")


def check_merge(insn):
    """--merge: the ratios with a limit, and only those, land in the bench
    JSON's targets_instructions with their verdicts; the rest is kept."""
    with tempfile.TemporaryDirectory() as t:
        bj, ij = os.path.join(t, "bench.json"), os.path.join(t, "insn.json")
        with open(bj, "w") as f:
            json.dump({"kernel": "k", "targets": [{"target": "wall"}]}, f)
        with open(ij, "w") as f:
            json.dump(insn, f)
        subprocess.run([sys.executable, SCRIPT, "--merge", bj, ij], check=True,
                       stdout=subprocess.DEVNULL)
        with open(bj) as f:
            got = json.load(f)
    want = {(r["load"], r["ratio"]): r["met"] for r in insn["ratios"]
            if r["limit"] is not None}
    have = {(t["workload"], t["metric"]): t["met"] for t in got["targets_instructions"]}
    if have != want or got["targets"] != [{"target": "wall"}] or \
            have.get(("pingpong", "wo_rec/perf")) is not False or \
            have.get(("clock", "wo_sum/hookfloor")) is not False:
        print(f"FAIL merge: {have} != {want}")
        return False
    return True


def main():
    with tempfile.TemporaryDirectory() as t:
        dirs = []
        for i, scale in enumerate((1.0, 1.5)):
            d = os.path.join(t, "b%d" % i)
            os.mkdir(d)
            write_boot(d, scale)
            dirs.append(d)
        js = os.path.join(t, "out.json")
        subprocess.run([sys.executable, SCRIPT, "--kernel", "k", "--json", js] + dirs,
                       check=True, stdout=subprocess.DEVNULL)
        with open(js) as f:
            got = json.load(f)
    ok = True
    cells = {(c["config"], c["load"]): c for c in got["cells"]}
    for cfg, wl in (("hookfloor", "clock"), ("wo_sum", "clock"),
                    ("ftrace", "pingpong"), ("wo_sum", "pingpong"),
                    ("wo_rec", "pingpong"), ("perf", "pingpong")):
        for i, scale in enumerate((1.0, 1.5)):
            want = expect(scale, cfg, wl)
            have = cells[(cfg, wl)]["added_per_op"][i]
            if abs(have - want) > 1e-6 * max(abs(want), 1):
                print(f"FAIL {cfg} {wl} boot {i + 1}: {have} != {want}")
                ok = False
    ratios = {(r["load"], r["ratio"]): r for r in got["ratios"]}
    for wl, num, den in (("clock", "wo_sum", "hookfloor"), ("pingpong", "wo_sum", "ftrace")):
        for i, scale in enumerate((1.0, 1.5)):
            want = expect(scale, num, wl) / expect(scale, den, wl)
            have = ratios[(wl, f"{num}/{den}")]["per_boot"][i]
            if abs(have - want) > 1e-9:
                print(f"FAIL {wl} {num}/{den} boot {i + 1}: {have} != {want}")
                ok = False
    r = ratios[("pingpong", "wo_rec/perf")]
    if r["per_boot"] != [1.0, 1.0] or r["met"] is not False or r["op"] != "<":
        print(f"FAIL wo_rec/perf: {r} (want exactly 1.0, '<' missed)")
        ok = False
    ok &= check_merge(got)
    print("test_insn_ratios: " + ("ok" if ok else "FAILED"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
