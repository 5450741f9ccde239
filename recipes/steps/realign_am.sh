#!/usr/bin/env bash
# One round of network realignment, as Kaldi's monophone training realigns instead of
# trusting its first targets: frame targets from the previous alignments (ali-to-pdf), a
# network trained on them (ksnn-am-train with --align-opts), then forced alignment of the
# training and dev transcripts with that network (steps/align_am.sh). Alignment directories
# are Kaldi's layout: <dir>/ali_<set>/ali.1.gz + final.mdl, for <set> the data directories'
# names; the aligner itself stays in <dir> (final.mdl, history.tsv, log/).
#
# Usage: steps/realign_am.sh [--align-opts "..."] [--splice 0] [--sil-prob 0.5]
#          <train-data> <dev-data> <lang-dir> <transition-model> <prev-align-dir> <align-dir>
#  e.g.: steps/realign_am.sh --align-opts "--architecture=lstm --hidden-dim=256 --epochs=8" \
#          data/train data/dev data/lang exp/mono/final.mdl exp/align0 exp/align1
set -euo pipefail
align_opts="--architecture=lstm --hidden-dim=256 --epochs=8"
splice=0            # input context of the aligner (utils/am_feats.sh)
sil_prob=0.5        # optional silence between words in the alignment graphs (0: none)
. "$(dirname "$0")/../utils/parse_options.sh"
[ $# -eq 6 ] || { echo "Usage: $0 [--align-opts OPTS] [--splice N] [--sil-prob P] <train-data> <dev-data> <lang-dir> <transition-model> <prev-align-dir> <align-dir>" >&2; exit 1; }
train=$1 dev=$2 lang=$3 model=$4 prev=$5 dir=$6
steps=$(dirname "$(readlink -f "$0")")
utils=$steps/../utils
for set in $train $dev; do
  [ -f $prev/ali_$(basename $set)/ali.1.gz ] || { echo "$0: no alignments $prev/ali_$(basename $set)/ali.1.gz" >&2; exit 1; }
done
mkdir -p $dir/log
npdf=$(hmm-info --print-args=false $model 2> $dir/log/hmm_info.log | awk '/pdfs/ { print $NF }')
for set in $train $dev; do
  ali-to-pdf $model "ark:gunzip -c $prev/ali_$(basename $set)/ali.1.gz |" ark:$dir/pdf_$(basename $set).ark \
    2> $dir/log/ali_to_pdf_$(basename $set).log
done
analyze-counts --binary=false --counts-dim=$npdf ark:$dir/pdf_$(basename $train).ark $dir/pdf.counts 2> $dir/log/analyze_counts.log
# Word splitting on purpose: align_opts is a list of options.
# shellcheck disable=SC2086
ksnn-am-train $align_opts --num-targets=$npdf "$($utils/am_feats.sh $train $splice)" ark:$dir/pdf_$(basename $train).ark \
  "$($utils/am_feats.sh $dev $splice)" ark:$dir/pdf_$(basename $dev).ark $dir 2> $dir/log/train.log \
  || { echo "$0: training the aligner failed; see $dir/log/train.log" >&2; exit 1; }
echo "  $(basename $dir): $(tail -1 $dir/history.tsv | awk '{ printf "aligner dev frame accuracy %.1f%%", 100 * $7 }')"
for set in $train $dev; do
  $steps/align_am.sh --splice $splice --sil-prob $sil_prob $set $lang $dir $model $dir/pdf.counts $dir/ali_$(basename $set)
done
rm $dir/pdf_*.ark
