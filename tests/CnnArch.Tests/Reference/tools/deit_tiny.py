#!/usr/bin/env python3
"""A small DeiT-style Vision Transformer, written for the tests (no third-party model code).

DeiT (Touvron et al. 2021) puts two learned tokens in front of the patch tokens: the class token and
the distillation token. Each has its own linear head; at inference the two heads' outputs are
averaged. This one follows torchvision's VisionTransformer otherwise (conv_proj, tokens, one learned
positional embedding added, pre-norm encoder blocks with nn.MultiheadAttention and a GELU MLP, a
final LayerNorm), at DeiT-Tiny's width (192, 3 heads, MLP 768) but only 2 blocks, to keep the
fixture small. The C# test builds the same network from CnnArch's layers.

    build(shape=None) -> (model in eval mode, [1, 3, 224, 224])
"""
import torch
from torch import nn

IMAGE, PATCH, DIM, DEPTH, HEADS, MLP, CLASSES = 224, 16, 192, 2, 3, 768, 1000


class Block(nn.Module):
    """x + attention(ln_1(x)), then x + mlp(ln_2(x))."""

    def __init__(self, dim, heads, mlp):
        super().__init__()
        self.ln_1 = nn.LayerNorm(dim, eps=1e-6)
        self.self_attention = nn.MultiheadAttention(dim, heads, batch_first=True)
        self.ln_2 = nn.LayerNorm(dim, eps=1e-6)
        self.mlp = nn.Sequential(nn.Linear(dim, mlp), nn.GELU(), nn.Linear(mlp, dim))

    def forward(self, x):
        y = self.ln_1(x)
        y, _ = self.self_attention(y, y, y, need_weights=False)
        x = x + y
        return x + self.mlp(self.ln_2(x))


class DeiTTiny(nn.Module):
    def __init__(self, image=IMAGE, patch=PATCH, dim=DIM, depth=DEPTH, heads=HEADS, mlp=MLP, classes=CLASSES):
        super().__init__()
        tokens = (image // patch) ** 2
        self.conv_proj = nn.Conv2d(3, dim, kernel_size=patch, stride=patch)
        # Random, as DeiT's (trunc_normal_, std 0.02): two equal tokens (zeros) would be stored once, the
        # exporter making the second an Identity of the first.
        self.class_token = nn.Parameter(torch.empty(1, 1, dim).normal_(std=0.02))
        self.dist_token = nn.Parameter(torch.empty(1, 1, dim).normal_(std=0.02))
        self.pos_embedding = nn.Parameter(torch.empty(1, tokens + 2, dim).normal_(std=0.02))
        self.layers = nn.Sequential(*[Block(dim, heads, mlp) for _ in range(depth)])
        self.ln = nn.LayerNorm(dim, eps=1e-6)
        self.head = nn.Linear(dim, classes)
        self.head_dist = nn.Linear(dim, classes)

    def forward(self, x):
        x = self.conv_proj(x)
        n, d = x.shape[0], x.shape[1]
        x = x.reshape(n, d, -1).permute(0, 2, 1)
        cls = self.class_token.expand(n, -1, -1)
        dist = self.dist_token.expand(n, -1, -1)
        x = torch.cat([cls, dist, x], dim=1)
        x = x + self.pos_embedding
        x = self.ln(self.layers(x))
        return (self.head(x[:, 0]) + self.head_dist(x[:, 1])) / 2


def build(shape=None):
    image = shape[-1] if shape else IMAGE
    model = DeiTTiny(image=image)
    model.eval()
    return model, [1, 3, image, image]
