#!/usr/bin/env bash
# LibriSpeech (train-clean-100, dev-clean, test-clean) word recognition with the paper's five
# acoustic models: Kaldi's data preparation, a lexicon (librispeech-lexicon.txt) and a word
# LM (an ARPA file, or a bigram estimated from the training transcripts), 40-dim fbank with
# per-speaker CMVN, frame targets from a monophone GMM trained as Kaldi's train_mono.sh does
# (Viterbi EM on MFCC+deltas, started from the phones spread evenly between the first and last
# voiced frames, local/vad_segments.sh), optionally refined by forced realignment with a
# network, training of the five models, decoding and WER.
#
# Frame targets can come from a Kaldi system instead (drop-in path): --ali-dir (train) and
# --dev-ali-dir with their final.mdl, and --graph-dir with its HCLG.fst and words.txt.
#
# Usage: ./run.sh --corpus <dir holding LibriSpeech/> [--lexicon FILE] [--lm ARPA] [--stage N] [--stop-stage N]
#                 [--models "lstm gru snn v1 v2"] [--train-opts "..."] [--align-opts "..."] [--realign-iters N] [--totgauss N] [--splice N] [--seeds "1234 5678"] [--feats-dir DIR] [--speed-perturb true [--speed-factors "0.9 1.1"]]
#                 [--num-threads N] [--mpi-ranks N [--mpirun-opts "..."]] [--cmd utils/slurm.pl]
# --splice N gives every network (the aligner too) +-N frames of input context (default 0);
# --feats-dir DIR takes a Kaldi system's features, DIR/<set>/feats.scp, instead of fbank.
set -euo pipefail
corpus=
lexicon=            # default: <corpus>/librispeech-lexicon.txt
lm=                 # an ARPA file (.gz too); default: a bigram estimated from the training transcripts
stage=0
stop_stage=100
models="lstm gru snn v1 v2"
train_opts=""
align_opts="--architecture=lstm --hidden-dim=256 --batch-size=16 --epochs=12 --seq-length-schedule=100*6|200*6"   # the network that realigns
realign_iters=0     # realignments with a network after the GMM's
totgauss=1000       # Gaussians of the monophone GMM (Kaldi's train_mono.sh default)
splice=0
seeds=              # "1234 5678 ...": each model once per seed (exp/<model>_s<seed>), RESULTS mean +- sd
feats_dir=          # a Kaldi features root, <dir>/<set>/feats.scp (e.g. data-fmllr-tri3), instead of fbank
ali_dir=
dev_ali_dir=
graph_dir=
min_lmwt=4           # the paper's LibriSpeech scoring range (acoustic scale 1/LMWT)
max_lmwt=23
nj=2                # parallel jobs: feature extraction, models trained at a time, lattice generation
. ./cmd.sh          # train_cmd, decode_cmd: run.pl here, utils/slurm.pl on a cluster
cmd=                # how every job of this run goes (--cmd utils/slurm.pl), instead of cmd.sh's
num_threads=1       # BLAS threads of each training process
mpi_ranks=0         # N > 0: each model trains data-parallel over N MPI ranks (steps/train_am.sh)
mpirun_opts=        # extra mpirun options, e.g. --oversubscribe
speed_perturb=false # true: the networks train on the training set at speed 1.0 and each of
                    # --speed-factors, every copy aligned by the monophone GMM
speed_factors="0.9 1.1"   # Kaldi's 3-way speed perturbation; "0.8 0.9 1.1 1.2" also covers slower
                          # and faster talkers than the training set's
. ./path.sh
. utils/parse_options.sh
train_cmd=${cmd:-$train_cmd} decode_cmd=${cmd:-$decode_cmd}
[ -n "$corpus" ] || { echo "Usage: $0 --corpus <dir holding LibriSpeech/> [options] (see the header of $0)" >&2; exit 1; }
lexicon=${lexicon:-$corpus/librispeech-lexicon.txt}
sets="train_clean_100 dev_clean test_clean"
train=data/train_clean_100 dev=data/dev_clean
if [ "$speed_perturb" = true ]; then
  [ -z "$feats_dir$ali_dir" ] || { echo "$0: --speed-perturb needs the audio and the recipe's own GMM alignments (not --feats-dir or --ali-dir)" >&2; exit 1; }
  [ "$realign_iters" = 0 ] || { echo "$0: --speed-perturb does not combine with --realign-iters" >&2; exit 1; }
  train=data/train_clean_100_sp
fi

. utils/stages.sh
model=exp/mono/final.mdl graph=exp/mono/graph
# The model's pdf count, asked for where a stage needs it (the model exists from stage 1 on).
num_pdfs() { hmm-info --print-args=false $model 2> exp/hmm_info.log | awk '/pdfs/ { print $NF }'; }
[ -n "$ali_dir" ] && { model=$ali_dir/final.mdl; graph=$graph_dir; }

if run_stage 0; then
  log "Stage 0: data preparation from $corpus/LibriSpeech"
  for set in $sets; do local/data_prep.sh $corpus/LibriSpeech/${set//_/-} data/$set; done
  touch exp/.done.0
fi

if run_stage 1; then
  log "Stage 1: dictionary from $lexicon, lang, word LM, monophone topology and decoding graph"
  dict=data/local/dict
  mkdir -p $dict exp/mono
  [ -f $lexicon ] || { echo "$0: no lexicon $lexicon" >&2; exit 1; }
  { echo "!SIL SIL"; echo "<UNK> SPN"; tr '\t' ' ' < $lexicon; } > $dict/lexicon.txt
  printf 'SIL\nSPN\n' > $dict/silence_phones.txt
  echo SIL > $dict/optional_silence.txt
  tr '\t' ' ' < $lexicon | cut -d' ' -f2- | tr ' ' '\n' | grep -v '^$' | sort -u > $dict/nonsilence_phones.txt
  utils/prepare_lang.sh --sil-prob 0.5 $dict "<UNK>" data/local/lang_tmp data/lang > exp/prepare_lang.log
  # Word ids of the transcripts (OOV words -> <UNK>) and the integer lexicon for alignment.
  for set in $sets; do
    utils/sym2int.pl --map-oov "<UNK>" -f 2- data/lang/words.txt data/$set/text > data/$set/text.int 2> exp/sym2int_$set.log
  done
  utils/sym2int.pl -f 1 data/lang/words.txt $dict/lexicon.txt | utils/sym2int.pl -f 2- data/lang/phones.txt > data/lang/lexicon.int
  rm -rf data/lang_test && cp -r data/lang data/lang_test
  if [ -z "$lm" ]; then
    lm=data/local/lm_bigram.arpa
    awk '{ for (i = 2; i <= NF; i++) printf "%s%s", $i, (i < NF ? " " : "\n") }' $train/text > data/local/lm_text
    build-arpa-lm --order=2 data/local/lm_text $lm 2> exp/build_arpa_lm.log
  fi
  lm_in=$lm; case $lm in *.gz) lm_in="gunzip -c $lm |" ;; esac   # e.g. openslr's 3-gram.pruned.1e-7.arpa.gz
  arpa2fst --disambig-symbol=#0 --read-symbol-table=data/lang_test/words.txt "$lm_in" data/lang_test/G.fst 2> exp/arpa2fst.log \
    || { echo "$0: arpa2fst failed on $lm; see exp/arpa2fst.log" >&2; exit 1; }
  if [ -z "$ali_dir" ]; then
    init-mono-model data/lang/topo exp/mono/final.mdl 2> exp/init_mono_model.log
    utils/mkgraph.sh data/lang_test exp/mono $graph > exp/mkgraph.log
  fi
  log "  $(wc -l < $dict/nonsilence_phones.txt) phones, $(($(wc -l < data/lang/words.txt) - 4)) words; LM $lm"
  touch exp/.done.1
fi

if run_stage 2; then
  log "Stage 2: $([ -n "$feats_dir" ] && echo "features from $feats_dir" || echo "40-dim fbank"), per-speaker CMVN"
  for set in $sets; do
    steps/make_fbank_cmvn.sh --nj $nj --cmd "$train_cmd" --fbank-config conf/fbank.conf ${feats_dir:+--feats-scp $feats_dir/$set/feats.scp} \
      data/$set exp/make_fbank/$set fbank > /dev/null
  done
  if [ "$speed_perturb" = true ]; then
    utils/data/perturb_data_dir_speed_nway.sh "$speed_factors" data/train_clean_100 $train > /dev/null
    steps/make_fbank_cmvn.sh --nj $nj --cmd "$train_cmd" --fbank-config conf/fbank.conf $train exp/make_fbank/train_clean_100_sp fbank > /dev/null
  fi
  log "  $(feat-to-len --print-args=false scp:$train/feats.scp 2> exp/feat_to_len.log) training frames$([ "$speed_perturb" = true ] && echo " (speeds 1.0 $speed_factors)")"
  touch exp/.done.2
fi


if run_stage 3; then
  mkdir -p exp/targets
  if [ -n "$ali_dir" ]; then
    log "Stage 3: frame targets from $ali_dir (ali-to-pdf)"
    ali-to-pdf $model "ark:gunzip -c $ali_dir/ali.*.gz |" ark:exp/targets/train.ark 2> exp/targets/ali_to_pdf_train.log
    ali-to-pdf $model "ark:gunzip -c ${dev_ali_dir:-${ali_dir}_dev}/ali.*.gz |" ark:exp/targets/dev.ark 2> exp/targets/ali_to_pdf_dev.log
  else
    log "Stage 3: flat start (phones spread over the voiced frames), a monophone GMM from it (MFCC+deltas, $totgauss Gaussians; steps/train_mono.sh), its alignments, then $realign_iters realignment(s) with a network"
    # Alignment directories in Kaldi's layout (ali.*.gz, num_jobs, final.mdl): exp/align0 is the flat
    # start, exp/align_gmm the monophone GMM's, exp/align<i> a network's; the last one can be
    # given to another recipe as --ali-dir. A network trained on the flat start alone learns
    # too little to realign from (7.6 % dev frame accuracy on a 1.3 h look-alike); Kaldi's
    # Viterbi EM of a GMM, 40 passes with growing mixtures, finds the phones first.
    for set in train_clean_100 dev_clean; do
      local/vad_segments.sh data/$set data/lang exp/vad/$set
      steps/align_to_segments.sh data/$set data/lang $model exp/align0/ali_$set
    done
    mfcc_sets=$sets; [ "$speed_perturb" = true ] && mfcc_sets="$sets train_clean_100_sp"
    for set in $mfcc_sets; do
      mkdir -p data/mfcc/$set
      cp data/$set/{wav.scp,text,utt2spk,spk2utt} data/mfcc/$set/
      [ -f data/$set/segments ] && cp data/$set/segments data/mfcc/$set/
      steps/make_mfcc.sh --nj $nj --mfcc-config conf/mfcc.conf data/mfcc/$set exp/make_mfcc/$set mfcc > /dev/null
      steps/compute_cmvn_stats.sh data/mfcc/$set exp/make_mfcc/$set mfcc > /dev/null
    done
    steps/train_mono.sh --totgauss $totgauss --init-ali-dir exp/align0/ali_train_clean_100 \
      data/mfcc/train_clean_100 data/lang exp/mono_gmm > exp/mono_gmm.log
    tail -2 exp/mono_gmm.log
    mkdir -p exp/align_gmm/ali_train_clean_100
    cp exp/mono_gmm/ali.1.gz exp/mono_gmm/final.mdl exp/align_gmm/ali_train_clean_100/
    steps/align_si.sh --nj $nj --cmd "$train_cmd" data/mfcc/dev_clean data/lang exp/mono_gmm exp/align_gmm/ali_dev_clean
    # The perturbed copies get the GMM's alignments of their own audio (as Kaldi aligns train_sp).
    [ "$speed_perturb" = true ] && steps/align_si.sh --nj $nj --cmd "$train_cmd" data/mfcc/train_clean_100_sp data/lang exp/mono_gmm exp/align_gmm/ali_train_clean_100_sp
    prev=exp/align_gmm
    for iter in $(seq 1 $realign_iters); do
      steps/realign_am.sh --nj $nj --cmd "$train_cmd" --num-threads $num_threads --splice $splice --align-opts "$align_opts" \
        $train $dev data/lang $model $prev exp/align$iter
      prev=exp/align$iter
    done
    last=$prev
    ali-to-pdf $model "ark:gunzip -c $last/ali_$(basename $train)/ali.*.gz |" ark:exp/targets/train.ark 2> exp/targets/ali_to_pdf_train.log
    ali-to-pdf $model "ark:gunzip -c $last/ali_dev_clean/ali.*.gz |" ark:exp/targets/dev.ark 2> exp/targets/ali_to_pdf_dev.log
  fi
  analyze-counts --binary=false --counts-dim=$(num_pdfs) ark:exp/targets/train.ark exp/targets/train_pdf.counts 2> exp/targets/analyze_counts.log
  touch exp/.done.3
fi

# Stages 4, 5 and 7 skip models and decodes that are done, unless --stage forces them.
if run_stage 4; then
  log "Stage 4: training $models"
  steps/train_am.sh --models "$models" --train-opts "$train_opts" --splice $splice --seeds "$seeds" --force $(forced_at 4) --nj $nj \
    --cmd "$train_cmd" --num-threads $num_threads --mpi-ranks $mpi_ranks --mpirun-opts "$mpirun_opts" \
    $(num_pdfs) $train ark:exp/targets/train.ark $dev ark:exp/targets/dev.ark exp
fi

if run_stage 5; then
  log "Stage 5: log-likelihoods, lattices, scoring at LM weights $min_lmwt..$max_lmwt, WER"
  if [ -f exp/mono_gmm/final.mdl ]; then
    # The monophone GMM that made the targets, decoded as Kaldi's steps/decode.sh does: the
    # system the networks must beat.
    for set in dev_clean test_clean; do
      d=exp/mono_gmm/decode_${set%_clean}
      if [ -f $d/.done ] && [ $d/.done -nt exp/mono_gmm/final.mdl ] && [ $(forced_at 5) = false ]; then continue; fi
      steps/decode.sh --nj $nj --cmd "$decode_cmd" --min-lmwt $min_lmwt --max-lmwt $max_lmwt --decode-config conf/decode.config \
        $graph data/mfcc/$set $d
      touch $d/.done
    done
  fi
  for m in $models; do
    ams=$(utils/am_dirs.sh exp $m "$seeds")
    for am in $ams; do
      for set in dev_clean test_clean; do
        steps/decode_am.sh --nj $nj --cmd "$decode_cmd" --min-lmwt $min_lmwt --max-lmwt $max_lmwt \
          --decode-config conf/decode.config --splice $splice --force $(forced_at 5) \
          $am $model $graph exp/targets/train_pdf.counts data/$set $am/decode_${set%_clean}
      done
    done
  done
fi

if run_stage 6; then
  log "Stage 6: RESULTS (Table 1 layout) and training curves"
  utils/make_results.sh --metric WER --models "$models" --seeds "$seeds" exp > RESULTS
  cat RESULTS
  touch exp/.done.6
fi

if run_stage 7; then
  log "Stage 7: on-line recognition of the test set (audio in chunks, on-line CMVN, frame by frame), beside the offline tools; endpointing on its utterances joined by pauses"
  if [ -n "$feats_dir" ]; then
    log "  skipped: on-line recognition computes fbank from the audio, not --feats-dir's features"
  else
    steps/online/decode_models.sh --nj $nj --cmd "$decode_cmd" --seeds "$seeds" --splice $splice --decode-config conf/decode.config \
      --force $(forced_at 7) exp "$models" $model $graph exp/targets/train_pdf.counts data/train_clean_100 data/test_clean data/lang
  fi
  touch exp/.done.7
fi
