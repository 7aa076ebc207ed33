#!/usr/bin/python3
"""Writes golden.json: PyTorch reference values that GoldenTests.cs recomputes with MetaLearn.

Run with Debian's python3-torch (torch 1.13), from anywhere:

    /usr/bin/python3 tests/MetaLearn.Tensors.Tests/Golden/generate_golden.py

How inputs travel
-----------------
Inputs are NOT stored. Each input is a spec {shape, seed, scale, offset[, floor]} and both this script and
GoldenData.cs expand it with the same integer formula, so both sides start from bit-identical float64 values:

    u(seed, i) = splitmix64(seed * 2^32 + i) >> 11, times 2^-53, times 2, minus 1     (exact, in [-1, 1))
    value[i]   = offset + scale * u(seed, i)            (then floor() when "floor" is true, to make ties)

splitmix64(z): z += 0x9E3779B97F4A7C15; z = (z ^ z>>30) * 0xBF58476D1CE4E5B9; z = (z ^ z>>27) * 0x94D049BB133111EB;
return z ^ z>>31 (all mod 2^64). A hash rather than sin(a*i + b) because sin-based weights make every conv filter
a mix of two fixed patterns, which would hide transposition bugs.

What is stored
--------------
Per case: the op name and its arguments, the input specs, the outputs and (for differentiable cases) first-order
gradients. Gradients are of `out` itself when it is a scalar, else of sum(out * cotangent) where the cotangent is
another spec written into the case. Arrays of up to 64 values are JSON lists (Python's repr: shortest round-trip
float64); longer ones are base64 of little-endian float64, which keeps the 64-channel convnet's ~111k gradient
values exact in about 1.2 MB.

All references are computed in float64. Cases marked "float32" are also recomputed by MetaLearn in float32 (inputs
rounded to float32) and compared with float32 tolerances against the same float64 reference. For max-pooling cases
this script asserts that every window's winner beats the runner-up by a margin (1e-9, or 2e-5 for float32 cases;
windows whose maximum is 0 after a ReLU are exempt because their gradient is 0 either way), so a rounding
difference cannot legitimately route a gradient to a different element. Gradients that are zero in exact arithmetic
(a conv bias feeding a batch norm) are listed in "exact_zero_grads" and checked against 0, not against torch's noise.
"""
import base64
import json
import os
import struct

import torch
import torch.nn.functional as F
from torch.distributions import Normal, kl_divergence

torch.set_num_threads(1)
MASK = (1 << 64) - 1
COTANGENT_SEED = 9001
# First seed of the convnet case, picked so that no max-pool window is a near-tie (see check_pool_margin).
CONVNET_SEED = 1200
CASES = []
_next_seed = [1]


def splitmix64(z):
    z = (z + 0x9E3779B97F4A7C15) & MASK
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
    return z ^ (z >> 31)


def spec(*shape, scale=1.0, offset=0.0, floor=False, seed=None):
    if seed is None:
        seed = _next_seed[0]
        _next_seed[0] += 1
    s = {"shape": list(shape), "seed": seed, "scale": float(scale), "offset": float(offset)}
    if floor:
        s["floor"] = True
    return s


def expand(s):
    n = 1
    for d in s["shape"]:
        n *= d
    values = []
    for i in range(n):
        u = (splitmix64(((s["seed"] << 32) + i) & MASK) >> 11) * 2.0 ** -53 * 2.0 - 1.0
        v = s["offset"] + s["scale"] * u
        values.append(float(int(v // 1)) if s.get("floor") else v)
    return torch.tensor(values, dtype=torch.float64).reshape(s["shape"])


def encode(t):
    t = t.detach().to(torch.float64).contiguous()
    values = t.flatten().tolist()
    out = {"shape": list(t.shape)}
    if len(values) <= 64:
        out["data"] = values
    else:
        out["b64"] = base64.b64encode(struct.pack("<%dd" % len(values), *values)).decode("ascii")
    return out


def check_pool_margin(x, kernel, stride, margin, relu_zero_exempt=False):
    """Asserts each max-pool window's largest value beats the second largest by `margin`."""
    n, c, h, w = x.shape
    cols = F.unfold(x.detach().reshape(n * c, 1, h, w), kernel, stride=stride)  # [n*c, k*k, L]
    top = cols.topk(2, dim=1).values
    gap = top[:, 0, :] - top[:, 1, :]
    if relu_zero_exempt:
        gap = torch.where(top[:, 0, :] > 0, gap, torch.full_like(gap, float("inf")))
    smallest = gap.min().item()
    assert smallest > margin, f"max-pool near-tie: gap {smallest:g} <= {margin:g}; change a seed"
    return smallest


def sh(shape):
    """A compact shape for case names: 2x3x4, or 'scalar'."""
    return "x".join(map(str, shape)) if shape else "scalar"


def case(name, op, inputs, fn, args=None, grad=None, float32=False, exact_zero=None):
    """exact_zero: inputs whose gradient is 0 in exact arithmetic (a conv bias feeding a batch norm, which subtracts
    the mean); their stored values are rounding noise, so the tests check them against 0 instead."""
    assert len(name) <= 50, f"xunit shows at most 50 characters of a theory argument: {name!r}"
    CASES.append(dict(name=name, op=op, inputs=inputs, fn=fn, args=args or {}, grad=grad or [], float32=float32,
                      exact_zero=exact_zero or []))


def run(c):
    tensors = {k: expand(s) for k, s in c["inputs"].items()}
    for k in c["grad"]:
        tensors[k].requires_grad_(True)
    outputs = c["fn"](tensors, c["args"])
    entry = {"name": c["name"], "op": c["op"], "float32": c["float32"], "args": c["args"], "inputs": c["inputs"],
             "outputs": {k: encode(v) for k, v in outputs.items()}}
    if c["grad"]:
        out = outputs["out"]
        if out.dim() == 0:
            loss = out
        else:
            cot = spec(*out.shape, seed=COTANGENT_SEED)
            entry["cotangent"] = cot
            loss = (out * expand(cot)).sum()
        grads = torch.autograd.grad(loss, [tensors[k] for k in c["grad"]])
        entry["grads"] = {k: encode(g) for k, g in zip(c["grad"], grads)}
        if c["exact_zero"]:
            scale = max(g.abs().max().item() for g in grads)
            for k, g in zip(c["grad"], grads):
                if k in c["exact_zero"]:
                    assert g.abs().max().item() <= 1e-12 * scale, f"{c['name']}: gradient wrt {k} is not ~0"
            entry["exact_zero_grads"] = c["exact_zero"]
    return entry


# ---------------------------------------------------------------- elementwise
def unary(name, f, **kw):
    return lambda t, a: {"out": f(t["x"], **kw)}


UNARY = {
    "neg": (torch.neg, {}),
    "exp": (torch.exp, dict(scale=3.0)),
    "log": (torch.log, dict(scale=2.0, offset=2.5)),
    "sqrt": (torch.sqrt, dict(scale=2.0, offset=2.5)),
    "abs": (torch.abs, {}),
    "relu": (torch.relu, {}),
    "sigmoid": (torch.sigmoid, dict(scale=6.0)),
    "tanh": (torch.tanh, dict(scale=3.0)),
    "softplus": (F.softplus, dict(scale=12.0)),
    "square": (torch.square, dict(scale=2.0)),
}
for op, (f, kw) in UNARY.items():
    case(op, op, {"x": spec(3, 5, **kw)}, lambda t, a, f=f: {"out": f(t["x"])}, grad=["x"],
         float32=op in ("exp", "softplus", "sigmoid"))

case("pow_scalar 2.5", "pow_scalar", {"x": spec(2, 7, scale=1.5, offset=2.0)},
     lambda t, a: {"out": torch.pow(t["x"], a["exponent"])}, {"exponent": 2.5}, grad=["x"])
case("pow_scalar -1.5", "pow_scalar", {"x": spec(2, 7, scale=1.5, offset=2.0)},
     lambda t, a: {"out": torch.pow(t["x"], a["exponent"])}, {"exponent": -1.5}, grad=["x"])
case("pow_scalar 3 negative base", "pow_scalar", {"x": spec(2, 7, scale=2.0)},
     lambda t, a: {"out": torch.pow(t["x"], a["exponent"])}, {"exponent": 3.0}, grad=["x"])
case("pow broadcast 2x3x4 ^ 4", "pow", {"a": spec(2, 3, 4, scale=1.5, offset=2.0), "b": spec(4, scale=2.0)},
     lambda t, a: {"out": torch.pow(t["a"], t["b"])}, grad=["a", "b"])

BINARY = {"add": torch.add, "sub": torch.sub, "mul": torch.mul, "div": torch.div,
          "maximum": torch.maximum, "minimum": torch.minimum}
SHAPES = [((3, 4), (3, 4)), ((2, 3, 4), (4,)), ((2, 1, 4), (3, 1)), ((4, 1, 3), (2, 1, 5, 1)), ((3, 4), ())]
for op, f in BINARY.items():
    for sa, sb in SHAPES:
        kb = dict(scale=1.0, offset=2.0) if op == "div" else {}
        case(f"{op} {sh(sa)} {sh(sb)}", op, {"a": spec(*sa), "b": spec(*sb, **kb)},
             lambda t, a, f=f: {"out": f(t["a"], t["b"])}, grad=["a", "b"], float32=sa == (2, 1, 4))

SCALAR = {"add_scalar": lambda x, c: x + c, "rsub_scalar": lambda x, c: c - x, "mul_scalar": lambda x, c: x * c,
          "div_scalar": lambda x, c: x / c, "rdiv_scalar": lambda x, c: c / x}
for op, f in SCALAR.items():
    case(op, op, {"x": spec(3, 4, offset=2.0 if op == "rdiv_scalar" else 0.0)},
         lambda t, a, f=f: {"out": f(t["x"], a["c"])}, {"c": 2.75}, grad=["x"])

case("where broadcast", "where", {"c": spec(3, 1), "a": spec(2, 3, 4), "b": spec(4)},
     lambda t, a: {"out": torch.where(t["c"] > 0, t["a"], t["b"])}, grad=["a", "b"])

COMPARE = {"greater": torch.gt, "greater_equal": torch.ge, "less": torch.lt, "less_equal": torch.le, "equal": torch.eq}
for op, f in COMPARE.items():
    case(f"{op} with ties", op, {"a": spec(3, 4, scale=2.0, floor=True), "b": spec(4, scale=2.0, floor=True)},
         lambda t, a, f=f: {"out": f(t["a"], t["b"]).double()})

case("maximum with ties", "maximum", {"a": spec(3, 4, scale=2.0, floor=True), "b": spec(4, scale=2.0, floor=True)},
     lambda t, a: {"out": torch.maximum(t["a"], t["b"])})

# ---------------------------------------------------------------- reductions
X3 = (2, 3, 4)
for dims in (None, [1], [-1], [0, 2]):
    for keep in (False, True):
        if dims is None and keep:
            continue
        for op, f in (("sum", torch.sum), ("mean", torch.mean)):
            label = "all" if dims is None else str(dims)
            case(f"{op} {label} keepdim={keep}", op, {"x": spec(*X3)},
                 (lambda t, a, f=f: {"out": f(t["x"])}) if dims is None
                 else (lambda t, a, f=f: {"out": f(t["x"], dim=a["dims"], keepdim=a["keepdim"])}),
                 {"dims": dims, "keepdim": keep}, grad=["x"], float32=op == "mean" and dims == [0, 2])

for dim in (None, 0, 1, -1):
    for keep in (False, True):
        if dim is None and keep:
            continue
        for op, f in (("max", torch.max), ("min", torch.min)):
            fn = (lambda t, a, f=f: {"out": f(t["x"])}) if dim is None else \
                (lambda t, a, f=f: {"out": f(t["x"], dim=a["dim"], keepdim=a["keepdim"]).values})
            case(f"{op} {'all' if dim is None else dim} keepdim={keep}", op, {"x": spec(*X3)}, fn,
                 {"dim": dim, "keepdim": keep}, grad=["x"])
for dim in (0, 1, 2):
    case(f"argmax {dim}", "argmax", {"x": spec(*X3)}, lambda t, a: {"out": torch.argmax(t["x"], dim=a["dim"]).double()},
         {"dim": dim})

for dim in (0, 1, -1):
    for keep in (False, True):
        case(f"logsumexp {dim} keepdim={keep}", "logsumexp", {"x": spec(*X3, scale=4.0)},
             lambda t, a: {"out": torch.logsumexp(t["x"], dim=a["dim"], keepdim=a["keepdim"])},
             {"dim": dim, "keepdim": keep}, grad=["x"])
    case(f"softmax {dim}", "softmax", {"x": spec(*X3, scale=4.0)},
         lambda t, a: {"out": F.softmax(t["x"], dim=a["dim"])}, {"dim": dim}, grad=["x"])
    case(f"log_softmax {dim}", "log_softmax", {"x": spec(*X3, scale=4.0)},
         lambda t, a: {"out": F.log_softmax(t["x"], dim=a["dim"])}, {"dim": dim}, grad=["x"])
case("logsumexp large values", "logsumexp", {"x": spec(4, 6, scale=300.0, offset=500.0)},
     lambda t, a: {"out": torch.logsumexp(t["x"], dim=a["dim"], keepdim=a["keepdim"])},
     {"dim": 1, "keepdim": False}, grad=["x"], float32=True)
case("softmax large values", "softmax", {"x": spec(4, 6, scale=60.0)},
     lambda t, a: {"out": F.softmax(t["x"], dim=a["dim"])}, {"dim": 1}, grad=["x"], float32=True)
case("log_softmax large values", "log_softmax", {"x": spec(4, 6, scale=60.0)},
     lambda t, a: {"out": F.log_softmax(t["x"], dim=a["dim"])}, {"dim": 1}, grad=["x"], float32=True)

# ---------------------------------------------------------------- movement
case("reshape", "reshape", {"x": spec(2, 3, 4)}, lambda t, a: {"out": t["x"].reshape(a["shape"])},
     {"shape": [4, -1]}, grad=["x"])
case("permute", "permute", {"x": spec(2, 3, 4)}, lambda t, a: {"out": t["x"].permute(a["perm"])},
     {"perm": [2, 0, 1]}, grad=["x"])
case("transpose", "transpose", {"x": spec(2, 3, 4)}, lambda t, a: {"out": t["x"].transpose(a["dim0"], a["dim1"])},
     {"dim0": 0, "dim1": 2}, grad=["x"])
case("expand", "expand", {"x": spec(3, 1)}, lambda t, a: {"out": t["x"].expand(a["shape"])},
     {"shape": [2, 3, 4]}, grad=["x"])
case("slice", "slice", {"x": spec(3, 5, 2)}, lambda t, a: {"out": t["x"].narrow(a["dim"], a["start"], a["length"])},
     {"dim": 1, "start": 1, "length": 3}, grad=["x"])
case("concat dim 1", "concat", {"a": spec(2, 3), "b": spec(2, 1), "c": spec(2, 2)},
     lambda t, a: {"out": torch.cat([t["a"], t["b"], t["c"]], dim=a["dim"])}, {"dim": 1}, grad=["a", "b", "c"])
case("stack dim 1", "stack", {"a": spec(2, 3), "b": spec(2, 3), "c": spec(2, 3)},
     lambda t, a: {"out": torch.stack([t["a"], t["b"], t["c"]], dim=a["dim"])}, {"dim": 1}, grad=["a", "b", "c"])
case("index_select repeats", "index_select", {"x": spec(4, 3)},
     lambda t, a: {"out": torch.index_select(t["x"], a["dim"], torch.tensor(a["indices"]))},
     {"dim": 0, "indices": [2, 0, 2, 3, 1]}, grad=["x"])
case("gather dim 1", "gather", {"x": spec(3, 4)},
     lambda t, a: {"out": torch.gather(t["x"], a["dim"], torch.tensor(a["index"]).reshape(a["index_shape"]))},
     {"dim": 1, "index": [3, 0, 1, 1, 2, 2], "index_shape": [3, 2]}, grad=["x"])

# ---------------------------------------------------------------- matmul / linear
for sa, sb, f32 in (((3, 4), (4, 5), False), ((2, 3, 4), (2, 4, 5), True), ((2, 1, 3, 4), (3, 4, 5), False),
                    ((3, 4), (2, 4, 2), False)):
    case(f"matmul {sh(sa)} {sh(sb)}", "matmul", {"a": spec(*sa), "b": spec(*sb)},
         lambda t, a: {"out": torch.matmul(t["a"], t["b"])}, grad=["a", "b"], float32=f32)
for sx, bias, f32 in (((5, 4), True, True), ((5, 4), False, False), ((4,), True, False), ((2, 3, 4), True, False)):
    inputs = {"x": spec(*sx), "weight": spec(3, 4, scale=0.5)}
    if bias:
        inputs["bias"] = spec(3, scale=0.5)
    case(f"linear x{sh(sx)}{'' if bias else ' nobias'}", "linear", inputs,
         lambda t, a: {"out": F.linear(t["x"], t["weight"], t.get("bias"))}, grad=list(inputs), float32=f32)

# ---------------------------------------------------------------- conv / pool
for sx, sw, stride, pad, bias, f32 in (
        ((2, 3, 7, 6), (4, 3, 3, 3), 1, 0, True, False),
        ((2, 3, 7, 6), (4, 3, 3, 3), 1, 1, True, True),
        ((2, 3, 8, 7), (5, 3, 3, 3), 2, 1, False, False),
        ((1, 2, 9, 9), (3, 2, 5, 5), 2, 2, True, False),
        ((2, 1, 6, 5), (2, 1, 2, 3), 3, 1, True, False),
        ((1, 1, 28, 28), (2, 1, 3, 3), 1, 1, True, True),
        ((2, 4, 3, 3), (3, 4, 3, 3), 1, 1, True, False)):
    inputs = {"x": spec(*sx), "weight": spec(*sw, scale=0.4)}
    if bias:
        inputs["bias"] = spec(sw[0], scale=0.3)
    case(f"conv2d x{sh(sx)} w{sh(sw)} s{stride} p{pad}{'' if bias else ' nobias'}", "conv2d", inputs,
         lambda t, a: {"out": F.conv2d(t["x"], t["weight"], t.get("bias"), stride=a["stride"], padding=a["padding"])},
         {"stride": stride, "padding": pad}, grad=list(inputs), float32=f32)


def max_pool(t, a, margin):
    check_pool_margin(t["x"], a["kernel"], a["stride"], margin)
    return {"out": F.max_pool2d(t["x"], a["kernel"], stride=a["stride"])}


for sx, k, s, f32 in (((2, 3, 6, 6), 2, 2, True), ((2, 2, 7, 7), 2, 2, False), ((1, 2, 7, 8), 3, 2, False),
                      ((2, 2, 5, 5), 2, 1, False), ((2, 4, 3, 3), 2, 2, False)):
    case(f"max_pool2d x{sh(sx)} k{k} s{s}", "max_pool2d", {"x": spec(*sx)},
         lambda t, a, m=(2e-5 if f32 else 1e-9): max_pool(t, a, m), {"kernel": k, "stride": s}, grad=["x"], float32=f32)

for sx, k, s, p, f32 in (((2, 3, 6, 6), 2, 2, 0, False), ((2, 2, 7, 7), 3, 1, 1, True), ((1, 2, 7, 8), 3, 2, 1, False),
                         ((2, 2, 5, 5), 2, 2, 1, False), ((1, 1, 4, 4), 4, 4, 2, False)):
    case(f"avg_pool2d x{sh(sx)} k{k} s{s} p{p}", "avg_pool2d", {"x": spec(*sx)},
         lambda t, a: {"out": F.avg_pool2d(t["x"], a["kernel"], stride=a["stride"], padding=a["padding"],
                                           count_include_pad=True)},
         {"kernel": k, "stride": s, "padding": p}, grad=["x"], float32=f32)


# ---------------------------------------------------------------- batch norm
def batch_norm(t, a):
    rm, rv = t.get("running_mean"), t.get("running_var")
    rm = None if rm is None else rm.clone()
    rv = None if rv is None else rv.clone()
    out = F.batch_norm(t["x"], rm, rv, t.get("weight"), t.get("bias"), training=a["training"],
                       momentum=a["momentum"], eps=a["eps"])
    result = {"out": out}
    if rm is not None and a["training"]:
        result["running_mean"] = rm
        result["running_var"] = rv
    return result


for sx, affine, stats, training, eps, f32 in (
        ((4, 3, 5, 5), True, False, True, 1e-5, True),
        ((4, 3, 5, 5), False, False, True, 1e-5, False),
        ((4, 3, 5, 5), True, True, True, 1e-5, True),
        ((6, 5), True, True, True, 1e-3, False),
        ((2, 3, 1, 1), True, True, True, 1e-5, False),
        ((4, 3, 5, 5), True, True, False, 1e-5, True),
        ((6, 5), False, True, False, 1e-3, False)):
    c = sx[1]
    inputs = {"x": spec(*sx, scale=2.0, offset=0.5)}
    if affine:
        inputs["weight"] = spec(c, scale=0.5, offset=1.0)
        inputs["bias"] = spec(c, scale=0.5)
    if stats:
        inputs["running_mean"] = spec(c, scale=0.5)
        inputs["running_var"] = spec(c, scale=0.5, offset=1.0)
    grad = ["x"] + (["weight", "bias"] if affine else [])
    mode = "train" if training else "eval"
    case(f"batch_norm {mode} x{sh(sx)}{' affine' if affine else ''}{' stats' if stats else ''} eps={eps:g}", "batch_norm", inputs,
         batch_norm, {"training": training, "eps": eps, "momentum": 0.1}, grad=grad, float32=f32)

# ---------------------------------------------------------------- losses
LABELS = [2, 0, 4, 1, 4, 3]
for red in ("mean", "sum", "none"):
    case(f"cross_entropy {red}", "cross_entropy", {"logits": spec(6, 5, scale=3.0)},
         lambda t, a: {"out": F.cross_entropy(t["logits"], torch.tensor(a["labels"]), reduction=a["reduction"])},
         {"labels": LABELS, "reduction": red}, grad=["logits"], float32=red == "mean")
    case(f"mse_loss {red}", "mse_loss", {"prediction": spec(4, 3), "target": spec(4, 3)},
         lambda t, a: {"out": F.mse_loss(t["prediction"], t["target"], reduction=a["reduction"])},
         {"reduction": red}, grad=["prediction", "target"], float32=red == "mean")
    case(f"bce_with_logits {red}", "bce_with_logits",
         {"logits": spec(4, 3, scale=6.0), "target": spec(4, 3, scale=0.5, offset=0.5)},
         lambda t, a: {"out": F.binary_cross_entropy_with_logits(t["logits"], t["target"], reduction=a["reduction"])},
         {"reduction": red}, grad=["logits", "target"], float32=red == "mean")


def gaussian_kl(t, a):
    mu, lv = t["mean"], t["log_variance"]
    terms = kl_divergence(Normal(mu, torch.exp(0.5 * lv)), Normal(torch.zeros_like(mu), torch.ones_like(mu)))
    per_sample = terms.sum(dim=tuple(range(1, mu.dim()))) if mu.dim() > 1 else terms
    return {"out": {"mean": per_sample.mean, "sum": per_sample.sum, "none": lambda: per_sample}[a["reduction"]]()}


for shape in ((4, 3), (3, 2, 5)):
    for red in ("mean", "sum", "none"):
        case(f"gaussian_kl {sh(shape)} {red}", "gaussian_kl",
             {"mean": spec(*shape), "log_variance": spec(*shape, scale=1.5)}, gaussian_kl, {"reduction": red},
             grad=["mean", "log_variance"], float32=red == "mean" and len(shape) == 3)

case("one_hot", "one_hot", {}, lambda t, a: {"out": F.one_hot(torch.tensor(a["labels"]), a["classes"]).double()},
     {"labels": LABELS, "classes": 5})


# ---------------------------------------------------------------- composites (values and gradients)
def chain(t, a):
    h = F.conv2d(t["x"], t["weight"], t["bias"], padding=1)
    h = F.relu(F.batch_norm(h, None, None, t["gamma"], t["beta"], training=True))
    check_pool_margin(h, 2, 2, 2e-5, relu_zero_exempt=True)
    return {"out": F.max_pool2d(h, 2)}


case("chain conv-bn-relu-maxpool", "chain_conv_bn_relu_pool",
     {"x": spec(3, 2, 6, 6), "weight": spec(4, 2, 3, 3, scale=0.4), "bias": spec(4, scale=0.2),
      "gamma": spec(4, scale=0.3, offset=1.0), "beta": spec(4, scale=0.3)},
     chain, grad=["x", "weight", "bias", "gamma", "beta"], float32=True, exact_zero=["bias"])


def mlp(t, a):
    h = torch.tanh(F.linear(t["x"], t["w1"], t["b1"]))
    h = F.relu(F.linear(h, t["w2"], t["b2"]))
    logits = F.linear(h, t["w3"], t["b3"])
    return {"out": F.cross_entropy(logits, torch.tensor(a["labels"])), "logits": logits}


case("mlp cross_entropy", "mlp_cross_entropy",
     {"x": spec(6, 4), "w1": spec(8, 4, scale=0.5), "b1": spec(8, scale=0.1), "w2": spec(8, 8, scale=0.35),
      "b2": spec(8, scale=0.1), "w3": spec(5, 8, scale=0.35), "b3": spec(5, scale=0.1)},
     mlp, {"labels": LABELS}, grad=["x", "w1", "b1", "w2", "b2", "w3", "b3"], float32=True)


def vae_loss(t, a):
    mu, lv = t["mean"], t["log_variance"]
    z = mu + torch.exp(0.5 * lv) * t["noise"]
    recon = torch.sigmoid(F.linear(z, t["w"], t["b"]))
    kl = gaussian_kl({"mean": mu, "log_variance": lv}, {"reduction": "mean"})["out"]
    return {"out": F.mse_loss(recon, t["target"]) + 0.1 * kl}


case("vae-style mse + kl", "vae_loss",
     {"mean": spec(3, 2), "log_variance": spec(3, 2, scale=0.5), "noise": spec(3, 2), "w": spec(4, 2, scale=0.7),
      "b": spec(4, scale=0.2), "target": spec(3, 4, scale=0.5, offset=0.5)},
     vae_loss, grad=["mean", "log_variance", "w", "b"])


# The MAML / Omniglot convnet (Finn et al. 2017, after Vinyals et al. 2016): four blocks of
# conv3x3(64, padding 1) + batch norm with batch statistics (weight and bias) + ReLU + maxpool 2,
# 28 -> 14 -> 7 -> 3 -> 1, then a linear head to 5 ways.
def convnet_inputs(n, channels, base_seed):
    seeds = iter(range(base_seed, base_seed + 100))
    inputs = {"x": spec(n, 1, 28, 28, scale=0.5, offset=0.5, seed=next(seeds))}
    c_in = 1
    for layer in range(4):
        bound = (c_in * 9) ** -0.5
        inputs[f"conv{layer}.weight"] = spec(channels, c_in, 3, 3, scale=bound, seed=next(seeds))
        inputs[f"conv{layer}.bias"] = spec(channels, scale=bound, seed=next(seeds))
        inputs[f"bn{layer}.weight"] = spec(channels, scale=0.2, offset=1.0, seed=next(seeds))
        inputs[f"bn{layer}.bias"] = spec(channels, scale=0.2, seed=next(seeds))
        c_in = channels
    inputs["head.weight"] = spec(5, channels, scale=channels ** -0.5, seed=next(seeds))
    inputs["head.bias"] = spec(5, scale=channels ** -0.5, seed=next(seeds))
    return inputs


def convnet(t, a):
    h = t["x"]
    for layer in range(4):
        h = F.conv2d(h, t[f"conv{layer}.weight"], t[f"conv{layer}.bias"], padding=1)
        h = F.batch_norm(h, None, None, t[f"bn{layer}.weight"], t[f"bn{layer}.bias"], training=True)
        h = F.relu(h)
        check_pool_margin(h, 2, 2, a["pool_margin"], relu_zero_exempt=True)
        h = F.max_pool2d(h, 2)
    assert h.shape[1:] == (a["channels"], 1, 1), h.shape
    logits = F.linear(h.flatten(1), t["head.weight"], t["head.bias"])
    return {"out": F.cross_entropy(logits, torch.tensor(a["labels"])), "logits": logits}


# Conv biases are kept (as in Finn et al.'s code) although the batch norm after each conv cancels them:
# their gradients are exactly zero, which the tests check.
CONVNET = convnet_inputs(4, 64, base_seed=CONVNET_SEED)
case("maml omniglot convnet 64ch N=4", "maml_convnet", CONVNET, convnet,
     {"labels": [3, 0, 4, 1], "channels": 64, "pool_margin": 2e-5}, grad=list(CONVNET), float32=True,
     exact_zero=[f"conv{layer}.bias" for layer in range(4)])


# Transposed convolution (the decoders of autoencoders and VAEs), appended after every other case with its own seeds so
# the earlier cases keep theirs.
for i, (sx, sw, stride, pad, out_pad, bias) in enumerate((
        ((2, 3, 4, 4), (3, 2, 3, 3), 2, 1, 1, True),
        ((1, 4, 3, 5), (4, 3, 4, 4), 2, 1, 0, False),
        ((2, 2, 5, 5), (2, 4, 3, 3), 1, 1, 0, True))):
    inputs = {"x": spec(*sx, seed=9100 + 3 * i), "weight": spec(*sw, scale=0.4, seed=9101 + 3 * i)}
    if bias:
        inputs["bias"] = spec(sw[1], scale=0.3, seed=9102 + 3 * i)
    case(f"convT x{sh(sx)} w{sh(sw)} s{stride} p{pad} op{out_pad}{'' if bias else ' nb'}", "conv_transpose2d", inputs,
         lambda t, a: {"out": F.conv_transpose2d(t["x"], t["weight"], t.get("bias"), stride=a["stride"], padding=a["padding"], output_padding=a["output_padding"])},
         {"stride": stride, "padding": pad, "output_padding": out_pad}, grad=list(inputs))


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    entries = [run(c) for c in CASES]
    names = [e["name"] for e in entries]
    assert len(names) == len(set(names)), "case names must be unique"
    doc = {"generator": "generate_golden.py", "torch": torch.__version__, "cotangent_seed": COTANGENT_SEED,
           "cases": entries}
    path = os.path.join(here, "golden.json")
    with open(path, "w") as f:
        json.dump(doc, f, separators=(",", ":"))
        f.write("\n")
    print(f"wrote {len(entries)} cases, {os.path.getsize(path) / 1e6:.2f} MB to {path}")


if __name__ == "__main__":
    main()
