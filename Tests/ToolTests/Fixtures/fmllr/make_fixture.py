#!/usr/bin/env python3
"""Makes this fixture folder from the real Kaldi TIMIT tri3 system of the shared reference
material, with an oracle independent of ksnn (numpy + kaldiio).

    .venv-oracle/bin/python make_fixture.py <shared>/fixtures/kaldi-timit-public

Inputs (subsets, values unchanged): src/{feats.ark,cmvn.ark,utt2spk,spk2utt,text,wav.scp,
spk2gender,utt2num_frames} for 3 dev utterances of speakers FDBM0 and FHMI0;
gmm/{final.mat,splice_opts,cmvn_opts}; trans/trans.1 (the two speakers' fMLLR).
Oracle outputs: expected/lda.ark (MFCC -> per-speaker mean normalisation -> splice +-3 ->
final.mat) for FDBM0_SI547, expected/fmllr.ark (then the speaker's affine fMLLR) for all 3,
expected/fdbm0_fmllr.txt (FDBM0's transform as a text matrix), expected/logdet.txt.
"""
import os
import shutil
import sys

import kaldiio
import numpy as np

root = sys.argv[1]
here = os.path.dirname(os.path.abspath(__file__))
utts = ["FDBM0_SI547", "FDBM0_SX23", "FHMI0_SX23"]
spk_of = {u: u.split("_")[0] for u in utts}
speakers = sorted(set(spk_of.values()))
for d in ["src", "gmm", "trans", "expected"]:
    os.makedirs(os.path.join(here, d), exist_ok=True)

dev = os.path.join(root, "data/dev")
feats_all = dict(kaldiio.load_ark(os.path.join(dev, "feats.ark")))
cmvn_all = dict(kaldiio.load_ark(os.path.join(dev, "cmvn.ark")))
kaldiio.save_ark(os.path.join(here, "src/feats.ark"), {u: feats_all[u] for u in utts})
kaldiio.save_ark(os.path.join(here, "src/cmvn.ark"), {s: cmvn_all[s] for s in speakers})


def subset(name, keys):
    with open(os.path.join(dev, name)) as f, open(os.path.join(here, "src", name), "w") as out:
        for line in f:
            if line.split()[0] in keys:
                out.write(line)


for name in ["utt2spk", "text", "wav.scp", "utt2num_frames"]:
    subset(name, set(utts))
subset("spk2gender", set(speakers))
with open(os.path.join(here, "src/spk2utt"), "w") as out:
    for s in speakers:
        out.write(s + " " + " ".join(u for u in utts if spk_of[u] == s) + "\n")

tri3 = os.path.join(root, "exp/tri3")
for name in ["final.mat", "splice_opts", "cmvn_opts"]:
    shutil.copyfile(os.path.join(tri3, name), os.path.join(here, "gmm", name))
trans_all = dict(kaldiio.load_ark(os.path.join(tri3, "decode_dev/trans.1")))
kaldiio.save_ark(os.path.join(here, "trans/trans.1"), {s: trans_all[s] for s in speakers})

# The oracle, in float64 from the float32 inputs.
lda = kaldiio.load_mat(os.path.join(tri3, "final.mat")).astype(np.float64)  # 40 x 91
context = 3


def splice(x, n):
    t = x.shape[0]
    idx = np.clip(np.arange(t)[:, None] + np.arange(-n, n + 1)[None, :], 0, t - 1)
    return x[idx].reshape(t, -1)


out_lda, out_fmllr = {}, {}
for u in utts:
    stats = cmvn_all[spk_of[u]].astype(np.float64)
    dim = stats.shape[1] - 1
    mean = stats[0, :dim] / stats[0, dim]
    x = feats_all[u].astype(np.float64) - mean          # apply-cmvn, means only
    x = x.astype(np.float32).astype(np.float64)         # apply-cmvn writes float
    y = splice(x, context) @ lda.T                      # splice-feats | transform-feats final.mat
    y = y.astype(np.float32).astype(np.float64)
    w = trans_all[spk_of[u]].astype(np.float64)         # 40 x 41
    z = y @ w[:, :-1].T + w[:, -1]
    out_lda[u] = y.astype(np.float32)
    out_fmllr[u] = z.astype(np.float32)
kaldiio.save_ark(os.path.join(here, "expected/lda.ark"), {"FDBM0_SI547": out_lda["FDBM0_SI547"]})
kaldiio.save_ark(os.path.join(here, "expected/fmllr.ark"), out_fmllr)

w = trans_all["FDBM0"]
with open(os.path.join(here, "expected/fdbm0_fmllr.txt"), "w") as f:
    f.write(" [\n")
    for i, row in enumerate(w):
        f.write("  " + " ".join("%.9g" % v for v in row) + (" ]\n" if i == len(w) - 1 else "\n"))


def half_logdet_gram(m):
    sign, ld = np.linalg.slogdet(m @ m.T)
    return 0.5 * ld


frames = {u: feats_all[u].shape[0] for u in utts}
total = sum(frames.values())
ld_lda = half_logdet_gram(lda)
ld_spk = {s: half_logdet_gram(trans_all[s].astype(np.float64)[:, :-1]) for s in speakers}
avg_fmllr = sum(frames[u] * ld_spk[spk_of[u]] for u in utts) / total
fdbm0_frames = sum(frames[u] for u in utts if spk_of[u] == "FDBM0")
with open(os.path.join(here, "expected/logdet.txt"), "w") as f:
    f.write("final.mat: Overall average [pseudo-]logdet is %.6g over %.6g frames.\n" % (ld_lda, total))
    f.write("trans.1: Overall average logdet is %.6g over %.6g frames.\n" % (avg_fmllr, total))
    f.write("FDBM0 global: Overall average logdet is %.6g over %.6g frames.\n" % (ld_spk["FDBM0"], fdbm0_frames))
    f.write("FHMI0 only: Overall average logdet is %.6g over %.6g frames.\n" % (ld_spk["FHMI0"], total - fdbm0_frames))
    f.write("# unrounded: final.mat %.17g; FDBM0 %.17g; FHMI0 %.17g; frames %s\n" % (ld_lda, ld_spk["FDBM0"], ld_spk["FHMI0"], frames))
