#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Issue 18's ratios in executed guest instructions (bench/insn-ratios.sh).

  insn_ratios.py --kernel REL [--json OUT] RESULTS_DIR...

Each RESULTS_DIR is one boot: raw.txt has an "N cfg= wl= mark=M ..." line
per window (bench/guest.sh MODE=insn), insns.txt.M the plugin's counts
(bench/tcg_insn.c: "vaddr n_insns executions" per block) at mark M.  A
window's instructions are those of mark M minus mark M-1, less the idle
system's for the part of the window the load did not run (a reader's
catch-up, process start and exit: the idle window's rate times
win_secs - total_secs); per op they are divided by the load's own count
(ops_total, plus a clock loop's warm-up reads), and `base` of the same
boot is subtracted: added instructions per op.  Ping-pong: 1 op = 1
round trip; messaging: 1 op = 1 message; clock: 1 op = 1
clock_gettime syscall."""
import argparse
import json
import os

# (load, numerator, denominator): the targets of issue 18 and the
# entry-hook comparison.
RATIOS = [
    ("clock", "wo_sum", "hookfloor", 1.2),
    ("clock", "wo_sum_kp", "hookfloor", None),
    ("pingpong", "wo_sum", "ftrace", 0.25),
    ("messaging", "wo_sum", "ftrace", 0.25),
    ("pingpong", "wo_sum", "ftrace_ns", 0.25),
    ("messaging", "wo_sum", "ftrace_ns", 0.25),
    ("pingpong", "wo_sum", "wo_sum_kp", None),
    ("messaging", "wo_sum", "wo_sum_kp", None),
]


def total(path):
    s = 0
    with open(path) as f:
        for ln in f:
            p = ln.split()
            s += int(p[1]) * int(p[2])
    return s


def boot(d):
    """{(cfg, wl): (instructions, ops, secs, window secs)} of one boot, and
    the idle system's instructions per second."""
    out = {}
    with open(os.path.join(d, "raw.txt")) as f:
        for ln in f:
            if not ln.startswith("N "):
                continue
            kv = dict(t.split("=", 1) for t in ln.split()[1:] if "=" in t)
            m = int(kv["mark"])
            n = total(os.path.join(d, "insns.txt.%d" % m)) - \
                total(os.path.join(d, "insns.txt.%d" % (m - 1)))
            ops = int(kv.get("ops_total", 0)) + int(kv.get("warmup_ops", 0))
            out[(kv["cfg"], kv["wl"])] = (n, ops, float(kv.get("total_secs", 0)),
                                          float(kv["win_secs"]))
    idle = out.get(("base", "idle"))
    rate = idle[0] / idle[3] if idle else 0
    for k, (n, ops, secs, win) in out.items():
        if k[1] != "idle":
            out[k] = (n - rate * max(win - secs, 0), ops, secs, win)
    return out, rate


def added(b, cfg, wl):
    if (cfg, wl) not in b or ("base", wl) not in b:
        return None
    n, ops = b[(cfg, wl)][:2]
    n0, ops0 = b[("base", wl)][:2]
    return n / ops - n0 / ops0


def fmt(xs, d=0):
    return " / ".join("-" if x is None else f"{x:,.{d}f}" for x in xs)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--kernel", required=True)
    ap.add_argument("--json")
    ap.add_argument("dirs", nargs="+")
    a = ap.parse_args()
    got = [boot(d) for d in a.dirs]
    boots = [b for b, _ in got]
    keys = sorted({k for b in boots for k in b if k[1] != "idle"}, key=lambda k: (k[1], k[0]))
    js = {"kernel": a.kernel, "unit": "kernel instructions", "boots": len(boots),
          "cells": [], "ratios": []}
    print(f"== {a.kernel}: instructions, not time (bench/tcg_insn.c), "
          f"{len(boots)} boots, values per boot as b1 / b2 ... ==")
    idle = [r / 1e6 for _, r in got]
    print(f"idle system: {fmt(idle, 2)} M instructions/s (subtracted for window time"
          " outside the load)")
    js["idle_insns_per_s"] = [r for _, r in got]
    print(f"{'load':<10} {'config':<10} {'ops':>22} {'insns/op':>22} {'added/op vs base':>22}")
    for cfg, wl in keys:
        ops = [b[(cfg, wl)][1] if (cfg, wl) in b else None for b in boots]
        per = [b[(cfg, wl)][0] / b[(cfg, wl)][1] if (cfg, wl) in b else None for b in boots]
        add = [added(b, cfg, wl) for b in boots]
        print(f"{wl:<10} {cfg:<10} {fmt(ops):>22} {fmt(per):>22} {fmt(add):>22}")
        js["cells"].append({"load": wl, "config": cfg, "ops": ops,
                            "insns_per_op": per, "added_per_op": add})
    print("ratios of added instructions per op:")
    for wl, num, den, lim in RATIOS:
        rs = []
        for b in boots:
            x, y = added(b, num, wl), added(b, den, wl)
            rs.append(x / y if x is not None and y else None)
        if all(r is None for r in rs):
            continue
        met = None if lim is None or None in rs else all(r <= lim for r in rs)
        tgt = "" if lim is None else f"  target <= {lim}: {'met' if met else 'missed'}"
        print(f"  {wl:<10} {num} / {den}: {fmt(rs, 3)}{tgt}")
        js["ratios"].append({"load": wl, "ratio": f"{num}/{den}", "per_boot": rs,
                             "limit": lim, "met": met})
    if a.json:
        with open(a.json, "w") as f:
            json.dump(js, f, indent=1)


if __name__ == "__main__":
    main()
