#!/usr/bin/env bash
# Side-by-side CPU-time A/B of two builds of the detection engine (issue 3 item 8), in one run:
#   bench/detection-ab.sh BASE_DLL NEW_DLL [ROUNDS]
# Each round runs `detection-cpu ab` (prompt text of 100 KB, 1 MB, 10 MB after a warm-up) for base then new (the order
# alternates between rounds), once with DOTNET_TieredCompilation=0 and once with the default runtime settings (tiered
# compilation + dynamic PGO, after the probe's warm-up). Prints every row, then medians and ranges of MB per CPU-second.
# PROBE_MODE=prompt runs `detection-cpu prompt` instead: every prompt-text size, 1 KB and 64 KB included (the sizes of
# most real prompts, where the per-call cost weighs most).
# BASE_DLL may equal NEW_DLL: the same build measured twice, alternated (the spread of one build on this machine).
set -euo pipefail
base=$1; new=$2; rounds=${3:-3}; probe=${PROBE_MODE:-ab}
out=$(mktemp -d)
for r in $(seq 1 "$rounds"); do
  if (( r % 2 )); then order="base new"; else order="new base"; fi
  for mode in tc0 default; do
    for which in $order; do
      dll=$base; [[ $which == new ]] && dll=$new
      echo "== round $r, $mode, $which ($(date -u +%H:%M:%S))"
      if [[ $mode == tc0 ]]; then DOTNET_TieredCompilation=0 dotnet "$dll" detection-cpu "$probe" | tee "$out/$r-$mode-$which"
      else dotnet "$dll" detection-cpu "$probe" | tee "$out/$r-$mode-$which"; fi
    done
  done
done
python3 - "$out" <<'PY'
import sys, os, statistics, re
d = sys.argv[1]; rows = {}
for f in sorted(os.listdir(d)):
    r, mode, which = f.split('-')
    for line in open(os.path.join(d, f)):
        m = re.match(r'\| prompt text (\d+) KB \| [\d,]+ \| ([\d.]+) \| ([\d.]+) \|', line)
        if m:
            rows.setdefault((mode, int(m.group(1)), which), []).append(float(m.group(3)))
        m = re.match(r'peak resident memory \(VmHWM\): (\d+) kB', line)
        if m:
            rows.setdefault((mode, 'rss', which), []).append(int(m.group(1)) / 1024)
print("| runtime | input | base: median (range) MB per CPU-second | new: median (range) | new / base (medians) |")
print("|---|---|---:|---:|---:|")
for mode in ('tc0', 'default'):
    for size in (1, 64, 100, 1024, 10240, 'rss'):
        b = rows.get((mode, size, 'base'), []); n = rows.get((mode, size, 'new'), [])
        if not b or not n: continue
        label = 'peak RSS MB' if size == 'rss' else f'{size} KB' if size < 1024 else f'{size // 1024} MB'
        fmt = lambda v: f"{statistics.median(v):.1f} ({min(v):.1f}–{max(v):.1f})"
        print(f"| {'TieredCompilation=0' if mode == 'tc0' else 'default (tiered, PGO)'} | {label} | {fmt(b)} | {fmt(n)} | {statistics.median(n) / statistics.median(b):.2f} |")
PY
