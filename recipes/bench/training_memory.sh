#!/usr/bin/env bash
# Benchmark: ksnn-am-train's peak memory does not grow with the corpus. Synthetic training sets
# of 1 h and 100 h (360k and 36M frames x 40 dims, utterances of 4 s; the 100 h features are
# 5.8 GB), the same 2x550 LSTM and the same 10 minibatches of 8 x 400 frames on each, in one
# run: peak RSS (the process's ru_maxrss) and the training loop's frames/s.
# Usage: recipes/bench/training_memory.sh   (from the repository root after `make build`;
#        needs ~12 GB of disk under bench/ for the 100 h features and their training cache)
set -euo pipefail
cd "$(dirname "$0")/../.."
ksnn=$PWD/.build/release/ksnn
dir=bench/training_memory
mkdir -p $dir
for set in 1h:900 100h:90000; do
  name=${set%%:*} utts=${set#*:}
  [ -f $dir/$name.done ] || { python3 recipes/bench/synthetic_data.py $utts 400 40 1936 $dir/$name && touch $dir/$name.done; }
done
[ -f $dir/dev.ali.ark ] || python3 recipes/bench/synthetic_data.py 2 400 40 1936 $dir/dev
python3 - "$ksnn" "$dir" <<'PY'
import re, subprocess, sys, time
ksnn, d = sys.argv[1], sys.argv[2]
rows = []
for name in ["1h", "100h"]:
    cmd = [ksnn, "ksnn-am-train", "--architecture=lstm", "--num-targets=1936", "--epochs=1", "--batch-size=8",
           "--seq-length-schedule=400*1", "--max-batches-per-epoch=10",
           f"scp:{d}/{name}.feats.scp", f"ark:{d}/{name}.ali.ark", f"scp:{d}/dev.feats.scp", f"ark:{d}/dev.ali.ark", f"{d}/exp_{name}"]
    start = time.time()
    # GNU time's %M is the command's own maximum resident set size, in KiB.
    log = subprocess.run(["/usr/bin/time", "-f", "peak-rss-kib %M"] + cmd, stderr=subprocess.PIPE, text=True)
    wall = time.time() - start
    if log.returncode != 0:
        sys.exit(f"{name}: ksnn-am-train failed:\n{log.stderr[-2000:]}")
    peak = int(re.search(r"peak-rss-kib (\d+)", log.stderr).group(1))
    frames = int(re.search(r"Training data: \d+ utterances, (\d+) frames", log.stderr).group(1))
    fps = float(re.findall(r"([0-9.e+]+) frames/s", log.stderr)[-1])
    rows.append((name, frames, peak / 1024, fps, wall))
print("| training set | frames | peak RSS | training frames/s (10 minibatches) | whole command |")
print("|---|---|---|---|---|")
for name, frames, mb, fps, wall in rows:
    print(f"| {name} | {frames:,} | {mb:.0f} MB | {fps:.0f} | {wall:.0f} s |")
print(f"peak RSS 100h / 1h: {rows[1][2] / rows[0][2]:.3f}; frames/s 100h / 1h: {rows[1][3] / rows[0][3]:.3f}")
PY
