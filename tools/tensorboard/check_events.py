#!/usr/bin/env python3
"""Reads a run's TensorBoard events with TensorBoard's own reader and checks them against its metrics.jsonl.

    python3 tools/tensorboard/check_events.py TB_DIR METRICS_JSONL [CONFIG_JSON]

TB_DIR is a run's events directory (DIR/runs/<id>/tb), METRICS_JSONL the run's metrics.jsonl and CONFIG_JSON, when
given, the file whose JSON the `config` text must hold. Every events file must frame every record intact (CRC-32C)
and open with the file version; then, through TensorBoard's EventAccumulator (which drops what a restart
orphaned), every epoch of metrics.jsonl must be there with the same numbers (as float32, simple_value's type), every
scalar of the events must come from metrics.jsonl, and each activation-probability histogram must hold one count per
unit with the layer's mean. Prints a JSON summary on one line, every difference in its "problems"; exits 1 when
there is one, 2 when TensorBoard is missing.

The tag names are stated here again, independently of the TypeScript writer (libs/train/src/tensorboard-tags.ts),
so that a change to either shows up as a difference.
"""

import glob
import json
import math
import os
import struct
import sys

try:
    from tensorboard.backend.event_processing import event_accumulator
    from tensorboard.compat.proto import event_pb2
    from tensorboard.compat.tensorflow_stub import errors as tb_errors
    from tensorboard.compat.tensorflow_stub.pywrap_tensorflow import PyRecordReader_New
    from tensorboard.util import tensor_util
except ImportError as err:  # pragma: no cover - the caller skips or fails on this
    print(f"tensorboard is not installed ({err}): python3 -m pip install tensorboard", file=sys.stderr)
    sys.exit(2)

NON_FINITE = {"NaN": math.nan, "Infinity": math.inf, "-Infinity": -math.inf}


def decode(value):
    """metrics.jsonl writes NaN and Infinity as strings (train/jsonl.ts)."""
    if isinstance(value, str) and value in NON_FINITE:
        return NON_FINITE[value]
    if isinstance(value, dict):
        return {k: decode(v) for k, v in value.items()}
    if isinstance(value, list):
        return [decode(v) for v in value]
    return value


def float32(x):
    """x rounded to float32 (beyond its range: the infinity of x's sign, as a C cast gives)."""
    if not math.isfinite(x):
        return x
    try:
        return struct.unpack("<f", struct.pack("<f", x))[0]
    except OverflowError:
        return math.copysign(math.inf, x)


def same32(expected, found):
    """simple_value is a float32: the JSON number rounded to float32 must be the value read (NaN reads as NaN)."""
    e = float32(float(expected))
    if math.isnan(e) or math.isnan(found):
        return math.isnan(e) and math.isnan(found)
    return e == found


def expected_scalars(m):
    """The scalars of one epoch record, by tag (libs/train/src/tensorboard-tags.ts writes the same)."""
    out = {}

    def add(tag, v):
        if v is not None:
            out[tag] = v

    add("lr", m.get("lr"))
    add("loss/train", m.get("trainLoss"))
    add("acc/train", m.get("trainAcc"))
    split = m.get("evalSplit")
    if split:
        add(f"loss/{split}", m.get("evalLoss"))
        add(f"acc/{split}", m.get("evalAcc"))
    p = m.get("probes")
    if p:
        add("dead_fraction", p["deadFraction"])
        add("sparsity", p["sparsity"])
        add("resurrected", p["resurrected"])
        for layer in p["layers"]:
            name = layer["layer"]
            add(f"dead/{name}", layer["deadFraction"])
            add(f"sparsity/{name}", layer["sparsity"])
            add(f"pre_mean/{name}", layer["preMean"])
            add(f"pre_std/{name}", layer["preStd"])
        for name, norm in (p.get("gradNorms") or {}).items():
            add(f"grad_norm/{name}", norm)
    return out


def check_framing(tb_dir, problems):
    """Every record of every file intact and the file version first, read by TensorBoard's record reader."""
    files = sorted(f for f in glob.glob(os.path.join(tb_dir, "*")) if "tfevents" in os.path.basename(f))
    if not files:
        problems.append(f"{tb_dir}: no events files")
    records = 0
    for f in files:
        reader = PyRecordReader_New(f.encode())
        first = True
        while True:
            try:
                reader.GetNext()
            except tb_errors.OutOfRangeError:
                break
            except tb_errors.DataLossError as err:
                problems.append(f"{f}: record {records + 1}: {err}")
                break
            event = event_pb2.Event.FromString(reader.record())
            if first and event.file_version != "brain.Event:2":
                problems.append(f"{f}: the first record is not file_version 'brain.Event:2' ({event})")
            first = False
            records += 1
    return files, records


def check_histograms(acc, epochs, problems):
    count = 0
    for m in epochs:
        for layer in (m.get("probes") or {}).get("layers", []):
            tag = f"activation_probability/{layer['layer']}"
            found = [h for h in (acc.Histograms(tag) if tag in acc.Tags()["histograms"] else []) if h.step == m["epoch"]]
            if len(found) != 1:
                problems.append(f"{tag} step {m['epoch']}: expected one histogram; found {len(found)}")
                continue
            h = found[0].histogram_value
            count += 1
            where = f"{tag} step {m['epoch']}"
            if h.num != layer["units"] or sum(h.bucket) != layer["units"]:
                problems.append(f"{where}: expected {layer['units']} units; num {h.num}, buckets {sum(h.bucket)}")
            if not 0 <= h.min <= h.max <= 1:
                problems.append(f"{where}: expected 0 <= min <= max <= 1; found {h.min}, {h.max}")
            if abs(h.sum / max(h.num, 1) - layer["activationProb"]) > 1e-6:
                problems.append(f"{where}: mean {h.sum / max(h.num, 1)}; metrics.jsonl activationProb {layer['activationProb']}")
            unit = layer.get("unitProb")
            if unit and (h.min != min(unit) or h.max != max(unit) or abs(h.sum - math.fsum(unit)) > 1e-9):
                problems.append(f"{where}: min/max/sum {h.min}, {h.max}, {h.sum}; unitProb gives {min(unit)}, {max(unit)}, {math.fsum(unit)}")
    return count


def check_config(acc, config_file, problems):
    if "config" not in acc.Tags()["tensors"]:
        problems.append("no 'config' text")
        return
    events = acc.Tensors("config")
    if [e.step for e in events] != [0]:
        problems.append(f"config: expected one text at step 0; found steps {[e.step for e in events]}")
    plugin = acc.SummaryMetadata("config").plugin_data.plugin_name
    if plugin != "text":
        problems.append(f"config: expected the text plugin; found '{plugin}'")
    text = tensor_util.make_ndarray(events[-1].tensor_proto).item().decode("utf8")
    if config_file:
        body = text.strip().removeprefix("```json").removesuffix("```")
        with open(config_file, encoding="utf8") as f:
            want = json.load(f)
        if json.loads(body) != want:
            problems.append(f"config: the text differs from {config_file}")


def main(argv):
    if len(argv) not in (3, 4):
        print(__doc__, file=sys.stderr)
        return 64
    tb_dir, metrics_file = argv[1], argv[2]
    config_file = argv[3] if len(argv) == 4 else None
    problems = []
    files, records = check_framing(tb_dir, problems)

    with open(metrics_file, encoding="utf8") as f:
        lines = [decode(json.loads(line)) for line in f if line.strip()]
    epochs = [m for m in lines if m.get("type") == "epoch"]

    acc = event_accumulator.EventAccumulator(tb_dir, size_guidance={"scalars": 0, "histograms": 0, "tensors": 0})
    acc.Reload()
    expected = {}
    for m in epochs:
        for tag, v in expected_scalars(m).items():
            expected[(tag, m["epoch"])] = v
    found = {}
    for tag in acc.Tags()["scalars"]:
        for e in acc.Scalars(tag):
            if (tag, e.step) in found:
                problems.append(f"{tag} step {e.step}: written twice")
            found[(tag, e.step)] = e.value
    for key in sorted(set(expected) - set(found)):
        problems.append(f"{key[0]} step {key[1]}: in metrics.jsonl ({expected[key]}), not in the events")
    for key in sorted(set(found) - set(expected)):
        problems.append(f"{key[0]} step {key[1]}: in the events ({found[key]}), not in metrics.jsonl")
    for key in sorted(set(found) & set(expected)):
        if not same32(expected[key], found[key]):
            problems.append(f"{key[0]} step {key[1]}: events {found[key]!r}; metrics.jsonl {expected[key]!r} (as float32 {float32(float(expected[key]))!r})")

    histograms = check_histograms(acc, epochs, problems)
    check_config(acc, config_file, problems)

    summary = {
        "files": len(files),
        "records": records,
        "epochs": [m["epoch"] for m in epochs],
        "scalars": len(found),
        "histograms": histograms,
        "tags": sorted(acc.Tags()["scalars"] + acc.Tags()["histograms"] + acc.Tags()["tensors"]),
        "problems": problems,
    }
    print(json.dumps(summary))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
