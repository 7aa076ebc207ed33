"""Generates the PyTorch golden data for MetaLearn.NN:

* nn_golden.json: for every layer, an input, the parameters, the output, and the gradients of
  sum(output * r) (r a fixed random tensor) with respect to the input and every parameter;
  batch-norm cases also record the running statistics after the call.
* nn_golden.json "recurrent_cases": LSTMCell and LSTM in float64 with their own seed (drawn inside
  torch.random.fork_rng, so adding them changed none of the values above): input, initial states, parameters,
  outputs, final states, and the gradients of sum(output * r_output) + sum(h * r_h) + sum(c * r_c) with respect to
  the input, the initial states and every parameter; plus the module's state_dict keys.
* torch_written.safetensors: a state dict written by hand in the safetensors format (struct + json,
  no safetensors package), which MetaLearn must load; its tensors are listed in nn_golden.json too.

Run with a Python that has torch (here: /usr/bin/python3, torch 1.13):
    /usr/bin/python3 tests/MetaLearn.NN.Tests/Golden/generate_nn_golden.py
"""
import json
import os
import struct

import torch
import torch.nn as nn

HERE = os.path.dirname(os.path.abspath(__file__))
torch.manual_seed(1234)


def enc(t):
    return {"shape": list(t.shape), "data": t.detach().flatten().double().tolist()}


class FiLM(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.scale = nn.Parameter(torch.randn(c))
        self.shift = nn.Parameter(torch.randn(c))

    def forward(self, x):
        shape = [1, -1] + [1] * (x.dim() - 2)
        return x * self.scale.view(shape) + self.shift.view(shape)


def randomise(module):
    """Non-default parameter values (and running statistics), so every parameter matters."""
    with torch.no_grad():
        for name, p in module.named_parameters():
            p.copy_(torch.randn_like(p) * 0.5 + (1.0 if name.endswith("weight") and p.dim() == 1 else 0.0))
    return module


def case(name, module, x, training=True, buffers_before=None):
    module.train(training)
    if buffers_before:
        with torch.no_grad():
            for k, v in buffers_before.items():
                dict(module.named_buffers())[k].copy_(v)
    x = x.clone().requires_grad_()
    params = dict(module.named_parameters())
    y = module(x)
    r = torch.rand_like(y) + 0.5
    grads = torch.autograd.grad((y * r).sum(), [x] + list(params.values()))
    out = {
        "name": name,
        "training": training,
        "input": enc(x),
        "params": {k: enc(v) for k, v in params.items()},
        "output": enc(y),
        "grad_weights": enc(r),
        "grad_input": enc(grads[0]),
        "grad_params": {k: enc(g) for k, g in zip(params.keys(), grads[1:])},
    }
    if buffers_before is not None:
        out["buffers_before"] = {k: enc(v) for k, v in buffers_before.items()}
        out["buffers_after"] = {k: enc(v) for k, v in module.named_buffers() if k != "num_batches_tracked"}
    return out


def cases():
    c = []
    c.append(case("linear", nn.Linear(4, 3), torch.randn(5, 4)))
    c.append(case("conv2d", nn.Conv2d(2, 3, 3, stride=2, padding=1), torch.randn(2, 2, 7, 7)))
    c.append(case("conv2d_nobias", nn.Conv2d(2, 4, 2, bias=False), torch.randn(1, 2, 5, 5)))
    c.append(case("batchnorm2d_batch", randomise(nn.BatchNorm2d(3, track_running_stats=False)), torch.randn(4, 3, 3, 3) * 2 + 1))
    stats = {"running_mean": torch.randn(3) * 0.1, "running_var": torch.rand(3) + 0.5}
    c.append(case("batchnorm2d_running_train", randomise(nn.BatchNorm2d(3)), torch.randn(4, 3, 3, 3) * 2 + 1, True, stats))
    c.append(case("batchnorm2d_running_eval", randomise(nn.BatchNorm2d(3)), torch.randn(4, 3, 3, 3) * 2 + 1, False, stats))
    c.append(case("maxpool2d", nn.MaxPool2d(2), torch.randn(2, 3, 6, 6)))
    c.append(case("maxpool2d_stride", nn.MaxPool2d(3, stride=2), torch.randn(1, 2, 7, 7)))
    c.append(case("avgpool2d", nn.AvgPool2d(3, stride=2, padding=1), torch.randn(2, 2, 6, 6)))
    c.append(case("flatten", nn.Flatten(), torch.randn(2, 3, 2, 2)))
    c.append(case("relu", nn.ReLU(), torch.randn(3, 4)))
    c.append(case("leaky_relu", nn.LeakyReLU(0.1), torch.randn(3, 4)))
    c.append(case("sigmoid", nn.Sigmoid(), torch.randn(3, 4)))
    c.append(case("tanh", nn.Tanh(), torch.randn(3, 4)))
    c.append(case("dropout_eval", nn.Dropout(0.5), torch.randn(3, 4), training=False))
    c.append(case("film", FiLM(3), torch.randn(2, 3, 2, 2)))
    seq = nn.Sequential(nn.Conv2d(1, 2, 3, padding=1), randomise(nn.BatchNorm2d(2, track_running_stats=False)), nn.ReLU(),
                        nn.MaxPool2d(2), nn.Flatten(), nn.Linear(8, 3))
    c.append(case("sequential", seq, torch.randn(2, 1, 4, 4)))
    # Appended later, with its own seed, so every case above and the checkpoint below keep their values.
    with torch.random.fork_rng():
        torch.manual_seed(1217)
        c.append(case("conv_transpose2d", nn.ConvTranspose2d(3, 2, 4, stride=2, padding=1), torch.randn(2, 3, 3, 3)))
        c.append(case("conv_transpose2d_outpad", nn.ConvTranspose2d(2, 3, 3, stride=2, padding=1, output_padding=1, bias=False), torch.randn(1, 2, 4, 4)))
    return c


def recurrent_case(name, module, x, state=None):
    module = module.double()
    x = x.double().clone().requires_grad_()
    state = tuple(s.double().clone().requires_grad_() for s in state) if state is not None else None
    params = dict(module.named_parameters())
    if isinstance(module, nn.LSTMCell):
        h, c = module(x, state) if state is not None else module(x)
        outputs = {"h": h, "c": c}
    else:
        y, (h, c) = module(x, state) if state is not None else module(x)
        outputs = {"output": y, "h": h, "c": c}
    weights = {k: torch.rand_like(v) + 0.5 for k, v in outputs.items()}
    loss = sum((v * weights[k]).sum() for k, v in outputs.items())
    wrt = [x] + (list(state) if state is not None else []) + list(params.values())
    grads = list(torch.autograd.grad(loss, wrt))
    out = {
        "name": name,
        "module": type(module).__name__,
        "input_size": module.input_size,
        "hidden_size": module.hidden_size,
        "bias": module.bias,
        "bidirectional": getattr(module, "bidirectional", False),
        "input": enc(x),
        "params": {k: enc(v) for k, v in params.items()},
        "state_dict_keys": list(module.state_dict().keys()),
        "outputs": {k: enc(v) for k, v in outputs.items()},
        "output_weights": {k: enc(v) for k, v in weights.items()},
        "grad_input": enc(grads.pop(0)),
    }
    if state is not None:
        out["h0"], out["c0"] = enc(state[0]), enc(state[1])
        out["grad_h0"], out["grad_c0"] = enc(grads.pop(0)), enc(grads.pop(0))
    out["grad_params"] = {k: enc(g) for k, g in zip(params.keys(), grads)}
    return out


def recurrent_cases():
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(4321)
        c = []
        c.append(recurrent_case("lstm_cell", nn.LSTMCell(5, 4), torch.randn(3, 5), (torch.randn(3, 4), torch.randn(3, 4))))
        c.append(recurrent_case("lstm_cell_no_bias_zero_state", nn.LSTMCell(3, 2, bias=False), torch.randn(2, 3) * 2))
        c.append(recurrent_case("lstm_bidirectional", nn.LSTM(5, 4, bidirectional=True), torch.randn(4, 3, 5),
                                (torch.randn(2, 3, 4), torch.randn(2, 3, 4))))
        c.append(recurrent_case("lstm_unidirectional_zero_state", nn.LSTM(3, 5), torch.randn(3, 2, 3) * 2))
        return c


def write_safetensors(path, tensors, metadata):
    """The safetensors layout: u64 little-endian header length, JSON header, then raw little-endian data."""
    dtypes = {torch.float32: "F32", torch.float64: "F64"}
    header, blobs, offset = {"__metadata__": metadata}, [], 0
    for name, t in tensors.items():
        data = t.contiguous().numpy().tobytes()  # numpy on x86 is little-endian
        header[name] = {"dtype": dtypes[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    raw = json.dumps(header, separators=(",", ":")).encode("utf-8")
    raw += b" " * (-len(raw) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(raw)))
        f.write(raw)
        for b in blobs:
            f.write(b)


def torch_checkpoint():
    model = nn.Sequential(nn.Linear(3, 2), nn.ReLU(), nn.Linear(2, 1))
    state = {k: v.detach().clone() for k, v in model.state_dict().items()}
    state["extra.float64"] = torch.randn(2, 2, dtype=torch.float64)
    write_safetensors(os.path.join(HERE, "torch_written.safetensors"), state, {"format": "pt", "source": "generate_nn_golden.py"})
    return {k: dict(enc(v), dtype=str(v.dtype).replace("torch.", "")) for k, v in state.items()}


def main():
    out = {"torch_version": torch.__version__, "cases": cases(), "torch_written": torch_checkpoint(), "recurrent_cases": recurrent_cases()}
    with open(os.path.join(HERE, "nn_golden.json"), "w") as f:
        json.dump(out, f)
    print("wrote", len(out["cases"]), "layer cases,", len(out["recurrent_cases"]), "recurrent cases and torch_written.safetensors")


if __name__ == "__main__":
    main()
