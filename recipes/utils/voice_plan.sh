#!/usr/bin/env bash
# Prints <count> speaker voices for utils/synthesize_corpus.sh, one per line:
# "engine voice stretch f0 speed eq-hz eq-db snr-db": the six voices of two synthesizers in
# turn (festival kal and ked, flite kal16, awb, rms and slt), each with its own speaking
# rate (duration stretch 0.85-1.2), pitch (male voices 95-190 Hz, slt 160-240 Hz), speed
# perturbation (0.92-1.08), one equaliser band (250-4000 Hz, -8..+8 dB) and white noise at
# 28-45 dB SNR. Voice <first> onwards, so that train, dev and test speakers differ;
# deterministic.
#
# Usage: utils/voice_plan.sh <count> <first>
#  e.g.: utils/voice_plan.sh 12 0 > speakers.train; utils/voice_plan.sh 4 100 > speakers.dev
set -euo pipefail
[ $# -eq 2 ] || { echo "Usage: $0 <count> <first>" >&2; exit 1; }
awk -v n=$1 -v first=$2 'BEGIN {
  split("festival festival flite flite flite flite", engine, " ")
  split("kal ked kal16 awb rms slt", voice, " ")
  for (i = first; i < first + n; i++) {
    srand(7919 * i + 17)
    v = i % 6 + 1
    low = voice[v] == "slt" ? 160 : 95; high = voice[v] == "slt" ? 240 : 190
    printf "%s %s %.2f %d %.3f %d %.1f %.1f\n", engine[v], voice[v], 0.85 + 0.35 * rand(), low + (high - low) * rand(),
      0.92 + 0.16 * rand(), int(exp(log(250) + (log(4000) - log(250)) * rand())), -8 + 16 * rand(), 28 + 17 * rand() } }'
