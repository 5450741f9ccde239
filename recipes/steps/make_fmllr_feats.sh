#!/usr/bin/env bash
# Kaldi's steps/nnet/make_fmllr_feats.sh: dumps a GMM system's (fMLLR) features into a new
# data directory, for training and testing networks on them (the paper's tri3 features).
#   LDA systems (<gmm-dir>/final.mat): apply-cmvn $cmvn_opts | splice-feats $splice_opts |
#     transform-feats final.mat [| transform-feats --utt2spk "ark:cat <transform-dir>/trans.* |"]
#   delta systems (no final.mat): apply-cmvn $cmvn_opts | add-deltas [| transform-feats ...]
# with cmvn_opts and splice_opts from <gmm-dir> (either may be empty). The features go to
# <fea-dir>/feats_fmllr_<name>.JOB.{ark,scp}; <tgt-data-dir> gets a copy of <src-data-dir>'s
# files (wav.scp, text, utt2spk, spk2utt, spk2gender, ...) with the new feats.scp and no
# cmvn.scp (statistics of the new features are the caller's to compute).
# <src-data-dir> may hold feats.scp and cmvn.scp, or (as a Kaldi system shipped as archives)
# feats.ark and cmvn.ark; it is only read (the per-job utterance lists go to <log-dir>).
#
# Usage: steps/make_fmllr_feats.sh [--nj N] [--cmd run.pl] [--transform-dir DIR] <tgt-data-dir> <src-data-dir> <gmm-dir> <log-dir> <fea-dir>
#  e.g.: steps/make_fmllr_feats.sh --nj 4 --transform-dir exp/tri3/decode_dev \
#          data-fmllr-tri3/dev data/dev exp/tri3 data-fmllr-tri3/dev/log data-fmllr-tri3/dev/data
set -euo pipefail

# Begin configuration section.
nj=4
cmd=run.pl
transform_dir=
# End configuration section.

echo "$0 $*"
utils=$(cd "$(dirname "$0")/../utils" && pwd)
export PATH=$PATH:$utils   # run.pl and friends, as a recipe's path.sh provides them
help_message="Usage: $0 [options] <tgt-data-dir> <src-data-dir> <gmm-dir> <log-dir> <fea-dir>
 e.g.: $0 data-fmllr-tri3/train data/train exp/tri3 exp/make_fmllr_feats/log fmllr
Works on CMN + (LDA+MLLT | delta+delta-delta) features: LDA when <gmm-dir>/final.mat exists.
Options:
  --nj <nj>                        # number of parallel jobs ($nj)
  --cmd <run.pl|queue.pl <queue opts>>  # how to run jobs ($cmd)
  --transform-dir <transform-dir>  # where to find fMLLR transforms (trans.*)"
. "$utils/parse_options.sh"

if [ $# -ne 5 ]; then
  printf '%s\n' "$help_message" >&2
  exit 1
fi
data=$1
srcdata=$2
gmmdir=$3
logdir=$4
feadir=$5

[[ $nj =~ ^[1-9][0-9]*$ ]] || { echo "$0: --nj must be a positive integer, got '$nj'" >&2; exit 1; }
for f in $srcdata/utt2spk; do
  [ -f $f ] || { echo "$0: no such file $f" >&2; exit 1; }
done
[ -d $gmmdir ] || { echo "$0: no such directory $gmmdir" >&2; exit 1; }
mkdir -p $data $logdir $feadir
[ "$(cd $srcdata && pwd)" != "$(cd $data && pwd)" ] || { echo "$0: <tgt-data-dir> must differ from <src-data-dir>" >&2; exit 1; }
splice_opts=$(cat $gmmdir/splice_opts 2>/dev/null || true)  # frame-splicing options
cmvn_opts=$(cat $gmmdir/cmvn_opts 2>/dev/null || true)

# Where the features and the CMVN statistics come from: scp lists, else whole archives.
if [ -f $srcdata/feats.scp ]; then feats_src=scp
elif [ -f $srcdata/feats.ark ]; then feats_src=ark
else echo "$0: no such file $srcdata/feats.scp (nor $srcdata/feats.ark)" >&2; exit 1; fi
if [ -f $srcdata/cmvn.scp ]; then cmvn_rspecifier=scp:$srcdata/cmvn.scp
elif [ -f $srcdata/cmvn.ark ]; then cmvn_rspecifier=ark:$srcdata/cmvn.ark
else echo "$0: no such file $srcdata/cmvn.scp (nor $srcdata/cmvn.ark)" >&2; exit 1; fi

# Per-job utterance lists in <log-dir>: whole speakers per job (as utils/split_data.sh does)
# when there are enough speakers, else whole utterances (every lookup is random access).
export LC_ALL=C
name=$(basename $data)
nutt=$(wc -l < $srcdata/utt2spk)
nspk=$(awk '{ print $2 }' $srcdata/utt2spk | sort -u | wc -l)
[ $nj -le $nutt ] || { echo "$0: cannot split $srcdata/utt2spk ($nutt utterances) into $nj jobs" >&2; exit 1; }
parts=$(for n in $(seq $nj); do echo $logdir/utt2spk_$name.$n; done)
if [ $nj -le $nspk ]; then
  split_scp.pl --utt2spk=$srcdata/utt2spk $srcdata/utt2spk $parts
else
  split_scp.pl $srcdata/utt2spk $parts
fi
if [ $feats_src = scp ]; then
  for n in $(seq $nj); do filter_scp.pl $logdir/utt2spk_$name.$n $srcdata/feats.scp > $logdir/feats_$name.$n.scp; done
  feats_rspecifier="scp:$logdir/feats_$name.JOB.scp"
else
  feats_rspecifier="\"ark:subset-feats --include=$logdir/utt2spk_$name.JOB ark:$srcdata/feats.ark ark:- |\""
fi

if [ -f $gmmdir/final.mat ]; then feat_type=lda; else feat_type=delta; fi
echo "$0: feature type is $feat_type"
case $feat_type in
  delta) feats="ark,s,cs:apply-cmvn $cmvn_opts --utt2spk=ark:$logdir/utt2spk_$name.JOB $cmvn_rspecifier $feats_rspecifier ark:- | add-deltas ark:- ark:- |" ;;
  lda) feats="ark,s,cs:apply-cmvn $cmvn_opts --utt2spk=ark:$logdir/utt2spk_$name.JOB $cmvn_rspecifier $feats_rspecifier ark:- | splice-feats $splice_opts ark:- ark:- | transform-feats $gmmdir/final.mat ark:- ark:- |" ;;
esac

if [ -n "$transform_dir" ]; then  # fMLLR transforms on top
  echo "Using fMLLR transforms from $transform_dir"
  [ -f $transform_dir/trans.1 ] || { echo "$0: expected $transform_dir/trans.1 to exist" >&2; exit 1; }
  feats="$feats transform-feats --utt2spk=ark:$logdir/utt2spk_$name.JOB \"ark:cat $transform_dir/trans.* |\" ark:- ark:- |"
fi

# The new data directory: the source's files, without its features and statistics.
rm -f $data/feats.scp $data/cmvn.scp $data/feats_cmvn.scp
for f in $srcdata/*; do
  case $(basename $f) in feats.scp|cmvn.scp|feats.ark|cmvn.ark|feats_cmvn.scp) continue ;; esac
  [ -f $f ] && cp $f $data/
done

feadir=$(cd $feadir && pwd)  # the scp must hold absolute paths
$cmd JOB=1:$nj $logdir/make_fmllr_feats.JOB.log \
  copy-feats "$feats" ark,scp:$feadir/feats_fmllr_$name.JOB.ark,$feadir/feats_fmllr_$name.JOB.scp \
  || { echo "$0: making fMLLR features failed; see $logdir/make_fmllr_feats.*.log" >&2; exit 1; }

for n in $(seq $nj); do cat $feadir/feats_fmllr_$name.$n.scp; done > $data/feats.scp
rm -f $logdir/feats_$name.*.scp $logdir/utt2spk_$name.*

got=$(wc -l < $data/feats.scp)
if [ $got -ne $nutt ]; then
  echo "$0: warning: $got of $nutt utterances have features (missing transforms?); see $logdir/make_fmllr_feats.*.log and run utils/fix_data_dir.sh $data" >&2
  [ $got -eq 0 ] && exit 1
fi
echo "$0 finished... $srcdata -> $data ($gmmdir)"
