#!/usr/bin/env python3
"""Reads one float-matrix archive with ksnn and with kaldiio in the same run; prints MB/s and the ratio.

Usage: bench_tables.py [--size-mb 128] [--repeats 3] <ksnn-binary> <work-dir>
The archive (utterances of 1000 x 80 float32, like fbank features) is written once by
kaldiio and then read from the page cache by both readers, best of --repeats each.
"""
import argparse, os, subprocess, sys, time

import numpy as np
import kaldiio


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--size-mb", type=int, default=128)
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("ksnn")
    p.add_argument("workdir")
    a = p.parse_args()
    os.makedirs(a.workdir, exist_ok=True)
    ark = os.path.join(a.workdir, f"bench_{a.size_mb}mb.ark")
    rows, cols = 1000, 80
    n = a.size_mb * 1024 * 1024 // (rows * cols * 4)
    if not os.path.exists(ark):
        rng = np.random.default_rng(0)
        kaldiio.save_ark(ark, {f"utt{i:05d}": rng.standard_normal((rows, cols), dtype=np.float32) for i in range(n)})
    size = os.path.getsize(ark) / 1e6
    # Warm the page cache so both read from memory.
    with open(ark, "rb") as f:
        while f.read(1 << 24):
            pass

    def timed(args):
        t = time.perf_counter()
        out = subprocess.run(args, check=True, capture_output=True, text=True)
        return time.perf_counter() - t, out.stdout

    def ksnn_whole():
        dt, out = timed([a.ksnn, "feat-to-len", "--print-args=false", f"ark:{ark}"])
        assert int(out) == n * rows, out
        return dt

    def ksnn_startup():
        return timed([a.ksnn, "feat-to-len", "--print-args=false", "ark:/dev/null"])[0]

    def kaldiio_loop():
        t = time.perf_counter()
        total = 0
        for _, m in kaldiio.load_ark(ark):
            total += m.shape[0]
        dt = time.perf_counter() - t
        assert total == n * rows
        return dt

    def kaldiio_whole():
        script = f"import kaldiio\nt=0\nfor _, m in kaldiio.load_ark({ark!r}): t += m.shape[0]\nprint(t)"
        dt, out = timed([sys.executable, "-c", script])
        assert int(out) == n * rows
        return dt

    def copy_floor():
        # One read() per matrix into a reused buffer: the single copy every reader must make.
        buf = bytearray(rows * cols * 4)
        t = time.perf_counter()
        with open(ark, "rb", buffering=0) as f:
            while f.readinto(buf):
                pass
        return time.perf_counter() - t

    best = lambda f: min(f() for _ in range(a.repeats))
    kw, ks, kl, iw, fl = best(ksnn_whole), best(ksnn_startup), best(kaldiio_loop), best(kaldiio_whole), best(copy_floor)
    kr = max(kw - ks, 1e-9)
    print(f"archive: {ark} ({size:.1f} MB, {n} matrices of {rows}x{cols} float32), page cache warm, best of {a.repeats}")
    print(f"{'reader':52s} {'ms':>8s} {'MB/s':>8s}")
    for name, dt in [
        ("ksnn feat-to-len, whole command", kw),
        ("ksnn read loop (whole command - empty-archive run)", kr),
        (f"kaldiio {kaldiio.__version__} load_ark, whole python command", iw),
        (f"kaldiio {kaldiio.__version__} load_ark loop, in process", kl),
        ("copy floor: read() into one reused buffer", fl),
    ]:
        print(f"{name:52s} {dt*1000:8.1f} {size/dt:8.0f}")
    print(f"ratio, whole commands (kaldiio time / ksnn time): {iw/kw:.2f}x")
    print(f"ratio, read loops     (kaldiio time / ksnn time): {kl/kr:.2f}x")


if __name__ == "__main__":
    sys.exit(main())
