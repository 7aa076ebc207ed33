#!/usr/bin/env bash
# Packs the metalearn command as a .NET tool and installs it the way README.md says (into a private tool path
# instead of -g, so nothing outside a temp folder changes), then runs it.
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
dotnet pack src/MetaLearn.Cli -c Release -o "$work/pkg" -v quiet -nologo >/dev/null
dotnet tool install metalearn --tool-path "$work/tools" --add-source "$work/pkg" >/dev/null
info=$("$work/tools/metalearn" info)
help=$("$work/tools/metalearn" --help)
[[ "$info" == *"simd"* && "$help" == *"Usage:"* ]] || { echo "tool install check FAILED: the installed metalearn did not run" >&2; exit 1; }
# bench --against pytorch relaunches the tool for its own side: check that works from an installed tool (needs torch).
if /usr/bin/python3 -c "import torch" 2>/dev/null; then
  "$work/tools/metalearn" bench --against pytorch -w sgemm-64 --rounds 1 --reps 1 --format json >/dev/null \
    || { echo "tool install check FAILED: the installed metalearn could not run bench --against pytorch (relaunch)" >&2; exit 1; }
else
  echo "bench --against pytorch check skipped: /usr/bin/python3 has no torch" >&2
fi
echo "tool install check passed: packed, installed with dotnet tool install, and ran metalearn info and --help"
