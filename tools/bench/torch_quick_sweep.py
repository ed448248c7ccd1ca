#!/usr/bin/env python3
"""The `quick` sweep as the plain PyTorch script a researcher would write instead of using sugar-lab
(`sugar bench --reference` times it beside `sugar run quick`).

The same 12 runs: ReLU, SUGAR(bsilu, alpha=1.67), SUGAR(nelu, alpha=0.01), GELU x seeds 0-2 on a 12x24 MLP
(Glorot-uniform kernels, zero biases), 3-class spirals (1600 train, 1000 test, noise 0.1, 1 turn), Adam lr 0.003,
20 epochs of batch 64 reshuffled per epoch; per epoch: test loss/accuracy and dead units / sparsity of every
activation on 512 probe samples (before training too), gradient norms every 5th step; one JSON line per epoch and
a summary per run. Runs go to a pool of --procs processes (default 2), each with torch.set_num_threads(--threads,
default 1): one process per core beats threads for a model this small.

Prints JSON {"torch", "procs", "threads", "runs", "seconds", "results": [{"variant", "seed", "testAccuracy"}]}.
"""
import argparse
import json
import math
import multiprocessing as mp
import os
import time

import numpy as np

VARIANTS = ["relu", "sugar(bsilu,alpha=1.67)", "sugar(nelu,alpha=0.01)", "gelu"]


def spirals(n, seed, classes=3, noise=0.1, turns=1):
    rng = np.random.default_rng(seed)
    c = np.arange(n) % classes
    t = rng.random(n)
    angle = 2 * math.pi * c / classes + 2 * math.pi * turns * t
    x = np.stack([t * np.cos(angle), t * np.sin(angle)], 1) + noise * rng.standard_normal((n, 2))
    return x.astype(np.float32), c.astype(np.int64)


def run(job):
    variant, seed, threads, out = job
    import torch
    import torch.nn as nn
    import torch.nn.functional as F

    torch.set_num_threads(threads)

    class Sugar(torch.autograd.Function):
        """ReLU forward; the surrogate's derivative backward."""

        @staticmethod
        def forward(ctx, x, kind, alpha):
            ctx.save_for_backward(x)
            ctx.kind, ctx.alpha = kind, alpha
            return torch.relu(x)

        @staticmethod
        def backward(ctx, dy):
            (x,) = ctx.saved_tensors
            a = ctx.alpha
            if ctx.kind == "bsilu":
                s = torch.sigmoid(x)
                g = s * (1 + (x + a) * (1 - s))
            else:  # nelu: 1 for x > 0, 2 a x / (1 + x^2)^2 otherwise
                m = torch.clamp(x, max=0)
                g = (x > 0).to(x.dtype) + 2 * a * m / (1 + m * m) ** 2
            return dy * g, None, None

    class Act(nn.Module):
        def __init__(self, variant):
            super().__init__()
            self.variant = variant

        def forward(self, x):
            if self.variant == "relu":
                return torch.relu(x)
            if self.variant == "gelu":
                return F.gelu(x)
            if "bsilu" in self.variant:
                return Sugar.apply(x, "bsilu", 1.67)
            return Sugar.apply(x, "nelu", 0.01)

    torch.manual_seed(seed)
    layers, acts, d = [], [], 2
    for _ in range(12):
        lin = nn.Linear(d, 24)
        nn.init.xavier_uniform_(lin.weight)
        nn.init.zeros_(lin.bias)
        act = Act(variant)
        layers += [lin, act]
        acts.append(act)
        d = 24
    fc = nn.Linear(24, 3)
    nn.init.xavier_uniform_(fc.weight)
    nn.init.zeros_(fc.bias)
    model = nn.Sequential(*layers, fc)
    opt = torch.optim.Adam(model.parameters(), lr=0.003)

    xtr, ytr = (torch.from_numpy(a) for a in spirals(1600, seed))
    xte, yte = (torch.from_numpy(a) for a in spirals(1000, seed + 10_000))
    probe = xtr[:512]
    captured = []
    hooks = [a.register_forward_hook(lambda m, i, o: captured.append(o.detach())) for a in acts]

    def probe_units():
        captured.clear()
        with torch.no_grad():
            model(probe)
        dead = sum(int(((h > 0).sum(0) == 0).sum()) for h in captured)
        sparsity = float(np.mean([float((h <= 0).float().mean()) for h in captured]))
        captured.clear()
        return dead, sparsity

    gen = torch.Generator().manual_seed(seed)
    log = open(os.path.join(out, f"{variant}-{seed}.jsonl"), "w")
    dead, sparsity = probe_units()
    log.write(json.dumps({"epoch": 0, "dead": dead, "sparsity": sparsity}) + "\n")
    step = 0
    for epoch in range(1, 21):
        model.train()
        perm = torch.randperm(1600, generator=gen)
        loss_sum = 0.0
        for b in range(0, 1600, 64):
            idx = perm[b:b + 64]
            opt.zero_grad(set_to_none=True)
            loss = F.cross_entropy(model(xtr[idx]), ytr[idx])
            loss.backward()
            step += 1
            if step % 5 == 0:
                grad_norms = [float(p.grad.norm()) for p in model.parameters()]
            opt.step()
            loss_sum += loss.item() * len(idx)
        model.eval()
        with torch.no_grad():
            logits = model(xte)
            test_loss = float(F.cross_entropy(logits, yte))
            test_acc = float((logits.argmax(1) == yte).float().mean())
        dead, sparsity = probe_units()
        log.write(json.dumps({"epoch": epoch, "trainLoss": loss_sum / 1600, "testLoss": test_loss, "testAcc": test_acc,
                              "dead": dead, "sparsity": sparsity}) + "\n")
        torch.save({"model": model.state_dict(), "opt": opt.state_dict(), "epoch": epoch}, os.path.join(out, f"{variant}-{seed}.pt"))
    log.close()
    for h in hooks:
        h.remove()
    return {"variant": variant, "seed": seed, "testAccuracy": test_acc}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--procs", type=int, default=2)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    import torch

    jobs = [(v, s, args.threads, args.out) for v in VARIANTS for s in range(3)]
    t0 = time.perf_counter()
    with mp.get_context("spawn").Pool(args.procs) as pool:
        results = pool.map(run, jobs, chunksize=1)
    seconds = time.perf_counter() - t0
    print(json.dumps({"torch": torch.__version__, "procs": args.procs, "threads": args.threads, "runs": len(jobs),
                      "seconds": seconds, "results": results}))


if __name__ == "__main__":
    main()
