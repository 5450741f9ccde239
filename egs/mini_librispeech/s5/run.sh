#!/usr/bin/env bash
# The LibriSpeech counterpart of egs/mini_timit: synthesizes a small corpus in LibriSpeech's
# exact layout (local/make_corpus.sh: festival voices, FLAC, trans.txt, SPEAKERS.TXT and a
# lexicon of festival's pronunciations), then runs egs/librispeech/s5/run.sh on it unchanged.
#
# Usage: ./run.sh [--train-speakers N] [--sentences-per-speaker N] [--hidden N] [--epochs N] [any egs/librispeech/s5 option]
set -euo pipefail
train_speakers=8
sentences_per_speaker=8
hidden=128
epochs=12
models="lstm gru snn v1 v2"
. ./path.sh
args=()
while [ $# -gt 0 ]; do
  case $1 in
    --train-speakers) train_speakers=$2; shift 2 ;;
    --sentences-per-speaker) sentences_per_speaker=$2; shift 2 ;;
    --hidden) hidden=$2; shift 2 ;;
    --epochs) epochs=$2; shift 2 ;;
    --models) models=$2; shift 2 ;;
    *) args+=("$1"); shift ;;
  esac
done
if [ ! -f corpus/.done ]; then
  echo "$(date '+%Y-%m-%d %H:%M:%S') (run.sh) Synthesizing the corpus in LibriSpeech layout under corpus/"
  mkdir -p exp
  local/make_corpus.sh --train-speakers $train_speakers --sentences-per-speaker $sentences_per_speaker corpus > exp/make_corpus.log 2>&1
  touch corpus/.done
fi
half=$(( (epochs + 1) / 2 ))
exec ../../librispeech/s5/run.sh --corpus corpus --models "$models" \
  --align-opts "--architecture=lstm --hidden-dim=$hidden --epochs=$epochs --batch-size=8 --learning-rate=0.003 --seq-length-schedule=100*$half|200*$half" \
  --train-opts "--hidden-dim=$hidden --epochs=$epochs --batch-size=8 --learning-rate=0.003 --seq-length-schedule=100*$half|200*$half" \
  "${args[@]}"
