#!/usr/bin/python3
"""Exports the ONNX test models of accelsim's importer (docs/onnx.md).

Needs Debian's python3-torch (PyTorch 1.13) and python3-onnx; only regeneration needs them,
the tests read the committed files. Each model is a small PyTorch module written here with
the structure of its family, exported with torch.onnx.export at the chosen opset, with the
batch and sequence axes symbolic (`batch`, `seq`), and then stripped of its initializers'
data: only their shapes matter to the simulator, so the files stay small.

    tools/onnx_export.py --out models/onnx                   # the small test models
    tools/onnx_export.py --out /tmp/onnx --size real         # vit_tiny, bert_base, gpt2,
                                                             # one 7B-shaped LLaMA block
    tools/onnx_export.py --out /tmp/onnx --size real --keep-weights inline
    tools/onnx_export.py --out /tmp/onnx --size real --keep-weights external
    tools/onnx_export.py --out tests/cli/data --bad          # the bad-input test files

The models:
  vit      DeiT: patch-embedding Conv, class token, position embedding, pre-LN blocks with a
           fused QKV projection, exact (Erf) GELU, final LayerNorm, classifier on the class token.
  bert     BERT encoder: word, position and segment embeddings, post-LN blocks with a fused QKV
           projection (the built-in's layout), exact GELU, pooler with Tanh, classifier.
  gpt2     GPT-2: token and position embeddings, pre-LN blocks, causal mask (masked_fill ->
           Where), tanh GELU, final LayerNorm and tied LM head on the last token (the next
           token of a prefill, as the built-in gpt2 computes it).
  llama    LLaMA block(s) on hidden states: RMSNorm, separate Q, K, V with grouped-query
           attention (kv_heads), rotary embedding (rotate_half), causal mask, SwiGLU MLP;
           final RMSNorm and LM head on the last token, as the built-in llama.
  qonnx    a small QONNX graph built directly with onnx.helper (Brevitas is not in Debian):
           Quant on activations and weights (4 and 8 bits), BipolarQuant on a binary weight,
           MatMuls; the bit widths set each tensor's precision.
  quant    the same MLP as standard quantized ONNX: QuantizeLinear, DequantizeLinear,
           MatMulInteger and QLinearMatMul.
  zoo      node types and forms the families do not use (grouped padded Conv, Gemm, a lone
           Sigmoid, Split, Gelu, Reciprocal, a constant-A MatMul...), built with onnx.helper.

LayerNormalization exists from opset 17; at opset 13-16 PyTorch writes it out as
ReduceMean/Sub/Pow/Add/Sqrt/Div/Mul/Add, which the importer recognizes as one op. The small
models are exported at both, so both forms are tested.
"""
import argparse
import math
import os

import onnx
import torch
from onnx import TensorProto, helper
from torch import nn

SIZES = {
    # name: small (committed test data), real (the built-ins' sizes)
    "vit": (dict(layers=2, dim=32, heads=2, mlp=64, image=32, patch=8, classes=10),
            dict(layers=12, dim=192, heads=3, mlp=768, image=224, patch=16, classes=1000)),
    "bert": (dict(layers=2, dim=32, heads=2, mlp=64, vocab=100, positions=64, classes=2),
             dict(layers=12, dim=768, heads=12, mlp=3072, vocab=30522, positions=512,
                  classes=2)),
    "gpt2": (dict(layers=2, dim=32, heads=2, vocab=100, context=64),
             dict(layers=12, dim=768, heads=12, vocab=50257, context=1024)),
    "llama": (dict(layers=2, dim=32, heads=4, kv_heads=2, ffn=88, context=64, vocab=100),
              dict(layers=1, dim=4096, heads=32, kv_heads=32, ffn=11008, context=2048,
                   vocab=32000)),
}


REAL_NAMES = {"vit": "vit_tiny", "bert": "bert_base", "gpt2": "gpt2", "llama": "llama7b_block"}


def exact_gelu(x):
    return nn.functional.gelu(x)  # exported as Div, Erf, Add, Mul, Mul


def tanh_gelu(x):  # GPT-2's gelu_new, written out as in the reference implementation
    return 0.5 * x * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * x ** 3)))


class Attention(nn.Module):
    """Fused-QKV multi-head attention, optionally causal."""

    def __init__(self, dim, heads, context=0):
        super().__init__()
        self.heads, self.dh = heads, dim // heads
        self.qkv = nn.Linear(dim, 3 * dim)
        self.proj = nn.Linear(dim, dim)
        if context:
            self.register_buffer("mask", torch.tril(torch.ones(context, context)))
        self.causal = bool(context)

    def forward(self, x):
        b, t, d = x.shape
        qkv = self.qkv(x).reshape(b, t, 3, self.heads, self.dh).permute(2, 0, 3, 1, 4)
        q, k, v = qkv[0], qkv[1], qkv[2]
        scores = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(self.dh))
        if self.causal:
            scores = scores.masked_fill(self.mask[:t, :t] == 0, float("-inf"))
        attn = scores.softmax(dim=-1)
        out = (attn @ v).transpose(1, 2).reshape(b, t, d)
        return self.proj(out)


class Mlp(nn.Module):
    def __init__(self, dim, hidden, act):
        super().__init__()
        self.fc1, self.fc2, self.act = nn.Linear(dim, hidden), nn.Linear(hidden, dim), act

    def forward(self, x):
        return self.fc2(self.act(self.fc1(x)))


class PreLnBlock(nn.Module):
    def __init__(self, dim, heads, mlp, act, context=0):
        super().__init__()
        self.ln1, self.ln2 = nn.LayerNorm(dim), nn.LayerNorm(dim)
        self.attn, self.mlp = Attention(dim, heads, context), Mlp(dim, mlp, act)

    def forward(self, x):
        x = x + self.attn(self.ln1(x))
        return x + self.mlp(self.ln2(x))


class PostLnBlock(PreLnBlock):
    def forward(self, x):
        x = self.ln1(x + self.attn(x))
        return self.ln2(x + self.mlp(x))


class Vit(nn.Module):
    def __init__(self, layers, dim, heads, mlp, image, patch, classes):
        super().__init__()
        self.patch_embed = nn.Conv2d(3, dim, patch, stride=patch)
        self.cls = nn.Parameter(torch.zeros(1, 1, dim))
        self.pos = nn.Parameter(torch.zeros(1, (image // patch) ** 2 + 1, dim))
        self.blocks = nn.Sequential(*[PreLnBlock(dim, heads, mlp, exact_gelu)
                                      for _ in range(layers)])
        self.ln_f, self.head = nn.LayerNorm(dim), nn.Linear(dim, classes)
        self.image = image

    def forward(self, img):
        x = self.patch_embed(img).flatten(2).transpose(1, 2)
        x = torch.cat([self.cls.expand(x.shape[0], -1, -1), x], dim=1) + self.pos
        x = self.ln_f(self.blocks(x))
        return self.head(x[:, 0])

    def example(self):
        return (torch.zeros(1, 3, self.image, self.image),), ["image"], {"image": {0: "batch"}}


class Bert(nn.Module):
    def __init__(self, layers, dim, heads, mlp, vocab, positions, classes):
        super().__init__()
        self.word, self.position = nn.Embedding(vocab, dim), nn.Embedding(positions, dim)
        self.segment = nn.Embedding(2, dim)
        self.embed_ln = nn.LayerNorm(dim)
        self.blocks = nn.Sequential(*[PostLnBlock(dim, heads, mlp, exact_gelu)
                                      for _ in range(layers)])
        self.pooler, self.classifier = nn.Linear(dim, dim), nn.Linear(dim, classes)

    def forward(self, ids, segments):
        pos = torch.arange(ids.shape[1]).unsqueeze(0)
        x = self.word(ids) + self.position(pos) + self.segment(segments)
        x = self.blocks(self.embed_ln(x))
        return self.classifier(torch.tanh(self.pooler(x[:, 0])))

    def example(self):
        ids = torch.zeros(1, 16, dtype=torch.long)
        axes = {0: "batch", 1: "seq"}
        return (ids, ids), ["input_ids", "token_type_ids"], {"input_ids": axes,
                                                             "token_type_ids": axes}


class Gpt2(nn.Module):
    def __init__(self, layers, dim, heads, vocab, context):
        super().__init__()
        self.wte, self.wpe = nn.Embedding(vocab, dim), nn.Embedding(context, dim)
        self.blocks = nn.Sequential(*[PreLnBlock(dim, heads, 4 * dim, tanh_gelu, context)
                                      for _ in range(layers)])
        self.ln_f = nn.LayerNorm(dim)

    def forward(self, ids):
        pos = torch.arange(ids.shape[1]).unsqueeze(0)
        x = self.blocks(self.wte(ids) + self.wpe(pos))
        return self.ln_f(x[:, -1]) @ self.wte.weight.t()  # tied LM head, next token only

    def example(self):
        return ((torch.zeros(1, 16, dtype=torch.long),), ["input_ids"],
                {"input_ids": {0: "batch", 1: "seq"}})


class RmsNorm(nn.Module):
    def __init__(self, dim, eps=1e-6):
        super().__init__()
        self.weight, self.eps = nn.Parameter(torch.ones(dim)), eps

    def forward(self, x):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps) * self.weight


def rotate_half(x):
    half = x.shape[-1] // 2
    return torch.cat((-x[..., half:], x[..., :half]), dim=-1)


class LlamaBlock(nn.Module):
    def __init__(self, dim, heads, kv_heads, ffn, context):
        super().__init__()
        self.heads, self.kv_heads, self.dh = heads, kv_heads, dim // heads
        self.norm1, self.norm2 = RmsNorm(dim), RmsNorm(dim)
        self.q = nn.Linear(dim, dim, bias=False)
        self.k = nn.Linear(dim, kv_heads * self.dh, bias=False)
        self.v = nn.Linear(dim, kv_heads * self.dh, bias=False)
        self.o = nn.Linear(dim, dim, bias=False)
        self.gate = nn.Linear(dim, ffn, bias=False)
        self.up = nn.Linear(dim, ffn, bias=False)
        self.down = nn.Linear(ffn, dim, bias=False)
        inv = 1.0 / (10000 ** (torch.arange(0, self.dh, 2).float() / self.dh))
        angles = torch.outer(torch.arange(context).float(), inv)
        emb = torch.cat((angles, angles), dim=-1)
        self.register_buffer("cos", emb.cos())
        self.register_buffer("sin", emb.sin())
        self.register_buffer("mask", torch.tril(torch.ones(context, context)))

    def forward(self, x):
        b, t, d = x.shape
        h = self.norm1(x)
        q = self.q(h).reshape(b, t, self.heads, self.dh).transpose(1, 2)
        k = self.k(h).reshape(b, t, self.kv_heads, self.dh).transpose(1, 2)
        v = self.v(h).reshape(b, t, self.kv_heads, self.dh).transpose(1, 2)
        cos, sin = self.cos[:t], self.sin[:t]
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        group = self.heads // self.kv_heads
        if group > 1:  # grouped-query attention: each K/V head serves `group` query heads
            k = k[:, :, None].expand(b, self.kv_heads, group, t, self.dh).reshape(
                b, self.heads, t, self.dh)
            v = v[:, :, None].expand(b, self.kv_heads, group, t, self.dh).reshape(
                b, self.heads, t, self.dh)
        scores = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(self.dh))
        scores = scores.masked_fill(self.mask[:t, :t] == 0, float("-inf"))
        out = (scores.softmax(dim=-1) @ v).transpose(1, 2).reshape(b, t, d)
        x = x + self.o(out)
        h = self.norm2(x)
        return x + self.down(nn.functional.silu(self.gate(h)) * self.up(h))


class Llama(nn.Module):
    def __init__(self, layers, dim, heads, kv_heads, ffn, context, vocab):
        super().__init__()
        self.blocks = nn.Sequential(*[LlamaBlock(dim, heads, kv_heads, ffn, context)
                                      for _ in range(layers)])
        self.norm, self.lm_head = RmsNorm(dim), nn.Linear(dim, vocab, bias=False)
        self.dim = dim

    def forward(self, x):
        return self.lm_head(self.norm(self.blocks(x)[:, -1]))  # next token only

    def example(self):
        return ((torch.zeros(1, 16, self.dim),), ["hidden"], {"hidden": {0: "batch", 1: "seq"}})


FAMILIES = {"vit": Vit, "bert": Bert, "gpt2": Gpt2, "llama": Llama}


def strip(model, keep_weights):
    """Keeps each initializer's type and shape and drops its data, except for small ones
    (up to 64 elements: bit widths, scales, zero points), whose values the importer reads."""
    if keep_weights:
        return model
    for t in model.graph.initializer:
        if math.prod(t.dims) <= 64:
            continue
        for field in ("raw_data", "float_data", "int64_data", "int32_data", "double_data"):
            t.ClearField(field)
    return model


def export(family, params, opset, path, keep_weights):
    torch.manual_seed(0)
    net = FAMILIES[family](**params).eval()
    args, names, axes = net.example()
    tmp = path + ".tmp"
    with torch.no_grad():
        torch.onnx.export(net, args, tmp, input_names=names, output_names=["out"],
                          dynamic_axes=axes, opset_version=opset, do_constant_folding=True)
    model = onnx.load(tmp)
    os.remove(tmp)
    model.doc_string = "accelsim test model: %s %s, opset %d (tools/onnx_export.py)" % (
        family, ", ".join("%s=%s" % kv for kv in params.items()), opset)
    if keep_weights == "external":  # weights in PATH.data beside the graph
        onnx.save(model, path, save_as_external_data=True, all_tensors_to_one_file=True,
                  location=os.path.basename(path) + ".data", size_threshold=256)
    else:
        onnx.save(strip(model, keep_weights), path)


def qonnx_mlp(path):
    """A two-layer MLP in QONNX: 8-bit input, 4-bit weights, a binary (bipolar) weight."""
    def init(name, dims):
        return helper.make_tensor(name, TensorProto.FLOAT, dims, [0.0] * math.prod(dims))

    scalar = lambda name, v: helper.make_tensor(name, TensorProto.FLOAT, [], [v])
    nodes = [
        helper.make_node("Quant", ["x", "s", "z", "b8"], ["xq"], domain="qonnx.custom_op.general",
                         signed=1, narrow=0, rounding_mode="ROUND"),
        helper.make_node("Quant", ["w1", "s", "z", "b4"], ["w1q"],
                         domain="qonnx.custom_op.general", signed=1, narrow=1,
                         rounding_mode="ROUND"),
        helper.make_node("MatMul", ["xq", "w1q"], ["h"]),
        helper.make_node("Relu", ["h"], ["hr"]),
        helper.make_node("Quant", ["hr", "s", "z", "b4"], ["hq"],
                         domain="qonnx.custom_op.general", signed=0, narrow=0,
                         rounding_mode="ROUND"),
        helper.make_node("BipolarQuant", ["w2", "s"], ["w2q"], domain="qonnx.custom_op.general"),
        helper.make_node("MatMul", ["hq", "w2q"], ["y"]),
    ]
    graph = helper.make_graph(
        nodes, "qonnx_mlp",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", 64])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["batch", 10])],
        [init("w1", [64, 32]), init("w2", [32, 10]), scalar("s", 0.1), scalar("z", 0.0),
         scalar("b8", 8.0), scalar("b4", 4.0)])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13),
                                                    helper.make_opsetid(
                                                        "qonnx.custom_op.general", 1)])
    model.doc_string = "accelsim test model: QONNX MLP built with onnx.helper"
    onnx.save(strip(model, False), path)


def ops_zoo(path):
    """Node types and forms the exported families do not use, in one graph (opset 20):
    a grouped, padded Conv with a Relu on its NCHW map, a product with a constant table
    that is not RoPE, Flatten, Gemm with transB, a lone Sigmoid, Split, a Div of two
    activations, Gelu, Unsqueeze/Squeeze, RMSNorm with Reciprocal, a constant-A MatMul."""
    f32 = TensorProto.FLOAT
    ints = lambda name, v: helper.make_tensor(name, TensorProto.INT64, [len(v)], v)

    def w(name, dims):
        t = TensorProto(name=name, data_type=f32)
        t.dims.extend(dims)
        return t

    nodes = [
        helper.make_node("Conv", ["x", "w1"], ["c1"], name="conv", group=2, pads=[1, 1, 1, 1],
                         kernel_shape=[3, 3]),
        helper.make_node("Relu", ["c1"], ["r"], name="relu"),
        helper.make_node("Reshape", ["r", "maps"], ["rm"], name="reshape"),
        helper.make_node("Transpose", ["rm"], ["rt0"], name="pixels_first", perm=[0, 2, 1]),
        helper.make_node("Mul", ["rt0", "tab"], ["rtm"], name="table"),
        helper.make_node("Flatten", ["rtm"], ["f"], name="flatten", axis=2),
        helper.make_node("Gemm", ["f", "wg"], ["g"], name="fc", transB=1),
        helper.make_node("Sigmoid", ["g"], ["s"], name="sigmoid"),
        helper.make_node("Add", ["s", "g"], ["a"], name="add"),
        helper.make_node("Split", ["a", "halves"], ["a1", "a2"], name="split", axis=1),
        helper.make_node("Div", ["a1", "a2"], ["d"], name="div"),
        helper.make_node("Gelu", ["d"], ["ge"], name="gelu"),
        helper.make_node("Unsqueeze", ["ge", "axis1"], ["u"], name="unsqueeze"),
        helper.make_node("Squeeze", ["u", "axis1"], ["sq"], name="squeeze"),
        helper.make_node("Pow", ["sq", "two"], ["p"], name="pow"),
        helper.make_node("ReduceMean", ["p", "last"], ["m"], name="mean", keepdims=1),
        helper.make_node("Add", ["m", "eps"], ["me"], name="eps"),
        helper.make_node("Sqrt", ["me"], ["rt"], name="sqrt"),
        helper.make_node("Reciprocal", ["rt"], ["rc"], name="reciprocal"),
        helper.make_node("Mul", ["sq", "rc"], ["rn"], name="rmsnorm"),
        helper.make_node("Transpose", ["rn"], ["rnt"], name="transpose", perm=[1, 0]),
        helper.make_node("MatMul", ["wa", "rnt"], ["y"], name="head"),
    ]
    graph = helper.make_graph(
        nodes, "ops_zoo", [helper.make_tensor_value_info("x", f32, ["batch", 8, 6, 6])],
        [helper.make_tensor_value_info("y", f32, [4, None])],
        [w("w1", [16, 4, 3, 3]), w("wg", [16, 16]), w("wa", [4, 8]), ints("halves", [8, 8]),
         ints("maps", [0, 16, 36]), w("tab", [36, 16]),
         ints("axis1", [1]), ints("last", [-1]), helper.make_tensor("two", f32, [], [2.0]),
         helper.make_tensor("eps", f32, [], [1e-6])])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 20)])
    model.doc_string = "accelsim test model: node forms the exports lack, built with onnx.helper"
    onnx.save(model, path)


def quant_mlp(path):
    """The same MLP in standard quantized ONNX (QDQ and integer MatMuls)."""
    def init(name, dims, dtype=TensorProto.INT8):
        return helper.make_tensor(name, dtype, dims, [0] * math.prod(dims))

    s = helper.make_tensor("s", TensorProto.FLOAT, [], [0.1])
    z8 = helper.make_tensor("z8", TensorProto.INT8, [], [0])
    zu8 = helper.make_tensor("zu8", TensorProto.UINT8, [], [0])
    nodes = [
        helper.make_node("QuantizeLinear", ["x", "s", "z8"], ["xq"]),
        helper.make_node("MatMulInteger", ["xq", "w1", "z8", "z8"], ["h32"]),
        helper.make_node("Cast", ["h32"], ["hf"], to=TensorProto.FLOAT),
        helper.make_node("Relu", ["hf"], ["hr"]),
        helper.make_node("QuantizeLinear", ["hr", "s", "zu8"], ["hq"]),
        helper.make_node("QLinearMatMul", ["hq", "s", "zu8", "w2", "s", "z8", "s", "zu8"],
                         ["yq"]),
        helper.make_node("DequantizeLinear", ["yq", "s", "zu8"], ["y"]),
    ]
    graph = helper.make_graph(
        nodes, "quant_mlp",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", 64])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["batch", 10])],
        [init("w1", [64, 32]), init("w2", [32, 10]), s, z8, zu8])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.doc_string = "accelsim test model: QDQ / integer MatMul MLP built with onnx.helper"
    onnx.save(strip(model, False), path)


def bad_inputs(out):
    """The importer's bad-input test files (tests/cli/cases.txt), one problem each."""
    f32 = TensorProto.FLOAT

    def save(name, nodes, inits, opsets=(("", 13),), inputs=None, outputs=("y",)):
        graph = helper.make_graph(
            nodes, name, inputs or [helper.make_tensor_value_info("x", f32, [4, 64])],
            [helper.make_tensor_value_info(o, f32, None) for o in outputs], inits)
        model = helper.make_model(graph, opset_imports=[helper.make_opsetid(d, v)
                                                        for d, v in opsets])
        path = os.path.join(out, name + ".onnx")
        onnx.save(model, path)
        return path

    def w(name, dims):  # a stripped weight: shape only
        t = TensorProto(name=name, data_type=f32)
        t.dims.extend(dims)
        return t
    mm = helper.make_node("MatMul", ["x", "w"], ["y"], name="fc")
    good = save("onnx_good", [mm], [w("w", [64, 10])])
    data = open(good, "rb").read()
    open(os.path.join(out, "onnx_truncated.onnx"), "wb").write(data[:len(data) - 7])
    open(os.path.join(out, "onnx_corrupt.onnx"), "wb").write(b"\x0a\xff\xff\xff\xff\x0f" + data)
    save("onnx_opset99", [mm], [w("w", [64, 10])], opsets=(("", 99),))
    save("onnx_mismatch", [helper.make_node("MatMul", ["x", "w"], ["y"], name="fc")],
         [w("w", [48, 10])])
    save("onnx_cycle", [helper.make_node("Relu", ["b"], ["a"], name="act_a"),
                        helper.make_node("Add", ["x", "a"], ["b"], name="sum_b"),
                        helper.make_node("MatMul", ["b", "w"], ["y"], name="fc")],
         [w("w", [64, 10])])
    bits = helper.make_tensor("bits", f32, [], [2.5])
    one = helper.make_tensor("one", f32, [], [1.0])
    save("onnx_bad_quant", [helper.make_node("Quant", ["x", "one", "one", "bits"], ["xq"],
                                             domain="qonnx.custom_op.general", name="quant_x"),
                            helper.make_node("MatMul", ["xq", "w"], ["y"], name="fc")],
         [w("w", [64, 10]), bits, one], opsets=(("", 13), ("qonnx.custom_op.general", 1)))
    save("onnx_unsupported", [helper.make_node("TopK", ["x", "k"], ["v", "i"], name="top"),
                              helper.make_node("Exp", ["x"], ["e1"], name="exp1"),
                              helper.make_node("Exp", ["e1"], ["e2"], name="exp2"),
                              mm], [w("w", [64, 10]), helper.make_tensor(
                                  "k", TensorProto.INT64, [1], [3])], outputs=("y", "v", "e2"))
    short = w("w", [64, 10])
    short.raw_data = bytes(100)  # 100 bytes for 640 floats
    save("onnx_bad_data", [mm], [short])
    save("onnx_dynamic", [mm], [w("w", [64, 10])],
         inputs=[helper.make_tensor_value_info("x", f32, ["rows", 64])])
    for name in sorted(os.listdir(out)):
        if name.startswith("onnx_"):
            print(name)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", required=True, help="output folder")
    ap.add_argument("--size", choices=["small", "real"], default="small")
    ap.add_argument("--opset", type=int, default=0,
                    help="one opset for every model (default: small 14 and 17, real 17)")
    ap.add_argument("--keep-weights", choices=["inline", "external"],
                    help="keep initializer data, in the file or in FILE.onnx.data beside it")
    ap.add_argument("--only", help="comma-separated (vit,bert,gpt2,llama,qonnx,quant,zoo)")
    ap.add_argument("--bad", action="store_true",
                    help="write the bad-input test files (tests/cli/data) instead")
    ap.add_argument("--set", action="append", default=[],
                    help="family.key=value, e.g. llama.layers=2 or llama.kv_heads=8")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    if args.bad:
        bad_inputs(args.out)
        return
    only = set(args.only.split(",")) if args.only else set(FAMILIES) | {"qonnx", "quant", "zoo"}
    opsets = [args.opset] if args.opset else ([14, 17] if args.size == "small" else [17])
    for family in FAMILIES:
        if family not in only:
            continue
        params = dict(SIZES[family][args.size == "real"])
        for item in args.set:
            key, value = item.split("=")
            fam, key = key.split(".")
            if fam == family:
                params[key] = int(value)
        for opset in opsets:
            name = "%s_op%d.onnx" % (family + "_test" if args.size == "small"
                                     else REAL_NAMES[family], opset)
            export(family, params, opset, os.path.join(args.out, name), args.keep_weights)
            print(name)
    if "qonnx" in only:
        qonnx_mlp(os.path.join(args.out, "qonnx_mlp.onnx"))
        print("qonnx_mlp.onnx")
    if "quant" in only:
        quant_mlp(os.path.join(args.out, "quant_mlp.onnx"))
        print("quant_mlp.onnx")
    if "zoo" in only:
        ops_zoo(os.path.join(args.out, "ops_zoo.onnx"))
        print("ops_zoo.onnx")


if __name__ == "__main__":
    main()
