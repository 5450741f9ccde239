#!/usr/bin/env bash
# The search and scoring half of decoding, shared by steps/decode_am.sh (networks) and
# steps/decode.sh (GMMs): <decode-dir>/loglikes.scp (pdf log-likelihoods, one matrix per
# utterance) split into --nj parts, one latgen-faster-mapped pass per part into lattices
# (<decode-dir>/lat.JOB.gz, as Kaldi's decoders write them), then steps/score.sh (with
# --phone-map for TIMIT PER) over the grid of LM weights and word insertion penalties, and
# the best pair's CTM with confidences where the lattices can be word-aligned.
#
# Usage: steps/decode_mapped.sh [--min-lmwt 1] [--max-lmwt 10] [--word-ins-penalty 0.0,0.5,1.0] [--nj 2]
#          [--acwt A] [--phone-map FILE] [--decode-config FILE] [--cmd run.pl] <transition-model> <graph-dir> <data-dir> <decode-dir>
#  e.g.: steps/decode_mapped.sh --acwt 0.1 exp/mono/final.mdl exp/mono/graph data/test exp/mono_gmm/decode_test
set -euo pipefail
min_lmwt=1
max_lmwt=10
word_ins_penalty=0.0,0.5,1.0   # as Kaldi's local/score.sh
nj=2                # lattice generation jobs
cmd=run.pl          # how the jobs run (utils/run.pl, utils/slurm.pl [options])
acwt=               # acoustic scale of the search (only pruning depends on it); default: the
                    # geometric middle of the scored range, 1/sqrt(min_lmwt*max_lmwt)
phone_map=
decode_config=      # latgen-faster-mapped options; default --beam=13 --lattice-beam=8 --max-active=7000
. "$(dirname "$0")/../utils/parse_options.sh"
[ $# -eq 4 ] || { echo "Usage: $0 [options] <transition-model> <graph-dir> <data-dir> <decode-dir>" >&2; exit 1; }
model=$1 graph=$2 data=$3 dir=$4
utils=$(dirname "$(readlink -f "$0")")/../utils
export PATH=$PATH:$utils   # run.pl and friends, as a recipe's path.sh provides them
[ -f $dir/loglikes.scp ] || { echo "$0: no $dir/loglikes.scp" >&2; exit 1; }
if [ -n "$decode_config" ]; then
  [ -f $decode_config ] || { echo "$0: no such file $decode_config" >&2; exit 1; }
  decoder_opts=--config=$decode_config
else
  decoder_opts="--beam=13 --lattice-beam=8 --max-active=7000"
fi
acwt=${acwt:-$(awk -v a=$min_lmwt -v b=$max_lmwt 'BEGIN { printf "%.4g", 1 / sqrt(a * b) }')}
rm -f $dir/lat.*.gz
mkdir -p $dir/log $dir/split$nj
jobs=$(( nj < $(wc -l < $dir/loglikes.scp) ? nj : $(wc -l < $dir/loglikes.scp) ))
$utils/split_scp.pl $dir/loglikes.scp $(for j in $(seq $jobs); do echo $dir/split$nj/loglikes.$j.scp; done)
$cmd JOB=1:$jobs $dir/log/decode.JOB.log \
  latgen-faster-mapped --acoustic-scale=$acwt --allow-partial=true $decoder_opts $model $graph/HCLG.fst \
    scp:$dir/split$nj/loglikes.JOB.scp "ark:|gzip -c > $dir/lat.JOB.gz" \
  || { echo "$0: lattice generation failed; see $dir/log/decode.*.log" >&2; exit 1; }
echo $jobs > $dir/num_jobs
$(dirname "$0")/score.sh ${phone_map:+--phone-map $phone_map} --ctm-model $model --nj $nj --cmd "$cmd" --min-lmwt $min_lmwt --max-lmwt $max_lmwt \
  --word-ins-penalty $word_ins_penalty $data $graph $dir > $dir/log/score.log 2>&1 \
  || { echo "$0: scoring failed; see $dir/log/score.log" >&2; exit 1; }
