#!/usr/bin/env python3
"""PyTorch reference vectors for one block of each modern family, for libs/models/src/modern-reference.test.ts.

Each block is written here from the published definitions (ConvNeXt: Liu et al. 2022 / timm ConvNeXtBlock;
ViT: timm VisionTransformer Block; Swin: the official SwinTransformerBlock with cyclic shift, attention mask and
relative position bias; Swin's PatchMerging) with plain torch ops, not from the tfjs code. Weights and inputs
are float32 draws from a fixed seed; the forward output and the gradient of sum(output * r) with respect to
the input (r a fixed random tensor) are computed in float64 from those float32 values, so the comparison
measures tfjs' float32 error alone.

Weights are written in the tfjs layouts (Dense kernels [in, out], depthwise kernels [kh, kw, C, 1]), keyed by
the tfjs layer name, in each layer's getWeights() order. Tensors are channels-last like the tfjs models.

Run: python3 tools/reference/modern-blocks/make_reference.py   (needs torch; CPU is enough, a few seconds)
"""
import json
import math
import os

import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
gen = torch.Generator().manual_seed(20261201)


def draw(*shape, scale=1.0):
    """float32 values, used in float64."""
    return (torch.randn(*shape, generator=gen, dtype=torch.float32) * scale).double()


def t(x, float64=False):
    """A tensor as {shape, data}: float32 values (weights, inputs), or float64 for the reference results."""
    v = x.double() if float64 else x.float()
    return {"shape": list(x.shape), "data": [float(e) for e in v.reshape(-1).tolist()]}


def layer_norm(x, w, b, eps):
    return F.layer_norm(x, (x.shape[-1],), w, b, eps)


def attention(x, p, heads, bias=None, mask=None):
    """timm's Attention / Swin's WindowAttention: x [B_, N, C]; bias [heads, N, N]; mask [nW, N, N]."""
    b_, n, c = x.shape
    hd = c // heads
    qkv = F.linear(x, p["qkv_w"], p["qkv_b"]).reshape(b_, n, 3, heads, hd).permute(2, 0, 3, 1, 4)
    q, k, v = qkv.unbind(0)
    attn = (q * hd ** -0.5) @ k.transpose(-2, -1)
    if bias is not None:
        attn = attn + bias.unsqueeze(0)
    if mask is not None:
        nw = mask.shape[0]
        attn = attn.view(b_ // nw, nw, heads, n, n) + mask.unsqueeze(1).unsqueeze(0)
        attn = attn.view(-1, heads, n, n)
    out = (attn.softmax(-1) @ v).transpose(1, 2).reshape(b_, n, c)
    return F.linear(out, p["proj_w"], p["proj_b"])


def mlp(x, p):
    return F.linear(F.gelu(F.linear(x, p["fc1_w"], p["fc1_b"])), p["fc2_w"], p["fc2_b"])


def attn_params(c):
    return {"qkv_w": draw(3 * c, c, scale=c ** -0.5), "qkv_b": draw(3 * c, scale=0.1),
            "proj_w": draw(c, c, scale=c ** -0.5), "proj_b": draw(c, scale=0.1)}


def mlp_params(c, hidden):
    return {"fc1_w": draw(hidden, c, scale=c ** -0.5), "fc1_b": draw(hidden, scale=0.1),
            "fc2_w": draw(c, hidden, scale=hidden ** -0.5), "fc2_b": draw(c, scale=0.1)}


def norm_params(c):
    return {"w": 1 + draw(c, scale=0.1), "b": draw(c, scale=0.1)}


def dense(w, b):
    return [t(w.T), t(b)]


def attn_weights(p):
    return [t(p["qkv_w"].T), t(p["qkv_b"]), t(p["proj_w"].T), t(p["proj_b"])]


# --- ConvNeXt block: dwconv7x7 -> LN -> fc1 (4C) -> GELU -> fc2 -> layer scale -> + x
def convnext_block():
    b, h, w, c = 2, 6, 5, 4
    dw_w, dw_b = draw(c, 1, 7, 7, scale=0.2), draw(c, scale=0.1)
    ln, m, gamma = norm_params(c), mlp_params(c, 4 * c), 0.5 + draw(c, scale=0.1)
    x = draw(b, h, w, c)

    def f(x):
        y = F.conv2d(x.permute(0, 3, 1, 2), dw_w, dw_b, padding=3, groups=c).permute(0, 2, 3, 1)
        y = mlp(layer_norm(y, ln["w"], ln["b"], 1e-6), m) * gamma
        return x + y

    weights = {"dwconv": [t(dw_w.permute(2, 3, 0, 1)), t(dw_b)], "norm": [t(ln["w"]), t(ln["b"])],
               "fc1": dense(m["fc1_w"], m["fc1_b"]), "fc2": dense(m["fc2_w"], m["fc2_b"]), "scale": [t(gamma)]}
    return {"kernelSize": 7, "epsilon": 1e-6}, weights, x, f


# --- ViT encoder block: x + attn(LN(x)); x + mlp(LN(x))
def vit_block():
    b, n, c, heads = 2, 5, 8, 2
    n1, a, n2, m = norm_params(c), attn_params(c), norm_params(c), mlp_params(c, 4 * c)
    x = draw(b, n, c)

    def f(x):
        x = x + attention(layer_norm(x, n1["w"], n1["b"], 1e-6), a, heads)
        return x + mlp(layer_norm(x, n2["w"], n2["b"], 1e-6), m)

    weights = {"norm1": [t(n1["w"]), t(n1["b"])], "attn": attn_weights(a), "norm2": [t(n2["w"]), t(n2["b"])],
               "fc1": dense(m["fc1_w"], m["fc1_b"]), "fc2": dense(m["fc2_w"], m["fc2_b"])}
    return {"numHeads": heads, "epsilon": 1e-6}, weights, x, f


# --- Swin block (official SwinTransformerBlock), shifted: relative position bias + attention mask
def window_partition(x, ws):
    b, h, w, c = x.shape
    x = x.view(b, h // ws, ws, w // ws, ws, c)
    return x.permute(0, 1, 3, 2, 4, 5).contiguous().view(-1, ws * ws, c)


def window_reverse(windows, ws, h, w):
    b = int(windows.shape[0] / (h * w / ws / ws))
    x = windows.view(b, h // ws, w // ws, ws, ws, -1)
    return x.permute(0, 1, 3, 2, 4, 5).contiguous().view(b, h, w, -1)


def relative_position_index(ws):
    coords = torch.stack(torch.meshgrid(torch.arange(ws), torch.arange(ws), indexing="ij")).flatten(1)
    rel = (coords[:, :, None] - coords[:, None, :]).permute(1, 2, 0).contiguous()
    rel[:, :, 0] += ws - 1
    rel[:, :, 1] += ws - 1
    rel[:, :, 0] *= 2 * ws - 1
    return rel.sum(-1)


def shift_mask(h, w, ws, shift):
    img = torch.zeros((1, h, w, 1))
    cnt = 0
    for hs in (slice(0, -ws), slice(-ws, -shift), slice(-shift, None)):
        for wsl in (slice(0, -ws), slice(-ws, -shift), slice(-shift, None)):
            img[:, hs, wsl, :] = cnt
            cnt += 1
    mw = window_partition(img, ws).squeeze(-1)
    mask = mw.unsqueeze(1) - mw.unsqueeze(2)
    return mask.masked_fill(mask != 0, -100.0).masked_fill(mask == 0, 0.0).double()


def swin_block():
    b, h, w, c, heads, ws, shift = 2, 4, 4, 8, 2, 2, 1
    n1, a, n2, m = norm_params(c), attn_params(c), norm_params(c), mlp_params(c, 4 * c)
    table = draw((2 * ws - 1) ** 2, heads, scale=0.5)
    x = draw(b, h, w, c)
    index, mask = relative_position_index(ws), shift_mask(h, w, ws, shift)

    def f(x):
        bias = table[index.view(-1)].view(ws * ws, ws * ws, heads).permute(2, 0, 1)
        y = torch.roll(layer_norm(x, n1["w"], n1["b"], 1e-5), shifts=(-shift, -shift), dims=(1, 2))
        y = window_reverse(attention(window_partition(y, ws), a, heads, bias, mask), ws, h, w)
        x = x + torch.roll(y, shifts=(shift, shift), dims=(1, 2))
        return x + mlp(layer_norm(x, n2["w"], n2["b"], 1e-5), m)

    weights = {"norm1": [t(n1["w"]), t(n1["b"])], "attn": attn_weights(a) + [t(table)],
               "norm2": [t(n2["w"]), t(n2["b"])], "fc1": dense(m["fc1_w"], m["fc1_b"]), "fc2": dense(m["fc2_w"], m["fc2_b"])}
    return {"numHeads": heads, "windowSize": ws, "shiftSize": shift, "epsilon": 1e-5}, weights, x, f


# --- Swin's PatchMerging: 2x2 neighbourhoods -> 4C (x0, x1, x2, x3) -> LN -> linear (no bias) to 2C
def patch_merging():
    b, h, w, c = 2, 4, 6, 3
    ln, red = norm_params(4 * c), draw(2 * c, 4 * c, scale=(4 * c) ** -0.5)
    x = draw(b, h, w, c)

    def f(x):
        x0, x1, x2, x3 = x[:, 0::2, 0::2], x[:, 1::2, 0::2], x[:, 0::2, 1::2], x[:, 1::2, 1::2]
        return F.linear(layer_norm(torch.cat([x0, x1, x2, x3], -1), ln["w"], ln["b"], 1e-5), red)

    return {"epsilon": 1e-5}, {"merge": [t(ln["w"]), t(ln["b"]), t(red.T)]}, x, f


def main():
    blocks = {}
    for name, make in [("convnext_block", convnext_block), ("vit_block", vit_block), ("swin_block", swin_block), ("patch_merging", patch_merging)]:
        config, weights, x, f = make()
        x = x.clone().requires_grad_(True)
        y = f(x)
        r = draw(*y.shape)
        (dx,) = torch.autograd.grad((y * r).sum(), x)
        blocks[name] = {"config": config, "weights": weights, "x": t(x.detach()), "r": t(r), "y": t(y.detach(), True), "dx": t(dx, True)}
        assert math.isfinite(float(y.detach().abs().max()))
    out = {"torch": torch.__version__, "generator_seed": 20261201, "blocks": blocks}
    with open(os.path.join(HERE, "modern-blocks.json"), "w") as fh:
        json.dump(out, fh, separators=(",", ":"))
        fh.write("\n")
    print(f"wrote {len(blocks)} blocks to modern-blocks.json (torch {torch.__version__})")


if __name__ == "__main__":
    main()
