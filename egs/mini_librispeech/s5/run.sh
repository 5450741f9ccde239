#!/usr/bin/env bash
# The LibriSpeech counterpart of egs/mini_timit: synthesizes a small corpus in LibriSpeech's
# exact layout (local/make_corpus.sh: festival voices, FLAC, trans.txt, SPEAKERS.TXT and a
# lexicon of festival's pronunciations), then runs egs/librispeech/s5/run.sh on it unchanged.
#
# Usage: ./run.sh [--train-speakers N] [--sentences-per-speaker N] [--hidden N] [--epochs N] [any egs/librispeech/s5 option]
set -euo pipefail
. ./path.sh
. utils/mini_corpus.sh corpus "$@"
# LM weights from 1: a bigram from a hundred sentences wants more weight on the acoustics
# than the real LM's 4..23.
exec ../../librispeech/s5/run.sh --corpus corpus --models "$models" --min-lmwt 1 --max-lmwt 10 \
  --align-opts "--architecture=lstm $net_opts" --train-opts "$net_opts" "${args[@]}"
