#!/usr/bin/env python3
"""Exact float64 Hessian spectra for the landscape tests (libs/analysis/src/landscape/hessian-reference.test.ts).

For each case below: trains a ReLU MLP on 3-class spirals in float64 PyTorch (full batch, Adam), rounds the
weights to float32 (what the tfjs model holds), assembles the exact Hessian of the mean softmax cross-entropy
with respect to every weight and bias by double backward (ReLU pieces fixed at the weights, as the evaluator
freezes them), and writes the weights, the data and the extreme eigenvalues from numpy's eigvalsh to
<case>.json beside this script. The test rebuilds the same model in tfjs and checks what Lanczos and power
iteration find against these numbers.

- mlp-deep: 6 x 16, trained: lambda_min is tiny next to lambda_max (ratio ~1e-3) and sits in a cluster, as in
  the presets' networks; Lanczos needs ~50 steps, shifted power iteration cannot get there in practice.
- mlp-small: 2 x 6, barely trained: a spectrum with gaps, where shifted power iteration converges too.

Run: python3 tools/reference/hessian/make_reference.py   (needs torch and numpy; deterministic on CPU)
"""
import json
import math
import os

import numpy as np
import torch

CLASSES, SEED = 3, 0
CASES = [
    dict(name="mlp-deep", depth=6, width=16, samples=256, steps=300, lr=0.003, noise=0.8),
    dict(name="mlp-small", depth=2, width=6, samples=64, steps=10, lr=0.01, noise=0.8),
]
HERE = os.path.dirname(os.path.abspath(__file__))


def spirals(n, classes, noise, rng):
    """n points on `classes` interleaved spiral arms, angles with Gaussian noise (radius 0..1)."""
    labels = np.arange(n) % classes
    t = rng.uniform(0.05, 1.0, n)
    angle = 2 * math.pi * labels / classes + 4 * t + rng.normal(0, noise, n)
    x = np.stack([t * np.cos(angle), t * np.sin(angle)], axis=1)
    return x, labels


def init_layers(depth, width, rng):
    """He-normal kernels [in, out] (tfjs layout), zero biases."""
    sizes = [2] + [width] * depth + [CLASSES]
    return [
        (rng.normal(0, math.sqrt(2 / fan_in), (fan_in, fan_out)), np.zeros(fan_out))
        for fan_in, fan_out in zip(sizes[:-1], sizes[1:])
    ]


def forward(params, x):
    """Logits and the hidden pre-activations (to check that no unit sits on its kink)."""
    pre = []
    h = x
    for i in range(0, len(params) - 2, 2):
        z = h @ params[i] + params[i + 1]
        pre.append(z)
        h = torch.relu(z)
    return h @ params[-2] + params[-1], pre


def loss_of(params, x, y):
    logits, _ = forward(params, x)
    return torch.nn.functional.cross_entropy(logits, y)


def make_case(case):
    torch.manual_seed(SEED)
    rng = np.random.default_rng(SEED)
    x_np, y_np = spirals(case["samples"], CLASSES, case["noise"], rng)
    x = torch.tensor(x_np, dtype=torch.float64)
    y = torch.tensor(y_np, dtype=torch.long)
    layers = init_layers(case["depth"], case["width"], rng)
    params = [torch.tensor(a, dtype=torch.float64, requires_grad=True) for layer in layers for a in layer]
    opt = torch.optim.Adam(params, lr=case["lr"])
    for _ in range(case["steps"]):
        opt.zero_grad()
        loss = loss_of(params, x, y)
        loss.backward()
        opt.step()
    # Round the weights and inputs to float32 first: the tfjs model holds exactly these values.
    params = [torch.tensor(p.detach().numpy().astype(np.float32).astype(np.float64), requires_grad=True) for p in params]
    x_np = x_np.astype(np.float32).astype(np.float64)
    x = torch.tensor(x_np, dtype=torch.float64)
    shapes = [p.shape for p in params]
    sizes = [p.numel() for p in params]

    def flat_loss(w):
        parts, o = [], 0
        for s, k in zip(shapes, sizes):
            parts.append(w[o : o + k].reshape(s))
            o += k
        return loss_of(parts, x, y)

    w0 = torch.cat([p.detach().reshape(-1) for p in params])
    hessian = torch.autograd.functional.hessian(flat_loss, w0).numpy()
    asym = np.abs(hessian - hessian.T).max()
    eig = np.linalg.eigvalsh((hessian + hessian.T) / 2)
    with torch.no_grad():
        logits, pre = forward(params, x)
        accuracy = float((logits.argmax(1) == y).double().mean())
        margin = float(min(z.abs().min() for z in pre))
    hidden = "-".join([str(case["width"])] * case["depth"])
    return {
        "description": f"ReLU MLP 2-{hidden}-{CLASSES} trained {case['steps']} full-batch Adam steps (lr {case['lr']}) on {case['samples']} spiral points (angle noise {case['noise']}, float64, seed {SEED}); exact Hessian of the mean softmax cross-entropy by double backward, eigenvalues by numpy.linalg.eigvalsh",
        "generator": "tools/reference/hessian/make_reference.py",
        "case": case,
        "torch": torch.__version__,
        "numpy": np.__version__,
        "layers": [{"kernel": params[i].detach().tolist(), "bias": params[i + 1].detach().tolist()} for i in range(0, len(params), 2)],
        "x": x_np.tolist(),
        "y": y_np.tolist(),
        "loss": float(flat_loss(w0)),
        "accuracy": accuracy,
        "parameters": int(w0.numel()),
        "minPreactivationMagnitude": margin,
        "hessianMaxAsymmetry": float(asym),
        "lambdaMax": float(eig[-1]),
        "lambdaMin": float(eig[0]),
        "largest": eig[-5:][::-1].tolist(),
        "smallest": eig[:5].tolist(),
        "negativeCount": int((eig < 0).sum()),
    }


def main():
    for case in CASES:
        out = make_case(case)
        with open(os.path.join(HERE, f"{case['name']}.json"), "w") as f:
            json.dump(out, f)
            f.write("\n")
        print(json.dumps({k: v for k, v in out.items() if k not in ("layers", "x", "y")}))


if __name__ == "__main__":
    main()
