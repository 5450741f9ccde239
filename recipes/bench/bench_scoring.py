#!/usr/bin/env python3
"""Scores 10,000 random utterance pairs with ksnn compute-wer and with kaldialign in one run.

Usage: bench_scoring.py [--n 10000] [--repeats 3] <ksnn-binary> <work-dir>
Pairs follow the shared oracle's generator (tools/bench_scoring.py: seed 1234, 30-word
vocabulary, ~25% of words corrupted). Both sides must agree on the counts.
"""
import argparse, os, random, subprocess, sys, time

import kaldialign


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--n", type=int, default=10000)
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("ksnn")
    p.add_argument("workdir")
    a = p.parse_args()
    os.makedirs(a.workdir, exist_ok=True)
    rng = random.Random(1234)
    vocab = [f"w{i}" for i in range(30)]
    refs, hyps, keys = [], [], []
    for u in range(a.n):
        r = [rng.choice(vocab) for _ in range(rng.randint(1, 25))]
        h = []
        for w in r:
            x = rng.random()
            if x < 0.08: continue
            if x < 0.16: h.append(rng.choice(vocab)); continue
            h.append(w)
            if x < 0.24: h.append(rng.choice(vocab))
        refs.append(r); hyps.append(h); keys.append(f"spk{u % 50:02d}_u{u:05d}")
    ref_file, hyp_file = os.path.join(a.workdir, "ref.txt"), os.path.join(a.workdir, "hyp.txt")
    with open(ref_file, "w") as f:
        for k, r in zip(keys, refs): f.write(k + " " + " ".join(r) + "\n")
    with open(hyp_file, "w") as f:
        for k, h in zip(keys, hyps): f.write(k + " " + " ".join(h) + "\n")

    def ksnn():
        t = time.perf_counter()
        out = subprocess.run([a.ksnn, "compute-wer", "--print-args=false", "--text", "--mode=present",
                              f"ark:{ref_file}", f"ark:{hyp_file}"], check=True, capture_output=True, text=True).stdout
        return time.perf_counter() - t, out.splitlines()[0]

    def kaldialign_loop():
        t = time.perf_counter()
        tot = {"ins": 0, "del": 0, "sub": 0}
        for r, h in zip(refs, hyps):
            d = kaldialign.edit_distance(r, h)
            for k in tot: tot[k] += d[k]
        return time.perf_counter() - t, tot

    def kaldialign_whole():
        script = ("import kaldialign,sys\nrefs={}\nfor l in open(sys.argv[1]):\n p=l.split(); refs[p[0]]=p[1:]\n"
                  "t=[0,0,0]\nfor l in open(sys.argv[2]):\n p=l.split(); d=kaldialign.edit_distance(refs[p[0]],p[1:])\n"
                  " t[0]+=d['ins']; t[1]+=d['del']; t[2]+=d['sub']\nprint(t)")
        t = time.perf_counter()
        subprocess.run([sys.executable, "-c", script, ref_file, hyp_file], check=True, capture_output=True)
        return time.perf_counter() - t

    ks = min((ksnn() for _ in range(a.repeats)), key=lambda x: x[0])
    kl = min((kaldialign_loop() for _ in range(a.repeats)), key=lambda x: x[0])
    kw = min(kaldialign_whole() for _ in range(a.repeats))
    words = sum(len(r) for r in refs)
    expected = f"[ {kl[1]['ins'] + kl[1]['del'] + kl[1]['sub']} / {words}, {kl[1]['ins']} ins, {kl[1]['del']} del, {kl[1]['sub']} sub ]"
    assert expected in ks[1], (ks[1], expected)
    print(f"{a.n} utterance pairs, {words} reference words; counts agree: {ks[1]}")
    print(f"{'scorer':60s} {'ms':>8s}")
    print(f"{'ksnn compute-wer, whole command (read, align, report)':60s} {ks[0]*1000:8.1f}")
    print(f"{'kaldialign ' + kaldialign.__version__ + ' edit_distance loop, in process':60s} {kl[0]*1000:8.1f}")
    print(f"{'kaldialign, whole python command (read files, align)':60s} {kw*1000:8.1f}")
    print(f"ratio vs kaldialign loop (kaldialign time / ksnn time): {kl[0]/ks[0]:.2f}x")
    print(f"ratio vs kaldialign whole command: {kw/ks[0]:.2f}x")


if __name__ == "__main__":
    sys.exit(main())
