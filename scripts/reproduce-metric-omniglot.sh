#!/usr/bin/env bash
# The Omniglot reproductions of Matching Networks and Relation Networks in RESULTS.md (issue 14): each preset trained
# under a wall-clock budget, one run after another, then tested on 1,000 episodes (the presets' test_episodes), with
# validation every 500 steps picking best.safetensors. Prints one line per run from its final_eval.json.
#
# Usage: scripts/reproduce-metric-omniglot.sh OUT_DIR BUDGET "RUN ..."
#   RUN is PRESET[:KEY=VALUE,...][@BUDGET], e.g. relation-omniglot-5w1s@45m or matching-omniglot-5w1s:fce=true,cosine_scale=10
#   Set CORE=1 to pin the runs to that core (taskset), leaving the other free.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:?usage: reproduce-metric-omniglot.sh OUT_DIR BUDGET RUN...}; budget=${2:?budget, e.g. 30m}; shift 2
data=$(cd ../shared/data/omniglot && pwd)
# A private copy of the command, so later builds cannot touch a running run (or BIN=DIR: a copy made earlier).
bin="$out/bin"; mkdir -p "$out"
if [[ -n "${BIN:-}" ]]; then bin=$BIN; else
  dotnet build src/MetaLearn.Cli -c Release -v quiet -nologo >/dev/null
  rm -rf "$bin"; cp -r src/MetaLearn.Cli/bin/Release/net10.0 "$bin"
fi
pin=(); [[ -n "${CORE:-}" ]] && pin=(taskset -c "$CORE")
for run in "$@"; do
  spec=${run%@*}; limit=$budget; [[ "$run" == *@* ]] && limit=${run##*@}
  preset=${spec%%:*}; sets=(); name=$preset
  if [[ "$spec" == *:* ]]; then
    IFS=',' read -ra pairs <<<"${spec#*:}"
    for p in "${pairs[@]}"; do sets+=(--set "$p"); name="$name-${p//=/}"; done
  fi
  dir="$out/$name"
  if [[ -f "$dir/final_eval.json" ]]; then echo "$name: done already"; continue; fi
  echo "$(date -u +%FT%TZ) $name: training for $limit"
  "${pin[@]}" "$bin/metalearn" train --preset "$preset" --set "data=$data" --set validation_interval=500 --set checkpoint_interval=500 \
    "${sets[@]}" --time-limit "$limit" --out "$dir" >"$dir.out" 2>"$dir.err" || echo "$name: exit $?"
done
for run in "$@"; do
  spec=${run%@*}; preset=${spec%%:*}; name=$preset
  if [[ "$spec" == *:* ]]; then IFS=',' read -ra pairs <<<"${spec#*:}"; for p in "${pairs[@]}"; do name="$name-${p//=/}"; done; fi
  python3 - "$out/$name" <<'PY'
import json, os, sys
d = sys.argv[1]
try:
    r = json.load(open(os.path.join(d, "final_eval.json")))
    steps = sum(1 for _ in open(os.path.join(d, "metrics.jsonl")))
    last = json.loads(open(os.path.join(d, "metrics.jsonl")).readlines()[-1])
    print(f"{os.path.basename(d)}: test {r['metric']} {r['mean']:.4f} ± {r['ci95']:.4f} ({r['episodes']} episodes, {r['batch_norm']}, {r['checkpoint']}); {steps} steps in {last['elapsed_s']/60:.1f} min")
except Exception as e:
    print(f"{os.path.basename(d)}: no result ({e})")
PY
done
