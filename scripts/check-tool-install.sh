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
echo "tool install check passed: packed, installed with dotnet tool install, and ran metalearn info and --help"
