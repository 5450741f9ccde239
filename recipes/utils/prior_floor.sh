#!/usr/bin/env bash
# Prints the --prior-floor for ksnn-am-forward (nnet-forward's option) that disables the
# classes the network never saw in training: 1 / (total count) of an analyze-counts file.
# analyze-counts adds 0.5 to every count, as Kaldi's does, so a pdf without a single training
# frame (LibriSpeech's spoken-noise phone when no transcript has an OOV) gets a prior of
# 0.5/total, far above nnet-forward's default floor 1e-10: dividing by it lifts whatever
# small posterior the network gives that class above every real one, and the decoder then
# sees spoken noise everywhere (1241 deletions of 1786 words on the LibriSpeech look-alike).
# A class with one frame (1.5/total) stays above this floor.
#
# Usage: utils/prior_floor.sh <counts>
#  e.g.: ksnn-am-forward --class-frame-counts=$counts --prior-floor=$(utils/prior_floor.sh $counts) ...
set -euo pipefail
[ $# -eq 1 ] || { echo "Usage: $0 <counts>" >&2; exit 1; }
awk '{ for (i = 1; i <= NF; i++) if ($i != "[" && $i != "]") s += $i }
  END { if (s <= 0) { print "prior_floor.sh: no counts in " FILENAME > "/dev/stderr"; exit 1 } printf "%.6g\n", 1 / s }' $1
