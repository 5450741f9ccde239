#!/usr/bin/env bash
# TIMIT phone recognition with the paper's five acoustic models (Ponghiran & Roy 2022):
# LSTM, GRU, traditional LIF SNN, SNN v1 and v2, trained with BPTT by ksnn-am-train on
# 40-dim fbank features with per-speaker CMVN, decoded with a 48-phone bigram and scored
# as PER on the 39-phone set (dev: 50 speakers; test: 24-speaker core test).
#
# Frame targets come, without Kaldi, from an alignment of each utterance's phones to its .PHN
# boundaries (3-state monophones, Kaldi's TIMIT topology with 3-state silence; every phone
# gets the frames its HMM needs), refined by --realign-iters rounds of training a network and
# forced realignment, as Kaldi's monophone training realigns; or, with --ali-dir and
# --graph-dir, from a Kaldi system (drop-in path): ali-to-pdf of <ali-dir>/ali.*.gz with
# <ali-dir>/final.mdl, decoding with <graph-dir>/HCLG.fst. Decoding sweeps the LM weight and
# the word insertion penalty (0.0, 0.5, 1.0) as Kaldi's local/score.sh.
#
# Usage: ./run.sh --timit <TIMIT root> [--stage N] [--stop-stage N] [--models "lstm gru snn v1 v2"]
#                 [--train-opts "--epochs=24 ..."] [--splice N] [--seeds "1234 5678"] [--speed-perturb true [--speed-factors "0.9 1.1"]]
#                 [--realign-iters N] [--align-opts "..."] [--dev-spk-list FILE --test-spk-list FILE]
#                 [--feats-dir DIR] [--ali-dir DIR [--dev-ali-dir DIR] --graph-dir DIR] [--num-threads N] [--mpi-ranks N [--mpirun-opts "..."]] [--cmd utils/slurm.pl]
# --feats-dir DIR takes a Kaldi system's features, DIR/{train,dev,test}/feats.scp (the paper
# uses tri3's fMLLR features, data-fmllr-tri3), instead of computing fbank; CMVN as before.
# --splice N gives every model +-N frames of context (default 0, the paper's cw_left =
# cw_right = 0 on fMLLR features, which already carry +-3 frames through their LDA).
# Finished stages, models and decodes are skipped on a rerun (utils/stages.sh); --stage N
# redoes N onwards.
set -euo pipefail
timit=
stage=0
stop_stage=100
models="lstm gru snn v1 v2"
train_opts=""
splice=0
seeds=              # "1234 5678 ...": each model once per seed (exp/<model>_s<seed>), RESULTS mean +- sd
feats_dir=          # a Kaldi features root, <dir>/<set>/feats.scp (e.g. data-fmllr-tri3), instead of fbank
ali_dir=
dev_ali_dir=        # default: <ali-dir>_dev, as PyTorch-Kaldi's TIMIT instructions name it
graph_dir=
speed_perturb=      # true: train on the training set at speed 1.0 and each of --speed-factors;
                    # default true from the corpus's audio, false with --feats-dir or --ali-dir
speed_factors="0.9 1.1"   # Kaldi's 3-way speed perturbation
realign_iters=1     # rounds of network training + forced realignment after the .PHN alignment
align_opts="--architecture=lstm --hidden-dim=256 --batch-size=16"   # the network that realigns (the paper's 24 epochs)
min_lmwt=1
max_lmwt=10
dev_spk_list=conf/dev_spk.list     # the dev speakers (a look-alike corpus brings its own: <out>/conf/dev_spk.list)
test_spk_list=conf/test_spk.list   # the core test speakers
nj=2                # parallel jobs: feature extraction, models trained at a time, lattice generation
. ./cmd.sh          # train_cmd, decode_cmd: run.pl here, utils/slurm.pl on a cluster
cmd=                # how every job of this run goes (--cmd utils/slurm.pl), instead of cmd.sh's
num_threads=1       # BLAS threads of each training process
mpi_ranks=0         # N > 0: each model trains data-parallel over N MPI ranks (steps/train_am.sh)
mpirun_opts=        # extra mpirun options, e.g. --oversubscribe
. ./path.sh
. utils/parse_options.sh
train_cmd=${cmd:-$train_cmd} decode_cmd=${cmd:-$decode_cmd}
[ -n "$timit" ] || { echo "Usage: $0 --timit <TIMIT root> [options] (see the header of $0)" >&2; exit 1; }

. utils/stages.sh
train=data/train    # what the networks train on: data/train_sp with --speed-perturb true
if [ -z "$speed_perturb" ]; then
  speed_perturb=true; [ -n "$feats_dir$ali_dir" ] && speed_perturb=false
fi
if [ "$speed_perturb" = true ]; then
  [ -z "$feats_dir" ] || { echo "$0: --speed-perturb needs the audio; it does not combine with --feats-dir" >&2; exit 1; }
  [ -z "$ali_dir" ] || { echo "$0: --speed-perturb does not combine with --ali-dir (no alignments of the perturbed copies)" >&2; exit 1; }
  train=data/train_sp
fi

if run_stage 0; then
  log "Stage 0: data preparation from $timit"
  local/timit_data_prep.sh --dev-spk-list $dev_spk_list --test-spk-list $test_spk_list $timit
  touch exp/.done.0
fi

model=exp/mono/final.mdl
# The model's pdf count, asked for where a stage needs it (the model exists from stage 1 on).
num_pdfs() { hmm-info --print-args=false $model 2> exp/hmm_info.log | awk '/pdfs/ { print $NF }'; }
graph=exp/mono/graph
if [ -n "$ali_dir" ]; then model=$ali_dir/final.mdl; graph=$graph_dir; fi

if run_stage 1; then
  log "Stage 1: 48-phone lexicon, lang, phone bigram, monophone topology and decoding graph"
  dict=data/local/dict
  mkdir -p $dict exp/mono
  # The 48 phones of the map (as Kaldi's local/timit_prepare_dict.sh), whether or not the
  # training transcripts use them all.
  awk -F'\t' 'NF >= 2 && $2 != "" { print $2 }' conf/phones.60-48-39.map | grep -v '^sil$' | sort -u > $dict/nonsilence_phones.txt
  echo sil > $dict/silence_phones.txt
  echo sil > $dict/optional_silence.txt
  (echo "sil sil"; awk '{ print $1, $1 }' $dict/nonsilence_phones.txt) > $dict/lexicon.txt
  utils/prepare_lang.sh --sil-prob 0 --num-sil-states 3 $dict sil data/local/lang_tmp data/lang > exp/prepare_lang.log
  utils/sym2int.pl -f 1 data/lang/words.txt $dict/lexicon.txt | utils/sym2int.pl -f 2- data/lang/phones.txt > data/lang/lexicon.int
  rm -rf data/lang_test_bg && cp -r data/lang data/lang_test_bg
  build-arpa-lm --skip-first-field=true data/train/text data/local/phone_bigram.arpa 2> exp/build_arpa_lm.log
  arpa2fst --disambig-symbol=#0 --read-symbol-table=data/lang_test_bg/words.txt data/local/phone_bigram.arpa data/lang_test_bg/G.fst 2> exp/arpa2fst.log
  if [ -z "$ali_dir" ]; then
    init-mono-model data/lang/topo exp/mono/final.mdl 2> exp/init_mono_model.log
    utils/mkgraph.sh data/lang_test_bg exp/mono $graph > exp/mkgraph.log
  fi
  log "  $(wc -l < $dict/nonsilence_phones.txt) phones + sil; $(num_pdfs) pdfs in $model"
  touch exp/.done.1
fi

if run_stage 2; then
  log "Stage 2: $([ -n "$feats_dir" ] && echo "features from $feats_dir" || echo "40-dim fbank"), per-speaker CMVN"
  for set in train dev test; do
    steps/make_fbank_cmvn.sh --nj $nj --cmd "$train_cmd" --fbank-config conf/fbank.conf ${feats_dir:+--feats-scp $feats_dir/$set/feats.scp} \
      data/$set exp/make_fbank/$set fbank > /dev/null
  done
  if [ "$speed_perturb" = true ]; then
    utils/data/perturb_data_dir_speed_nway.sh "$speed_factors" data/train $train > /dev/null
    steps/make_fbank_cmvn.sh --nj $nj --cmd "$train_cmd" --fbank-config conf/fbank.conf $train exp/make_fbank/train_sp fbank > /dev/null
  fi
  log "  $(feat-to-len --print-args=false scp:$train/feats.scp 2> exp/feat_to_len.log) training frames$([ "$speed_perturb" = true ] && echo " (speeds 1.0 $speed_factors)")"
  touch exp/.done.2
fi


if run_stage 3; then
  mkdir -p exp/targets
  if [ -n "$ali_dir" ]; then
    log "Stage 3: frame targets from $ali_dir (ali-to-pdf)"
    for set in train dev; do
      dir=$ali_dir; [ $set = dev ] && dir=${dev_ali_dir:-${ali_dir}_dev}
      ls $dir/ali.*.gz > /dev/null || { echo "$0: no alignments $dir/ali.*.gz for $set" >&2; exit 1; }
      ali-to-pdf $model "ark:gunzip -c $dir/ali.*.gz |" ark:exp/targets/$set.ark 2> exp/targets/ali_to_pdf_$set.log
    done
  else
    log "Stage 3: alignments from the .PHN boundaries$([ $realign_iters -gt 0 ] && echo ", then $realign_iters realignment(s) with a network ($align_opts)")"
    # Alignment directories in Kaldi's layout (ali.*.gz, num_jobs, final.mdl): exp/align<i>/ali_<set>,
    # i = 0 for the hand labels; the last one can be given to another recipe as --ali-dir.
    for set in $train data/dev; do steps/align_to_segments.sh $set data/lang $model exp/align0/ali_$(basename $set); done
    for iter in $(seq 1 $realign_iters); do
      steps/realign_am.sh --nj $nj --cmd "$train_cmd" --num-threads $num_threads --splice $splice --align-opts "$align_opts" --sil-prob 0 \
        $train data/dev data/lang $model exp/align$((iter - 1)) exp/align$iter
    done
    for set in train dev; do
      ali=exp/align$realign_iters/ali_$([ $set = train ] && basename $train || echo dev)
      ali-to-pdf $model "ark:gunzip -c $ali/ali.*.gz |" ark:exp/targets/$set.ark 2> exp/targets/ali_to_pdf_$set.log
    done
  fi
  analyze-counts --binary=false --counts-dim=$(num_pdfs) ark:exp/targets/train.ark exp/targets/train_pdf.counts 2> exp/targets/analyze_counts.log
  touch exp/.done.3
fi

# Stages 4, 5 and 7 skip models and decodes that are done, unless --stage forces them.
if run_stage 4; then
  log "Stage 4: training $models"
  steps/train_am.sh --models "$models" --train-opts "$train_opts" --splice $splice --seeds "$seeds" --force $(forced_at 4) --nj $nj \
    --cmd "$train_cmd" --num-threads $num_threads --mpi-ranks $mpi_ranks --mpirun-opts "$mpirun_opts" \
    $(num_pdfs) $train ark:exp/targets/train.ark data/dev ark:exp/targets/dev.ark exp
fi

if run_stage 5; then
  log "Stage 5: log-likelihoods, lattices, scoring at LM weights $min_lmwt..$max_lmwt, 39-phone PER"
  for m in $models; do
    ams=$(utils/am_dirs.sh exp $m "$seeds")
    for am in $ams; do
      for set in dev test; do
        steps/decode_am.sh --phone-map conf/phones.60-48-39.map --nj $nj --cmd "$decode_cmd" --min-lmwt $min_lmwt --max-lmwt $max_lmwt \
          --decode-config conf/decode.config --splice $splice --force $(forced_at 5) \
          $am $model $graph exp/targets/train_pdf.counts data/$set $am/decode_$set
      done
    done
  done
fi

if run_stage 6; then
  log "Stage 6: RESULTS (Table 1 layout) and training curves"
  utils/make_results.sh --models "$models" --seeds "$seeds" exp > RESULTS
  cat RESULTS
  touch exp/.done.6
fi

if run_stage 7; then
  log "Stage 7: on-line recognition of the test set (audio in chunks, on-line CMVN, frame by frame), beside the offline tools; endpointing on its utterances joined by pauses"
  if [ -n "$feats_dir" ]; then
    log "  skipped: on-line recognition computes fbank from the audio, not --feats-dir's features"
  else
    steps/online/decode_models.sh --nj $nj --cmd "$decode_cmd" --seeds "$seeds" --splice $splice --phone-map conf/phones.60-48-39.map --decode-config conf/decode.config \
      --force $(forced_at 7) exp "$models" $model $graph exp/targets/train_pdf.counts data/train data/test data/lang
  fi
  touch exp/.done.7
fi
