#!/usr/bin/env python3
"""Synthetic training data for the scale benchmarks: a binary Kaldi feature archive (and its
scp) of U utterances x T frames x D dims, and frame targets (int32 vectors) in a binary ark.

Usage: synthetic_data.py <utterances> <frames> <dim> <classes> <out-prefix>
Writes <out-prefix>.feats.ark/.scp and <out-prefix>.ali.ark. Features are class means plus
noise, written in blocks so that a 100 h set never sits in memory.
"""
import struct
import sys

import numpy as np


def main():
    utts, frames, dim, classes, prefix = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
    rng = np.random.default_rng(7)
    means = rng.standard_normal((classes, dim)).astype(np.float32)
    with open(prefix + ".feats.ark", "wb") as ark, open(prefix + ".feats.scp", "w") as scp, open(prefix + ".ali.ark", "wb") as ali:
        for u in range(utts):
            key = "utt%07d" % u
            # Segments of 3-12 frames of one class each, as an alignment looks.
            lengths = rng.integers(3, 13, size=frames)
            labels = np.repeat(rng.integers(0, classes, size=frames), lengths)[:frames].astype(np.int32)
            x = means[labels] + 0.5 * rng.standard_normal((frames, dim)).astype(np.float32)
            ark.write(key.encode() + b" ")
            scp.write("%s %s.feats.ark:%d\n" % (key, prefix, ark.tell()))
            ark.write(b"\0BFM " + struct.pack("<bibi", 4, frames, 4, dim))
            ark.write(x.astype("<f4").tobytes())
            ali.write(key.encode() + b" \0B" + struct.pack("<bi", 4, frames))
            # Kaldi's binary int32 vector: each element is a size byte (4) and the value.
            elements = np.zeros(frames, dtype=[("size", "i1"), ("value", "<i4")])
            elements["size"], elements["value"] = 4, labels
            ali.write(elements.tobytes())


if __name__ == "__main__":
    main()
