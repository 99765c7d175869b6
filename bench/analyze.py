#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Turn the bench VM's raw lines (bench/guest.sh) into the tables of
`make bench` and a JSON file.

  analyze.py --kernel REL [--wall S] RAW4 [RAW8] [--json OUT]

Every figure is a median over the repetitions; an overhead is taken per
repetition against the baseline of the same repetition (the
configurations alternate inside one VM run, so host noise affects them
alike) and then the median of those is reported, with the spread
(min..max over the repetitions)."""
import argparse
import json
import statistics as st
import sys

CFGS = ["base", "wo_rec", "wo_sum", "wo_sum_nostk", "wo_sum_nooffstk", "ftrace", "ftrace_ns",
        "perf", "bpftrace", "cmp_rec", "cmp_sum", "cmp_sum_nostk", "wo_sum_notk",
        "wo_sum_sys", "hookfloor", "wo_sum_uprobe"]
CFG_DESC = {
    "base": "no tracer",
    "wo_rec": "wakeoff + reader",
    "wo_sum": "wakeoff summary only",
    "wo_sum_nostk": "summary only, stacks=0",
    "wo_sum_nooffstk": "summary, offcpu_stacks=0",
    "ftrace": "ftrace + trace_pipe",
    "ftrace_ns": "ftrace, reader filtered",
    "perf": "perf record -a",
    "bpftrace": "bpftrace wakeoff.bt",
    "cmp_rec": "cmp: wakeoff + reader",
    "cmp_sum": "cmp: summary only",
    "cmp_sum_nostk": "cmp: summary, stacks=0",
    "wo_sum_notk": "summary, no tk hooks",
    "wo_sum_sys": "summary, syscall tk hooks",
    "hookfloor": "ftrace fn hook (floor)",
    "wo_sum_uprobe": "summary + libc uprobes",
}
WLS = ["pingpong", "messaging", "clock", "clock_libc"]
CLOCK_WLS = ("clock", "clock_libc")
# Ratios of added cost reported per workload: (numerator, reference).
WAKE_RATIOS = [(wo, ref) for wo in ("wo_rec", "wo_sum", "wo_sum_nostk", "cmp_rec",
                                    "cmp_sum", "cmp_sum_nostk")
               for ref in ("ftrace", "ftrace_ns", "perf", "bpftrace")]
# Blocking-stack capture (offcpu_stacks=1, the default) against the same
# module with offcpu_stacks=0 on the same load: the pair differs in that
# parameter only.
OFFSTK = ("wo_sum", "wo_sum_nooffstk")
WAKE_RATIOS.append(OFFSTK)
CLOCK_RATIOS = [(c, "hookfloor") for c in ("wo_sum", "wo_rec", "wo_sum_nostk",
                                           "wo_sum_uprobe", "bpftrace")] + \
    [("wo_sum_uprobe", "wo_sum")]


def parse(path):
    rows, info, mem, vm = [], {}, {}, []
    with open(path) as f:
        for line in f:
            tag, _, rest = line.strip().partition(" ")
            if tag not in ("R", "I", "M", "V"):
                continue
            if tag == "V":
                vm.append(rest.split())
                continue
            kv = dict(p.split("=", 1) for p in rest.split() if "=" in p)
            if tag == "R":
                rows.append(kv)
            elif tag == "I":
                info = kv
            else:
                mem = kv
    return rows, info, mem, vm


def num(d, k, default=0.0):
    try:
        return float(d.get(k, default))
    except ValueError:
        return default


def med(xs):
    return st.median(xs) if xs else None


def drops_of(r):
    if r["cfg"].startswith(("wo_", "cmp_")):
        return {
            "dropped_full": int(num(r, "records.dropped_full")),
            "dropped_nested": int(num(r, "records.dropped_nested")),
            "untracked": int(num(r, "wakeups_untracked_table_full")
                             + num(r, "wakeups_untracked_busy")),
        }
    if r["cfg"] in ("ftrace", "ftrace_ns"):
        return {"overrun": int(num(r, "ft_overrun")),
                "dropped": int(num(r, "ft_dropped"))}
    if r["cfg"] == "perf":
        return {"lost_samples": int(num(r, "perf_lost_samples")),
                "lost_records": int(num(r, "perf_lost_records"))}
    # bpftrace: nothing is streamed, and a failed map update is not counted.
    return {}


def ndrops(d):
    """Lost events; "untracked" wakeups (slot contended) are counted
    separately: the summary counts them, no record is lost."""
    return sum(v for k, v in d.items() if k != "untracked")


def fmt(v, spec="{:.0f}", none="-"):
    return none if v is None else spec.format(v)


def offcpu_stacks_cost(by, reps, wl, wpo, base_ref):
    """What offcpu_stacks=1 adds per wakeup: per repetition, the added
    cost of wo_sum minus that of wo_sum_nooffstk (each against its own
    framing baselines), in ns per wakeup and as a share of wo_sum's added
    cost; median and min..max over the repetitions."""
    ns, share = [], []
    for rep in reps:
        ks = [(c, wl, rep) for c in OFFSTK]
        if not all(k in by for k in ks) or not wpo:
            continue
        x, y = (1e9 / num(by[k], "ops_per_s") - 1e9 / base_ref(by[k]) for k in ks)
        ns.append((x - y) / wpo)
        if x > 0:
            share.append((x - y) / x)
    if not ns:
        return None
    # share: only over the repetitions where wo_sum added anything
    return {"added_ns_per_wakeup": {"median": med(ns), "min": min(ns), "max": max(ns)},
            "share_of_wo_sum": {"median": med(share), "min": min(share),
                                "max": max(share)} if share else None,
            "reps": len(ns)}


def verdict(v, lo, hi, op, limit):
    """(met, undecided) of a target: a ratio over repetitions (lo..hi
    given) is met or missed only when every repetition says so and none
    came out below 0 (a configuration cheaper than no tracer: noise);
    otherwise met is None and undecided True.  A single value (a count,
    a percentage) is judged as it is; None: not measured."""
    def ok(x):
        return x <= limit if op == "<=" else x < limit
    if v is None:
        return None, False
    if lo is None or hi is None:
        return ok(v), False
    if lo >= 0 and ok(hi):
        return True, False
    if lo >= 0 and not ok(lo):
        return False, False
    return None, True


def targets(res, by, rate_rows):
    """Each target of issue 18 (and issue 6's clock loop one) with the
    measured value, its spread over the repetitions and met/missed (None:
    a configuration it needs was not run, or undecided: see verdict())."""
    def ratio(wl, k):
        return res["workloads"].get(wl, {}).get("configs", {}).get("ratios", {}).get(k)

    out = []

    def add(issue, name, wl, metric, r, op, limit):
        v = r["median"] if isinstance(r, dict) else r
        lo = r.get("min") if isinstance(r, dict) else None
        hi = r.get("max") if isinstance(r, dict) else None
        met, undecided = verdict(v, lo, hi, op, limit)
        t = {"issue": issue, "target": name, "workload": wl, "metric": metric,
             "value": v, "op": op, "limit": limit, "met": met,
             "undecided": undecided, "min": lo, "max": hi}
        if met is False and limit:
            t["over_by"] = v / limit
        out.append(t)

    for wl in ("pingpong", "messaging"):
        add(18, f"{wl}: summary-only <= 0.25x ftrace", wl, "wo_sum/ftrace",
            ratio(wl, "wo_sum/ftrace"), "<=", 0.25)
        add(18, f"{wl}: summary-only <= 0.5x bpftrace", wl, "wo_sum/bpftrace",
            ratio(wl, "wo_sum/bpftrace"), "<=", 0.5)
        add(18, f"{wl}: wakeoff+reader <= 0.5x ftrace", wl, "wo_rec/ftrace",
            ratio(wl, "wo_rec/ftrace"), "<=", 0.5)
        add(18, f"{wl}: wakeoff+reader < perf", wl, "wo_rec/perf",
            ratio(wl, "wo_rec/perf"), "<", 1.0)
    add(18, "clock loop (untracked task): summary-only <= 1.2x the hook floor",
        "clock", "wo_sum/hookfloor", ratio("clock", "wo_sum/hookfloor"), "<=", 1.2)
    pp = [r for k, r in by.items() if k[0] == "wo_rec" and k[1] == "pingpong"]
    rr = [r for r in rate_rows if r["wl"] == "pingpong_rate"]
    drops = None
    if pp or rr:
        drops = sum(ndrops(drops_of(r)) for r in pp) + \
            sum(int(num(r, "records.dropped_full") + num(r, "records.dropped_nested"))
                for r in rr)
    add(18, "no drops, default buffer + reader, up to the highest ping-pong rate",
        "pingpong", "records dropped", drops, "<=", 0)
    clk = res["workloads"].get("clock", {}).get("configs", {})
    for c in ("wo_sum", "wo_rec"):
        if c in clk:
            add(6, f"clock loop, untracked task: {CFG_DESC[c]} adds < 5%", "clock",
                "overhead %", clk[c]["overhead_pct"], "<", 5)
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--kernel", required=True)
    ap.add_argument("--wall", type=int, default=0)
    ap.add_argument("--json")
    ap.add_argument("raw", nargs="+")
    a = ap.parse_args()

    rows, info, mem4, vm4 = parse(a.raw[0])
    mem8 = {}
    if len(a.raw) > 1:
        try:
            _, _, mem8, _ = parse(a.raw[1])
        except OSError:
            pass
    main_rows = [r for r in rows if r.get("rep") != "rate"]
    rate_rows = [r for r in rows if r.get("rep") == "rate"]
    reps = sorted({r["rep"] for r in main_rows}, key=int)
    # Baselines by sequence number: every configuration block is framed
    # by two baseline blocks (seq - 1 and seq + 1); its reference is their
    # mean time per op.  The "base" row of a repetition is the median of
    # that repetition's baseline blocks.
    bseq = {(r["wl"], int(r.get("seq", 0))): num(r, "ops_per_s")
            for r in main_rows if r["cfg"] == "base"}
    by = {}
    for r in main_rows:
        if r["cfg"] == "base":
            continue
        by[(r["cfg"], r["wl"], r["rep"])] = r
    for wl in WLS:
        for rep in reps:
            xs = [num(r, "ops_per_s") for r in main_rows
                  if r["cfg"] == "base" and r["wl"] == wl and r["rep"] == rep]
            if xs:
                by[("base", wl, rep)] = {"cfg": "base", "wl": wl, "rep": rep,
                                         "ops_per_s": med(xs)}

    def base_ref(r):
        """Baseline throughput next to config row r (mean time per op)."""
        s = int(r.get("seq", 0))
        xs = [bseq[(r["wl"], q)] for q in (s - 1, s + 1) if (r["wl"], q) in bseq]
        if not xs:
            return num(by.get(("base", r["wl"], r["rep"]), {}), "ops_per_s")
        return len(xs) / sum(1.0 / x for x in xs)
    cfgs = [c for c in CFGS if any(k[0] == c for k in by)]

    # Wakeups per op: ping-pong is 2 by construction; otherwise what
    # wakeoff's summary-only run counted (sched_waking, all tasks) per op
    # over the whole run of the workload.
    wpo = {"pingpong": 2.0, "clock": 0.0, "clock_libc": 0.0}
    for wl in WLS:
        if wl in wpo:
            continue
        xs = [num(by[k], "events.sched_waking") / max(num(by[k], "ops_total"), 1)
              for k in by if k[1] == wl and k[0] in ("wo_sum", "wo_sum_nostk", "wo_rec")]
        wpo[wl] = med(xs) or 0.0

    res = {"kernel": a.kernel, "info": info, "reps": len(reps),
           "wall_seconds": a.wall, "workloads": {}}
    out = []
    p = out.append
    p(f"== wakeoff bench: {a.kernel} ({info.get('nproc', '?')} vCPUs, QEMU/TCG, "
      f"clocksource {info.get('clocksource', '?')}, {len(reps)} repetitions x "
      f"{info.get('secs', '?')} s per workload, configurations alternating) ==")
    p(f"reader for wo_rec: {info.get('reader', '?').replace('_', ' ').replace(':', '=')}")
    for wl in WLS:
        if not any(r["wl"] == wl for r in main_rows):
            continue  # not measured (BENCH_WORKLOADS)
        unit = {"pingpong": "round trips/s", "messaging": "messages/s",
                "clock": "syscalls/s", "clock_libc": "libc calls/s"}[wl]
        per = {"clock": "syscall", "clock_libc": "call"}.get(wl, "wakeup")
        p("")
        p(f"-- {wl} ({unit}; {wpo[wl]:.2f} wakeups per op; overhead against the "
          f"baselines just before and after each block) --")
        p(f"{'configuration':<24} {'median':>10} {'spread%':>8} {'overhead%':>10} "
          f"{'ns/' + per:>12} {'(min..max)':>18} {'drops':>8}")
        base = {rep: num(by[("base", wl, rep)], "ops_per_s")
                for rep in reps if ("base", wl, rep) in by}
        nbase = sum(1 for r in main_rows if r["cfg"] == "base" and r["wl"] == wl)
        wres = {}
        for c in cfgs:
            thr = [num(by[(c, wl, rep)], "ops_per_s") for rep in reps if (c, wl, rep) in by]
            if not thr:
                continue
            ovh, add = [], []
            for rep in reps:
                if (c, wl, rep) not in by or not base.get(rep):
                    continue
                t = num(by[(c, wl, rep)], "ops_per_s")
                b = base_ref(by[(c, wl, rep)]) if c != "base" else base[rep]
                ovh.append((b / t - 1) * 100)
                d = 1e9 / t - 1e9 / b
                div = 1.0 if wl in CLOCK_WLS else wpo[wl]
                add.append(d / div if div else 0.0)
            dr = {}
            for rep in reps:
                if (c, wl, rep) in by:
                    for k, v in drops_of(by[(c, wl, rep)]).items():
                        dr[k] = dr.get(k, 0) + v
            m = med(thr)
            spread = (max(thr) - min(thr)) / m * 100 if m else 0
            wres[c] = {
                "ops_per_s": thr, "median_ops_per_s": m, "spread_pct": spread,
                "overhead_pct": med(ovh) if c != "base" else 0.0,
                "added_ns_per_" + per: med(add) if c != "base" else 0.0,
                "added_ns_min": min(add) if add and c != "base" else None,
                "added_ns_max": max(add) if add and c != "base" else None,
                "drops": dr,
                "events": sum(int(num(by[(c, wl, rep)], "bt_wakeups" if c == "bpftrace"
                                      else "wakeups")) for rep in reps
                              if (c, wl, rep) in by),
            }
            ndrop = ndrops(dr)
            rng = "" if c == "base" else \
                f"({fmt(wres[c]['added_ns_min'])}..{fmt(wres[c]['added_ns_max'])})"
            p(f"{CFG_DESC[c]:<24} {m:>10.0f} {spread:>8.1f} "
              f"{fmt(wres[c]['overhead_pct'], '{:.1f}'):>10} "
              f"{fmt(wres[c]['added_ns_per_' + per]):>12} {rng:>18} {ndrop:>8}")
        # Ratios of added cost, per repetition, then median.
        rat = {}
        for wo, ref in (CLOCK_RATIOS if wl in CLOCK_WLS else WAKE_RATIOS):
            xs = []
            for rep in reps:
                ks = [(wo, wl, rep), (ref, wl, rep)]
                if not all(k in by for k in ks) or not base.get(rep):
                    continue
                x = 1e9 / num(by[ks[0]], "ops_per_s") - 1e9 / base_ref(by[ks[0]])
                y = 1e9 / num(by[ks[1]], "ops_per_s") - 1e9 / base_ref(by[ks[1]])
                if y > 0:
                    xs.append(x / y)
            if xs:
                rat[f"{wo}/{ref}"] = {"median": med(xs), "min": min(xs), "max": max(xs)}
        if rat:
            p("overhead ratio (added cost, per repetition, median (min..max)):")
            for k, v in rat.items():
                p(f"  {k:<22} {v['median']:6.2f}  ({v['min']:.2f}..{v['max']:.2f})")
        wres["ratios"] = rat
        if wl not in CLOCK_WLS:
            ostk = offcpu_stacks_cost(by, reps, wl, wpo[wl], base_ref)
            if ostk:
                wres["offcpu_stacks"] = ostk
                ad, sh = ostk["added_ns_per_wakeup"], ostk["share_of_wo_sum"]
                p(f"  blocking-stack capture (offcpu_stacks=1 vs 0): "
                  f"{ad['median']:.0f} ns/wakeup ({ad['min']:.0f}..{ad['max']:.0f}), " +
                  (f"{sh['median'] * 100:.0f}% of summary-only's added cost "
                   f"({sh['min'] * 100:.0f}..{sh['max'] * 100:.0f}%)" if sh else
                   "summary-only added nothing measurable in any repetition"))
        res["workloads"][wl] = {"unit": unit, "wakeups_per_op": wpo[wl], "configs": wres}

    # Drops detail.
    p("")
    p("-- drops per configuration (sum over repetitions and workloads) --")
    for c in cfgs:
        if c == "base":
            continue
        tot = {}
        for k, r in by.items():
            if k[0] == c:
                for kk, v in drops_of(r).items():
                    tot[kk] = tot.get(kk, 0) + v
        ev = sum(int(num(r, "bt_wakeups" if c == "bpftrace" else "wakeups"))
                 for k, r in by.items() if k[0] == c)
        extra = f"  (wakeups seen {ev})" if c.startswith(("wo_", "cmp_")) else ""
        if c == "bpftrace":
            extra = (f"(not counted: a failed map update is silent)  (wakeups seen {ev}, "
                     f"closed {sum(int(num(r, 'bt_closed')) for k, r in by.items() if k[0] == c)})")
        p(f"{CFG_DESC[c]:<24} " + " ".join(f"{k}={v}" for k, v in tot.items()) + extra)
        res.setdefault("drops", {})[c] = tot
    p("wo_sum*: no reader, so dropped_full once the 1 MiB/CPU buffers are full is"
      " expected; the summary itself counts every wakeup.")

    # Rate sweep.
    if rate_rows:
        p("")
        p("-- wakeoff + reader, default buffer: event rate vs drops --")
        p(f"{'workload':<16} {'target':>8} {'ops/s':>10} {'wakeups/s':>10} "
          f"{'recorded':>9} {'dropped':>8}")
        best = None
        sweep = []
        for r in rate_rows:
            ev = num(r, "wakeups") / max(num(r, "total_secs"), 1e-9)
            drop = int(num(r, "records.dropped_full") + num(r, "records.dropped_nested"))
            tgt = r.get("rate", "-")
            tgt = "max" if tgt == "0" else tgt
            p(f"{r['wl']:<16} {tgt:>8} {num(r, 'ops_per_s'):>10.0f} {ev:>10.0f} "
              f"{int(num(r, 'records.recorded')):>9} {drop:>8}")
            sweep.append({"workload": r["wl"], "target": tgt,
                          "ops_per_s": num(r, "ops_per_s"), "wakeups_per_s": ev,
                          "recorded": int(num(r, "records.recorded")), "dropped": drop})
            if drop == 0 and (best is None or ev > best):
                best = ev
        p(f"highest sustained rate without drops: {fmt(best)} wakeups/s "
          "(the highest this VM reached; the buffer was never the limit if every row shows 0)")
        res["rate_sweep"] = sweep
        res["max_rate_no_drops_wakeups_per_s"] = best

    # Memory.
    p("")
    p("-- module memory (default parameters) --")
    res["memory"] = {}
    for m in (mem4, mem8):
        if not m:
            continue
        n = int(num(m, "cpus_possible"))
        rings = int(num(m, "bufsize_kb")) * 1024 * n
        tot = int(num(m, "vmalloc_bytes")) + int(num(m, "module_bytes"))
        p(f"{n} CPUs: buffers {rings / 1048576:.1f} MiB ({m.get('bufsize_kb')} KiB x {n}), "
          f"agg.memory_bytes {int(num(m, 'agg_memory_bytes')) / 1024:.0f} KiB, "
          f"all vmalloc {int(num(m, 'vmalloc_bytes')) / 1048576:.2f} MiB + module "
          f"{int(num(m, 'module_bytes')) / 1024:.0f} KiB = {tot / 1048576:.2f} MiB")
        res["memory"][str(n)] = {"buffers_bytes": rings,
                                 "agg_memory_bytes": int(num(m, "agg_memory_bytes")),
                                 "vmalloc_bytes": int(num(m, "vmalloc_bytes")),
                                 "module_bytes": int(num(m, "module_bytes")),
                                 "total_bytes": tot}

    # Targets (issue 18; the clock loop's "< 5%" is issue 6's).
    p("")
    p("-- targets (issue 18: ratios of added cost per wakeup, median over repetitions) --")
    res["targets"] = targets(res, by, rate_rows)
    for t in res["targets"]:
        ok = "UNDECIDED" if t["undecided"] else \
            {True: "MET      ", False: "MISSED   ", None: "N/A      "}[t["met"]]
        rng = "" if t.get("min") is None else f" ({t['min']:.2f}..{t['max']:.2f})"
        p(f"{ok} {t['target']}: {fmt(t['value'], '{:.2f}')}{rng} "
          f"(limit {t['op']} {t['limit']})")
    clk = res["workloads"].get("clock", {}).get("configs", {})
    if "hookfloor" in clk and clk["hookfloor"]["overhead_pct"] is not None:
        p(f"(floor: the function tracer's bare callback on the syscall, tracing off, "
          f"adds {clk['hookfloor']['overhead_pct']:.1f}% to the same loop on this VM)")
    if a.wall:
        p(f"(this kernel: {a.wall} s wall time, build + both VM runs)")
    print("\n".join(out))
    if a.json:
        with open(a.json, "w") as f:
            json.dump(res, f, indent=1, default=str)


if __name__ == "__main__":
    sys.exit(main())
