#!/usr/bin/env python3
"""Regenerates surrogate-grads.json: each surrogate's smooth primitive f(x) and its derivative f'(x),
computed by PyTorch autograd in float64, so the tests compare sugar-lab against derivatives no one wrote
by hand. Not run by CI (the JSON is checked in); run it after adding a surrogate or changing a primitive:

    python3 -m venv /tmp/torch && /tmp/torch/bin/pip install torch
    /tmp/torch/bin/python tools/reference/surrogates/generate.py            # rewrites the JSON beside this file
    /tmp/torch/bin/python tools/reference/surrogates/generate.py --check    # exit 1 if the JSON differs

The primitives and the convention at the kink are listed in README.md beside this file.
"""
import argparse
import json
import os
import sys

import torch
import torch.nn.functional as F


def negative_branch(x, f):
    # torch.where sends the gradient through the chosen branch only; x <= 0 takes f, so the
    # derivative at the kink x = 0 is the negative branch's (the convention the tests expect).
    return torch.where(x > 0, x, f(x))


def elu(x, alpha):
    return negative_branch(x, lambda t: alpha * (torch.exp(t) - 1))


PRIMITIVES = {
    "bsilu": (lambda x, p: (x + p["alpha"]) * torch.sigmoid(x) - p["alpha"] / 2, {"alpha": 1.67}),
    "nelu": (lambda x, p: negative_branch(x, lambda t: p["alpha"] - p["alpha"] / (1 + t * t)), {"alpha": 0.01}),
    "leakyRelu": (lambda x, p: negative_branch(x, lambda t: p["alpha"] * t), {"alpha": 0.01}),
    "elu": (lambda x, p: elu(x, p["alpha"]), {"alpha": 1.0}),
    # torch's own functions for the parameter-free ones (selu: scale * elu(x, 1.6732...);
    # gelu: x * Phi(x); geluTanh: its tanh approximation; silu: x * sigmoid(x); mish: x * tanh(softplus(x))).
    "selu": (lambda x, p: F.selu(x), {}),
    "gelu": (lambda x, p: F.gelu(x), {}),
    "geluTanh": (lambda x, p: F.gelu(x, approximate="tanh"), {}),
    "silu": (lambda x, p: F.silu(x), {}),
    "mish": (lambda x, p: F.mish(x), {}),
}

# Entry order in the file; 'name@alpha' is the surrogate with a non-default parameter.
ENTRIES = [
    ("bsilu", None), ("bsilu@1.0", {"alpha": 1.0}), ("nelu", None), ("nelu@0.1", {"alpha": 0.1}),
    ("leakyRelu", None), ("elu", None), ("selu", None), ("gelu", None), ("geluTanh", None),
    ("silu", None), ("mish", None),
]


def entry(key, params):
    f, defaults = PRIMITIVES[key.split("@")[0]]
    p = params if params is not None else defaults
    x = torch.arange(-12, 13, dtype=torch.float64) / 2  # -6, -5.5, ..., 6 exactly
    x.requires_grad_(True)
    y = f(x, p)
    (g,) = torch.autograd.grad(y.sum(), x)
    return {"params": p, "x": x.detach().tolist(), "value": y.detach().tolist(), "grad": g.tolist()}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "surrogate-grads.json"))
    ap.add_argument("--check", action="store_true", help="compare with --out instead of writing it")
    args = ap.parse_args()
    torch.set_default_dtype(torch.float64)
    doc = {
        "generator": f"torch {torch.__version__} autograd, float64",
        "points": "grid",
        "surrogates": {key: entry(key, params) for key, params in ENTRIES},
    }
    text = json.dumps(doc, indent=1)
    if args.check:
        with open(args.out) as fh:
            old = json.load(fh)
        worst = max(
            abs(a - b)
            for key, e in doc["surrogates"].items()
            for field in ("x", "value", "grad")
            for a, b in zip(e[field], old["surrogates"][key][field])
        )
        same_keys = list(old["surrogates"]) == list(doc["surrogates"])
        print(f"largest difference {worst:.3g} over {len(doc['surrogates'])} entries; same entries: {same_keys}")
        sys.exit(0 if same_keys and worst <= 1e-15 else 1)
    with open(args.out, "w") as fh:
        fh.write(text)
    print(f"wrote {args.out} ({len(doc['surrogates'])} surrogates, {doc['generator']})")


if __name__ == "__main__":
    main()
