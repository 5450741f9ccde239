#!/usr/bin/env bash
# The longest end-to-end path ksnn has so far, on a corpus it synthesizes itself: speech from
# espeak-ng (four voices), a Kaldi data directory, MFCC and fbank features through the recipe
# scripts, per-speaker CMVN, deltas, and the archive tools. It grows into the embedded-corpus
# recipe (egs/mini_timit/s5) as the acoustic models and the decoder land.
# Logs go to exp/demo/log/*.log and exp/demo/make_*/log, as a Kaldi recipe's do.
#
# Usage: recipes/demo/run.sh [--stage N] [--nj N]     (from the repository root; `make run` calls it)
set -euo pipefail
stage=0
nj=2
root=$(cd "$(dirname "$0")/../.." && pwd)
. "$root/recipes/utils/parse_options.sh"
export PATH=$root/bin:$root/recipes/utils:$PATH
steps=$root/recipes/steps

exp=exp/demo
data=$exp/data/train
mkdir -p $exp/log $exp/audio $data $exp/conf
log() { echo "$(date '+%Y-%m-%d %H:%M:%S') ($(basename "$0"):${BASH_LINENO[0]}) $*"; }

if [ $stage -le 0 ]; then
  log "Stage 0: synthesize 12 utterances from 4 speakers (espeak-ng voices, sox -R to 16 kHz)"
  sentences=("she had your dark suit in greasy wash water all year"
             "don't ask me to carry an oily rag like that"
             "the birch canoe slid on the smooth planks")
  : > $data/wav.scp.unsorted; : > $data/text.unsorted; : > $data/utt2spk.unsorted
  for voice in en-us+m3 en-us+f2 en-gb+m1 en-gb+f4; do
    spk=$(echo $voice | tr -c 'a-z0-9\n' '_')
    for i in 0 1 2; do
      utt=${spk}_s$i
      espeak-ng -v $voice -s 150 -w $exp/audio/$utt.22k.wav "${sentences[$i]}"
      sox -R $exp/audio/$utt.22k.wav -r 16000 -b 16 $exp/audio/$utt.wav
      rm $exp/audio/$utt.22k.wav
      echo "$utt $PWD/$exp/audio/$utt.wav" >> $data/wav.scp.unsorted
      echo "$utt ${sentences[$i]}" >> $data/text.unsorted
      echo "$utt $spk" >> $data/utt2spk.unsorted
    done
  done 2> $exp/log/synthesize.log
  for f in wav.scp text utt2spk; do LC_ALL=C sort $data/$f.unsorted > $data/$f; rm $data/$f.unsorted; done
  utt2spk_to_spk2utt.pl $data/utt2spk > $data/spk2utt
  wav-to-duration --print-args=false scp:$data/wav.scp ark,t:$data/utt2dur 2> $exp/log/wav_to_duration.log
  log "  $(wc -l < $data/wav.scp) utterances, $(awk '{s += $2} END {printf "%.1f", s}' $data/utt2dur) s of audio"
fi

if [ $stage -le 1 ]; then
  log "Stage 1: MFCC (Kaldi's conf/mfcc.conf) and fbank features, per-speaker CMVN stats"
  printf -- '--use-energy=false\n' > $exp/conf/mfcc.conf
  printf -- '--num-mel-bins=40\n' > $exp/conf/fbank.conf
  rm -rf $exp/data/train_fbank && cp -r $data $exp/data/train_fbank && rm -f $exp/data/train_fbank/feats.scp
  $steps/make_mfcc.sh --nj $nj --mfcc-config $exp/conf/mfcc.conf $data $exp/make_mfcc/log $exp/mfcc > $exp/log/make_mfcc.log
  $steps/compute_cmvn_stats.sh $data $exp/make_mfcc/log $exp/mfcc > $exp/log/compute_cmvn_stats.log
  $steps/make_fbank.sh --nj $nj --fbank-config $exp/conf/fbank.conf $exp/data/train_fbank $exp/make_fbank/log $exp/fbank > $exp/log/make_fbank.log
  log "  MFCC dim $(feat-to-dim --print-args=false scp:$data/feats.scp - 2>/dev/null)," \
      "fbank dim $(feat-to-dim --print-args=false scp:$exp/data/train_fbank/feats.scp - 2>/dev/null)," \
      "$(feat-to-len --print-args=false scp:$data/feats.scp 2>/dev/null) frames"
fi

if [ $stage -le 2 ]; then
  log "Stage 2: the input pipeline a training recipe reads: CMVN, deltas, fbank pasted alongside"
  apply-cmvn --utt2spk=ark:$data/utt2spk scp:$data/cmvn.scp scp:$data/feats.scp ark:- 2> $exp/log/apply_cmvn.log \
    | add-deltas ark:- ark:- 2> $exp/log/add_deltas.log \
    | paste-feats ark:- scp:$exp/data/train_fbank/feats.scp ark,scp:$exp/feats_train.ark,$exp/feats_train.scp 2> $exp/log/paste_feats.log
  log "  $(wc -l < $exp/feats_train.scp) utterances of dim $(feat-to-dim --print-args=false scp:$exp/feats_train.scp - 2>/dev/null) in $exp/feats_train.scp"
  spk=$(head -1 $data/spk2utt | cut -d' ' -f1)
  copy-matrix --print-args=false "scp:grep ^$spk $data/cmvn.scp |" ark,t:- 2>/dev/null | awk -v s=$spk 'NR == 2 { printf "  CMVN frame count of %s: %s\n", s, $NF }'
fi
log "Done. Logs: $exp/log/, $exp/make_mfcc/log/, $exp/make_fbank/log/"
