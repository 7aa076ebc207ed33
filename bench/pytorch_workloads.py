#!/usr/bin/env python3
"""PyTorch side of the MetaLearn side-by-side benchmark (bench/compare-pytorch.sh runs it).

Each workload is written the way learn2learn users write it: a Python loop over the tasks of a
meta-batch, torch.autograd.grad(create_graph=True) for the inner step. Prints one JSON line:
{"workload": ..., "threads": ..., "ms": [per-repetition times], "rss_mb": peak RSS,
 "blas_core": the OpenBLAS kernel set this process ran (or "unknown"), "blas_config": how it was found}.

usage: pytorch_workloads.py WORKLOAD REPS THREADS
"""
import ctypes
import ctypes.util
import json
import math
import os
import re
import resource
import sys
import time

import torch
import torch.nn.functional as F

torch.manual_seed(0)


def mlp_params():
    def linear(i, o):
        b = 1 / math.sqrt(i)
        return [torch.empty(o, i).uniform_(-b, b).requires_grad_(), torch.empty(o).uniform_(-b, b).requires_grad_()]
    return linear(1, 40) + linear(40, 40) + linear(40, 1)


def mlp(p, x):
    x = F.relu(F.linear(x, p[0], p[1]))
    x = F.relu(F.linear(x, p[2], p[3]))
    return F.linear(x, p[4], p[5])


def sinusoid(n):
    amp, phase = torch.empty(1).uniform_(0.1, 5.0), torch.empty(1).uniform_(0, math.pi)
    x = torch.empty(n, 1).uniform_(-5, 5)
    return x, amp * torch.sin(x - phase)


def maml_sinusoid(first_order):
    p = mlp_params()
    opt = torch.optim.Adam(p, lr=1e-3)

    def step():
        opt.zero_grad()
        total = 0.0
        for _ in range(25):
            xs, ys = sinusoid(10)
            xq, yq = sinusoid(10)
            g = torch.autograd.grad(F.mse_loss(mlp(p, xs), ys), p, create_graph=not first_order)
            fast = [w - 0.01 * gw for w, gw in zip(p, g)]
            loss = F.mse_loss(mlp(fast, xq), yq) / 25
            loss.backward()
            total += loss.item()
        opt.step()
    return step


def conv_params(ways):
    p = []
    cin = 1
    for _ in range(4):
        b = 1 / math.sqrt(cin * 9)
        p += [torch.empty(64, cin, 3, 3).uniform_(-b, b).requires_grad_(), torch.zeros(64).requires_grad_(),
              torch.ones(64).requires_grad_(), torch.zeros(64).requires_grad_()]
        cin = 64
    if ways:
        b = 1 / math.sqrt(64)
        p += [torch.empty(ways, 64).uniform_(-b, b).requires_grad_(), torch.zeros(ways).requires_grad_()]
    return p


def convnet(p, x, head=True):
    for i in range(4):
        w, b, gamma, beta = p[4 * i:4 * i + 4]
        x = F.conv2d(x, w, b, padding=1)
        x = F.batch_norm(x, None, None, gamma, beta, training=True)
        x = F.max_pool2d(F.relu(x), 2)
    x = x.flatten(1)
    return F.linear(x, p[16], p[17]) if head else x


def maml_omniglot(first_order):
    p = conv_params(5)
    opt = torch.optim.Adam(p, lr=1e-3)
    ys = torch.arange(5)
    yq = torch.arange(5).repeat_interleave(15)

    def step():
        opt.zero_grad()
        for _ in range(32):
            xs, xq = torch.rand(5, 1, 28, 28), torch.rand(75, 1, 28, 28)
            g = torch.autograd.grad(F.cross_entropy(convnet(p, xs), ys), p, create_graph=not first_order)
            fast = [w - 0.4 * gw for w, gw in zip(p, g)]
            (F.cross_entropy(convnet(fast, xq), yq) / 32).backward()
        opt.step()
    return step


def protonet():
    p = conv_params(0)
    opt = torch.optim.Adam(p, lr=1e-3)
    ways, shots, queries = 60, 5, 5
    yq = torch.arange(ways).repeat_interleave(queries)

    def step():
        opt.zero_grad()
        x = torch.rand(ways * (shots + queries), 1, 28, 28)
        z = convnet(p, x, head=False).view(ways, shots + queries, -1)
        protos = z[:, :shots].mean(1)
        q = z[:, shots:].reshape(ways * queries, -1)
        logits = -((q.unsqueeze(1) - protos.unsqueeze(0)) ** 2).sum(-1)
        F.cross_entropy(logits, yq).backward()
        opt.step()
    return step


def reptile_sinusoid():
    p = mlp_params()

    def step():
        xs, ys = sinusoid(10)
        fast = [w.detach().clone().requires_grad_() for w in p]
        inner = torch.optim.SGD(fast, lr=0.02)
        for _ in range(32):
            inner.zero_grad()
            F.mse_loss(mlp(fast, xs), ys).backward()
            inner.step()
        with torch.no_grad():
            for w, f in zip(p, fast):
                w.add_(0.1 * (f - w))
    return step


def relation(ways, shots, queries):
    """Relation Networks (Sung et al. 2018), the authors' Omniglot modules and training step: MSE on one-hot targets,
    each network's gradient clipped to 0.5, one Adam each."""
    import torch.nn as nn

    def block(cin, padding, pool):
        layers = [nn.Conv2d(cin, 64, 3, padding=padding), nn.BatchNorm2d(64, momentum=1), nn.ReLU()]
        return nn.Sequential(*(layers + [nn.MaxPool2d(2)] if pool else layers))

    encoder = nn.Sequential(block(1, 0, True), block(64, 0, True), block(64, 1, False), block(64, 1, False))
    relation = nn.Sequential(block(128, 1, True), block(64, 1, True), nn.Flatten(), nn.Linear(64, 8), nn.ReLU(), nn.Linear(8, 1), nn.Sigmoid())
    opt_e, opt_r = torch.optim.Adam(encoder.parameters(), lr=1e-3), torch.optim.Adam(relation.parameters(), lr=1e-3)
    labels = torch.arange(ways).repeat_interleave(queries)
    one_hot = torch.zeros(ways * queries, ways).scatter_(1, labels.view(-1, 1), 1)

    def step():
        support, query = torch.rand(ways * shots, 1, 28, 28), torch.rand(ways * queries, 1, 28, 28)
        s = encoder(support).view(ways, shots, 64, 5, 5).sum(1)
        q = encoder(query)
        s_ext = s.unsqueeze(0).repeat(ways * queries, 1, 1, 1, 1)
        q_ext = q.unsqueeze(0).repeat(ways, 1, 1, 1, 1).transpose(0, 1)
        pairs = torch.cat((s_ext, q_ext), 2).view(-1, 128, 5, 5)
        loss = F.mse_loss(relation(pairs).view(-1, ways), one_hot)
        encoder.zero_grad()
        relation.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(encoder.parameters(), 0.5)
        torch.nn.utils.clip_grad_norm_(relation.parameters(), 0.5)
        opt_e.step()
        opt_r.step()
    return step


def matching(fce, tasks=4, ways=5, shots=1, queries=15):
    """Matching Networks (Vinyals et al. 2016): the 4-layer max-pool convnet, cosine attention over the support set,
    optionally full-context embeddings (a bidirectional LSTM over the support set, an attention LSTM of 5 steps for the
    queries); -log P(y) averaged over a meta-batch of tasks, one Adam."""
    import torch.nn as nn
    p = conv_params(0)
    params = list(p)
    if fce:
        support_lstm, query_lstm = nn.LSTM(64, 64, bidirectional=True), nn.LSTMCell(128, 64)
        params += list(support_lstm.parameters()) + list(query_lstm.parameters())
    opt = torch.optim.Adam(params, lr=1e-3)
    support_labels = torch.arange(ways).repeat_interleave(shots)
    query_labels = torch.arange(ways).repeat_interleave(queries)
    one_hot = F.one_hot(support_labels, ways).float()

    def step():
        opt.zero_grad()
        for _ in range(tasks):
            z = convnet(p, torch.rand(ways * (shots + queries), 1, 28, 28), head=False)
            g, f = z[:ways * shots], z[ways * shots:]
            if fce:
                out, _ = support_lstm(g.unsqueeze(1))
                g = g + out[:, 0, :64] + out[:, 0, 64:]
                h = torch.zeros_like(f)
                c = torch.zeros_like(f)
                for _ in range(5):
                    r = torch.softmax(h @ g.t(), 1) @ g
                    h, c = query_lstm(torch.cat([f, r], 1), (h, c))
                    h = h + f
                f = h
            cosine = F.normalize(f, dim=1) @ F.normalize(g, dim=1).t()
            log_p = (torch.softmax(cosine, 1) @ one_hot).log()
            (F.nll_loss(log_p, query_labels) / tasks).backward()
        opt.step()
    return step


def sgemm(n):
    a, b = torch.rand(n, n), torch.rand(n, n)

    def step():
        torch.mm(a, b)
    return step


WORKLOADS = {
    "maml-sinusoid-2nd": lambda: maml_sinusoid(False),
    "maml-sinusoid-1st": lambda: maml_sinusoid(True),
    "maml-omniglot-2nd": lambda: maml_omniglot(False),
    "maml-omniglot-1st": lambda: maml_omniglot(True),
    "protonet-60w5s": protonet,
    "reptile-sinusoid": reptile_sinusoid,
    "relation-5w1s": lambda: relation(5, 1, 19),
    "relation-20w1s": lambda: relation(20, 1, 10),
    "matching-5w1s": lambda: matching(False),
    "matching-fce-5w1s": lambda: matching(True),
    "sgemm-64": lambda: sgemm(64),
    "sgemm-256": lambda: sgemm(256),
    "sgemm-1024": lambda: sgemm(1024),
}


def blas_kernel():
    """(core, config) of the OpenBLAS that torch loaded, read from the library itself.

    OPENBLAS_CORETYPE (and OPENBLAS_L2_SIZE) pick the kernels when the library loads, so only the loaded
    library can say which ones run. It is found among the files mapped into this process (Debian's torch
    reaches OpenBLAS through libblas.so.3), else by name through ctypes.util; RTLD_NOLOAD makes sure it is the
    copy already loaded, never a second one. Without OpenBLAS the core is "unknown" and the config is what
    torch says about its BLAS.
    """
    candidates = []
    try:
        with open("/proc/self/maps") as maps:
            for line in maps:
                path = line.split()[-1]
                if "blas" in os.path.basename(path).lower() and path not in candidates:
                    candidates.append(path)
    except OSError:
        pass
    found = ctypes.util.find_library("openblas")
    if found:
        candidates.append(found)
    for path in candidates:
        try:
            lib = ctypes.CDLL(path, mode=os.RTLD_NOLOAD)
            corename, config = lib.openblas_get_corename, lib.openblas_get_config
        except (OSError, AttributeError):
            continue
        corename.restype = config.restype = ctypes.c_char_p
        return corename().decode(), f"{config().decode()} in {path}"
    blas = re.search(r"BLAS_INFO=[^,\s]*", torch.__config__.show())
    return "unknown", f"no OpenBLAS loaded; torch.__config__.show(): {blas.group(0) if blas else 'no BLAS_INFO'}"


def main():
    name, reps, threads = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    torch.set_num_threads(threads)
    step = WORKLOADS[name]()
    inner = 200 if name.startswith("sgemm-64") else 20 if name.startswith("sgemm") else 1
    warm, n = time.perf_counter(), 0
    while n < 3 or time.perf_counter() - warm < 4:  # warm-up: at least 3 steps and 4 seconds, as on the .NET side
        step()
        n += 1
    times = []
    for _ in range(reps):
        t0 = time.perf_counter()
        for _ in range(inner):
            step()
        times.append((time.perf_counter() - t0) * 1000 / inner)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    core, config = blas_kernel()
    print(json.dumps({"workload": name, "threads": threads, "ms": times, "rss_mb": rss, "blas_core": core, "blas_config": config}))


if __name__ == "__main__":
    main()
