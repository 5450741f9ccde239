#!/usr/bin/env python3
"""Decodes the same graph and log-likelihoods with ksnn decode-faster-mapped and with
kaldi-decoder's FasterDecoder (the engine of the shared tools/ref_decode.py) in one run.

Usage: bench_decode.py [--copies 20] [--repeats 3] <ksnn-binary> <work-dir>
Graph and log-likelihoods: the real Kaldi TIMIT tri3 system in Tests/DecodingTests/Fixtures
(6 dev utterances, repeated --copies times), acoustic scale 0.2, beam 13, max-active 7000
(the paper's TIMIT decoding settings). Decoding time excludes reading the graph and model on
both sides: ksnn's own "Time taken [excluding initialization]" line, kaldi-decoder's decode
loop; prints real-time factors (100 frames/s) and the ratio, and checks the words agree.
"""
import argparse, os, re, subprocess, sys, time

import numpy as np
import kaldiio, kaldifst, kaldi_decoder


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--copies", type=int, default=20)
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("ksnn")
    p.add_argument("workdir")
    a = p.parse_args()
    fx = os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../Tests/DecodingTests/Fixtures/tri3")
    os.makedirs(a.workdir, exist_ok=True)
    utts = list(kaldiio.load_ark(os.path.join(fx, "loglikes.ark")))
    ark = os.path.join(a.workdir, "loglikes.ark")
    kaldiio.save_ark(ark, {f"c{c:03d}_{k}": m for c in range(a.copies) for k, m in utts})
    frames = sum(m.shape[0] for _, m in utts) * a.copies

    tid2pdf = [0]
    out = subprocess.run([a.ksnn, "show-transitions", "--print-args=false", os.path.join(fx, "phones.txt"), os.path.join(fx, "final.mdl")],
                         capture_output=True, text=True, check=True).stdout
    pdf = None
    for line in out.splitlines():
        m = re.match(r"Transition-state \d+: .* pdf = (\d+)", line)
        if m: pdf = int(m.group(1))
        elif line.startswith(" Transition-id"): tid2pdf.append(pdf)
    tid2pdf = np.array(tid2pdf)

    def ksnn():
        r = subprocess.run([a.ksnn, "decode-faster-mapped", "--print-args=false", "--acoustic-scale=0.2", "--beam=13", "--max-active=7000",
                            os.path.join(fx, "final.mdl"), os.path.join(fx, "HCLG.fst"), f"ark:{ark}", "ark,t:-"],
                           capture_output=True, text=True, check=True)
        seconds = float(re.search(r"Time taken \[excluding initialization\] ([0-9.e-]+)s", r.stderr).group(1))
        return seconds, r.stdout

    fst = kaldifst.StdConstFst.read(os.path.join(fx, "HCLG.fst"))
    def reference():
        dec = kaldi_decoder.FasterDecoder(fst, kaldi_decoder.FasterDecoderOptions(beam=13.0, max_active=7000))
        lines = []
        t = time.perf_counter()
        for c in range(a.copies):
            for k, m in utts:
                dec.decode(kaldi_decoder.DecodableCtc(np.ascontiguousarray(0.2 * m[:, tid2pdf[1:]], dtype=np.float32)))
                ok, lat = dec.get_best_path()
                assert ok
                # The best path is linear: follow it in the lattice's text form.
                arcs = {}
                for line in lat.to_str().splitlines():
                    f = line.split()
                    if len(f) >= 4: arcs[int(f[0])] = (int(f[1]), int(f[3]))
                words, s = [], lat.start
                while s in arcs:
                    s, o = arcs[s]
                    if o: words.append(o)
                lines.append(f"c{c:03d}_{k} " + "".join(f"{w} " for w in words))
        return time.perf_counter() - t, "\n".join(lines) + "\n"

    ks = min((ksnn() for _ in range(a.repeats)), key=lambda r: r[0])
    kd = min((reference() for _ in range(a.repeats)), key=lambda r: r[0])
    agree = ks[1] == kd[1]
    print(f"{frames} frames ({len(utts)} tri3 dev utterances x {a.copies}), acwt 0.2, beam 13, max-active 7000; words agree: {agree}")
    print(f"ksnn decode-faster-mapped: {ks[0]:.3f} s, RTF {ks[0]/(frames/100):.5f}")
    print(f"kaldi-decoder FasterDecoder (python loop): {kd[0]:.3f} s, RTF {kd[0]/(frames/100):.5f}")
    print(f"ratio (kaldi-decoder time / ksnn time): {kd[0]/ks[0]:.2f}x")


if __name__ == "__main__":
    sys.exit(main())
