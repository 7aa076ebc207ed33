#!/usr/bin/env bash
# Packs the six libraries the way README.md says, checks each package's metadata, then builds and runs
# examples/LibraryConsumer against them by PackageReference, the way a developer's own program would use them, and
# checks that its MAML run lowers the test MSE. Everything happens in a temp folder: the packages go to $work/pkg
# and the example is copied to $work/examples/LibraryConsumer, so its nuget.config (MetaLearn.* from ../../pkg,
# the rest from nuget.org) finds them there, and restores into a private packages folder ($NUGET_PACKAGES), so a
# MetaLearn package cached by an earlier run can never be used instead of the one just packed.
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
start=$SECONDS
fail() { echo "library packages check FAILED: $*" >&2; exit 1; }

libraries=(MetaLearn.Kernels MetaLearn.Tensors MetaLearn.NN MetaLearn.Optim MetaLearn.Data MetaLearn.Algorithms)
dotnet pack MetaLearn.slnx -c Release -o "$work/pkg" -v quiet -nologo >"$work/pack.log" 2>&1 || { cat "$work/pack.log" >&2; fail "dotnet pack MetaLearn.slnx"; }

# Exactly the libraries and the metalearn tool are packages (tests, benchmarks and examples are not), and each library
# package carries its id, version, description, licence, README, XML docs and a symbols package.
version=$(cd "$work/pkg" && ls MetaLearn.Algorithms.*.nupkg | sed -E 's/^MetaLearn\.Algorithms\.(.*)\.nupkg$/\1/')
expected=$(printf '%s\n' "${libraries[@]}" metalearn | sed "s/\$/.$version/" | sort)
found=$(cd "$work/pkg" && ls *.nupkg | sed 's/\.nupkg$//' | sort)
[[ "$found" == "$expected" ]] || fail "expected the packages"$'\n'"$expected"$'\n'"found"$'\n'"$found"
python3 - "$work/pkg" "$version" "${libraries[@]}" <<'PY' || fail "package metadata (above)"
import re, sys, zipfile, os
folder, version, ids = sys.argv[1], sys.argv[2], sys.argv[3:]
bad = []
for id in ids:
    nupkg = os.path.join(folder, f"{id}.{version}.nupkg")
    with zipfile.ZipFile(nupkg) as z:
        names = set(z.namelist())
        nuspec = z.read(f"{id}.nuspec").decode("utf-8-sig")
    for entry in ("README.md", f"lib/net10.0/{id}.dll", f"lib/net10.0/{id}.xml"):
        if entry not in names:
            bad.append(f"{id}: no {entry} in the package")
    for pattern in (f"<id>{id}</id>", f"<version>{version}</version>", "<authors>.+</authors>", "<description>.+</description>",
                    '<license type="expression">MIT</license>', "<readme>README.md</readme>"):
        if not re.search(pattern, nuspec):
            bad.append(f"{id}: nuspec lacks {pattern}")
    if not os.path.exists(os.path.join(folder, f"{id}.{version}.snupkg")):
        bad.append(f"{id}: no symbols package")
print("\n".join(bad), file=sys.stderr)
sys.exit(1 if bad else 0)
PY

# The example, copied beside the packages as in the repository (its bin/obj, if it was built in place, stay behind).
example="$work/examples/LibraryConsumer"
mkdir -p "$example"
find examples/LibraryConsumer -maxdepth 1 -type f -exec cp {} "$example" \;
grep -q "Include=\"MetaLearn.Algorithms\" Version=\"$version\"" "$example/LibraryConsumer.csproj" \
  || fail "examples/LibraryConsumer/LibraryConsumer.csproj does not reference MetaLearn.Algorithms $version, the version just packed; update its PackageReference"
export NUGET_PACKAGES="$work/nuget-packages"
dotnet build "$example" -c Release -v quiet -nologo >"$work/build.log" 2>&1 || { cat "$work/build.log" >&2; fail "dotnet build of the example against the packages"; }
[[ -f "$NUGET_PACKAGES/metalearn.algorithms/$version/metalearn.algorithms.$version.nupkg" ]] || fail "the example did not restore MetaLearn.Algorithms $version into the private packages folder"
output=$(dotnet "$example/bin/Release/net10.0/LibraryConsumer.dll" 2>&1) || { echo "$output" >&2; fail "the example exited with an error"; }

# "before meta-training: test mse 4.3084 ± ..." and "after 1000 MAML steps (3.4 s): test mse 0.6895 ± ...": training
# must at least halve the test MSE.
before=$(sed -nE 's/^before meta-training: test mse ([0-9.]+) .*/\1/p' <<<"$output")
after=$(sed -nE 's/^after [0-9]+ MAML steps .*: test mse ([0-9.]+) .*/\1/p' <<<"$output")
steps=$(sed -nE 's/^after ([0-9]+) MAML steps .*/\1/p' <<<"$output")
[[ -n "$before" && -n "$after" ]] || { echo "$output" >&2; fail "the example's output has no before/after test MSE lines"; }
awk -v b="$before" -v a="$after" 'BEGIN { exit !(a < 0.5 * b) }' || { echo "$output" >&2; fail "the test MSE did not drop to under half ($before -> $after)"; }
echo "library packages check passed: packed the 6 libraries $version (README, XML docs, MIT, symbols); examples/LibraryConsumer built against them by PackageReference, test MSE $before -> $after after $steps MAML steps; $((SECONDS - start)) s"
