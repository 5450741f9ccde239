#!/usr/bin/env bash
# Prints the --prior-floor for ksnn-am-forward (nnet-forward's option) that disables the
# classes the network saw fewer than --min-frames times in training: min-frames / (total
# count) of an analyze-counts file. Dividing a posterior by the prior of a class that is
# (almost) never seen lifts whatever small probability the network gives it above every
# real class, and the decoder then hears that class everywhere. analyze-counts adds 0.5 to
# every count, as Kaldi's does, so a pdf without a single training frame (LibriSpeech's
# spoken noise when no transcript has an OOV) has a prior of 0.5/total, far above
# nnet-forward's default floor 1e-10: on the LibriSpeech look-alike that made an LSTM delete
# 1241 of 1786 words. Pdfs of rare stressed phones seen 3 or 4 times did the same to v2
# (527 deletions, WER 42.8) until they were disabled too (default --min-frames 10).
#
# Usage: utils/prior_floor.sh [--min-frames 10] <counts>
#  e.g.: ksnn-am-forward --class-frame-counts=$counts --prior-floor=$(utils/prior_floor.sh $counts) ...
set -euo pipefail
min_frames=10
. "$(dirname "$0")/parse_options.sh"
[ $# -eq 1 ] || { echo "Usage: $0 [--min-frames N] <counts>" >&2; exit 1; }
awk -v n=$min_frames '{ for (i = 1; i <= NF; i++) if ($i != "[" && $i != "]") s += $i }
  END { if (s <= 0) { print "prior_floor.sh: no counts in " FILENAME > "/dev/stderr"; exit 1 } printf "%.6g\n", n / s }' $1
