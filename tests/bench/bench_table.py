#!/usr/bin/env python3
"""bench_table.py RESULTS.jsonl - the Markdown table and the issue's ratios from
what scripts/bench-pam's pambench runs printed.

For each (users, workers, module, right/wrong code): the number of runs, the
median over the runs of authentications per second, p50, p99 and CPU per
authentication, and whether every run was valid (all results as expected, the
stored state as it must be).  Then the ratios issue 9 asks for, each computed
from this one run, with "holds" or "does not hold".  A ratio is only computed
from valid runs.

A throughput ratio between two modules is paired by round: scripts/bench-pam
runs the modules of one round one after the other (mfacover, oath, ga,
permit), so round r of one and round r of the other saw the same minute of the
machine.  The verdict goes on the median of the per-round ratios; their range
is shown, so a ratio that the host's noise decides is seen as such.
"""
import json
import statistics
import sys
from collections import defaultdict

rows = defaultdict(list)
with open(sys.argv[1]) as f:
    for line in f:
        line = line.strip()
        if line:
            r = json.loads(line)
            rows[(r["users"], r["workers"], r["module"], r["code"])].append(r)


def med(key, rs):
    return statistics.median(r[key] for r in rs)


order = {"mfacover": 0, "mfacover-alt": 0.5, "oath": 1, "ga": 2, "permit": 3, "hmac": 4}
print("| users | P | module | code | runs | valid | auth/s | p50 ms | p99 ms | CPU ms/auth |")
print("|---:|---:|---|---|---:|---|---:|---:|---:|---:|")
for k in sorted(rows, key=lambda k: (k[0], k[1], k[3] != "right", order.get(k[2], 9))):
    rs = rows[k]
    valid = all(r["valid"] for r in rs)
    why = "" if valid else " (" + "; ".join(sorted({r["why"] for r in rs if not r["valid"]})) + ")"
    print(f"| {k[0]} | {k[1]} | {k[2]} | {k[3]} | {len(rs)} | {'yes' if valid else 'NO' + why} "
          f"| {med('auth_per_s', rs):.0f} | {med('p50_ms', rs):.2f} | {med('p99_ms', rs):.2f} "
          f"| {med('cpu_ms_per_auth', rs):.3f} |")


def get(users, workers, module, code="right"):
    rs = rows.get((users, workers, module, code), [])
    return rs if rs and all(r["valid"] for r in rs) else None


def verdict(ok):
    return "holds" if ok else "does not hold"


print()
print("Ratios (from this run):")
ns = sorted({k[0] for k in rows})
ps = sorted({k[1] for k in rows if k[2] != "hmac"})
if 2 in ps:
    bad = [n for n in ns if get(n, 2, "mfacover") is None]
    print(f"- mfacover correct at P=2 at every N: {verdict(not bad)}"
          + (f" (invalid at N={bad})" if bad else ""))
    oath_ns = [n for n in ns if rows.get((n, 2, "oath", "right"))]
    oath_bad = [n for n in oath_ns if get(n, 2, "oath") is None]
    if oath_ns:
        print(f"- pam_oath at P=2: {'invalid at N=' + str(oath_bad) if oath_bad else 'valid at every N'}")
lo, hi = (min(ns), max(ns)) if ns else (None, None)
for p in ps:
    a, b = get(lo, p, "mfacover"), get(hi, p, "mfacover")
    if a and b and lo != hi:
        ratio = med("cpu_ms_per_auth", b) / med("cpu_ms_per_auth", a)
        print(f"- P={p}: CPU per authentication at N={hi} is {ratio:.2f}x N={lo}: "
              f"{verdict(ratio <= 1.5)} (target within 1.5x)")


def paired(a, b):
    """Median, lowest and highest of the per-round throughput ratios a/b."""
    ratios = [x["auth_per_s"] / y["auth_per_s"] for x, y in zip(a, b)]
    return statistics.median(ratios), min(ratios), max(ratios)


def spread(lo_r, hi_r):
    return f"rounds {lo_r:.2f}x to {hi_r:.2f}x"


if 10000 in ns and 1 in ps:
    a, b = get(10000, 1, "mfacover"), get(10000, 1, "oath")
    if a and b:
        ratio, lo_r, hi_r = paired(a, b)
        print(f"- N=10000, P=1: mfacover {ratio:.1f}x pam_oath's throughput ({spread(lo_r, hi_r)}): "
              f"{verdict(ratio >= 5)} (target at least 5x)")
for n in ns:
    for p in ps:
        a, b = get(n, p, "mfacover"), get(n, p, "ga")
        if a and b:
            ratio, lo_r, hi_r = paired(a, b)
            print(f"- N={n}, P={p}: mfacover {ratio:.2f}x google-authenticator's throughput "
                  f"({spread(lo_r, hi_r)}): {verdict(ratio >= 1)} (target no slower)")
for n in ns:
    a = get(n, 2, "mfacover")
    if a:
        p99 = med("p99_ms", a)
        print(f"- N={n}, P=2: mfacover p99 {p99:.2f} ms: {verdict(p99 < 5)} (target under 5 ms)")
for n in ns:
    a, b = get(n, 1, "mfacover"), get(n, 1, "mfacover", "wrong")
    if a and b:
        ratio = med("cpu_ms_per_auth", b) / med("cpu_ms_per_auth", a)
        print(f"- N={n}, P=1: a wrong code costs {ratio:.2f}x a right one "
              "(must be within an order of magnitude, and counted)")
# scripts/bench-pam -a: another build of the module beside this tree's.
for n in ns:
    for p in ps:
        a, b, g = get(n, p, "mfacover"), get(n, p, "mfacover-alt"), get(n, p, "ga")
        if a and b:
            line = (f"- N={n}, P={p}: mfacover-alt {med('auth_per_s', b) / med('auth_per_s', a):.2f}x "
                    "mfacover's throughput")
            if g:
                line += f", {med('auth_per_s', b) / med('auth_per_s', g):.2f}x google-authenticator's"
            print(line + " (not a target: the alt build is a change being measured)")
