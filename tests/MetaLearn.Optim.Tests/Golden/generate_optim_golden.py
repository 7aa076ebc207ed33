"""Generates optim_golden.json: torch.optim trajectories the MetaLearn optimizers must reproduce.

Run with a Python that has torch (here: /usr/bin/python3, torch 1.13):
    /usr/bin/python3 tests/MetaLearn.Optim.Tests/Golden/generate_optim_golden.py

Objective (float32), two parameter tensors so that global-norm clipping spans several tensors:
    f(w, b) = sum(0.5 * cw * (w - tw)^2) + sum(0.5 * cb * (b - tb)^2) + 0.01 * (sum(w^4) + sum(b^4))
For each case the script records w and b after every one of STEPS updates (gradients from autograd,
then optional clip_grad_norm_, optimizer.step(), then scheduler.step()).
"""
import json
import math
import os

import torch

STEPS = 25
HERE = os.path.dirname(os.path.abspath(__file__))

torch.manual_seed(0)
W0 = torch.randn(2, 3)
B0 = torch.randn(3)
CW = torch.rand(2, 3) * 2 + 0.5
TW = torch.randn(2, 3)
CB = torch.rand(3) * 2 + 0.5
TB = torch.randn(3)


def objective(w, b):
    return (0.5 * CW * (w - TW) ** 2).sum() + (0.5 * CB * (b - TB) ** 2).sum() + 0.01 * ((w ** 4).sum() + (b ** 4).sum())


CASES = [
    {"name": "sgd", "optimizer": "sgd", "lr": 0.1},
    {"name": "sgd_momentum", "optimizer": "sgd", "lr": 0.05, "momentum": 0.9},
    {"name": "sgd_nesterov_weight_decay", "optimizer": "sgd", "lr": 0.05, "momentum": 0.9, "nesterov": True, "weight_decay": 0.01},
    {"name": "adam", "optimizer": "adam", "lr": 0.1},
    {"name": "adam_betas_weight_decay", "optimizer": "adam", "lr": 0.05, "betas": [0.8, 0.99], "eps": 1e-6, "weight_decay": 0.1},
    {"name": "adamw", "optimizer": "adamw", "lr": 0.05, "weight_decay": 0.1},
    {"name": "rmsprop", "optimizer": "rmsprop", "lr": 0.01},
    {"name": "rmsprop_momentum_centered", "optimizer": "rmsprop", "lr": 0.01, "alpha": 0.9, "momentum": 0.5, "centered": True, "weight_decay": 0.01},
    {"name": "sgd_clip", "optimizer": "sgd", "lr": 0.1, "clip": 0.5},
    {"name": "adam_clip_cosine", "optimizer": "adam", "lr": 0.1, "clip": 1.0, "schedule": {"kind": "cosine", "steps": 24, "min": 0.001}},
    {"name": "sgd_step_schedule", "optimizer": "sgd", "lr": 0.2, "momentum": 0.5, "schedule": {"kind": "step", "step_size": 5, "gamma": 0.5}},
    {"name": "adamw_linear_warmup", "optimizer": "adamw", "lr": 0.1, "weight_decay": 0.05, "schedule": {"kind": "warmup", "steps": 8, "start_factor": 0.25}},
]


def make_optimizer(case, params):
    kind = case["optimizer"]
    wd = case.get("weight_decay", 0.0)
    if kind == "sgd":
        return torch.optim.SGD(params, lr=case["lr"], momentum=case.get("momentum", 0.0), nesterov=case.get("nesterov", False), weight_decay=wd)
    if kind == "adam":
        return torch.optim.Adam(params, lr=case["lr"], betas=tuple(case.get("betas", [0.9, 0.999])), eps=case.get("eps", 1e-8), weight_decay=wd)
    if kind == "adamw":
        return torch.optim.AdamW(params, lr=case["lr"], betas=tuple(case.get("betas", [0.9, 0.999])), eps=case.get("eps", 1e-8), weight_decay=wd)
    if kind == "rmsprop":
        return torch.optim.RMSprop(params, lr=case["lr"], alpha=case.get("alpha", 0.99), eps=case.get("eps", 1e-8),
                                   momentum=case.get("momentum", 0.0), centered=case.get("centered", False), weight_decay=wd)
    raise ValueError(kind)


def make_scheduler(case, opt):
    s = case.get("schedule")
    if s is None:
        return None
    if s["kind"] == "cosine":
        return torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=s["steps"], eta_min=s["min"])
    if s["kind"] == "step":
        return torch.optim.lr_scheduler.StepLR(opt, step_size=s["step_size"], gamma=s["gamma"])
    if s["kind"] == "warmup":
        return torch.optim.lr_scheduler.LinearLR(opt, start_factor=s["start_factor"], end_factor=1.0, total_iters=s["steps"])
    raise ValueError(s["kind"])


def run(case):
    w = W0.clone().requires_grad_()
    b = B0.clone().requires_grad_()
    opt = make_optimizer(case, [w, b])
    sched = make_scheduler(case, opt)
    trajectory = []
    for _ in range(STEPS):
        opt.zero_grad()
        objective(w, b).backward()
        if "clip" in case:
            torch.nn.utils.clip_grad_norm_([w, b], case["clip"])
        opt.step()
        if sched is not None:
            sched.step()
        trajectory.append({"w": w.detach().flatten().tolist(), "b": b.detach().flatten().tolist()})
    return trajectory


def main():
    out = {
        "steps": STEPS,
        "objective": "sum(0.5*cw*(w-tw)^2) + sum(0.5*cb*(b-tb)^2) + 0.01*(sum(w^4)+sum(b^4))",
        "torch_version": torch.__version__,
        "w0": W0.flatten().tolist(), "b0": B0.tolist(),
        "cw": CW.flatten().tolist(), "tw": TW.flatten().tolist(),
        "cb": CB.tolist(), "tb": TB.tolist(),
        "cases": [dict(case, trajectory=run(case)) for case in CASES],
    }
    with open(os.path.join(HERE, "optim_golden.json"), "w") as f:
        json.dump(out, f, indent=1)
    print("wrote", len(CASES), "cases")


if __name__ == "__main__":
    main()
