#!/usr/bin/env bash
# Renders a `metalearn report` page in headless Chromium and checks that the learning curves and the adapted
# predictions are really drawn: the page's SVG charts are in the DOM, and the screenshot holds pixels of each
# series colour. Installs Debian's chromium when missing (needs root or sudo).
#
#   bash scripts/check-report-in-chromium.sh [WORK_DIR]
#
# Trains a short default run (300 steps of MAML on sinusoids, validated every 50) into WORK_DIR (default: a temp dir).
set -euo pipefail
cd "$(dirname "$0")/.."
work=${1:-$(mktemp -d)}
mkdir -p "$work"

browser=$(command -v chromium || command -v chromium-browser || true)
if [[ -z "$browser" ]]; then
  echo "installing Debian's chromium" >&2
  as_root=$([[ $(id -u) == 0 ]] && echo "" || echo "sudo")
  $as_root apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive $as_root apt-get install -y -qq --no-install-recommends chromium >/dev/null
  browser=$(command -v chromium)
fi

metalearn() { dotnet run -c Release --project src/MetaLearn.Cli -- "$@"; }
metalearn train --steps 300 --set validation_interval=50 --set test_episodes=100 --out "$work/run" 2>"$work/train.err" >/dev/null \
  || { cat "$work/train.err" >&2; exit 1; }
metalearn report "$work/run" --out "$work/report.html" >/dev/null

flags=(--headless --no-sandbox --disable-gpu --hide-scrollbars --no-first-run --disable-dev-shm-usage)
timeout 120 "$browser" "${flags[@]}" --dump-dom "file://$work/report.html" >"$work/dom.html" 2>/dev/null
timeout 120 "$browser" "${flags[@]}" --window-size=1000,5000 --screenshot="$work/report.png" "file://$work/report.html" >/dev/null 2>&1

python3 - "$work/dom.html" "$work/report.png" <<'PY'
import re, struct, sys, zlib

dom = open(sys.argv[1], encoding="utf-8").read()
charts, lines = dom.count("<svg"), re.findall(r'<polyline[^>]*points="([^"]*)"', dom)
points = [len(p.split()) for p in lines]
print(f"DOM after rendering: {charts} SVG charts, {len(lines)} polylines with {points} points")

def pixels(path):
    data = open(path, "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "screenshot is not a PNG"
    pos, idat, width = 8, b"", 0
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", body)
            assert depth == 8 and colour in (2, 6) and interlace == 0, (depth, colour, interlace)
            channels = 3 if colour == 2 else 4
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    raw, stride, prev, out = zlib.decompress(idat), width * channels, bytearray(width * channels), []
    for y in range(height):
        f, row = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = row[i - channels] if i >= channels else 0
            b, c = prev[i], prev[i - channels] if i >= channels else 0
            if f == 1: row[i] = (row[i] + a) & 255
            elif f == 2: row[i] = (row[i] + b) & 255
            elif f == 3: row[i] = (row[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                row[i] = (row[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        out.append(row)
        prev = row
    return width, height, channels, out

width, height, channels, rows = pixels(sys.argv[2])
colours = {"learning curves #1f77b4": (0x1f, 0x77, 0xb4), "true curve #2ca02c": (0x2c, 0xa0, 0x2c), "adapted fit #d62728": (0xd6, 0x27, 0x28)}
counts = {name: 0 for name in colours}
for row in rows:
    for x in range(width):
        px = row[x * channels:x * channels + 3]
        for name, rgb in colours.items():
            if all(abs(px[k] - rgb[k]) <= 12 for k in range(3)):
                counts[name] += 1
print(f"screenshot {width}x{height}: pixels per series colour {counts}")
failed = []
if charts < 4: failed.append(f"expected at least 4 SVG charts (loss and validation against step and time, the fits), found {charts}")
if len(lines) < 4 or min(points) < 2: failed.append("a learning curve has fewer than 2 points")
failed += [f"no pixels of the {name} drawn" for name, n in counts.items() if n < 100]
if failed:
    sys.exit("report check FAILED: " + "; ".join(failed))
print("report check passed: the charts are in the rendered page and their curves are on the screen")
PY
