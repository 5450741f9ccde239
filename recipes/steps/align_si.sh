#!/usr/bin/env bash
# Kaldi's steps/align_si.sh for a monophone (or any delta-feature) GMM system made by
# steps/train_mono.sh: forced alignment of a data directory's transcripts with
# <src-dir>/final.mdl, scored by gmm-compute-likes over CMN+delta features and aligned by
# align-phones-mapped through the lexicon with optional silence (acoustic scale 0.1, self-loop
# scale 0.1, as Kaldi's scale_opts). Writes Kaldi's layout: <ali-dir>/ali.JOB.gz for JOB=1..nj
# (the data split by speakers, utils/split_data.sh), num_jobs and final.mdl.
#
# Usage: steps/align_si.sh [--nj 1] [--cmd run.pl] [--beam 10] [--retry-beam 40] [--boost-silence 1.0]
#          [--sil-prob 0.5] <data-dir> <lang-dir> <src-dir> <ali-dir>
#  e.g.: steps/align_si.sh --nj 2 --cmd utils/slurm.pl data/mfcc/dev data/lang exp/mono_gmm exp/mono_gmm_ali_dev
set -euo pipefail
nj=1                # parallel jobs, each over a part of the speakers
cmd=run.pl          # how the jobs run (utils/run.pl, utils/slurm.pl [options])
beam=10
retry_beam=40
boost_silence=1.0
sil_prob=0.5
scale_opts="--transition-scale=1.0 --acoustic-scale=0.1 --self-loop-scale=0.1"
. "$(dirname "$0")/../utils/parse_options.sh"
[ $# -eq 4 ] || { echo "Usage: $0 [options] <data-dir> <lang-dir> <src-dir> <ali-dir>" >&2; exit 1; }
data=$1 lang=$2 src=$3 dir=$4
utils=$(dirname "$(readlink -f "$0")")/../utils
for f in $data/feats.scp $data/cmvn.scp $data/utt2spk $data/text $lang/lexicon.int $lang/oov.txt $src/final.mdl; do
  [ -f $f ] || { echo "$0: no such file $f" >&2; exit 1; }
done
mkdir -p $dir/log
export PATH=$PATH:$utils   # run.pl and friends, as a recipe's path.sh provides them
[ "$(readlink -f $src/final.mdl)" = "$(readlink -f $dir/final.mdl)" ] || cp $src/final.mdl $dir/final.mdl
sdata=$data/split$nj
$utils/split_data.sh $data $nj
rm -f $dir/ali.*.gz
silence=$(cat $lang/phones/optional_silence.int)
[ "$sil_prob" = 0 ] && silence=0
feats="ark,s,cs:apply-cmvn --utt2spk=ark:$sdata/JOB/utt2spk scp:$sdata/JOB/cmvn.scp scp:$sdata/JOB/feats.scp ark:- | add-deltas ark:- ark:- |"
text="ark:$utils/sym2int.pl --map-oov '$(cat $lang/oov.txt)' -f 2- $lang/words.txt $sdata/JOB/text |"
# Word splitting on purpose: scale_opts is a list of options.
# shellcheck disable=SC2086
$cmd JOB=1:$nj $dir/log/align.JOB.log \
  gmm-compute-likes "gmm-boost-silence --boost=$boost_silence $(cat $lang/phones/optional_silence.int) $src/final.mdl - |" "$feats" ark:- \| \
  align-phones-mapped $scale_opts --beam=$beam --retry-beam=$retry_beam --lexicon=$lang/lexicon.int \
    --optional-silence=$silence --silence-prob=$sil_prob $src/final.mdl ark:- "$text" "ark:| gzip -c > $dir/ali.JOB.gz" \
  || { echo "$0: alignment failed; see $dir/log/align.*.log" >&2; exit 1; }
echo $nj > $dir/num_jobs
$utils/alignment_summary.sh $data $dir/log/align.*.log
