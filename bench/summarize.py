#!/usr/bin/env python3
"""Summarise bench/out/results.jsonl (written by run_one.py) into one table per network.

    python3 bench/summarize.py bench/out/results.jsonl

Standard library only. Per (network size, tool, distribution), over the R repetitions:
  iterations, P50 and P80 of the project finish (days from start; the median over the
  repetitions, which all use the same seed), median simulation seconds, median
  whole-process seconds, activity-samples per second = activities x iterations / median
  seconds, and the ratio to launchcast = launchcast's samples/s / the tool's.

"seconds" is the in-process simulation + result extraction time for a peer (the peer is
not charged for interpreter start-up, imports and building its input objects) and the
whole process for launchcast (parse the model, simulate, write the JSON): the comparison
is conservative for launchcast. Launchcast's ratio uses its run with the same
distribution (for trueppm's moment-fitted PERT, launchcast's lambda = 4 PERT).

Agreement check (PASS/FAIL per row): each tool's P50 and P80 against the reference run
with the same distribution definition: launchcast's when launchcast has that definition
(tri, pert4), otherwise the numpy reference (pert-mom, and every row when launchcast did
not run); launchcast's own rows are checked against the numpy reference. A row passes
when, for p in {0.5, 0.8},

    |Q_tool(p) - Q_ref(p)| <= 4 * SE + (res_tool + res_ref) / 2
    SE = sqrt(p (1 - p) (1/n_tool + 1/n_ref)) / f(Q(p))

the large-sample standard error of the difference of two independent sample quantiles,
with the density f at the quantile from a normal approximation of the reference's
finish distribution: f(Q(p)) = phi(z_p) / sigma, sigma = (P90 - P10) / (2 * 1.28155)
(from the tool's own P10/P90 if the reference lacks them). res_* is a tool's reporting
resolution (1 day for trueppm-scheduler's dates, else 0).
"""

from __future__ import annotations

import json
import math
import statistics
import sys
from collections import defaultdict
from statistics import NormalDist

ORDER = ["launchcast", "pmcontrols", "trueppm-scheduler", "mcprojsim", "numpy-reference"]
DIST_ORDER = ["tri", "pert4", "pert-mom"]
Z90 = NormalDist().inv_cdf(0.9)


def med(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


def sigma_of(row):
    if row and row.get("p10") is not None and row.get("p90") is not None:
        return (row["p90"] - row["p10"]) / (2 * Z90)
    return None


def check(row, ref):
    """(verdict, worst |d|/tol ratio text) of row against ref."""
    sigma = sigma_of(ref) or sigma_of(row)
    if sigma is None or sigma <= 0:
        return "n/a", "no spread estimate"
    parts, ok = [], True
    for p, key in ((0.5, "p50"), (0.8, "p80")):
        phi = NormalDist().pdf(NormalDist().inv_cdf(p))
        se = math.sqrt(p * (1 - p) * (1 / row["iterations"] + 1 / ref["iterations"])) * sigma / phi
        tol = 4 * se + (row["res"] + ref["res"]) / 2
        d = row[key] - ref[key]
        ok &= abs(d) <= tol
        parts.append(f"d{key[1:]}={d:+.2f} ({abs(d) / se:.1f} SE)")
    return ("PASS" if ok else "FAIL"), " ".join(parts)


def fmt_rate(x):
    return f"{x / 1e6:.3g}M" if x >= 1e5 else f"{x / 1e3:.3g}k"


def main() -> None:
    path = sys.argv[1] if len(sys.argv) > 1 else "bench/out/results.jsonl"
    recs = [json.loads(ln) for ln in open(path) if ln.strip()]
    groups = defaultdict(list)
    notes = defaultdict(set)
    for r in recs:
        n = r.get("activities")
        if "unsupported" in r:
            notes[n].add(f"{r['tool']} {r['distribution']}: not run: {r['unsupported']}")
            continue
        if "error" in r:
            notes[n].add(f"{r['tool']} {r.get('distribution')}: FAILED: {r['error'][:200]}")
            continue
        groups[(n, r["tool"], r["distribution"])].append(r)

    sizes = sorted({k[0] for k in groups} | {n for n in notes if n is not None})
    any_fail = False
    for n in sizes:
        rows = {}
        for (size, tool, dist), rs in groups.items():
            if size != n:
                continue
            secs = med(r["seconds"] for r in rs)
            its = rs[0]["iterations"]
            rows[(tool, dist)] = {
                "tool": tool, "dist": dist, "iterations": its, "reps": len(rs),
                "p10": med(r.get("p10_days") for r in rs),
                "p50": med(r["p50_days"] for r in rs), "p80": med(r["p80_days"] for r in rs),
                "p90": med(r.get("p90_days") for r in rs),
                "secs": secs, "proc": med(r.get("process_seconds") for r in rs),
                "rate": n * its / secs if secs else float("nan"),
                "res": max(r.get("resolution_days") or 0.0 for r in rs),
                "version": rs[0].get("version"),
            }
        key = lambda r: (ORDER.index(r["tool"]) if r["tool"] in ORDER else 99,
                         DIST_ORDER.index(r["dist"]) if r["dist"] in DIST_ORDER else 99)
        print(f"\n=== network: {n} activities ===")
        hdr = (f"{'tool':<18} {'dist':<8} {'iters':>8} {'P50 d':>8} {'P80 d':>8} "
               f"{'med s':>7} {'proc s':>7} {'samples/s':>9} {'lc/tool':>8}  "
               f"{'check vs':<24} {'result':<5} detail")
        print(hdr)
        print("-" * len(hdr))
        for r in sorted(rows.values(), key=key):
            lc = (rows.get(("launchcast", r["dist"]))
                  or rows.get(("launchcast", "pert4" if r["dist"] == "pert-mom" else "tri")))
            x = lc["rate"] / r["rate"] if lc else None
            ratio = "n/a" if x is None else (f"{x:,.0f}x" if x >= 100 else f"{x:.3g}x")
            if r["tool"] == "launchcast":
                ref_name, ref = "numpy-reference", rows.get(("numpy-reference", r["dist"]))
            elif r["tool"] == "numpy-reference":
                ref_name, ref = "-", None
            elif ("launchcast", r["dist"]) in rows:
                ref_name, ref = "launchcast", rows[("launchcast", r["dist"])]
            else:
                ref_name, ref = "numpy-reference", rows.get(("numpy-reference", r["dist"]))
            if ref:
                verdict, detail = check(r, ref)
            elif r["tool"] == "numpy-reference":
                verdict, detail = "-", "plain numpy forward pass, not a peer"
            else:
                verdict, detail, ref_name = "-", "no reference run with this distribution", "-"
            any_fail |= verdict == "FAIL"
            proc = f"{r['proc']:.2f}" if r["proc"] is not None else "-"
            print(f"{r['tool']:<18} {r['dist']:<8} {r['iterations']:>8} {r['p50']:>8.1f} "
                  f"{r['p80']:>8.1f} {r['secs']:>7.2f} {proc:>7} {fmt_rate(r['rate']):>9} "
                  f"{ratio:>8}  {ref_name + ' ' + r['dist']:<24} {verdict:<5} {detail}")
        reps = sorted({r["reps"] for r in rows.values()})
        print(f"(median over {'/'.join(map(str, reps))} repetitions; "
              "'med s' = peer in-process simulation + extraction, launchcast whole process)")
        if ("trueppm-scheduler", "pert-mom") in rows and ("launchcast", "pert4") in rows:
            t, l = rows[("trueppm-scheduler", "pert-mom")], rows[("launchcast", "pert4")]
            print(f"note: trueppm-scheduler's PERT is moment-fitted, launchcast's is lambda = 4: "
                  f"P50 {t['p50']:.1f} vs {l['p50']:.1f}, P80 {t['p80']:.1f} vs {l['p80']:.1f} "
                  "(information only; checked against the numpy reference instead)")
        versions = ", ".join(f"{r['tool']} {r['version']}" for r in sorted(rows.values(), key=key)
                             if r["dist"] == min((d for (tt, d) in rows if tt == r["tool"]),
                                                 key=DIST_ORDER.index))
        print(f"versions: {versions}")
        for line in sorted(notes.get(n, ())):
            print(f"note: {line}")
    if any_fail:
        print("\nAGREEMENT: at least one FAIL")
        sys.exit(1)


if __name__ == "__main__":
    main()
