#!/usr/bin/env bash
# Decodes a data directory with a trained acoustic model: log-likelihoods from
# ksnn-am-forward (posteriors divided by priors from <counts>; --nj jobs over the data split
# by speakers, their measures summed by ksnn-am-sum-measures), then lattices and scores
# (steps/decode_mapped.sh: one latgen-faster-mapped pass per --nj part into lat.JOB.gz, as
# Kaldi's steps/nnet/decode.sh, and steps/score.sh over the grid of LM weights and word
# insertion penalties, with --phone-map for TIMIT PER). Skipped when <decode-dir>/.done is
# newer than the model, unless --force true.
#
# Usage: steps/decode_am.sh [--min-lmwt 1] [--max-lmwt 10] [--word-ins-penalty 0.0,0.5,1.0] [--nj 2]
#          [--acwt A] [--phone-map FILE] [--decode-config conf/decode.config] [--splice 0] [--force false] [--cmd run.pl]
#          <am-dir> <transition-model> <graph-dir> <counts> <data-dir> <decode-dir>
#  e.g.: steps/decode_am.sh --phone-map conf/phones.60-48-39.map exp/v2 exp/mono/final.mdl exp/mono/graph \
#          exp/targets/train_pdf.counts data/test exp/v2/decode_test
set -euo pipefail
min_lmwt=1
max_lmwt=10
word_ins_penalty=0.0,0.5,1.0   # as Kaldi's local/score.sh
nj=2                # forward-pass and lattice generation jobs
cmd=run.pl          # how the jobs run (utils/run.pl, utils/slurm.pl [options])
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
export PATH=$PATH:$utils
if [ -f $dir/.done ] && [ $dir/.done -nt $am/final.mdl ] && [ $force = false ]; then
  echo "  $(basename $am) on $(basename $data): already scored: $(cat $dir/scoring_kaldi/best_wer)"; exit 0
fi
rm -f $dir/.done
mkdir -p $dir/log
sdata=$data/split$nj
$utils/split_data.sh $data $nj
feats=$($utils/am_feats.sh $sdata/JOB $splice)
rm -f $dir/loglikes.*
$cmd JOB=1:$nj $dir/log/forward.JOB.log \
  ksnn-am-forward --class-frame-counts=$counts --prior-floor=$($utils/prior_floor.sh $counts) --measures=$dir/measures.JOB.json \
    $am/final.mdl "$feats" ark,scp:$dir/loglikes.JOB.ark,$dir/loglikes.JOB.scp \
  || { echo "$0: ksnn-am-forward failed; see $dir/log/forward.*.log" >&2; exit 1; }
for j in $(seq $nj); do cat $dir/loglikes.$j.scp; done > $dir/loglikes.scp
ksnn-am-sum-measures $am/final.mdl $dir/measures.json $(for j in $(seq $nj); do echo $dir/measures.$j.json; done) \
  2> $dir/log/sum_measures.log || { echo "$0: summing the measures failed; see $dir/log/sum_measures.log" >&2; exit 1; }
rm $dir/measures.*.json
$(dirname "$0")/decode_mapped.sh ${phone_map:+--phone-map $phone_map} ${acwt:+--acwt $acwt} ${decode_config:+--decode-config $decode_config} \
  --nj $nj --cmd "$cmd" --min-lmwt $min_lmwt --max-lmwt $max_lmwt --word-ins-penalty $word_ins_penalty $model $graph $data $dir
touch $dir/.done
echo "  $(basename $am) on $(basename $data): $(cat $dir/scoring_kaldi/best_wer)"
