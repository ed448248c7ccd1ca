#!/usr/bin/env python3
"""PyTorch reference for `sugar bench`: the same two training steps (shapes, SGD, softmax cross-entropy),
plain ReLU and SUGAR(bsilu, alpha=1.67) as an autograd.Function, median of N timed steps after warm-up.

Each step is timed with torch's default thread count and with one thread (--threads), and the faster is reported:
on a machine shared with other processes, the default (one OpenMP thread per core, spin-waiting at every barrier)
is often several times slower than one thread, and the reference should be the best PyTorch does here.

Prints JSON {"results": [{"model", "activation", "msPerStep", "samplesPerSec", "threads", "byThreads"}],
"torch": version, "threads": default thread count}.
Needs torch (`pip install torch`); `sugar bench --reference` runs it when torch imports.
"""
import argparse
import json
import statistics
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class SugarBSiLU(torch.autograd.Function):
    alpha = 1.67

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return torch.relu(x)

    @staticmethod
    def backward(ctx, dy):
        (x,) = ctx.saved_tensors
        s = torch.sigmoid(x)
        a = SugarBSiLU.alpha
        return dy * (s + (x + a) * s * (1 - s))


class Act(nn.Module):
    def __init__(self, sugar):
        super().__init__()
        self.sugar = sugar

    def forward(self, x):
        return SugarBSiLU.apply(x) if self.sugar else torch.relu(x)


def mlp(sugar):
    layers, d = [], 784
    for _ in range(3):
        layers += [nn.Linear(d, 512), Act(sugar)]
        d = 512
    return nn.Sequential(*layers, nn.Linear(512, 10))


def cnn(sugar):
    c = lambda i, o: nn.Conv2d(i, o, 3, padding=1)
    return nn.Sequential(c(3, 32), Act(sugar), c(32, 32), Act(sugar), nn.MaxPool2d(2),
                         c(32, 64), Act(sugar), c(64, 64), Act(sugar), nn.MaxPool2d(2),
                         nn.Flatten(), nn.Linear(64 * 8 * 8, 10))


def time_step(model, x, y, steps, warmup):
    opt = torch.optim.SGD(model.parameters(), lr=0.01)

    def step():
        opt.zero_grad(set_to_none=True)
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
        return loss.item()

    for _ in range(warmup):
        step()
    times = []
    for _ in range(steps):
        t0 = time.perf_counter()
        step()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--steps", type=int, default=10)
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--models", default="mlp,cnn")
    ap.add_argument("--threads", default="default,1", help="thread counts to try: 'default' and/or integers")
    args = ap.parse_args()
    default_threads = torch.get_num_threads()
    counts = [default_threads if t == "default" else int(t) for t in args.threads.split(",")]
    torch.manual_seed(0)
    shapes = {"mlp": ((256, 784), mlp), "cnn": ((64, 3, 32, 32), cnn)}
    results = []
    for name in args.models.split(","):
        if name not in shapes:
            continue
        shape, build = shapes[name]
        x = torch.randn(*shape)
        y = torch.randint(0, 10, (shape[0],))
        for sugar in (False, True):
            by_threads = {}
            for n in dict.fromkeys(counts):
                torch.set_num_threads(n)
                torch.manual_seed(0)
                by_threads[n] = time_step(build(sugar), x, y, args.steps, args.warmup)
            torch.set_num_threads(default_threads)
            best = min(by_threads, key=by_threads.get)
            ms = by_threads[best]
            results.append({"model": name, "activation": "sugar(bsilu,alpha=1.67)" if sugar else "relu",
                            "msPerStep": ms, "samplesPerSec": shape[0] * 1000 / ms, "threads": best,
                            "byThreads": {str(k): v for k, v in by_threads.items()}})
    print(json.dumps({"torch": torch.__version__, "threads": default_threads, "results": results}))


if __name__ == "__main__":
    main()
