#!/usr/bin/env python3
"""Export torchvision models to ONNX without their weights, like the fixtures in ../../Fixtures/onnx/.

    python3 export_onnx.py NAME [NAME...] --out DIR [--input C,H,W] [--opset N] [--grad] [--suffix S] [--force]

NAME may also be a model of paper_models.py (m5, unet_small, ...), through torchvision_reference's build,
or deit_tiny (deit_tiny.py: a small ViT with class and distillation tokens, written for the tests).

For each model: build it with weights=None (the same builders and input shapes as
torchvision_reference.py), export it in eval mode at batch 1 with torch.onnx.export (TorchScript
exporter, opset 17, input named "input", output "output"), then move every initializer of 1 KB or
more to external data (one file, NAME.onnx.data) and DELETE that file: the initializers keep their
dims and an external-data reference but no values; tensors under 1 KB stay inline. The result is
checked with onnx.load(path, load_external_data=False).

--opset N exports at another opset (default 17); --suffix S appends S to the file name (vit_b_16 with
--opset 13 --suffix _opset13 writes vit_b_16_opset13.onnx). --grad exports with gradients enabled (not
under torch.no_grad()): under no_grad, in eval mode, nn.MultiheadAttention takes its fused fast path,
which the TorchScript exporter writes as one aten::_native_multi_head_attention node instead of ONNX
operators; with gradients enabled it writes the attention as MatMul, Softmax, ... The ViT fixtures are
exported with --grad.

(The existing fixtures name their output "logits" and their weight file "NAME.weights";
--output-name and --data-suffix reproduce those names if wanted. Neither name is read by CnnArch.)
"""
import argparse
import os
import sys
import tempfile

import onnx
import onnx.external_data_helper
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from torchvision_reference import build  # noqa: E402
import deit_tiny  # noqa: E402


def export(name, out_dir, shape=None, opset=17, output_name="output", data_suffix=".onnx.data",
           grad=False, suffix=""):
    torch.manual_seed(0)
    model, in_shape = deit_tiny.build(shape) if name == "deit_tiny" else build(name, shape)
    model.eval()
    x = torch.randn(in_shape)
    stem = name + suffix
    path = os.path.join(out_dir, stem + ".onnx")
    location = stem + data_suffix
    with tempfile.TemporaryDirectory() as tmp:
        raw = os.path.join(tmp, stem + ".onnx")
        with torch.set_grad_enabled(grad):
            torch.onnx.export(model, x, raw, export_params=True, opset_version=opset,
                              input_names=["input"], output_names=[output_name],
                              do_constant_folding=True)
        m = onnx.load(raw)
    onnx.external_data_helper.convert_model_to_external_data(
        m, all_tensors_to_one_file=True, location=location, size_threshold=1024)
    onnx.save(m, path)
    data = os.path.join(out_dir, location)
    if os.path.exists(data):
        os.remove(data)
    # check: loads without its weights, initializers keep their dims
    chk = onnx.load(path, load_external_data=False)
    ext = sum(1 for t in chk.graph.initializer
              if t.data_location == onnx.TensorProto.EXTERNAL)
    inline = len(chk.graph.initializer) - ext
    ops = {}
    for n in chk.graph.node:
        ops[n.op_type] = ops.get(n.op_type, 0) + 1
    return path, os.path.getsize(path), in_shape, ext, inline, ops


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("names", nargs="+")
    ap.add_argument("--out", required=True)
    ap.add_argument("--input", help="input shape without batch, e.g. 3,16,112,112 (default: per model)")
    ap.add_argument("--opset", type=int, default=17)
    ap.add_argument("--output-name", default="output")
    ap.add_argument("--data-suffix", default=".onnx.data")
    ap.add_argument("--grad", action="store_true",
                    help="export with gradients enabled (nn.MultiheadAttention as ONNX operators, not its fused fast path)")
    ap.add_argument("--suffix", default="", help="appended to each file name, e.g. _opset13")
    ap.add_argument("--force", action="store_true", help="overwrite existing files")
    a = ap.parse_args()
    shape = [int(s) for s in a.input.split(",")] if a.input else None
    os.makedirs(a.out, exist_ok=True)
    for name in a.names:
        target = os.path.join(a.out, name + a.suffix + ".onnx")
        if os.path.exists(target) and not a.force:
            print(f"{name}: {target} exists, skipped", file=sys.stderr)
            continue
        path, size, in_shape, ext, inline, ops = export(
            name, a.out, shape, a.opset, a.output_name, a.data_suffix, a.grad, a.suffix)
        print(f"{name}: input {in_shape} -> {path} ({size} bytes; {ext} external initializers, "
              f"{inline} inline) ops {ops}", file=sys.stderr)


if __name__ == "__main__":
    main()
