#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Unit test of bench/costsplit.py on a small hand-written perf script
sample (costsplit-sample.txt): each sample's stage is stated below from
its call chain, and the totals are summed here from the file's own
periods, not from the script's parser."""
import os
import re
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
import costsplit as cs  # noqa: E402

SAMPLE = os.path.join(HERE, "costsplit-sample.txt")
SYMMAP = os.path.join(HERE, "costsplit-symmap.txt")
# One entry per sample, in file order: the stage it must be charged to.
EXPECT = [
    cs.MECH,                    # leaf in kprobe_ftrace_handler
    cs.MECH,                    # a lock taken by pre_handler_kretprobe
    cs.MECH,                    # the tracepoint iterator
    "probe entry: handlers",    # wo_tp_waking itself
    "correlation",              # wo_corr_close.isra.0 (a clone)
    "correlation",              # local_clock called by wo_corr_open
    "off-CPU stamps",
    "aggregation",              # wo_hist_add
    "aggregation",              # wo_offcpu_add
    "stack capture",            # the unwinder below wo_stack_capture
    "stack capture",            # wo_stack_lookup
    "ring write",
    "ring write",
    "other wakeoff",            # wo_main.c
    None,                       # a timer interrupt that hit wo_ring_reserve
    None,                       # pipe_read: not wakeoff's
    None,                       # idle
]


# --tcg: kallsyms (address, type, name, module) and blocks executed in
# a run and in an idle boot (address, instructions, executions); the
# idle boot's symbols sit at other addresses (KASLR), so the
# subtraction must go by symbol.
KSYMS = [(0x1000, "T", "kprobe_ftrace_handler", ""), (0x1100, "T", "pipe_read", ""),
         (0x1200, "t", "__orc_find", ""), (0x2000, "t", "wo_corr_open", "wakeoff"),
         (0x2100, "t", "wo_ring_commit", "wakeoff")]
RUN = [(0x1000, 10, 100), (0x1010, 5, 100), (0x1100, 20, 500), (0x1200, 7, 30),
       (0x2000, 12, 50), (0x2100, 9, 40)]
IDLE_SHIFT = 0x10000
IDLE = [(0x1000, 10, 20), (0x2000, 12, 5), (0x2100, 9, 10), (0x1100, 20, 400)]
TCG_EXPECT = {cs.MECH: 10 * 100 + 5 * 100 - 10 * 20, "stack capture": 7 * 30,
              "correlation": 12 * 50 - 12 * 5, "ring write": 9 * 40 - 9 * 10}


def tcg_test(symmap):
    fails = 0
    with tempfile.TemporaryDirectory() as d:
        def write(name, rows):
            with open(os.path.join(d, name), "w") as f:
                f.writelines(" ".join(str(x) for x in r) + "\n" for r in rows)
            return os.path.join(d, name)
        ks = write("ks", [(f"{a:016x}", t, n) + ((f"[{m}]",) if m else ())
                          for a, t, n, m in KSYMS])
        iks = write("iks", [(f"{a + IDLE_SHIFT:016x}", t, n) + ((f"[{m}]",) if m else ())
                            for a, t, n, m in KSYMS])
        run = write("run", [(f"{a:x}", n, e) for a, n, e in RUN])
        idle = write("idle", [(f"{a + IDLE_SHIFT:x}", n, e) for a, n, e in IDLE])
        ins, _, _, _ = cs.split_tcg((run, ks), (idle, iks), symmap)
    for s, _ in cs.STAGES:
        if ins[s] != TCG_EXPECT.get(s, 0):
            print(f"FAIL: --tcg {s}: {ins[s]} instructions, expected "
                  f"{TCG_EXPECT.get(s, 0)}")
            fails += 1
    return fails


def main():
    fails = 0
    symmap = cs.load_symmap(SYMMAP)
    with open(SAMPLE) as f:
        got = [cs.classify(fr, symmap) for _, _, fr in cs.samples(f)]
    if len(got) != len(EXPECT):
        print(f"FAIL: {len(got)} samples parsed, {len(EXPECT)} in the file")
        return 1
    for i, (g, e) in enumerate(zip(got, EXPECT)):
        if g != e:
            print(f"FAIL: sample {i + 1}: charged to {g!r}, expected {e!r}")
            fails += 1
    # Periods read here with a regex of the header lines.
    periods = [int(m.group(1)) for m in
               re.finditer(r"^\S+ \[\d+\] +(\d+)", open(SAMPLE).read(), re.M)]
    want = {}
    for p, e in zip(periods, EXPECT):
        if e:
            want[e] = want.get(e, 0) + p
    ns, nsamp, total, nall = cs.split([SAMPLE], symmap)
    if total != sum(periods) or nall != len(periods):
        print(f"FAIL: total {total} ns / {nall} samples, file has "
              f"{sum(periods)} / {len(periods)}")
        fails += 1
    for s, _ in cs.STAGES:
        if ns[s] != want.get(s, 0) or nsamp[s] != EXPECT.count(s):
            print(f"FAIL: {s}: {ns[s]} ns in {nsamp[s]} samples, expected "
                  f"{want.get(s, 0)} in {EXPECT.count(s)}")
            fails += 1
    tab = cs.table(ns, nsamp, total, nall, 1000, "t")
    # 250000 + 500000 ns of correlation over 1000 wakeups: 750 ns each.
    line = [ln for ln in tab.splitlines() if ln.startswith("correlation")][0]
    if line.split()[3] != str(want["correlation"] // 1000):
        print(f"FAIL: period/wakeup column: {line}")
        fails += 1
    fails += tcg_test(symmap)
    print(f"test_costsplit: {len(EXPECT)} samples and the --tcg split, {fails} failures")
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
