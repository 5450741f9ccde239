#!/usr/bin/env bash
# The longest end-to-end path ksnn has so far: Kaldi tables through Kaldi-named tools.
# Grows into the embedded-corpus recipe (egs/mini_timit/s5) as the front-end, models and
# decoder land. Logs go to exp/demo/log/*.log, as a Kaldi recipe's do.
#
# Usage: recipes/demo/run.sh [--stage N]      (from the repository root; `make run` calls it)
set -euo pipefail
stage=0
[ "${1:-}" = "--stage" ] && stage=$2

root=$(cd "$(dirname "$0")/../.." && pwd)
export PATH=$root/bin:$PATH
exp=exp/demo
mkdir -p $exp/log $exp/data
src=$root/Tests/KaldiIOTests/Fixtures/features   # a real utterance's Kaldi fbank and MFCC

log() { echo "$(date '+%Y-%m-%d %H:%M:%S') ($(basename "$0"):${BASH_LINENO[0]}) $*"; }

if [ $stage -le 0 ]; then
  log "Stage 0: copy features into a compressed archive with an scp, as steps/make_fbank.sh does"
  copy-feats --compress=true --write-num-frames=ark,t:$exp/data/utt2num_frames \
    ark:$src/fbank80.ark ark,scp:$exp/data/raw_fbank.1.ark,$exp/data/feats.scp 2> $exp/log/copy_feats.log
  cmp $exp/data/raw_fbank.1.ark $src/fbank80_cm.ark && log "  compressed archive is byte-identical to real Kaldi's"
fi

if [ $stage -le 1 ]; then
  log "Stage 1: paste fbank and MFCC frame by frame through a random-access scp lookup"
  paste-feats scp:$exp/data/feats.scp ark:$src/mfcc13.ark "ark:| gzip -c > $exp/data/fbank_mfcc.ark.gz" 2> $exp/log/paste_feats.log
  echo "  dim $(feat-to-dim "ark:gunzip -c $exp/data/fbank_mfcc.ark.gz |" - 2>> $exp/log/feat_to_dim.log)," \
    "frames $(feat-to-len "ark:gunzip -c $exp/data/fbank_mfcc.ark.gz |" 2>> $exp/log/feat_to_len.log)"
fi

if [ $stage -le 2 ]; then
  log "Stage 2: rows 100..199, bins 0..12 through an scp range, then Kaldi's text form"
  echo "e1 $(cut -d' ' -f2 $exp/data/feats.scp)[100:199,0:12]" > $exp/data/range.scp
  copy-matrix --apply-exp=false scp:$exp/data/range.scp ark,t:$exp/data/range.txt 2> $exp/log/copy_matrix.log
  echo "  $(grep -c '^  ' $exp/data/range.txt) rows of text written to $exp/data/range.txt"
fi
log "Done. Logs: $exp/log/"
