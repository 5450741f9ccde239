#!/usr/bin/env bash
# Kaldi's steps/decode.sh for a delta-feature GMM system (steps/train_mono.sh): pdf
# log-likelihoods of <decode-dir>/../final.mdl from gmm-compute-likes over the data
# directory's features with per-speaker CMN and deltas, then lattices and scores
# (steps/decode_mapped.sh) at Kaldi's GMM acoustic scale 1/12.
#
# Usage: steps/decode.sh [--acwt 0.08333] [--nj 2] [--cmd run.pl] [--min-lmwt 1] [--max-lmwt 10] [--word-ins-penalty 0.0,0.5,1.0]
#          [--phone-map FILE] [--decode-config FILE] [--model FILE] <graph-dir> <data-dir> <decode-dir>
#  e.g.: steps/decode.sh --min-lmwt 4 --max-lmwt 23 exp/mono/graph data/mfcc/dev_clean exp/mono_gmm/decode_dev
set -euo pipefail
acwt=0.08333
nj=2
cmd=run.pl          # how the lattice jobs run (utils/run.pl, utils/slurm.pl [options])
min_lmwt=1
max_lmwt=10
word_ins_penalty=0.0,0.5,1.0
phone_map=
decode_config=
model=              # default: <decode-dir>/../final.mdl
. "$(dirname "$0")/../utils/parse_options.sh"
[ $# -eq 3 ] || { echo "Usage: $0 [options] <graph-dir> <data-dir> <decode-dir>" >&2; exit 1; }
graph=$1 data=$2 dir=$3
model=${model:-$(dirname $dir)/final.mdl}
for f in $graph/HCLG.fst $data/feats.scp $data/cmvn.scp $data/utt2spk $model; do
  [ -f $f ] || { echo "$0: no such file $f" >&2; exit 1; }
done
mkdir -p $dir/log
gmm-compute-likes $model "ark:apply-cmvn --utt2spk=ark:$data/utt2spk scp:$data/cmvn.scp scp:$data/feats.scp ark:- | add-deltas ark:- ark:- |" \
  ark,scp:$dir/loglikes.ark,$dir/loglikes.scp 2> $dir/log/likes.log \
  || { echo "$0: gmm-compute-likes failed; see $dir/log/likes.log" >&2; exit 1; }
$(dirname "$0")/decode_mapped.sh ${phone_map:+--phone-map $phone_map} ${decode_config:+--decode-config $decode_config} \
  --acwt $acwt --nj $nj --cmd "$cmd" --min-lmwt $min_lmwt --max-lmwt $max_lmwt --word-ins-penalty $word_ins_penalty $model $graph $data $dir
rm $dir/loglikes.ark
echo "  $(basename $(dirname $dir)) on $(basename $data): $(cat $dir/scoring_kaldi/best_wer)"
