#!/usr/bin/env python3
"""fbank-80 and MFCC-13 over 10 minutes of 16 kHz audio on one core, ksnn vs kaldi-native-fbank.

Usage: bench_features.py [--minutes 10] [--repeats 3] <ksnn-binary> <work-dir>
The audio is 60 utterances of 10 s (the shared 2.78 s espeak utterance tiled), written as
16-bit WAV files listed in a wav.scp. Both sides run pinned to core 0 (taskset -c 0), with
--dither=0 (same work on both sides), as whole commands that read the WAVs and produce the
features; kaldi-native-fbank's in-process compute time is printed too. Prints frames/s,
real-time factor and the ratio.
"""
import argparse, os, subprocess, sys, time, wave

import numpy as np


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--minutes", type=float, default=10)
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("ksnn")
    p.add_argument("workdir")
    a = p.parse_args()
    os.makedirs(a.workdir, exist_ok=True)
    here = os.path.dirname(os.path.abspath(__file__))
    source = os.path.join(here, "../../Tests/FeaturesTests/Fixtures/e1_16k.wav")
    with wave.open(source) as w:
        base = np.frombuffer(w.readframes(w.getnframes()), dtype=np.int16)
    n_utts = int(round(a.minutes * 6))
    scp = os.path.join(a.workdir, "wav.scp")
    with open(scp, "w") as f:
        for u in range(n_utts):
            path = os.path.join(a.workdir, f"utt{u:03d}.wav")
            if not os.path.exists(path):
                samples = np.resize(np.roll(base, 997 * u), 160000)
                with wave.open(path, "wb") as w:
                    w.setnchannels(1); w.setsampwidth(2); w.setframerate(16000)
                    w.writeframes(samples.astype(np.int16).tobytes())
            f.write(f"utt{u:03d} {path}\n")
    seconds = n_utts * 10.0
    knf_script = r'''
import sys, time, wave, numpy as np, kaldi_native_fbank as knf
kind = sys.argv[1]
paths = [l.split()[1] for l in open(sys.argv[2])]
t0 = time.perf_counter(); frames = 0
for p in paths:
    with wave.open(p) as w:
        x = np.frombuffer(w.readframes(w.getnframes()), dtype=np.int16).astype(np.float32)
    if kind == "fbank":
        o = knf.FbankOptions(); o.mel_opts.num_bins = 80
        comp = knf.OnlineFbank
    else:
        o = knf.MfccOptions()
        comp = knf.OnlineMfcc
    o.frame_opts.dither = 0.0
    c = comp(o)
    c.accept_waveform(16000, x.tolist())
    c.input_finished()
    m = np.array([c.get_frame(i) for i in range(c.num_frames_ready)])
    frames += m.shape[0]
print(frames, time.perf_counter() - t0)
'''

    def timed(cmd):
        t = time.perf_counter()
        out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
        return time.perf_counter() - t, out

    print(f"{n_utts} utterances, {seconds/60:.1f} min of 16 kHz audio, core 0 only, dither 0, best of {a.repeats}")
    print(f"{'features':10s} {'system':44s} {'seconds':>8s} {'frames/s':>10s} {'RTF':>8s}")
    for kind, tool, opts in [("fbank", "compute-fbank-feats", ["--num-mel-bins=80"]), ("mfcc", "compute-mfcc-feats", [])]:
        ks = min((timed(["taskset", "-c", "0", a.ksnn, tool, "--print-args=false", "--dither=0"] + opts + [f"scp:{scp}", f"ark:{a.workdir}/{kind}.ark"]) for _ in range(a.repeats)), key=lambda r: r[0])[0]
        frames = int(subprocess.run([a.ksnn, "feat-to-len", "--print-args=false", f"ark:{a.workdir}/{kind}.ark"], capture_output=True, text=True).stdout)
        runs = [timed(["taskset", "-c", "0", sys.executable, "-c", knf_script, kind, scp]) for _ in range(a.repeats)]
        kw = min(r[0] for r in runs)
        kn_frames, kin = min((tuple(map(float, r[1].split())) for r in runs), key=lambda x: x[1])
        assert int(kn_frames) == frames, (kn_frames, frames)
        for name, t in [("ksnn (whole command: read WAVs, compute, write ark)", ks),
                        ("kaldi-native-fbank (whole python command)", kw),
                        ("kaldi-native-fbank (compute loop in process)", kin)]:
            print(f"{kind:10s} {name:44s} {t:8.3f} {frames/t:10.0f} {t/seconds:8.5f}")
        print(f"{kind:10s} ratio, whole commands (knf time / ksnn time): {kw/ks:.1f}x; vs knf compute loop alone: {kin/ks:.1f}x")


if __name__ == "__main__":
    sys.exit(main())
