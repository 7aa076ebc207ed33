#!/usr/bin/env bash
# The scripted fault run of RESULTS.md (issue 15): a full disk (a small tmpfs), SIGTERM, an infinite loss and a NaN
# loss, each followed by `metalearn train --resume` and `metalearn report`, printing what a user sees and what is on
# disk afterwards. Needs root for the tmpfs mount. Usage: scripts/fault-run.sh [WORK_DIR]
set -uo pipefail
cd "$(dirname "$0")/.."
work=${1:-$(mktemp -d)}; mkdir -p "$work"
dotnet build src/MetaLearn.Cli -c Release -v quiet -nologo >/dev/null
ml=$(pwd)/src/MetaLearn.Cli/bin/Release/net10.0/metalearn
quick=(--set validation_interval=100 --set test_episodes=100 --set checkpoint_interval=100)
steps_on_disk() {  # the checkpoint's step and the metrics lines that parse
  python3 - "$1" <<'PY'
import json, os, struct, sys
d = sys.argv[1]
def step(p):
    with open(p, 'rb') as f:
        n = struct.unpack('<Q', f.read(8))[0]
        return json.loads(f.read(n))['__metadata__']['metalearn.step']
last = os.path.join(d, 'last.safetensors')
lines = open(os.path.join(d, 'metrics.jsonl'), 'rb').read().split(b'\n') if os.path.exists(os.path.join(d, 'metrics.jsonl')) else []
good = torn = 0
for l in lines:
    if not l: continue
    try: json.loads(l); good += 1
    except Exception: torn += 1
print(f"  on disk: last.safetensors at step {step(last) if os.path.exists(last) else 'none'}; metrics.jsonl {good} whole lines, {torn} torn")
PY
}
run() { echo "\$ metalearn $*"; "$ml" "$@" 2>&1 | grep -v '^\[' | grep -v '^step ' | sed 's/^/  /'; echo "  exit ${PIPESTATUS[0]}"; }

echo "== 1. A full disk: a 192 KB tmpfs fills during training"
disk="$work/disk"; mkdir -p "$disk"; mount -t tmpfs -o size=192k tmpfs "$disk"
run train --steps 5000 "${quick[@]}" --out "$disk/run"
steps_on_disk "$disk/run"
echo "  (free space: copy the run directory to a disk with room, as a user would, then resume)"
cp -r "$disk/run" "$work/full-disk-run"; umount "$disk"
run train --resume "$work/full-disk-run" --steps "$(( $(python3 -c "import json,struct,sys;f=open(sys.argv[1],'rb');n=struct.unpack('<Q',f.read(8))[0];print(json.loads(f.read(n))['__metadata__']['metalearn.step'])" "$work/full-disk-run/last.safetensors") + 300 ))"
steps_on_disk "$work/full-disk-run"
run report "$work/full-disk-run" --out "$work/full-disk-run/report.html"

echo; echo "== 2. SIGTERM (docker stop, systemd, Slurm) after 3 seconds"
"$ml" train --steps 100000 "${quick[@]}" --out "$work/sigterm" >"$work/sigterm.out" 2>"$work/sigterm.err" &
pid=$!; sleep 3; kill -TERM $pid; wait $pid; code=$?; echo "\$ kill -TERM (metalearn train --steps 100000 ...)"; grep -v '^step ' "$work/sigterm.err" | sed 's/^/  /'; echo "  exit $code"
steps_on_disk "$work/sigterm"
run train --resume "$work/sigterm" --steps "$(( $(wc -l < "$work/sigterm/metrics.jsonl") + 200 ))"
steps_on_disk "$work/sigterm"
run report "$work/sigterm" --out "$work/sigterm/report.html"

echo; echo "== 3. An infinite loss: outer learning rate 1e30"
run train --steps 200 "${quick[@]}" --set maml.outer_lr=1e30 --out "$work/infinity"
steps_on_disk "$work/infinity"
run train --resume "$work/infinity" --steps 200
run report "$work/infinity" --out "$work/infinity/report.html"

echo; echo "== 4. A NaN loss: inner learning rate 1e20"
run train --steps 200 "${quick[@]}" --set maml.inner_lr=1e20 --out "$work/nan"
steps_on_disk "$work/nan"
run train --resume "$work/nan" --steps 200
run report "$work/nan" --out "$work/nan/report.html"
