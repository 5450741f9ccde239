"""Prints the side-by-side table of recipes/bench/models.sh: ksnn vs PyTorch frames/s and ratios."""
import json, sys

ksnn, torch = (json.load(open(p)) for p in sys.argv[1:3])
print("| model | train frames/s ksnn | PyTorch | ratio | streaming frames/s ksnn | PyTorch | ratio |")
print("|---|---|---|---|---|---|---|")
for k in ["lstm", "gru", "snn", "v1", "v2"]:
    a, b = ksnn[k], torch["models"][k]
    print(f"| {k} | {a['train_frames_per_s']:.0f} | {b['frames_per_s']:.0f} | {a['train_frames_per_s'] / b['frames_per_s']:.2f}x "
          f"| {a['stream_frames_per_s']:.0f} | {b['stream_frames_per_s']:.0f} | {a['stream_frames_per_s'] / b['stream_frames_per_s']:.2f}x |")
print(f"\nLSTM training {ksnn['lstm']['train_gflops']:.1f} GFLOP/s = "
      f"{100 * ksnn['lstm']['train_gflops'] / ksnn['sgemm_gflops_lstm_shapes']:.0f}% of cblas_sgemm at its shapes "
      f"({ksnn['sgemm_gflops_lstm_shapes']:.1f} GFLOP/s)")
