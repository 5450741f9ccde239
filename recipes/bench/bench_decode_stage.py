#!/usr/bin/env python3
"""The decode stage of the recipes, before and after lattices, in one run: scoring a set at
LM weights 1..10 x word insertion penalties 0.0/0.5/1.0 (TIMIT's grid).

Before: one decode-faster-mapped pass per grid point (acoustic scale 1/LMWT; the penalty
added to the graph costs word arcs the same as the plain graph, so the plain graph is
decoded), one after another as the recipes ran them. After: the recipes' decode stage now,
steps/decode_mapped.sh with its default --nj 2: latgen-faster-mapped over two halves of the
set at once, then lattice-scale | lattice-add-penalty | lattice-best-path per grid point,
two at a time, as steps/score.sh does. Whole commands timed. Data: the real Kaldi TIMIT tri3 graph and the log-likelihoods of its 6 dev
utterances, repeated --copies times. Prints seconds, the ratio, and at how many of the 10
LM weights (penalty 0) the two give the same words.

Each side is timed --repeats times (alternating) and its best time kept, as the other rows of
the README's benchmark table are.

Usage: bench_decode_stage.py [--copies 10] [--nj 2] [--repeats 3] <ksnn-binary> <work-dir>
"""
import argparse, os, subprocess, time
from concurrent.futures import ThreadPoolExecutor

import kaldiio


def run(cmd):
    subprocess.run(cmd, shell=True, check=True, executable="/bin/bash", stderr=subprocess.DEVNULL)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--copies", type=int, default=10)
    p.add_argument("--nj", type=int, default=2)
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("ksnn")
    p.add_argument("workdir")
    a = p.parse_args()
    fx = os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../Tests/DecodingTests/Fixtures/tri3")
    os.makedirs(a.workdir, exist_ok=True)
    for f in os.listdir(a.workdir):   # lattices of an earlier run with another --nj
        if f.startswith("lat.") and f.endswith(".gz"):
            os.remove(os.path.join(a.workdir, f))
    utts = list(kaldiio.load_ark(os.path.join(fx, "loglikes.ark")))
    ark = os.path.join(a.workdir, "loglikes.ark")
    every = {f"c{c:03d}_{k}": m for c in range(a.copies) for k, m in utts}
    kaldiio.save_ark(ark, every)
    keys = sorted(every)
    for j in range(a.nj):   # the split steps/decode_mapped.sh makes: contiguous parts
        part = keys[j * len(keys) // a.nj:(j + 1) * len(keys) // a.nj]
        kaldiio.save_ark(os.path.join(a.workdir, f"loglikes.{j + 1}.ark"), {k: every[k] for k in part})
    frames = sum(m.shape[0] for _, m in utts) * a.copies
    k, mdl, hclg, w = a.ksnn, os.path.join(fx, "final.mdl"), os.path.join(fx, "HCLG.fst"), a.workdir
    lmwts, wips = range(1, 11), ["0.0", "0.5", "1.0"]

    def old_stage():
        t = time.perf_counter()
        for lmwt in lmwts:
            for wip in wips:
                run(f"{k} decode-faster-mapped --acoustic-scale={1 / lmwt:.6g} --beam=13 --max-active=7000 {mdl} {hclg} ark:{ark} ark,t:{w}/old.{lmwt}_{wip}.tra")
        return time.perf_counter() - t

    def new_stage():
        t = time.perf_counter()
        with ThreadPoolExecutor(a.nj) as pool:
            list(pool.map(run, [f"{k} latgen-faster-mapped --acoustic-scale=0.3162 --beam=13 --lattice-beam=8 --max-active=7000 "
                                f"{mdl} {hclg} ark:{w}/loglikes.{j}.ark 'ark:|gzip -c > {w}/lat.{j}.gz'" for j in range(1, a.nj + 1)]))
        generation = time.perf_counter() - t
        with ThreadPoolExecutor(a.nj) as pool:
            list(pool.map(run, [f"{k} lattice-scale --inv-acoustic-scale={lmwt} 'ark:gunzip -c {w}/lat.*.gz |' ark:- | "
                                f"{k} lattice-add-penalty --word-ins-penalty={wip} ark:- ark:- | {k} lattice-best-path ark:- ark,t:{w}/new.{lmwt}_{wip}.tra"
                                for lmwt in lmwts for wip in wips]))
        return time.perf_counter() - t, generation

    befores, afters = [], []
    for _ in range(a.repeats):
        befores.append(old_stage())
        afters.append(new_stage())
    before = min(befores)
    after, generation = min(afters)
    def words(f):
        return sorted(open(f).read().splitlines())
    same = sum(words(f"{w}/old.{l}_0.0.tra") == words(f"{w}/new.{l}_0.0.tra") for l in lmwts)
    print(f"frames: {frames} ({a.copies} x 6 utterances), grid: 10 LM weights x 3 penalties")
    print(f"best of {a.repeats} runs each")
    print(f"before: 30 decode-faster-mapped passes: {before:.2f} s")
    print(f"after: latgen-faster-mapped once in {a.nj} jobs ({generation:.2f} s) + 30 lattice best paths, {a.nj} at a time: {after:.2f} s")
    print(f"ratio: {before / after:.2f}x; same words at {same} of 10 LM weights")


if __name__ == "__main__":
    main()
