#!/usr/bin/env bash
# One round of network realignment, as Kaldi's monophone training realigns instead of
# trusting its first targets: frame targets from the previous alignments (ali-to-pdf), a
# network trained on them (ksnn-am-train with --align-opts), then forced alignment of the
# training and dev transcripts with that network (steps/align_am.sh). Alignment directories
# are Kaldi's layout: <dir>/ali_<set>/ali.JOB.gz + num_jobs + final.mdl, for <set> the data
# directories' names; the aligner itself stays in <dir> (final.mdl, history.tsv, log/).
# The aligner's training is one $cmd job (with --num-threads), the alignments --nj jobs.
#
# Usage: steps/realign_am.sh [--nj 1] [--cmd run.pl] [--num-threads 1] [--align-opts "..."] [--splice 0] [--sil-prob 0.5]
#          <train-data> <dev-data> <lang-dir> <transition-model> <prev-align-dir> <align-dir>
#  e.g.: steps/realign_am.sh --align-opts "--architecture=lstm --hidden-dim=256 --epochs=8" \
#          data/train data/dev data/lang exp/mono/final.mdl exp/align0 exp/align1
set -euo pipefail
nj=1                # alignment jobs per set
cmd=run.pl          # how the jobs run (utils/run.pl, utils/slurm.pl [options])
num_threads=1       # BLAS threads of the aligner's training
align_opts="--architecture=lstm --hidden-dim=256 --epochs=8"
splice=0            # input context of the aligner (utils/am_feats.sh)
sil_prob=0.5        # optional silence between words in the alignment graphs (0: none)
. "$(dirname "$0")/../utils/parse_options.sh"
[ $# -eq 6 ] || { echo "Usage: $0 [--align-opts OPTS] [--splice N] [--sil-prob P] <train-data> <dev-data> <lang-dir> <transition-model> <prev-align-dir> <align-dir>" >&2; exit 1; }
train=$1 dev=$2 lang=$3 model=$4 prev=$5 dir=$6
steps=$(dirname "$(readlink -f "$0")")
utils=$steps/../utils
for set in $train $dev; do
  ls $prev/ali_$(basename $set)/ali.*.gz > /dev/null 2>&1 || { echo "$0: no alignments $prev/ali_$(basename $set)/ali.*.gz" >&2; exit 1; }
done
mkdir -p $dir/log
export PATH=$PATH:$utils   # run.pl and friends, as a recipe's path.sh provides them
npdf=$(hmm-info --print-args=false $model 2> $dir/log/hmm_info.log | awk '/pdfs/ { print $NF }')
for set in $train $dev; do
  ali-to-pdf $model "ark:gunzip -c $prev/ali_$(basename $set)/ali.*.gz |" ark:$dir/pdf_$(basename $set).ark \
    2> $dir/log/ali_to_pdf_$(basename $set).log
done
analyze-counts --binary=false --counts-dim=$npdf ark:$dir/pdf_$(basename $train).ark $dir/pdf.counts 2> $dir/log/analyze_counts.log
# Word splitting on purpose: align_opts is a list of options, escaped because $cmd runs its
# command through a shell.
# shellcheck disable=SC2086
$cmd --num-threads $num_threads $dir/log/train.log \
  ksnn-am-train --num-threads=$num_threads ${align_opts:+$(printf '%q ' $align_opts)} --num-targets=$npdf "$($utils/am_feats.sh $train $splice)" ark:$dir/pdf_$(basename $train).ark \
  "$($utils/am_feats.sh $dev $splice)" ark:$dir/pdf_$(basename $dev).ark $dir \
  || { echo "$0: training the aligner failed; see $dir/log/train.log" >&2; exit 1; }
echo "  $(basename $dir): $(tail -1 $dir/history.tsv | awk '{ printf "aligner dev frame accuracy %.1f%%", 100 * $7 }')"
for set in $train $dev; do
  $steps/align_am.sh --nj $nj --cmd "$cmd" --splice $splice --sil-prob $sil_prob $set $lang $dir $model $dir/pdf.counts $dir/ali_$(basename $set)
done
rm $dir/pdf_*.ark
