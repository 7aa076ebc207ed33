#!/usr/bin/env bash
# Side-by-side benchmark: the same workloads in PyTorch (Debian's python3-torch with OpenBLAS) and in
# MetaLearn, interleaved round by round so machine noise hits both sides alike. Prints a Markdown table
# of medians and the ratio PyTorch ms / MetaLearn ms (higher is better for MetaLearn). PyTorch runs
# with 1 and 2 threads and the better of the two is reported.
#
#   bench/compare-pytorch.sh [ROUNDS=3] [REPS=5] [WORKLOAD...]
set -euo pipefail
cd "$(dirname "$0")/.."
# The MetaLearn side runs as `metalearn bench`; this script only adds the install step and the defaults.
# metalearn starts the PyTorch processes itself, without OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE (they would force
# older OpenBLAS kernels), and prints the CPU model and the OpenBLAS kernels PyTorch ran under the table.
rounds=${1:-3}; reps=${2:-5}; shift $(( $# > 2 ? 2 : $# )) || true
workloads=("$@")
[ ${#workloads[@]} -gt 0 ] || workloads=(maml-sinusoid-2nd maml-sinusoid-1st reptile-sinusoid protonet-60w5s maml-omniglot-1st maml-omniglot-2nd sgemm-64 sgemm-256 sgemm-1024)

if ! /usr/bin/python3 -c "import torch" 2>/dev/null || [ ! -e /usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3 ]; then
  echo "installing python3-torch and libopenblas0 (Debian)" >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-torch libopenblas0 >/dev/null
fi
dotnet build -c Release src/MetaLearn.Cli -v quiet -nologo >/dev/null
args=()
for w in "${workloads[@]}"; do args+=(--workload "$w"); done
dotnet src/MetaLearn.Cli/bin/Release/net10.0/metalearn.dll bench --against pytorch --rounds "$rounds" --reps "$reps" "${args[@]}"
