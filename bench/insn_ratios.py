#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Issue 18's ratios in executed guest instructions (bench/insn-ratios.sh).

  insn_ratios.py --kernel REL [--json OUT] RESULTS_DIR...
  insn_ratios.py --merge BENCH_JSON INSN_JSON

Each RESULTS_DIR is one boot: raw.txt has an "N cfg= wl= mark=M ..." line
per window (bench/guest.sh MODE=insn), insns.txt.M the plugin's counts
(bench/tcg_insn.c: "vaddr n_insns executions" per block) at mark M.  A
window's instructions are those of mark M minus mark M-1, less the idle
system's for the part of the window the load did not run (a reader's
catch-up, process start and exit: the idle window's rate times
win_secs - total_secs) and, for a reader stopped inside each window
(wo_rec, perf), its fixed cost per window: its exit (a record file's
trailer formats the summary and the stacks), measured by a window with
no load right after (wl=fixed.<load>; else its idle window) less the
idle system; per op they are divided by the load's own count
(ops_total, plus a clock loop's warm-up reads), and `base` of the same
boot is subtracted: added instructions per op.  Ping-pong: 1 op = 1
round trip; messaging: 1 op = 1 message; clock: 1 op = 1
clock_gettime syscall.

--merge adds the ratios with a limit to BENCH_JSON (bench/analyze.py's
output) as "targets_instructions": each target, its ratio per boot,
the limit and met/missed (met only if every boot meets it)."""
import argparse
import json
import os

# (load, numerator, denominator, op, limit): the targets of issue 18
# (limit None: a comparison without one).  ftrace_ns is ftrace with its
# reader's own events filtered out (bench/guest.sh); both are listed.
RATIOS = [
    ("clock", "wo_sum", "hookfloor", "<=", 1.2),
    ("clock", "wo_sum_kp", "hookfloor", None, None),
]
for _wl in ("pingpong", "messaging"):
    RATIOS += [
        (_wl, "wo_sum", "ftrace", "<=", 0.25),
        (_wl, "wo_sum", "ftrace_ns", "<=", 0.25),
        (_wl, "wo_sum", "bpftrace", "<=", 0.5),
        (_wl, "wo_rec", "ftrace", "<=", 0.5),
        (_wl, "wo_rec", "ftrace_ns", "<=", 0.5),
        (_wl, "wo_rec", "perf", "<", 1.0),
        (_wl, "wo_sum", "wo_sum_kp", None, None),
    ]


def meets(r, op, lim):
    return r <= lim if op == "<=" else r < lim


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
    # A reader stopped inside each window (wo_rec, perf) pays a fixed
    # cost per window, its exit, measured right after the load window at
    # the state the load left: its fixed.<load> window less the idle
    # system (else its idle window's).
    fixed = {}
    for (c, wl), (n, _, _, win) in out.items():
        if wl.startswith("fixed."):
            fixed[(c, wl[6:])] = n - rate * win
    for (c, wl), (n, _, _, win) in out.items():
        if wl == "idle" and c != "base":
            for w in {w for cc, w in out if cc == c and w != "idle"}:
                fixed.setdefault((c, w), n - rate * win)
    for k, (n, ops, secs, win) in list(out.items()):
        if k[1].startswith("fixed.") or (k[1] == "idle" and k[0] != "base"):
            del out[k]
        elif k[1] != "idle":
            out[k] = (n - rate * max(win - secs, 0) - fixed.get(k, 0), ops, secs, win)
    return out, rate, fixed


def added(b, cfg, wl):
    if (cfg, wl) not in b or ("base", wl) not in b:
        return None
    n, ops = b[(cfg, wl)][:2]
    n0, ops0 = b[("base", wl)][:2]
    return n / ops - n0 / ops0


def fmt(xs, d=0):
    return " / ".join("-" if x is None else f"{x:,.{d}f}" for x in xs)


def merge(bench_json, insn_json):
    """The ratios with a limit into bench_json's targets_instructions."""
    with open(insn_json) as f:
        ins = json.load(f)
    with open(bench_json) as f:
        res = json.load(f)
    out = []
    print(f"-- targets in instructions ({ins['boots']} boots, all must meet) --")
    for r in ins["ratios"]:
        if r.get("limit") is None:
            continue
        got = [x for x in r["per_boot"] if x is not None]
        t = {"issue": 18, "target": f"{r['load']}: {r['ratio']} {r['op']} {r['limit']}",
             "workload": r["load"], "metric": r["ratio"], "unit": ins["unit"],
             "per_boot": r["per_boot"], "min": min(got) if got else None,
             "max": max(got) if got else None, "op": r["op"], "limit": r["limit"],
             "met": r["met"]}
        out.append(t)
        ok = {True: "MET   ", False: "MISSED", None: "N/A   "}[r["met"]]
        print(f"{ok} {t['target']}: {fmt(r['per_boot'], 3)}")
    res["targets_instructions"] = out
    with open(bench_json, "w") as f:
        json.dump(res, f, indent=1, default=str)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--kernel")
    ap.add_argument("--json")
    ap.add_argument("--merge", metavar="BENCH_JSON")
    ap.add_argument("dirs", nargs="+")
    a = ap.parse_args()
    if a.merge:
        return merge(a.merge, a.dirs[0])
    if not a.kernel:
        ap.error("--kernel is required")
    got = [boot(d) for d in a.dirs]
    boots = [b for b, _, _ in got]
    keys = sorted({k for b in boots for k in b if k[1] != "idle"}, key=lambda k: (k[1], k[0]))
    js = {"kernel": a.kernel, "unit": "guest instructions, kernel and user", "boots": len(boots),
          "cells": [], "ratios": []}
    print(f"== {a.kernel}: instructions, not time (bench/tcg_insn.c), "
          f"{len(boots)} boots, values per boot as b1 / b2 ... ==")
    idle = [r / 1e6 for _, r, _ in got]
    print(f"idle system: {fmt(idle, 2)} M instructions/s (subtracted for window time"
          " outside the load)")
    js["idle_insns_per_s"] = [r for _, r, _ in got]
    js["fixed_insns_per_window"] = {}
    for c, wl in sorted({k for _, _, fx in got for k in fx}):
        fx = [f.get((c, wl)) for _, _, f in got]
        print(f"{c} after {wl}: fixed cost per window (its exit; subtracted) "
              f"{fmt([None if x is None else x / 1e6 for x in fx], 2)} M instructions")
        js["fixed_insns_per_window"][f"{c}/{wl}"] = fx
    print(f"{'load':<10} {'config':<10} {'ops':>22} {'insns/op':>22} {'added/op vs base':>22}")
    for cfg, wl in keys:
        ops = [b[(cfg, wl)][1] if (cfg, wl) in b else None for b in boots]
        per = [b[(cfg, wl)][0] / b[(cfg, wl)][1] if (cfg, wl) in b else None for b in boots]
        add = [added(b, cfg, wl) for b in boots]
        print(f"{wl:<10} {cfg:<10} {fmt(ops):>22} {fmt(per):>22} {fmt(add):>22}")
        js["cells"].append({"load": wl, "config": cfg, "ops": ops,
                            "insns_per_op": per, "added_per_op": add})
    print("ratios of added instructions per op:")
    for wl, num, den, op, lim in RATIOS:
        rs = []
        for b in boots:
            x, y = added(b, num, wl), added(b, den, wl)
            rs.append(x / y if x is not None and y else None)
        if all(r is None for r in rs):
            continue
        met = None if lim is None or None in rs else all(meets(r, op, lim) for r in rs)
        tgt = "" if lim is None else f"  target {op} {lim}: {'met' if met else 'missed'}"
        print(f"  {wl:<10} {num} / {den}: {fmt(rs, 3)}{tgt}")
        js["ratios"].append({"load": wl, "ratio": f"{num}/{den}", "per_boot": rs,
                             "op": op, "limit": lim, "met": met})
    if a.json:
        with open(a.json, "w") as f:
            json.dump(js, f, indent=1)


if __name__ == "__main__":
    main()
