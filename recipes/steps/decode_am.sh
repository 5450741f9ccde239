#!/usr/bin/env bash
# Decodes a data directory with a trained acoustic model: log-likelihoods from
# ksnn-am-forward (posteriors divided by priors from <counts>), one latgen-faster-mapped pass
# per set into lattices (<decode-dir>/lat.JOB.gz, --nj jobs, as Kaldi's steps/nnet/decode.sh),
# then steps/score.sh (with --phone-map for TIMIT PER) scores the lattices over the grid of LM
# weights and word insertion penalties and picks the best pair. Skipped when
# <decode-dir>/.done is newer than the model, unless --force true.
#
# Usage: steps/decode_am.sh [--min-lmwt 1] [--max-lmwt 10] [--word-ins-penalty 0.0,0.5,1.0] [--nj 2]
#          [--acwt A] [--phone-map FILE] [--decode-config conf/decode.config] [--splice 0] [--force false]
#          <am-dir> <transition-model> <graph-dir> <counts> <data-dir> <decode-dir>
#  e.g.: steps/decode_am.sh --phone-map conf/phones.60-48-39.map exp/v2 exp/mono/final.mdl exp/mono/graph \
#          exp/targets/train_pdf.counts data/test exp/v2/decode_test
set -euo pipefail
min_lmwt=1
max_lmwt=10
word_ins_penalty=0.0,0.5,1.0   # as Kaldi's local/score.sh
nj=2                # lattice generation jobs
acwt=               # acoustic scale of the search (only pruning depends on it); default: the
                    # geometric middle of the scored range, 1/sqrt(min_lmwt*max_lmwt)
phone_map=
decode_config=      # latgen-faster-mapped options; default --beam=13 --lattice-beam=8 --max-active=7000
splice=0            # input context, as in training (utils/am_feats.sh)
force=false
. "$(dirname "$0")/../utils/parse_options.sh"
[ $# -eq 6 ] || { echo "Usage: $0 [options] <am-dir> <transition-model> <graph-dir> <counts> <data-dir> <decode-dir>" >&2; exit 1; }
am=$1 model=$2 graph=$3 counts=$4 data=$5 dir=$6
utils=$(dirname "$(readlink -f "$0")")/../utils
if [ -f $dir/.done ] && [ $dir/.done -nt $am/final.mdl ] && [ $force = false ]; then
  echo "  $(basename $am) on $(basename $data): already scored: $(cat $dir/scoring_kaldi/best_wer)"; exit 0
fi
rm -f $dir/.done $dir/lat.*.gz
if [ -n "$decode_config" ]; then
  [ -f $decode_config ] || { echo "$0: no such file $decode_config" >&2; exit 1; }
  decoder_opts=--config=$decode_config
else
  decoder_opts="--beam=13 --lattice-beam=8 --max-active=7000"
fi
acwt=${acwt:-$(awk -v a=$min_lmwt -v b=$max_lmwt 'BEGIN { printf "%.4g", 1 / sqrt(a * b) }')}
mkdir -p $dir/scoring $dir/log $dir/split$nj
ksnn-am-forward --class-frame-counts=$counts --measures=$dir/measures.json \
  $am/final.mdl "$($utils/am_feats.sh $data $splice)" ark,scp:$dir/loglikes.ark,$dir/loglikes.scp 2> $dir/log/forward.log
jobs=$(( nj < $(wc -l < $dir/loglikes.scp) ? nj : $(wc -l < $dir/loglikes.scp) ))
$utils/split_scp.pl $dir/loglikes.scp $(for j in $(seq $jobs); do echo $dir/split$nj/loglikes.$j.scp; done)
$utils/run.pl JOB=1:$jobs $dir/log/decode.JOB.log \
  latgen-faster-mapped --acoustic-scale=$acwt --allow-partial=true $decoder_opts $model $graph/HCLG.fst \
    scp:$dir/split$nj/loglikes.JOB.scp "ark:|gzip -c > $dir/lat.JOB.gz" \
  || { echo "$0: lattice generation failed; see $dir/log/decode.*.log" >&2; exit 1; }
echo $jobs > $dir/num_jobs
$(dirname "$0")/score.sh ${phone_map:+--phone-map $phone_map} --nj $nj --min-lmwt $min_lmwt --max-lmwt $max_lmwt \
  --word-ins-penalty $word_ins_penalty $data $graph $dir > $dir/log/score.log 2>&1 \
  || { echo "$0: scoring failed; see $dir/log/score.log" >&2; exit 1; }
touch $dir/.done
echo "  $(basename $am) on $(basename $data): $(cat $dir/scoring_kaldi/best_wer)"
