#!/usr/bin/env python3
"""Per-layer ground truth of torchvision models, in the format of ../models/NAME.json.

    python3 torchvision_reference.py NAME [NAME...] --out DIR [--input C,H,W] [--force]

Writes DIR/NAME.json for each model, built with weights=None, in eval mode, at batch 1.
NAME may also be one of the paper re-implementations in paper_models.py (unet, unet_small, unet3d,
vnet, m3, m5, m11, m18, m34_res, ecg_resnet34, ...), built at the input its paper uses; their
`source` names paper_models.py.

Fields (same as the existing files, plus `hooked_macs` and a per-layer `macs`):
  model, input, output         model name, input shape [1, C, ...], output shape (segmentation: ['out'])
  params, trainable, buffers   sum of numel over parameters / trainable parameters / buffers
  macs                         multiply-adds counted at the aten level by a TorchDispatchMode:
                               convolution (forward), mm, addmm, bmm, baddbmm (+ mv, addmv, dot,
                               addbmm, _scaled_dot_product_* when they reach the mode); bias not counted
  flop_counter_mode_flops      2 * macs
  hooked_macs                  sum of the per-layer `macs` below
  layers                       every leaf module (nn.MultiheadAttention counts as a leaf) in execution
                               order, recorded by forward hooks; a module called twice appears twice.
                               Each: name (named_modules() path), type (class name), attrs, input (list
                               of the shapes of its tensor arguments, keyword arguments included),
                               output (shape of its output; for a tuple, of its first tensor), params
                               (its parameters, recursively), macs (Conv: output elements x
                               in_channels/groups x kernel volume; ConvTranspose: input elements x
                               out_channels/groups x kernel volume; Linear: output elements x
                               in_features; all else 0; bias never counted)
  source                       library versions

The forward pass runs with gradients ENABLED: under no_grad nn.MultiheadAttention takes a fused
fast path (torch._native_multi_head_attention) that hides its matmuls from the dispatch counter.
"""
import argparse
import inspect
import json
import math
import os
import sys

import torch
import torch.nn as nn
import torchvision
from torch.utils._python_dispatch import TorchDispatchMode

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import paper_models  # noqa: E402

SOURCE = "torchvision 0.14.1 / torch 1.13 (Debian)"

# ---------------------------------------------------------------------------------------------
# models

V = torchvision.models.video
S = torchvision.models.segmentation
M = torchvision.models

VIDEO_112 = [3, 16, 112, 112]
VIDEO_224 = [3, 16, 224, 224]
SEG_KW = dict(weights=None, weights_backbone=None, num_classes=21, aux_loss=False)

# name -> (builder, input shape without batch, builder kwargs)
REGISTRY = {
    "r3d_18": (V.r3d_18, VIDEO_112, {}),
    "mc3_18": (V.mc3_18, VIDEO_112, {}),
    "r2plus1d_18": (V.r2plus1d_18, VIDEO_112, {}),
    "s3d": (getattr(V, "s3d", None), VIDEO_224, {}),
    "mvit_v1_b": (getattr(V, "mvit_v1_b", None), VIDEO_224, {}),
    "mvit_v2_s": (getattr(V, "mvit_v2_s", None), VIDEO_224, {}),
    "inception_v3": (M.inception_v3, [3, 299, 299], dict(aux_logits=False, init_weights=False)),
    "efficientnet_v2_s": (getattr(M, "efficientnet_v2_s", None), [3, 384, 384], {}),
    "efficientnet_v2_m": (getattr(M, "efficientnet_v2_m", None), [3, 480, 480], {}),
    "efficientnet_v2_l": (getattr(M, "efficientnet_v2_l", None), [3, 480, 480], {}),
    # weights=None builds ViT-H/14 at image_size 224 (the builder's default, used here); its DEFAULT
    # weights (SWAG E2E) are at 518: --input 3,518,518 builds that one (about 1 TMAC, very slow on CPU)
    "vit_h_14": (getattr(M, "vit_h_14", None), [3, 224, 224], {}),
    "swin_v2_t": (getattr(M, "swin_v2_t", None), [3, 256, 256], {}),
    "swin_v2_s": (getattr(M, "swin_v2_s", None), [3, 256, 256], {}),
    "swin_v2_b": (getattr(M, "swin_v2_b", None), [3, 256, 256], {}),
}
for _n in ["fcn_resnet50", "fcn_resnet101", "deeplabv3_resnet50", "deeplabv3_resnet101",
           "deeplabv3_mobilenet_v3_large", "lraspp_mobilenet_v3_large"]:
    REGISTRY[_n] = (getattr(S, _n, None), [3, 520, 520], dict(SEG_KW))
    if _n.startswith("lraspp"):
        REGISTRY[_n][2].pop("aux_loss")  # lraspp has no aux head / argument


def build(name, input_override=None):
    if name in paper_models.MODELS:
        return paper_models.build(name, input_override)
    if name in REGISTRY:
        fn, shape, kw = REGISTRY[name]
        if fn is None:
            raise LookupError(f"{name} is not in torchvision {torchvision.__version__}")
    else:
        fn = None
        for mod in (M, V, S, M.detection, M.optical_flow, M.quantization):
            if hasattr(mod, name) and callable(getattr(mod, name)):
                fn = getattr(mod, name)
                break
        if fn is None:
            raise LookupError(f"{name} is not in torchvision {torchvision.__version__}")
        shape, kw = [3, 224, 224], {}
    kw = dict(kw)
    if input_override:
        shape = list(input_override)
        if name.startswith("vit_"):
            kw["image_size"] = shape[-1]  # ViT's position embedding is sized for its image_size
    kw.setdefault("weights", None)
    model = fn(**kw)
    model.eval()
    return model, [1] + list(shape)


# ---------------------------------------------------------------------------------------------
# attrs: an ordered list of attribute names; a module gets each one it has (existing files' naming)

ATTR_KEYS = [
    "in_channels", "out_channels", "kernel_size", "stride", "padding", "dilation", "groups",
    "padding_mode", "ceil_mode", "count_include_pad", "divisor_override", "output_size",
    "p", "inplace", "in_features", "out_features", "num_features", "num_groups", "num_channels",
    "normalized_shape", "eps", "affine", "track_running_stats", "elementwise_affine",
    "size", "scale_factor", "mode", "align_corners", "recompute_scale_factor",
    "embed_dim", "num_heads", "kdim", "vdim", "batch_first", "dropout",
    "approximate", "negative_slope", "alpha", "beta", "threshold", "lambd", "dim", "dims",
    "start_dim", "end_dim", "upscale_factor", "downscale_factor",
    "a", "b", "spatial_size", "temporal_size",  # maxvit SwapAxes, mvit PositionalEncoding
    "num_parameters", "value",  # PReLU, ConstantPadNd (paper_models)
]
# attributes a type has but the existing files do not list for it
SKIP = {
    "Conv1d": {"output_padding"}, "Conv2d": {"output_padding"}, "Conv3d": {"output_padding"},
}
TRANSPOSED_EXTRA = ["output_padding"]


def _jsonable(v):
    if isinstance(v, (bool, int, str)) or v is None:
        return v
    if isinstance(v, float):
        return v if math.isfinite(v) else str(v)
    if isinstance(v, (tuple, list, torch.Size)):
        out = [_jsonable(x) for x in v]
        return None if any(x is _BAD for x in out) else out
    return _BAD


_BAD = object()


def attrs_of(m):
    t = type(m).__name__
    a = {}
    keys = list(ATTR_KEYS)
    if isinstance(m, nn.modules.conv._ConvTransposeNd):
        i = keys.index("groups")
        keys[i:i] = TRANSPOSED_EXTRA
    for k in keys:
        if k in SKIP.get(t, ()):
            continue
        if k in m.__dict__:
            try:
                v = _jsonable(getattr(m, k))
            except Exception:
                continue
            if v is not _BAD:
                a[k] = v
    if isinstance(m, nn.MultiheadAttention):
        a["has_bias"] = m.in_proj_bias is not None
    elif "bias" in m._parameters:
        a["has_bias"] = m._parameters["bias"] is not None
    return a


# ---------------------------------------------------------------------------------------------
# per-layer MACs from the shapes the hook saw


def layer_macs(m, inputs, out_shape):
    if isinstance(m, nn.modules.conv._ConvTransposeNd):
        kv = math.prod(m.kernel_size)
        return inputs[0].numel() * (m.out_channels // m.groups) * kv
    if isinstance(m, nn.modules.conv._ConvNd):
        kv = math.prod(m.kernel_size)
        return math.prod(out_shape) * (m.in_channels // m.groups) * kv
    if isinstance(m, nn.Linear):
        return math.prod(out_shape) * m.in_features
    return 0


# ---------------------------------------------------------------------------------------------
# aten-level MAC counter


def _prod(s):
    return math.prod(s)


class MacCounter(TorchDispatchMode):
    def __init__(self):
        super().__init__()
        self.total = 0
        self.by_op = {}
        self.seen = {}

    def _add(self, op, n):
        self.total += n
        self.by_op[op] = self.by_op.get(op, 0) + n

    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        kwargs = kwargs or {}
        out = func(*args, **kwargs)
        name = func.overloadpacket.__name__
        self.seen[name] = self.seen.get(name, 0) + 1
        if name in ("convolution", "_convolution"):
            x, w = args[0], args[1]
            transposed = args[6] if len(args) > 6 else kwargs.get("transposed", False)
            kv = _prod(w.shape[2:])
            if transposed:
                self._add(name, x.numel() * w.shape[1] * kv)
            else:
                self._add(name, out.numel() * w.shape[1] * kv)
        elif name == "mm":
            a, b = args[0], args[1]
            self._add(name, a.shape[0] * a.shape[1] * b.shape[1])
        elif name == "addmm":
            a, b = args[1], args[2]
            self._add(name, a.shape[0] * a.shape[1] * b.shape[1])
        elif name == "bmm":
            a, b = args[0], args[1]
            self._add(name, a.shape[0] * a.shape[1] * a.shape[2] * b.shape[2])
        elif name in ("baddbmm", "addbmm"):
            a, b = args[1], args[2]
            self._add(name, a.shape[0] * a.shape[1] * a.shape[2] * b.shape[2])
        elif name == "mv":
            a = args[0]
            self._add(name, a.shape[0] * a.shape[1])
        elif name == "addmv":
            a = args[1]
            self._add(name, a.shape[0] * a.shape[1])
        elif name in ("dot", "vdot"):
            self._add(name, args[0].numel())
        elif name.startswith("_scaled_dot_product"):
            q, k, v = args[0], args[1], args[2]
            batch = _prod(q.shape[:-2])
            L, E = q.shape[-2], q.shape[-1]
            Sk, Ev = k.shape[-2], v.shape[-1]
            self._add(name, batch * L * Sk * E + batch * L * Sk * Ev)
        return out


# ---------------------------------------------------------------------------------------------


def leaf_modules(model):
    """(path, module) of every leaf; nn.MultiheadAttention is a leaf, its children are not."""
    leaves, inside = [], []
    for path, m in model.named_modules():
        if any(path.startswith(p + ".") for p in inside):
            continue
        if isinstance(m, nn.MultiheadAttention):
            leaves.append((path, m))
            inside.append(path)
        elif len(list(m.children())) == 0:
            leaves.append((path, m))
    return leaves


def _tensors(x, acc):
    if isinstance(x, torch.Tensor):
        acc.append(x)
    elif isinstance(x, (list, tuple)):
        for y in x:
            _tensors(y, acc)
    elif isinstance(x, dict):
        for y in x.values():
            _tensors(y, acc)
    return acc


def measure(name, input_override=None, log=sys.stderr):
    torch.manual_seed(0)
    model, in_shape = build(name, input_override)
    layers = []
    handles = []
    pending_kwargs = {}
    # module -> dispatch macs seen while it ran (diagnostics only)
    counter = MacCounter()
    inner = {}

    for path, m in leaf_modules(model):
        # forward hooks of torch 1.13 do not see keyword arguments (ViT calls its attention with
        # query=, key=, value=): wrap the instance's forward to keep them for the hook
        orig = m.forward
        try:
            params_order = list(inspect.signature(orig).parameters)
        except (TypeError, ValueError):
            params_order = []

        def fwd(*args, __orig=orig, __m=m, __order=params_order, **kw):
            pending_kwargs.setdefault(id(__m), []).append(
                [kw[k] for k in __order if k in kw] + [v for k, v in kw.items() if k not in __order])
            return __orig(*args, **kw)

        m.forward = fwd

        def pre(mod, inp):
            inner.setdefault(id(mod), []).append(counter.total)

        def hook(mod, inp, out, __path=path):
            start = inner[id(mod)].pop()
            kws = pending_kwargs.get(id(mod), [[]]).pop()
            ins = _tensors(list(inp) + kws, [])
            outs = _tensors(out, [])
            out_shape = list(outs[0].shape) if outs else []
            layers.append({
                "name": __path,
                "type": type(mod).__name__,
                "attrs": attrs_of(mod),
                "input": [list(t.shape) for t in ins],
                "output": out_shape,
                "params": sum(p.numel() for p in mod.parameters()),
                "macs": layer_macs(mod, ins, out_shape),
                "_dispatch": counter.total - start,
            })

        handles.append(m.register_forward_pre_hook(pre))
        handles.append(m.register_forward_hook(hook))

    x = torch.randn(in_shape)
    with torch.enable_grad():
        with counter:
            y = model(x)
    if isinstance(y, dict):
        y = y["out"]
    elif isinstance(y, (tuple, list)):
        y = y[0]
    out_shape = list(y.shape)
    del y
    for h in handles:
        h.remove()

    # diagnostics: where dispatch MACs and hooked MACs disagree, by module type
    diag = {}
    for L in layers:
        d = L.pop("_dispatch")
        if d != L["macs"]:
            t = diag.setdefault(L["type"], [0, 0, 0])
            t[0] += 1
            t[1] += L["macs"]
            t[2] += d
    hooked = sum(L["macs"] for L in layers)
    seen_leaf = {}
    for L in layers:
        seen_leaf.setdefault(L["name"], L["params"])
    leaf_params = sum(seen_leaf.values())
    params = sum(p.numel() for p in model.parameters())
    info = {
        "by_op": counter.by_op,
        "leaf_type_mismatch": diag,
        "outside_leaves": counter.total - sum(v[2] for v in diag.values())
                          - sum(L["macs"] for L in layers if L["type"] not in diag),
        "params_not_in_called_leaves": params - leaf_params,
        "empty_attrs_types": sorted({L["type"] for L in layers if not L["attrs"]}),
    }

    result = {
        "model": name,
        "input": in_shape,
        "output": out_shape,
        "params": params,
        "trainable": sum(p.numel() for p in model.parameters() if p.requires_grad),
        "buffers": sum(b.numel() for b in model.buffers()),
        "macs": counter.total,
        "flop_counter_mode_flops": 2 * counter.total,
        "hooked_macs": hooked,
        "layers": layers,
        "source": paper_models.SOURCE if name in paper_models.MODELS else SOURCE,
    }
    return result, info


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("names", nargs="+")
    ap.add_argument("--out", required=True)
    ap.add_argument("--input", help="input shape without batch, e.g. 3,224,224 (default: per model)")
    ap.add_argument("--force", action="store_true", help="overwrite existing files")
    ap.add_argument("--threads", type=int, default=0)
    a = ap.parse_args()
    if a.threads:
        torch.set_num_threads(a.threads)
    shape = [int(s) for s in a.input.split(",")] if a.input else None
    os.makedirs(a.out, exist_ok=True)
    rc = 0
    for name in a.names:
        path = os.path.join(a.out, name + ".json")
        if os.path.exists(path) and not a.force:
            print(f"{name}: {path} exists, skipped", file=sys.stderr)
            continue
        try:
            r, info = measure(name, shape)
        except LookupError as e:
            print(f"{name}: SKIPPED: {e}", file=sys.stderr)
            rc = 1
            continue
        with open(path, "w") as f:
            f.write(json.dumps(r, indent=1))
        print(f"{name}: input {r['input']} output {r['output']} params {r['params']} "
              f"buffers {r['buffers']} macs {r['macs']} hooked_macs {r['hooked_macs']} "
              f"layers {len(r['layers'])} -> {path}", file=sys.stderr)
        print(f"  {name} info: {json.dumps(info)}", file=sys.stderr)
        sys.stderr.flush()
    return rc


if __name__ == "__main__":
    sys.exit(main())
