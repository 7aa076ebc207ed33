#!/usr/bin/env bash
# Runs every preset for a few seeded steps and prints, per preset, the metrics of each step and a hash of the
# trained tensors, so a refactor can be checked bit for bit against the code before it (issue 14).
# Usage: scripts/preset-fingerprints.sh OUT_DIR [PRESET ...]   (Omniglot from ../shared/data/omniglot)
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:?usage: preset-fingerprints.sh OUT_DIR [PRESET ...]}; shift
data=$(cd ../shared/data/omniglot && pwd)
presets=("$@")
if [ ${#presets[@]} -eq 0 ]; then
  presets=(maml-sinusoid fomaml-sinusoid reptile-sinusoid metasgd-sinusoid maml-omniglot-5w1s fomaml-omniglot-5w1s
           maml-omniglot-5w5s maml-omniglot-20w1s anil-omniglot-5w1s protonet-omniglot-5w1s protonet-omniglot-20w1s
           protonet-omniglot-5w5s reptile-omniglot-5w1s)
fi
dotnet build src/MetaLearn.Cli -c Release -v quiet -nologo >/dev/null
bin=src/MetaLearn.Cli/bin/Release/net10.0/metalearn
mkdir -p "$out"
for p in "${presets[@]}"; do
  rm -rf "$out/$p"
  extra=()
  [[ $p == *omniglot* ]] && extra=(--set "data=$data" --set meta_batch=4)
  "$bin" train --preset "$p" --out "$out/$p" --steps 6 --seed 3 "${extra[@]}" \
    --set validation_interval=3 --set validation_episodes=8 --set checkpoint_interval=3 --set test_episodes=16 ${FINGERPRINT_SET:-} \
    >"$out/$p.stdout" 2>"$out/$p.stderr"
  python3 - "$out/$p" <<'PY'
import hashlib, json, struct, sys, os
run = sys.argv[1]
def tensors(path):
    with open(path, 'rb') as f:
        n = struct.unpack('<Q', f.read(8))[0]
        header = json.loads(f.read(n))
        body = f.read()
    header.pop('__metadata__', None)
    model, opt = hashlib.sha256(), hashlib.sha256()
    for name in sorted(header):
        a, b = header[name]['data_offsets']
        h = opt if name.startswith('optimizer.') else model
        h.update(name.encode()); h.update(body[a:b])
    return model.hexdigest()[:16], opt.hexdigest()[:16]
name = os.path.basename(run)
for line in open(os.path.join(run, 'metrics.jsonl')):
    m = json.loads(line)
    v = m.get('validation') or {}
    print(f"{name} step {m['step']} loss {m['loss']!r} acc {m.get('accuracy')!r} val {v.get('mean')!r}")
for ck in ('last', 'best'):
    p = os.path.join(run, ck + '.safetensors')
    if os.path.exists(p):
        print(f"{name} {ck} model {tensors(p)[0]} optimizer {tensors(p)[1]}")
fe = os.path.join(run, 'final_eval.json')
if os.path.exists(fe):
    r = json.load(open(fe)); print(f"{name} test {r['metric']} {r['mean']!r} ± {r['ci95']!r}")
PY
done
