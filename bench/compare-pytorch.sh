#!/usr/bin/env bash
# Side-by-side benchmark: the same workloads in PyTorch (Debian's python3-torch with OpenBLAS) and in
# MetaLearn, interleaved round by round so machine noise hits both sides alike. Prints a Markdown table
# of medians and the ratio PyTorch ms / MetaLearn ms (higher is better for MetaLearn). PyTorch runs
# with 1 and 2 threads and the better of the two is reported.
#
#   bench/compare-pytorch.sh [ROUNDS=3] [REPS=5] [WORKLOAD...]
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}; reps=${2:-5}; shift $(( $# > 2 ? 2 : $# )) || true
workloads=("$@")
[ ${#workloads[@]} -gt 0 ] || workloads=(maml-sinusoid-2nd maml-sinusoid-1st reptile-sinusoid protonet-60w5s maml-omniglot-1st maml-omniglot-2nd sgemm-64 sgemm-256 sgemm-1024)

if ! /usr/bin/python3 -c "import torch" 2>/dev/null || [ ! -e /usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3 ]; then
  echo "installing python3-torch and libopenblas0 (Debian)" >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-torch libopenblas0 >/dev/null
fi
dotnet build -c Release bench/MetaLearn.Bench -v quiet -nologo >/dev/null
ml=bench/MetaLearn.Bench/bin/Release/net10.0/MetaLearn.Bench.dll
out=$(mktemp)
for ((r = 1; r <= rounds; r++)); do
  for w in "${workloads[@]}"; do
    echo "round $r/$rounds: $w" >&2
    /usr/bin/python3 bench/pytorch_workloads.py "$w" "$reps" 1 | sed 's/^/pytorch /' >>"$out"
    /usr/bin/python3 bench/pytorch_workloads.py "$w" "$reps" 2 | sed 's/^/pytorch /' >>"$out"
    dotnet "$ml" "$w" "$reps" 2 | sed 's/^/metalearn /' >>"$out"
  done
done
/usr/bin/python3 - "$out" <<'PY'
import json, statistics, sys
rows = {}
for line in open(sys.argv[1]):
    side, js = line.split(" ", 1)
    d = json.loads(js)
    key = (d["workload"], side, d["threads"])
    rows.setdefault(key, {"ms": [], "rss": 0})
    rows[key]["ms"] += d["ms"]
    rows[key]["rss"] = max(rows[key]["rss"], d["rss_mb"])
names = list(dict.fromkeys(k[0] for k in rows))
print("| workload | PyTorch ms (threads) | MetaLearn ms | ratio PyTorch/MetaLearn | PyTorch peak RSS MB | MetaLearn peak RSS MB |")
print("|---|---|---|---|---|---|")
for n in names:
    torch = min(((statistics.median(v["ms"]), k[2], v["rss"]) for k, v in rows.items() if k[0] == n and k[1] == "pytorch"))
    ml = [(statistics.median(v["ms"]), v["rss"]) for k, v in rows.items() if k[0] == n and k[1] == "metalearn"][0]
    extra = ""
    if n.startswith("sgemm-"):
        size = int(n.split("-")[1]); flops = 2 * size ** 3
        extra = f" ({flops / torch[0] / 1e6:.0f} vs {flops / ml[0] / 1e6:.0f} GFLOPS)"
    print(f"| {n} | {torch[0]:.3f} ({torch[1]}) | {ml[0]:.3f} | {torch[0] / ml[0]:.2f}{extra} | {torch[2]:.0f} | {ml[1]:.0f} |")
PY
rm -f "$out"
