#!/usr/bin/env python3
"""Compare two `sugar run` output directories bit for bit (written for the `quick` before/after check).

Usage:
    python3 tools/quick-check/compare_runs.py DIR_A DIR_B

DIR_A and DIR_B are the `--out` directories of two `sugar run` calls (each holds `runs/<run id>/`). Runs are
matched by run id. For every run id present on both sides it compares:

  * summary.json: id, variant, seed, point, status, epochs and every field of `final` (per-layer probes included);
  * metrics.jsonl: every line, every field (losses, accuracies, learning rate, dead fractions, sparsity,
    resurrection counts, pre-activation statistics, gradient norms), and the number of lines;
  * the last checkpoint's tensors.bin (weights and optimizer state), byte for byte (SHA-256).

Numbers are compared by their IEEE-754 double bits (two NaNs count as equal; "NaN"/"Infinity" strings, as the
JSONL writer stores non-finite numbers, are read as numbers). Only wall-clock fields are skipped: keys named in
TIMING_KEYS and keys ending in "Ms"; the keys actually skipped are printed. config.json and spec.json are not
compared (their key order may change without any number changing).

Exit status: 0 when everything compared is identical (same run ids, no differing value, no key or line present
on one side only, every tensors.bin identical); 1 when anything differs; 2 on a usage error.
"""

import hashlib
import json
import math
import os
import struct
import sys
from collections import defaultdict

TIMING_KEYS = frozenset(
    {'timing', 'seconds', 'time', 'timestamp', 'startedAt', 'finishedAt', 'wallSeconds', 'createdAt', 'at', 'host', 'pid'}
)
SUMMARY_KEYS = ('id', 'variant', 'seed', 'point', 'status', 'epochs', 'final')
SHOWN = 20  # differences and one-sided keys printed in full


def is_timing(key):
    return key in TIMING_KEYS or key.endswith('Ms')


def as_number(v):
    """The value as a float when it is a JSON number (or a non-finite number stored as a string), else None."""
    if isinstance(v, bool):
        return None
    if isinstance(v, (int, float)):
        return float(v)
    if v in ('NaN', 'Infinity', '-Infinity'):
        return float(v.replace('Infinity', 'inf'))
    return None


def same_bits(a, b):
    return struct.pack('<d', a) == struct.pack('<d', b) or (math.isnan(a) and math.isnan(b))


class Comparison:
    def __init__(self):
        self.numbers = 0  # numeric leaves compared
        self.others = 0  # non-numeric leaves compared
        self.diffs = []  # (path, a, b)
        self.one_sided = []  # (path, which side has it)
        self.skipped = defaultdict(int)
        self.max_abs = 0.0
        self.max_rel = 0.0

    def walk(self, a, b, path):
        if isinstance(a, dict) and isinstance(b, dict):
            for k in sorted(set(a) | set(b)):
                if is_timing(k):
                    self.skipped[k] += 1
                elif k not in a or k not in b:
                    self.one_sided.append((f'{path}.{k}', 'A' if k in a else 'B'))
                else:
                    self.walk(a[k], b[k], f'{path}.{k}')
            return
        if isinstance(a, list) and isinstance(b, list):
            if len(a) != len(b):
                self.one_sided.append((f'{path}[length {len(a)} vs {len(b)}]', 'both'))
            for i, (x, y) in enumerate(zip(a, b)):
                self.walk(x, y, f'{path}[{i}]')
            return
        na, nb = as_number(a), as_number(b)
        if na is not None and nb is not None:
            self.numbers += 1
            if not same_bits(na, nb):
                self.diffs.append((path, a, b))
                if math.isfinite(na) and math.isfinite(nb):
                    d = abs(na - nb)
                    self.max_abs = max(self.max_abs, d)
                    self.max_rel = max(self.max_rel, d / max(abs(na), abs(nb), 1e-300))
            return
        self.others += 1
        if a != b:
            self.diffs.append((path, a, b))


def read_json(path):
    with open(path) as f:
        return json.load(f)


def read_jsonl(path):
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def last_checkpoint(run_dir):
    """(epoch directory name, SHA-256 of its tensors.bin) of the run's last checkpoint, or (None, None)."""
    ck = os.path.join(run_dir, 'checkpoint')
    epochs = sorted(d for d in os.listdir(ck) if d.startswith('epoch-')) if os.path.isdir(ck) else []
    if not epochs:
        return None, None
    with open(os.path.join(ck, epochs[-1], 'tensors.bin'), 'rb') as f:
        return epochs[-1], hashlib.sha256(f.read()).hexdigest()


def mean(xs):
    return sum(xs) / len(xs) if xs else float('nan')


def compare(dir_a, dir_b):
    runs_a, runs_b = os.path.join(dir_a, 'runs'), os.path.join(dir_b, 'runs')
    ids_a, ids_b = set(os.listdir(runs_a)), set(os.listdir(runs_b))
    print(f'runs: A={len(ids_a)} B={len(ids_b)}; ids identical: {ids_a == ids_b}')
    if ids_a != ids_b:
        print('  only A:', sorted(ids_a - ids_b), ' only B:', sorted(ids_b - ids_a))

    c = Comparison()
    rows = []
    tensors_same = 0
    finals = {'A': defaultdict(list), 'B': defaultdict(list)}
    for rid in sorted(ids_a & ids_b):
        ra, rb = os.path.join(runs_a, rid), os.path.join(runs_b, rid)
        has = [side for side, r in (('A', ra), ('B', rb)) if os.path.exists(os.path.join(r, 'summary.json'))]
        if len(has) < 2:  # an unfinished run: a difference to report, not a crash
            c.one_sided.append((f'{rid}/summary.json (the other run is unfinished?)', ','.join(has) or 'neither'))
            continue
        sa, sb = read_json(os.path.join(ra, 'summary.json')), read_json(os.path.join(rb, 'summary.json'))
        for side, s in (('A', sa), ('B', sb)):
            final = s.get('final') or {}
            finals[side][s.get('variant')].append((final.get('testAccuracy'), final.get('deadFraction')))
        numbers0, diffs0 = c.numbers, len(c.diffs)
        for k in SUMMARY_KEYS:
            c.walk(sa.get(k), sb.get(k), f'{rid}/summary.{k}')
        ma, mb = read_jsonl(os.path.join(ra, 'metrics.jsonl')), read_jsonl(os.path.join(rb, 'metrics.jsonl'))
        if len(ma) != len(mb):
            c.one_sided.append((f'{rid}/metrics.jsonl lines {len(ma)} vs {len(mb)}', 'both'))
        for i, (x, y) in enumerate(zip(ma, mb)):
            c.walk(x, y, f'{rid}/metrics[{i}]')
        (ea, ha), (eb, hb) = last_checkpoint(ra), last_checkpoint(rb)
        same_tensors = ea is not None and ea == eb and ha == hb
        tensors_same += same_tensors
        rows.append((rid, sa.get('variant'), sa.get('seed'), len(ma), c.numbers - numbers0, len(c.diffs) - diffs0,
                     'identical' if same_tensors else ('MISSING' if ea is None or eb is None else 'DIFFERENT')))

    print(f"{'run id':13} {'variant':26} seed lines values diffs final tensors.bin")
    for rid, variant, seed, lines, values, diffs, tensors in rows:
        print(f'{rid:13} {str(variant):26} {str(seed):4} {lines:5} {values:6} {diffs:5} {tensors}')
    print(f'numeric values compared: {c.numbers}; non-numeric leaves compared: {c.others}')
    print(f'differences: {len(c.diffs)}; largest |diff|: {c.max_abs:.3g}; largest relative diff: {c.max_rel:.3g}')
    print(f'keys or lines present on one side only: {len(c.one_sided)}')
    for path, side in c.one_sided[:SHOWN]:
        print(f'  {path} (only {side})')
    for path, a, b in c.diffs[:SHOWN]:
        print(f'  DIFF {path}: {a!r} vs {b!r}')
    print(f'final checkpoint tensors.bin byte-identical: {tensors_same}/{len(rows)}')
    print('skipped keys (wall-clock only):', dict(c.skipped))

    print('\nfinal test accuracy and dead fraction, mean over seeds')
    print(f"{'variant':26} {'A test acc':>10} {'A dead':>8} {'B test acc':>10} {'B dead':>8}")
    for v in sorted(set(finals['A']) | set(finals['B']), key=str):
        a, b = finals['A'].get(v, []), finals['B'].get(v, [])
        acc_a, dead_a = mean([x[0] for x in a]), mean([x[1] for x in a])
        acc_b, dead_b = mean([x[0] for x in b]), mean([x[1] for x in b])
        exact = acc_a == acc_b and dead_a == dead_b
        print(f'{str(v):26} {acc_a:10.4f} {dead_a * 100:7.2f}% {acc_b:10.4f} {dead_b * 100:7.2f}%'
              f'  (n={len(a)}/{len(b)}; means bit-equal: {exact})')

    identical = ids_a == ids_b and not c.diffs and not c.one_sided and tensors_same == len(rows)
    print('\nRESULT:', 'identical' if identical else 'DIFFERENT')
    return 0 if identical else 1


def main(argv):
    if len(argv) != 3 or not all(os.path.isdir(os.path.join(d, 'runs')) for d in argv[1:]):
        print(__doc__.split('\n\n')[1].strip(), file=sys.stderr)
        print('DIR_A and DIR_B must each be a `sugar run --out` directory containing runs/', file=sys.stderr)
        return 2
    return compare(argv[1], argv[2])


if __name__ == '__main__':
    sys.exit(main(sys.argv))
