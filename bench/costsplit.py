#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Per-wakeup cost split of wakeoff from a guest profile (issue 18 item 4).

  costsplit.py --symmap MAP --wakeups N [--json OUT] [--title T] SCRIPT...
  costsplit.py --tcg --symmap MAP --wakeups N --kallsyms KS
               [--idle COUNTS KS N] COUNTS
  costsplit.py --merge BENCH_JSON RELDIR   (make bench: costsplit-tcg.sh's
               results with offcpu_stacks=1 and 0 into the bench's JSON)

SCRIPT is the output of `perf script -F comm,cpu,period,ip,sym,dso` of a
`perf record -a -g -e cpu-clock` profile (bench/profile.sh writes it
gzipped; .gz is read as such).  MAP has one "symbol module/<file>.c"
per line: every text symbol of the module's objects (nm), so that a
sample in a module function is charged to the source file it was
compiled from.  N is the wakeups wakeoff counted during the profile.

Every sample is charged to at most one stage, by its innermost frame
that is wakeoff's or the hook mechanism's:
  - the leaf itself in a hook-dispatch function (kprobe/kretprobe/
    rethook/fprobe/ftrace/tracepoint iterator): "probe entry";
  - the leaf in a module function: the stage of its file;
  - the leaf elsewhere in the kernel (the unwinder, local_clock,
    memcpy ...): the stage of the nearest module frame below it, if the
    chain reaches one before an interrupt entry (an interrupt that hit
    wakeoff is not wakeoff's cost);
  - otherwise not wakeoff's (not counted).
Per wakeup = sum of the periods charged to a stage / N, in the event's
unit: ns for cpu-clock, cycles for cycles.  Only NMI sampling (cycles on
real hardware) sees inside wakeoff's probes: they run with IRQs off, and
a timer-based sample (cpu-clock, the only one under TCG) lands where
IRQs are re-enabled.

--tcg: COUNTS is what bench/tcg_insn.c (a QEMU TCG plugin) wrote:
executed guest instructions per translation block start; KS the guest's
/proc/kallsyms with wakeoff loaded; --idle the counts to subtract,
symbol by symbol (and their wakeups from N): the plugin's snapshot at
the mark before the load (costsplit-tcg.sh), or a boot that ran none.  No call chains there: a block is
charged by the symbol it starts in (module symbols by file, the hook
mechanism's, the unwinder's: UNWIND_PREFIXES, called by nothing else in
the guest), and the unit is instructions per wakeup."""
import argparse
import gzip
import json
import sys

# Stages in table order; file -> stage (paths relative to module/).
STAGES = [
    ("probe entry: mechanism", "kprobe/kretprobe/ftrace/fprobe/tracepoint dispatch"),
    ("probe entry: handlers", "probes/wo_kprobes.c, wo_tracepoints.c, wo_uprobes.c"),
    ("correlation", "probes/wo_corr.c"),
    ("off-CPU stamps", "probes/wo_block.c"),
    ("aggregation", "lib/wo_agg.c, wo_hist.c, wo_offcpu.c"),
    ("stack capture", "probes/wo_stacks.c, lib/wo_stack_table.c + unwinder"),
    ("ring write", "lib/wo_ring.c"),
    ("other wakeoff", "any other module file"),
]
FILE_STAGE = {
    "probes/wo_kprobes.c": "probe entry: handlers",
    "probes/wo_tracepoints.c": "probe entry: handlers",
    "probes/wo_uprobes.c": "probe entry: handlers",
    "probes/wo_corr.c": "correlation",
    "probes/wo_block.c": "off-CPU stamps",
    "lib/wo_agg.c": "aggregation",
    "lib/wo_hist.c": "aggregation",
    "lib/wo_offcpu.c": "aggregation",
    "probes/wo_stacks.c": "stack capture",
    "lib/wo_stack_table.c": "stack capture",
    "lib/wo_ring.c": "ring write",
}
MECH = "probe entry: mechanism"
# The hook mechanism's functions (x86_64, 6.1 and 6.12), by prefix.
MECH_PREFIXES = (
    "kprobe_", "__kprobe", "kprobe", "kretprobe", "__kretprobe", "pre_handler_kretprobe",
    "aggr_", "get_kprobe", "opt_pre_handler", "optimized_callback", "optprobe_",
    "rethook_", "arch_rethook", "__rethook", "fprobe", "__fprobe", "objpool_",
    "freelist_", "ftrace_", "arch_ftrace_", "__ftrace", "__traceiter_",
    "exc_int3", "do_int3", "asm_exc_int3", "poke_int3",
)
# The unwinder (stack_trace_save and below, x86_64 ORC), for --tcg.
UNWIND_PREFIXES = ("stack_trace_save", "stack_trace_consume_entry", "arch_stack_walk",
                   "unwind_", "__unwind_start", "orc_find", "__orc_find",
                   "get_stack_info", "in_task_stack", "in_entry_stack",
                   "in_irq_stack", "stack_access_ok", "deref_stack_reg")
# The chain is not followed below these: an interrupt or exception entry.
STOP_PREFIXES = ("asm_", "sysvec_", "__sysvec_", "irq_exit", "__irq_exit",
                 "handle_softirqs", "__do_softirq", "common_interrupt",
                 "exc_", "do_syscall", "entry_SYSCALL")


def is_mech(sym):
    return sym.startswith(MECH_PREFIXES) or sym == "ftrace_trampoline"


def is_stop(sym):
    return sym.startswith(STOP_PREFIXES) and not is_mech(sym)


def load_symmap(path):
    m = {}
    with open(path) as f:
        for line in f:
            p = line.split()
            if len(p) == 2:
                m.setdefault(p[0], p[1])
    return m


def frames_of(lines):
    """(sym, dso) per callchain line, leaf first."""
    out = []
    for ln in lines:
        p = ln.split(None, 1)
        if len(p) < 2:
            continue
        rest = p[1].strip()
        dso = ""
        if rest.endswith(")") and " (" in rest:
            rest, dso = rest.rsplit(" (", 1)
            dso = dso[:-1]
        out.append((rest.split("+0x", 1)[0], dso))
    return out


def samples(f):
    """(header, period, frames) per sample of perf script output."""
    head, chain = None, []
    for ln in f:
        ln = ln.rstrip("\n")
        if not ln.strip():
            if head is not None:
                yield head, period_of(head), frames_of(chain)
            head, chain = None, []
        elif ln[0] in " \t" and head is not None:
            chain.append(ln)
        else:
            if head is not None:
                yield head, period_of(head), frames_of(chain)
            head, chain = ln, []
    if head is not None:
        yield head, period_of(head), frames_of(chain)


def period_of(head):
    for t in reversed(head.split()):
        if t.isdigit():
            return int(t)
    return 0


def module_stage(sym, symmap):
    return FILE_STAGE.get(symmap.get(sym, ""), "other wakeoff")


def classify(frames, symmap):
    """The stage a sample is charged to, or None."""
    for i, (sym, dso) in enumerate(frames):
        mod = dso == "[wakeoff]" or sym in symmap
        if i == 0 and is_mech(sym):
            return MECH
        if mod:
            return module_stage(sym, symmap)
        if i > 0 and (is_stop(sym) or is_mech(sym)):
            # a hook's dispatcher below a non-wakeoff leaf: the leaf is
            # code the dispatcher runs (its locks, its lookups).
            return MECH if is_mech(sym) else None
    return None


def load_kallsyms(path):
    """Sorted (address, symbol, module) of text symbols."""
    syms = []
    with open(path) as f:
        for ln in f:
            p = ln.split()
            if len(p) >= 3 and p[1] in "tTwW":
                mod = p[3].strip("[]") if len(p) > 3 else ""
                syms.append((int(p[0], 16), p[2], mod))
    syms.sort()
    return syms


def tcg_symbols(counts, kallsyms):
    """{(symbol, module): executed instructions} from tcg_insn.c's
    counts, each block charged to the symbol it starts in."""
    import bisect
    syms = load_kallsyms(kallsyms)
    addrs = [a for a, _, _ in syms]
    out = {}
    with open(counts) as f:
        for ln in f:
            va, n, execs = ln.split()
            i = bisect.bisect_right(addrs, int(va, 16)) - 1
            if i >= 0:
                k = (syms[i][1], syms[i][2])
                out[k] = out.get(k, 0) + int(n) * int(execs)
    return out


def split_tcg(run, idle, symmap):
    """Instructions per stage: the run's minus the idle counts (the
    snapshot at the mark before the load), symbol by symbol."""
    ins = {s: 0 for s, _ in STAGES}
    nsym = {s: 0 for s, _ in STAGES}
    a = tcg_symbols(*run)
    b = tcg_symbols(*idle) if idle else {}
    total = sum(a.values()) - sum(b.values())
    for key in set(a) | set(b):
        sym, mod = key
        k = a.get(key, 0) - b.get(key, 0)
        if sym.startswith(UNWIND_PREFIXES):
            st = "stack capture"
        else:
            st = classify([(sym, "[wakeoff]" if mod == "wakeoff" else "")], symmap)
        if st:
            ins[st] += k
            nsym[st] += 1
    return ins, nsym, total, len(a)


def split(paths, symmap):
    ns = {s: 0 for s, _ in STAGES}
    nsamp = {s: 0 for s, _ in STAGES}
    total = total_samples = 0
    for path in paths:
        op = gzip.open if path.endswith(".gz") else open
        with op(path, "rt", errors="replace") as f:
            for _, period, frames in samples(f):
                total += period
                total_samples += 1
                st = classify(frames, symmap)
                if st:
                    ns[st] += period
                    nsamp[st] += 1
    return ns, nsamp, total, total_samples


def table(ns, nsamp, total, total_samples, wakeups, title, tcg=False):
    wo = sum(ns.values())
    if tcg:
        head = (f"-- {title}: {wakeups} wakeups, {total / 1e6:.1f} M kernel instructions, "
                f"{wo / max(total, 1) * 100:.2f}% in wakeoff's stages --")
        cols = ("symbols", "insns/wakeup")
    else:
        head = (f"-- {title}: {wakeups} wakeups, {total_samples} samples "
                f"({total / 1e6:.1f} ms cpu-clock), {sum(nsamp.values())} in wakeoff "
                f"({wo / max(total, 1) * 100:.1f}%) --")
        cols = ("samples", "period/wakeup")
    out = [head, f"{'stage':<24} {cols[0]:>8} {'share%':>7} {cols[1]:>12}  where"]
    for s, where in STAGES:
        out.append(f"{s:<24} {nsamp[s]:>8} {ns[s] / max(wo, 1) * 100:>7.1f} "
                   f"{ns[s] / max(wakeups, 1):>12.0f}  {where}")
    out.append(f"{'total':<24} {sum(nsamp.values()):>8} {100.0 if wo else 0:>7.1f} "
               f"{wo / max(wakeups, 1):>12.0f}")
    return "\n".join(out)


def merge(bench_json, reldir):
    """Add costsplit-tcg.sh's per-load JSON (default parameters, and
    offcpu_stacks=0 when run) to make bench's JSON under "costsplit",
    with what blocking-stack capture adds in instructions per wakeup;
    print the lines for the bench's text table."""
    import os
    with open(bench_json) as f:
        res = json.load(f)
    out, lines = {}, ["", "-- instructions per wakeup by stage (bench/costsplit-tcg.sh: "
                      "executed guest instructions between two marks) --"]
    for tag, name in (("", "offcpu_stacks=1"), ("-offcpu_stacks-0", "offcpu_stacks=0")):
        for wl in ("pingpong", "messaging"):
            p = os.path.join(reldir, f"costsplit{tag}", "results", f"{wl}.costsplit.json")
            if not os.path.exists(p):
                continue
            with open(p) as f:
                j = json.load(f)
            tot = sum(v["insns"] for v in j["stages"].values()) / max(j["wakeups"], 1)
            j["insns_per_wakeup"] = tot
            out.setdefault(name, {})[wl] = j
            lines.append(f"{wl:<10} {name:<16} {tot:>6.0f} total: " + ", ".join(
                f"{s} {v['insns_per_wakeup']:.0f}" for s, v in j["stages"].items()))
    for wl in ("pingpong", "messaging"):
        on = out.get("offcpu_stacks=1", {}).get(wl)
        off = out.get("offcpu_stacks=0", {}).get(wl)
        if on and off:
            d = on["insns_per_wakeup"] - off["insns_per_wakeup"]
            out.setdefault("offcpu_stacks_added_insns_per_wakeup", {})[wl] = d
            lines.append(f"{wl}: blocking-stack capture adds {d:.0f} instructions per wakeup "
                         f"({d / off['insns_per_wakeup'] * 100:.1f}%; one run each)")
    res["costsplit"] = out
    with open(bench_json, "w") as f:
        json.dump(res, f, indent=1, default=str)
    print("\n".join(lines))
    return 0


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "--merge":
        return merge(sys.argv[2], sys.argv[3])
    ap = argparse.ArgumentParser()
    ap.add_argument("--symmap", required=True)
    ap.add_argument("--wakeups", type=int, required=True)
    ap.add_argument("--title", default="cost split")
    ap.add_argument("--json")
    ap.add_argument("--kallsyms")
    ap.add_argument("--tcg", action="store_true")
    ap.add_argument("--idle", nargs=3, metavar=("COUNTS", "KALLSYMS", "WAKEUPS"),
                    help="--tcg: the idle run to subtract")
    ap.add_argument("script", nargs="+")
    a = ap.parse_args()
    symmap = load_symmap(a.symmap)
    if a.tcg:
        idle = a.idle[:2] if a.idle else None
        if a.idle:
            a.wakeups -= int(a.idle[2])
        ns, nsamp, total, total_samples = split_tcg((a.script[0], a.kallsyms), idle, symmap)
    else:
        ns, nsamp, total, total_samples = split(a.script, symmap)
    print(table(ns, nsamp, total, total_samples, a.wakeups, a.title, a.tcg))
    if a.json:
        with open(a.json, "w") as f:
            unit = "insns" if a.tcg else "ns"
            json.dump({"title": a.title, "wakeups": a.wakeups, "samples": total_samples,
                       "unit": unit, "total": total,
                       "stages": {s: {"samples": nsamp[s], unit: ns[s],
                                      unit + "_per_wakeup": ns[s] / max(a.wakeups, 1)}
                                  for s, _ in STAGES}}, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
