#!/usr/bin/env bash
# The drop-in path on a real Kaldi TIMIT s5 system, the paper's (PyTorch-Kaldi's) setup:
# features are the GMM's fMLLR features (steps/make_fmllr_feats.sh: train with
# <gmm>_ali/trans.*, dev and test with <gmm>/decode_{dev,test}/trans.*), targets ali-to-pdf of
# <gmm>_ali, decoding with <gmm>/graph/HCLG.fst and <gmm>/final.mdl, PER on 39 phones; then
# run.sh from stage 1 in <work-dir> (its stage 0, corpus data preparation, is replaced by
# copying the Kaldi system's data directories; no audio is read).
#
# Dev alignments (run.sh's --dev-ali-dir, the per-epoch validation that halves the learning
# rate): a Kaldi system ships training alignments only. A first network (--align-model with
# --align-opts, by default the recipe's LSTM) is trained on <gmm>_ali's targets with
# --cv-spk-percent of the training speakers held out for validation (Kaldi's tr/cv split by
# speaker), and the dev transcripts are force-aligned with it through the Kaldi graph itself:
# per utterance HCLG.fst composed with the transcript (fstcompose, the words are TIMIT's
# phones), decode-faster-mapped at acoustic scale 0.1 (Kaldi's alignment scales, HCLG carrying
# transition scale 1 and self-loop scale 0.1) with --beam, retried with --retry-beam. The graph
# supplies the context-dependent pdfs of the triphone system; steps/align_am.sh cannot, its
# training graphs take the first transition-state of each phone and HMM state (monophones).
# The same alignment of the held-out training speakers is compared with Kaldi's own
# alignments (pdf and phone agreement per frame, in the log and exp/dev_ali/agreement).
#
# Work directory layout: links conf, local, steps, utils to egs/timit/s5 and kaldi to the
# Kaldi system; data/{train,dev,test} (text, utt2spk, spk2utt, spk2gender, wav.scp of the
# Kaldi system), data-fmllr-<gmm>/<set>/feats.scp, exp/dev_ali (aligner, ali_dev, ali_train_cv),
# run.sh's exp/<model>/decode_{dev,test}/scoring_kaldi/best_wer and RESULTS, and the PERs beside
# Kaldi's <gmm> (its best wer_* per set) in exp/dropin_per.txt. Finished steps
# are skipped on a rerun; --stage N redoes run.sh's stage N onwards (N <= 3 also redoes the dev
# alignments, N = 0 also the features).
#
# Usage: local/kaldi_dropin.sh [--gmm tri3] [--models "lstm v2"] [--train-opts "..."] [--splice 0]
#          [--align-model lstm] [--align-opts "..."] [--cv-spk-percent 10] [--nj 2] [--stage N]
#          <kaldi-s5-dir> <work-dir>
#  e.g.: nice -n 10 local/kaldi_dropin.sh /export/kaldi/egs/timit/s5 /export/dropin
set -euo pipefail
gmm=tri3            # the GMM system: exp/<gmm>, exp/<gmm>_ali, exp/<gmm>/graph, exp/<gmm>/decode_{dev,test}
models="lstm v2"
train_opts="--hidden-dim=256 --batch-size=16"   # on top of recipes/conf/<model>.conf (24 epochs)
splice=0            # fMLLR features carry +-3 frames through their LDA (the paper's cw 0)
align_model=lstm    # the dev aligner: recipes/conf/<align-model>.conf + --align-opts
align_opts="--hidden-dim=256 --batch-size=16"
cv_spk_percent=10   # training speakers held out to validate the aligner (at least one)
acoustic_scale=0.1  # alignment scales as Kaldi's align scripts (HCLG holds self-loop scale 0.1)
beam=40
retry_beam=400
nj=2
stage=              # run.sh's --stage (redo from N); empty: skip what is done
echo "$0 $*"
s5=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
. $s5/utils/parse_options.sh
[ $# -eq 2 ] || { echo "Usage: $0 [options] <kaldi-s5-dir> <work-dir> (see the header of $0)" >&2; exit 1; }
kaldi=$(cd "$1" && pwd) dir=$2
case $stage in ''|[0-9]|[0-9][0-9]) ;; *) echo "$0: --stage must be a stage number, got '$stage'" >&2; exit 1 ;; esac
for f in data/train/text data/dev/text data/test/text exp/$gmm/final.mdl exp/$gmm/final.mat exp/$gmm/graph/HCLG.fst \
    exp/$gmm/graph/words.txt exp/${gmm}_ali/final.mdl exp/${gmm}_ali/ali.1.gz exp/${gmm}_ali/trans.1 \
    exp/$gmm/decode_dev/trans.1 exp/$gmm/decode_test/trans.1; do
  [ -f $kaldi/$f ] || { echo "$0: no such file $kaldi/$f" >&2; exit 1; }
done
start=$(date +%s)

# The work directory, a recipe directory of its own.
mkdir -p $dir && cd $dir
for d in conf local steps utils; do ln -sfn $s5/$d $d; done
ln -sfn $kaldi kaldi
echo ". $s5/path.sh" > path.sh   # path.sh finds the tools from its own location
. ./path.sh
log() { echo "$(date '+%Y-%m-%d %H:%M:%S') ($(basename "$0")) $*"; }   # as utils/stages.sh
mkdir -p exp
ali=kaldi/exp/${gmm}_ali model=kaldi/exp/${gmm}_ali/final.mdl graph=kaldi/exp/$gmm/graph
fea=data-fmllr-$gmm

if [ ! -f exp/.done.0 ] || [ "${stage:-1}" -le 0 ]; then
  log "Data directories from $kaldi/data, fMLLR features of $gmm ($fea)"
  for set in train dev test; do
    rm -rf data/$set && mkdir -p data/$set
    # wav.scp only for utils/validate_data_dir.sh (audio is never read here).
    for f in text utt2spk spk2utt spk2gender wav.scp; do
      [ -f kaldi/data/$set/$f ] && cp kaldi/data/$set/$f data/$set/
    done
    transforms=kaldi/exp/$gmm/decode_$set; [ $set = train ] && transforms=$ali
    rm -rf $fea/$set && mkdir -p $fea/$set
    steps/make_fmllr_feats.sh --nj $nj --transform-dir $transforms $fea/$set kaldi/data/$set kaldi/exp/$gmm \
      $fea/$set/log $fea/$set/data > $fea/$set/make_fmllr_feats.log
    log "  $set: $(wc -l < $fea/$set/feats.scp) of $(wc -l < data/$set/utt2spk) utterances, $(feat-to-dim --print-args=false scp:$fea/$set/feats.scp - 2> /dev/null)-dim"
  done
  touch exp/.done.0   # run.sh's stage 0 (data preparation), done here
  rm -f exp/dev_ali/.done
fi

run_opts=(--timit kaldi --feats-dir $fea --ali-dir $ali --dev-ali-dir exp/dev_ali/ali_dev --graph-dir $graph
  --splice $splice --models "$models" --train-opts "$train_opts" --nj $nj)
# --timit is required by run.sh and only read by its stage 0, which is not run here.
$s5/run.sh "${run_opts[@]}" ${stage:+--stage $((stage > 1 ? stage : 1))} --stop-stage 2

a=exp/dev_ali
if [ ! -f $a/.done ] || [ "${stage:-4}" -le 3 ]; then
  log "Dev alignments: $align_model aligner on $ali targets, $cv_spk_percent% of the training speakers held out; forced alignment through $graph/HCLG.fst"
  rm -rf $a data/train_tr data/train_cv && mkdir -p $a/log
  ncv=$(awk -v p=$cv_spk_percent '{ n++ } END { k = n * p / 100; print (k == int(k) ? k : int(k) + 1) }' data/train/utt2spk)
  utils/subset_data_dir.sh --speakers data/train $ncv data/train_cv > $a/log/subset.log
  awk '{ print $1 }' data/train_cv/spk2utt > $a/cv_spk.list
  awk '{ print $1 }' data/train/spk2utt | utils/filter_scp.pl --exclude $a/cv_spk.list > $a/tr_spk.list
  utils/subset_data_dir.sh --spk-list $a/tr_spk.list data/train data/train_tr >> $a/log/subset.log
  log "  held out: $(wc -l < data/train_cv/utt2spk) utterances of $(tr '\n' ' ' < $a/cv_spk.list)"
  npdf=$(hmm-info --print-args=false $model 2> /dev/null | awk '/pdfs/ { print $NF }')
  ali-to-pdf $model "ark:gunzip -c $ali/ali.*.gz |" ark,t:$a/pdf_train.txt 2> $a/log/ali_to_pdf.log
  for set in train_tr train_cv; do utils/filter_scp.pl data/$set/utt2spk $a/pdf_train.txt > $a/pdf_$set.txt; done
  analyze-counts --binary=false --counts-dim=$npdf ark,t:$a/pdf_train_tr.txt $a/pdf.counts 2> $a/log/analyze_counts.log
  confs=$(cd $s5/../../../recipes/conf && pwd)
  # Word splitting on purpose: align_opts is a list of options.
  # shellcheck disable=SC2086
  ksnn-am-train --config=$confs/$align_model.conf $align_opts --num-targets=$npdf \
    "$(utils/am_feats.sh data/train_tr $splice)" ark,t:$a/pdf_train_tr.txt \
    "$(utils/am_feats.sh data/train_cv $splice)" ark,t:$a/pdf_train_cv.txt $a 2> $a/log/train.log \
    || { echo "$0: training the aligner failed; see $a/log/train.log" >&2; exit 1; }
  grep -h "WARNING.*Skipped" $a/log/train.log | sed 's/^WARNING ([^)]*) /  aligner: /' || true
  log "  aligner: $(tail -1 $a/history.tsv | awk '{ printf "%d epochs, held-out frame accuracy %.1f%%", $1, 100 * $7 }')"
  fstarcsort --sort_type=olabel $graph/HCLG.fst $a/HCLG_olabel.fst
  for set in train_cv dev; do
    d=$a/ali_$set
    mkdir -p $d/log $d/tmp
    cp $model $d/final.mdl; echo 1 > $d/num_jobs
    [ -f $ali/tree ] && cp $ali/tree $d/
    ksnn-am-forward --class-frame-counts=$a/pdf.counts $a/final.mdl "$(utils/am_feats.sh data/$set $splice)" \
      ark,scp:$d/tmp/loglikes.ark,$d/tmp/loglikes.scp 2> $d/log/forward.log
    : > $d/ali.txt; : > $d/log/align.log
    done_n=0 retried=0 failed=0 oov=0
    while read -r utt words; do
      if ! echo "$utt $words" | utils/sym2int.pl -f 2- $graph/words.txt > $d/tmp/text.int 2>> $d/log/align.log; then
        echo "$utt: a word is not in $graph/words.txt" >> $d/log/align.log; oov=$((oov + 1)); continue
      fi
      # The transcript as a linear acceptor of word-ids; HCLG restricted to it.
      awk '{ for (i = 2; i <= NF; i++) print i - 2, i - 1, $i; print NF - 1 }' $d/tmp/text.int \
        | fstcompile --acceptor | fstcompose $a/HCLG_olabel.fst - $d/tmp/graph.fst
      grep "^$utt " $d/tmp/loglikes.scp > $d/tmp/utt.scp || { echo "$utt: no log-likelihoods" >> $d/log/align.log; failed=$((failed + 1)); continue; }
      ok=false
      for b in $beam $retry_beam; do
        rm -f $d/tmp/ali.txt
        if decode-faster-mapped --acoustic-scale=$acoustic_scale --beam=$b --allow-partial=false $model $d/tmp/graph.fst \
             scp:$d/tmp/utt.scp ark:/dev/null ark,t:$d/tmp/ali.txt < /dev/null 2>> $d/log/align.log && [ -s $d/tmp/ali.txt ]; then
          ok=true; break
        fi
        [ $b = $beam ] && { echo "$utt: retrying with beam $retry_beam" >> $d/log/align.log; retried=$((retried + 1)); }
      done
      if $ok; then cat $d/tmp/ali.txt >> $d/ali.txt; done_n=$((done_n + 1)); else failed=$((failed + 1)); fi
    done < data/$set/text
    copy-int-vector ark,t:$d/ali.txt "ark:| gzip -c > $d/ali.1.gz" 2> $d/log/copy_int_vector.log
    rm -rf $d/ali.txt $d/tmp
    log "  aligned $set: $done_n of $(wc -l < data/$set/text) utterances ($retried retried, $failed failed, $oov with unknown words)"
    [ $done_n -gt 0 ] || { echo "$0: no utterance of $set aligned; see $d/log/align.log" >&2; exit 1; }
  done
  # Held-out training speakers: the network's forced alignment against Kaldi's, frame by frame.
  ali-to-pdf $model "ark:gunzip -c $a/ali_train_cv/ali.1.gz |" ark,t:$a/pdf_train_cv.hyp.txt 2>> $a/log/ali_to_pdf.log
  ali-to-phones --per-frame=true $model "ark:gunzip -c $ali/ali.*.gz |" ark,t:- 2>> $a/log/ali_to_pdf.log \
    | utils/filter_scp.pl data/train_cv/utt2spk > $a/phone_train_cv.txt
  ali-to-phones --per-frame=true $model "ark:gunzip -c $a/ali_train_cv/ali.1.gz |" ark,t:$a/phone_train_cv.hyp.txt 2>> $a/log/ali_to_pdf.log
  agree() {  # agree <ref> <hyp>: % of frames with the same label, over utterances of equal length
    awk 'NR == FNR { ref[$1] = $0; next } ($1 in ref) { n = split(ref[$1], r, " ")
           if (n != NF) { bad++; next } for (i = 2; i <= NF; i++) { t++; s += ($i == r[i]) } }
         END { printf "%.1f%% of %d frames%s", 100 * s / t, t, (bad ? " (" bad " utterances of another length)" : "") }' $1 $2
  }
  echo "pdfs: $(agree $a/pdf_train_cv.txt $a/pdf_train_cv.hyp.txt); phones: $(agree $a/phone_train_cv.txt $a/phone_train_cv.hyp.txt)" > $a/agreement
  log "  held-out speakers, forced alignment vs Kaldi's $ali: $(cat $a/agreement)"
  rm -f $a/pdf_*.txt $a/phone_*.txt $a/HCLG_olabel.fst
  touch $a/.done
fi

$s5/run.sh "${run_opts[@]}" ${stage:+--stage $((stage > 3 ? stage : 3))}

log "Drop-in PER (39 phones) beside Kaldi's $gmm (compute-wer, best LM weight)"
for set in dev test; do
  echo "  $gmm $set: $(grep -H WER kaldi/exp/$gmm/decode_$set/wer_* | utils/best_wer.sh)"
  for m in $models; do
    for am in $(utils/am_dirs.sh exp $m ""); do
      echo "  $(basename $am) $set: $(cat $am/decode_$set/scoring_kaldi/best_wer)"
    done
  done
done | tee exp/dropin_per.txt
for m in $models; do
  grep -h "WARNING.*Skipped" exp/$m/log/train.log 2> /dev/null | sed "s/^WARNING ([^)]*) /  $m: /" || true
done
log "Done in $(( ($(date +%s) - start) / 60 )) min $(( ($(date +%s) - start) % 60 )) s"
