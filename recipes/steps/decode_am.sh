#!/usr/bin/env bash
# Decodes a data directory with a trained acoustic model: log-likelihoods from
# ksnn-am-forward (posteriors divided by priors from <counts>), decode-faster-mapped at
# acoustic scale 1/LMWT for each LM weight and each word insertion penalty (the grid of
# Kaldi's local/score.sh over lattices: the penalty is added to every word arc of a copy of
# the graph, which is what lattice-add-penalty does to a lattice), then steps/score.sh (with
# --phone-map for TIMIT PER) picks the best pair. Decodes run --nj at a time. Skipped when
# <decode-dir>/.done is newer than the model, unless --force true.
#
# Usage: steps/decode_am.sh [--min-lmwt 1] [--max-lmwt 10] [--word-ins-penalty 0.0,0.5,1.0] [--nj 2]
#          [--phone-map FILE] [--decode-config conf/decode.config] [--splice 0] [--force false]
#          <am-dir> <transition-model> <graph-dir> <counts> <data-dir> <decode-dir>
#  e.g.: steps/decode_am.sh --phone-map conf/phones.60-48-39.map exp/v2 exp/mono/final.mdl exp/mono/graph \
#          exp/targets/train_pdf.counts data/test exp/v2/decode_test
set -euo pipefail
min_lmwt=1
max_lmwt=10
word_ins_penalty=0.0,0.5,1.0   # as Kaldi's local/score.sh
nj=2                # decodes at a time
phone_map=
decode_config=      # decode-faster-mapped options (beam, min/max active); default --beam=13 --max-active=7000
splice=0            # input context, as in training (utils/am_feats.sh)
force=false
. "$(dirname "$0")/../utils/parse_options.sh"
[ $# -eq 6 ] || { echo "Usage: $0 [options] <am-dir> <transition-model> <graph-dir> <counts> <data-dir> <decode-dir>" >&2; exit 1; }
am=$1 model=$2 graph=$3 counts=$4 data=$5 dir=$6
if [ -f $dir/.done ] && [ $dir/.done -nt $am/final.mdl ] && [ $force = false ]; then
  echo "  $(basename $am) on $(basename $data): already scored: $(cat $dir/scoring_kaldi/best_wer)"; exit 0
fi
rm -f $dir/.done
if [ -n "$decode_config" ]; then
  [ -f $decode_config ] || { echo "$0: no such file $decode_config" >&2; exit 1; }
  decoder_opts=--config=$decode_config
else
  decoder_opts="--beam=13 --max-active=7000"
fi
mkdir -p $dir/scoring $dir/log
ksnn-am-forward --class-frame-counts=$counts --measures=$dir/measures.json \
  $am/final.mdl "$("$(dirname "$(readlink -f "$0")")"/../utils/am_feats.sh $data $splice)" ark:$dir/loglikes.ark 2> $dir/log/forward.log
# One graph per penalty: HCLG with the penalty added to the cost of every arc with a word.
for wip in ${word_ins_penalty//,/ }; do
  mkdir -p $dir/scoring/penalty_$wip
  if awk -v w=$wip 'BEGIN { exit !(w == 0) }'; then
    ln -sf "$(readlink -f $graph/HCLG.fst)" $dir/HCLG_penalty_$wip.fst
  else
    fstprint $graph/HCLG.fst | awk -v w=$wip 'BEGIN { OFS = "\t" }
      NF >= 4 { if ($4 != 0) { $5 = (NF == 5 ? $5 : 0) + w }; print; next } { print }' \
      | fstcompile > $dir/HCLG_penalty_$wip.fst 2> $dir/log/penalty_graph_$wip.log
  fi
done
for lmwt in $(seq $min_lmwt $max_lmwt); do
  for wip in ${word_ins_penalty//,/ }; do
    echo "decode-faster-mapped --acoustic-scale=$(awk -v w=$lmwt 'BEGIN { print 1 / w }') $decoder_opts $model" \
      "$dir/HCLG_penalty_$wip.fst ark:$dir/loglikes.ark ark,t:$dir/scoring/penalty_$wip/$lmwt.tra 2> $dir/log/decode.${lmwt}_$wip.log"
  done
done | xargs -P $nj -I{} bash -c {} || { echo "$0: decoding failed; see $dir/log/decode.*.log" >&2; exit 1; }
rm -f $dir/HCLG_penalty_*.fst
$(dirname "$0")/score.sh ${phone_map:+--phone-map $phone_map} --min-lmwt $min_lmwt --max-lmwt $max_lmwt --word-ins-penalty $word_ins_penalty \
  $data $graph $dir > $dir/log/score.log 2>&1
touch $dir/.done
echo "  $(basename $am) on $(basename $data): $(cat $dir/scoring_kaldi/best_wer)"
