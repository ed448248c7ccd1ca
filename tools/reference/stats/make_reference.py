#!/usr/bin/env python3
"""Reference intervals for fractions (libs/analysis/src/proportion.test.ts), from scipy.

- wilson: scipy.stats.binomtest(k, n).proportion_ci(confidence_level, method='wilson') for integer counts.
- fraction: the mean over runs of a fraction with the Wilson score interval at the effective sample size
  n_eff = min(sum(trials), p (1 - p) m / s^2) (Kish's design effect), critical value scipy.stats.t.ppf with m - 1
  degrees of freedom where the runs' spread sets n_eff, scipy.stats.norm.ppf where the units do. The Wilson
  formula here is checked against binomtest on the integer cases before anything is written.

Run: python3 tools/reference/stats/make_reference.py   (writes proportions.json beside this script)
"""
import json
import math
import os

import numpy as np
import scipy
from scipy import stats

HERE = os.path.dirname(os.path.abspath(__file__))

WILSON = [(0, 10, 0.95), (1, 10, 0.95), (7, 864, 0.95), (50, 100, 0.95), (100, 100, 0.95), (3, 7, 0.9), (999, 1000, 0.99)]

FRACTION = [
    # the dead fraction: 0, 1 and 6 dead of 288 units over 3 seeds (Student-t gave [-0.0099, 0.0261])
    dict(fractions=[0 / 288, 1 / 288, 6 / 288], trials=[288, 288, 288], level=0.95),
    # every seed without a dead unit: the units bound n_eff
    dict(fractions=[0.0, 0.0, 0.0], trials=[288, 288, 288], level=0.95),
    # seeds that agree within unit sampling: the units bound n_eff
    dict(fractions=[0.5, 0.51, 0.49], trials=[100, 100, 100], level=0.95),
    # accuracies without trial counts: the seeds' spread sets n_eff
    dict(fractions=[0.81, 0.79, 0.84, 0.80, 0.83], trials=None, level=0.95),
    dict(fractions=[0.97, 0.995, 0.999], trials=None, level=0.9),
    # one run with its units
    dict(fractions=[0.25], trials=[48], level=0.95),
]


def wilson(p, n, z):
    k = z * z / n
    center = (p + k / 2) / (1 + k)
    half = math.sqrt(k) * math.sqrt(p * (1 - p) + k / 4) / (1 + k)
    return max(0.0, center - half), min(1.0, center + half)


def fraction_interval(fractions, trials, level):
    m = len(fractions)
    p = float(np.mean(fractions))
    s2 = float(np.var(fractions, ddof=1)) if m > 1 else 0.0
    pooled = float(sum(trials)) if trials is not None else math.inf
    by_runs = p * (1 - p) * m / s2 if s2 > 0 else math.inf
    n_eff = min(pooled, by_runs)
    q = (1 + level) / 2
    z = stats.t.ppf(q, m - 1) if by_runs < pooled else stats.norm.ppf(q)
    lo, hi = (p, p) if math.isinf(n_eff) else wilson(p, n_eff, z)
    return dict(estimate=p, lo=lo, hi=hi, nEffective=n_eff)


def main():
    wilson_cases = []
    for k, n, level in WILSON:
        ci = stats.binomtest(k, n).proportion_ci(confidence_level=level, method="wilson")
        mine = wilson(k / n, n, stats.norm.ppf((1 + level) / 2))
        assert abs(mine[0] - ci.low) < 1e-12 and abs(mine[1] - ci.high) < 1e-12, (k, n, mine, ci)
        wilson_cases.append(dict(successes=k, trials=n, level=level, lo=float(ci.low), hi=float(ci.high)))
    fraction_cases = [dict(case, **fraction_interval(**case)) for case in FRACTION]
    out = dict(scipy=scipy.__version__, wilson=wilson_cases, fraction=fraction_cases)
    with open(os.path.join(HERE, "proportions.json"), "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
