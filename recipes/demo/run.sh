#!/usr/bin/env bash
# The longest end-to-end path ksnn has so far, on a corpus it synthesizes itself: speech from
# espeak-ng (four voices) with its own phone transcripts, a Kaldi data directory, MFCC and
# fbank features through the recipe scripts, per-speaker CMVN and deltas; a monophone
# topology, a phone bigram and the decoding graph; flat-start targets, a small SNN v2
# acoustic model trained with BPTT on three speakers, its log-likelihoods, realignment, and
# phone decoding scored as PER on the held-out fourth speaker. It grows into the
# embedded-corpus recipe (egs/mini_timit/s5).
# Logs go to exp/demo/log/*.log and exp/demo/make_*/log, as a Kaldi recipe's do.
#
# Usage: recipes/demo/run.sh [--stage N] [--nj N]     (from the repository root; `make demo` calls it)
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
      # The synthesizer's own phones (stress marks dropped; symbols made Kaldi-safe), with
      # the silence it leaves at both ends.
      espeak-ng -q -x --sep=_ -v $voice "${sentences[$i]}" | tr ' _' '\n\n' | tr -d "',%=" \
        | sed -e 's/:/L/g; s/@/E/g; s/#/H/g; s/!/X/g; s/^\([0-9]\)/N\1/' | grep -v '^$' \
        | awk -v u=$utt 'BEGIN { printf "%s sil", u } { printf " %s", $0 } END { print " sil" }' >> $data/phones.unsorted
      echo "$utt $spk" >> $data/utt2spk.unsorted
    done
  done 2> $exp/log/synthesize.log
  for f in wav.scp text utt2spk phones; do LC_ALL=C sort $data/$f.unsorted > $data/$f; rm $data/$f.unsorted; done
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
if [ $stage -le 3 ]; then
  log "Stage 3: phone dictionary, lang directory, phone bigram and decoding graph, monophone topology"
  dict=$exp/dict lang=$exp/lang mono=$exp/mono
  mkdir -p $dict $mono
  cut -d' ' -f2- $data/phones | tr ' ' '\n' | grep -v '^sil$' | LC_ALL=C sort -u > $dict/nonsilence_phones.txt
  echo sil > $dict/silence_phones.txt
  echo sil > $dict/optional_silence.txt
  # Phones are the "words" of phone recognition: each one is its own pronunciation.
  (echo "sil sil"; awk '{ print $1, $1 }' $dict/nonsilence_phones.txt) > $dict/lexicon.txt
  $root/recipes/utils/prepare_lang.sh --sil-prob 0 $dict sil $exp/lang_tmp $lang > $exp/log/prepare_lang.log
  build-arpa-lm --skip-first-field=true $data/phones $exp/phone_bigram.arpa 2> $exp/log/build_arpa_lm.log
  arpa2fst --read-symbol-table=$lang/words.txt $exp/phone_bigram.arpa $lang/G.fst 2> $exp/log/arpa2fst.log
  init-mono-model $lang/topo $mono/final.mdl 2> $exp/log/init_mono_model.log
  $root/recipes/utils/mkgraph.sh $lang $mono $mono/graph > $exp/log/mkgraph.log
  log "  $(wc -l < $dict/nonsilence_phones.txt) phones + sil, $(hmm-info --print-args=false $mono/final.mdl 2>/dev/null | awk '/pdfs/ { print $NF }') pdfs;" \
      "HCLG: $(fstinfo $mono/graph/HCLG.fst | awk '/# of states/ { print $NF }') states"
fi

sym2int() { awk -v map="$1" 'BEGIN { while ((getline l < map) > 0) { split(l, a, " "); id[a[1]] = a[2] } }
                             { printf "%s", $1; for (i = 2; i <= NF; i++) printf " %s", id[$i]; print "" }'; }

if [ $stage -le 4 ]; then
  log "Stage 4: flat-start frame targets (equal alignment), split: 3 speakers train, 1 held out"
  mono=$exp/mono
  sym2int $exp/lang/phones.txt < $data/phones > $exp/phones.int
  align-equal-phones $mono/final.mdl scp:$exp/feats_train.scp ark:$exp/phones.int ark:$mono/ali_equal.ark 2> $exp/log/align_equal.log
  ali-to-pdf $mono/final.mdl ark:$mono/ali_equal.ark ark,t:$mono/pdf_equal.txt 2> $exp/log/ali_to_pdf.log
  heldout=$(cut -d' ' -f1 $data/spk2utt | tail -1)
  grep -v "^$heldout" $exp/feats_train.scp > $exp/feats_tr.scp
  grep "^$heldout" $exp/feats_train.scp > $exp/feats_cv.scp
  analyze-counts --binary=false ark,t:$mono/pdf_equal.txt $mono/pdf.counts 2> $exp/log/analyze_counts.log
  log "  $(wc -l < $exp/feats_tr.scp) training and $(wc -l < $exp/feats_cv.scp) held-out utterances (speaker $heldout)"
fi

if [ $stage -le 5 ]; then
  log "Stage 5: train an SNN v2 (2x128, 6-bit outputs, threshold 3) with BPTT; log in $exp/v2/log/train.log"
  mkdir -p $exp/v2/log
  npdf=$(hmm-info --print-args=false $exp/mono/final.mdl 2>/dev/null | awk '/pdfs/ { print $NF }')
  ksnn-am-train --config=$root/recipes/conf/v2.conf --hidden-dim=128 --epochs=40 --batch-size=4 --learning-rate=0.003 \
    --seq-length-schedule="100*4|200*8" --num-targets=$npdf --dropout=0.1 \
    scp:$exp/feats_tr.scp ark,t:$exp/mono/pdf_equal.txt scp:$exp/feats_cv.scp ark,t:$exp/mono/pdf_equal.txt $exp/v2 \
    2> $exp/v2/log/train.log
  awk -F'\t' 'NR > 1 { last = $0 } END { split(last, f, "\t"); printf "  after %d epochs: train frame accuracy %.1f%%, held-out %.1f%%\n", f[1], 100 * f[5], 100 * f[7] }' $exp/v2/history.tsv \
    | while read -r line; do log "$line"; done
fi

if [ $stage -le 6 ]; then
  log "Stage 6: log-likelihoods (posteriors / priors), realignment, phone decoding, PER"
  v2=$exp/v2 mono=$exp/mono
  ksnn-am-forward --class-frame-counts=$mono/pdf.counts --measures=$v2/measures_all.json $v2/final.mdl \
    scp:$exp/feats_train.scp ark:$v2/loglikes.ark 2> $v2/log/forward.log
  align-phones-mapped --beam=20 --retry-beam=200 $mono/final.mdl ark:$v2/loglikes.ark ark:$exp/phones.int ark:$v2/ali_realigned.ark \
    2> $v2/log/align.log
  decode-faster-mapped --acoustic-scale=1.0 --beam=13 $mono/final.mdl $mono/graph/HCLG.fst ark:$v2/loglikes.ark ark,t:$v2/hyp.int \
    2> $v2/log/decode.log
  $root/recipes/utils/int2sym.pl -f 2- $exp/lang/words.txt < $v2/hyp.int | awk '{ printf "%s", $1; for (i = 2; i <= NF; i++) if ($i != "sil") printf " %s", $i; print "" }' > $v2/hyp.txt
  awk '{ printf "%s", $1; for (i = 2; i <= NF; i++) if ($i != "sil") printf " %s", $i; print "" }' $data/phones > $v2/ref.txt
  heldout=$(cut -d' ' -f1 $data/spk2utt | tail -1)
  compute-wer --text --mode=present ark:$v2/ref.txt ark:$v2/hyp.txt > $v2/per_all 2> $v2/log/score.log
  compute-wer --text --mode=present "ark:grep ^$heldout $v2/ref.txt |" "ark:grep ^$heldout $v2/hyp.txt |" > $v2/per_heldout 2>> $v2/log/score.log
  log "  realigned $(grep -c . <(copy-int-vector --print-args=false ark:$v2/ali_realigned.ark ark,t:- 2>/dev/null)) utterances with the network"
  # The phone bigram comes from the same three sentences every speaker reads: the held-out
  # speaker is new to the acoustic model only, so this PER is optimistic for unseen text.
  log "  PER, held-out speaker: $(grep WER $v2/per_heldout | sed 's/%WER/%PER/')"
  log "  PER, all speakers:     $(grep WER $v2/per_all | sed 's/%WER/%PER/')"
  log "  measures: $(tr -d '\n' < $v2/measures_all.json | sed 's/  */ /g' | grep -o '"zero_percent": \[[^]]*\]'), $(tr -d '\n' < $v2/measures_all.json | grep -o '"mults_normalized_to_gru": [0-9.e-]*')"
fi
log "Done. Logs: $exp/log/, $exp/make_mfcc/log/, $exp/make_fbank/log/"
