#!/usr/bin/env bash
# The embedded default: synthesizes a small corpus in TIMIT's exact layout (local/make_corpus.sh:
# festival voices, sox pitch shifts, SPHERE audio, .PHN from the synthesizer's own segment
# timing), then runs egs/timit/s5/run.sh on it unchanged, with model sizes that fit a few
# minutes on 2 cores. `make run` calls this.
#
# Usage: ./run.sh [--train-speakers N] [--sentences-per-speaker N] [--hidden N] [--epochs N] [any egs/timit/s5 option]
set -euo pipefail
. ./path.sh
. utils/mini_corpus.sh corpus/timit "$@"
exec ../../timit/s5/run.sh --timit corpus/timit --models "$models" --train-opts "$net_opts" "${args[@]}"
