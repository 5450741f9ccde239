"""Prints the table of recipes/bench/streaming.sh: each trained model's batch-1 frames/s beside
a dense GRU of the same sizes (ksnn, same frames, same run) and the PyTorch reference's
batch-1 GRU step at those sizes."""
import json, os, sys

ksnn = json.load(open(sys.argv[1]))
torch = json.load(open(sys.argv[2]))["models"] if os.path.exists(sys.argv[2]) else {}
tg = torch.get("gru", {}).get("stream_frames_per_s")
tv2 = torch.get("v2", {}).get("stream_frames_per_s")
print("| model | size | frames | % zero outputs (input, layers) | frames/s | dense GRU, ksnn | ratio | PyTorch GRU step | ratio |")
print("|---|---|---|---|---|---|---|---|---|")
for path, m in ksnn.items():
    zeros = ", ".join(f"{z:.1f}" for z in m["zero_percent"])
    fps, gru = m["stream_frames_per_s"], m["gru_stream_frames_per_s"]
    torch_cols = f"{tg:.0f} | {fps / tg:.1f}x" if tg else "- | -"
    print(f"| {path} | {m['layers']}x{m['hidden']}, {m['input_dim']} in, {m['outputs']} out | {m['frames']} | {zeros} "
          f"| {fps:.0f} | {gru:.0f} | {m['ratio_to_gru']:.2f}x | {torch_cols} |")
if tv2:
    print(f"\nPyTorch reference v2 step (untrained, same sizes): {tv2:.0f} frames/s")
