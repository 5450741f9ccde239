#!/usr/bin/env bash
# Kaldi's steps/train_mono.sh with ksnn's tools: a monophone GMM-HMM trained by Viterbi EM
# from a flat start, the way Kaldi gets its first frame targets without hand labels. Features
# are the data directory's (MFCC) with per-speaker mean normalization and deltas. gmm-init-mono
# starts every pdf at the global mean and variance of 10 utterances; pass 0 accumulates over an
# equal alignment (align-equal-phones) or over --init-ali-dir's alignments (e.g. a
# voice-activity flat start); then num_iters-1 passes of gmm-acc-stats-ali + gmm-est, mixing up
# by (totgauss - #pdfs)/max_iter_inc Gaussians a pass, realigning at realign_iters
# (gmm-compute-likes | align-phones-mapped through the lexicon with optional silence, Kaldi's
# scales: acoustic 0.1, self-loop 0.1, transitions 1). Writes <exp-dir>/final.mdl (a Kaldi GMM
# model: transition model + AmDiagGmm), tree, and the training alignments ali.1.gz of the final
# model (steps/align_si.sh).
#
# Usage: steps/train_mono.sh [options] <data-dir> <lang-dir> <exp-dir>
#  e.g.: steps/train_mono.sh --init-ali-dir exp/align0/ali_train data/mfcc/train data/lang exp/mono_gmm
# Options: --num-iters 40 --max-iter-inc 30 --totgauss 1000 --power 0.25 --boost-silence 1.0
#          --realign-iters "1 2 ... 38" --init-ali-dir DIR --sil-prob 0.5
set -euo pipefail
num_iters=40
max_iter_inc=30
totgauss=1000
power=0.25
boost_silence=1.0
initial_beam=6
regular_beam=10
retry_beam=40
realign_iters="1 2 3 4 5 6 7 8 9 10 12 14 16 18 20 23 26 29 32 35 38"
scale_opts="--transition-scale=1.0 --acoustic-scale=0.1 --self-loop-scale=0.1"
init_ali_dir=       # alignments (ali.1.gz) for pass 0 instead of the equal alignment
sil_prob=0.5        # optional silence between words in the alignment graphs (0: none)
echo "$0 $*"
. "$(dirname "$0")/../utils/parse_options.sh"
[ $# -eq 3 ] || { echo "Usage: $0 [options] <data-dir> <lang-dir> <exp-dir> (see the header of $0)" >&2; exit 1; }
data=$1 lang=$2 dir=$3
utils=$(dirname "$(readlink -f "$0")")/../utils
for f in $data/feats.scp $data/cmvn.scp $data/utt2spk $data/text $lang/topo $lang/words.txt $lang/lexicon.int $lang/oov.txt $lang/phones/optional_silence.int; do
  [ -f $f ] || { echo "$0: no such file $f" >&2; exit 1; }
done
[ -z "$init_ali_dir" ] || [ -f $init_ali_dir/ali.1.gz ] || { echo "$0: no alignments $init_ali_dir/ali.1.gz" >&2; exit 1; }
mkdir -p $dir/log
# Features once: per-speaker CMN (Kaldi's default cmvn_opts) and deltas.
apply-cmvn --utt2spk=ark:$data/utt2spk scp:$data/cmvn.scp scp:$data/feats.scp ark:- 2> $dir/log/apply_cmvn.log \
  | add-deltas ark:- ark,scp:$dir/feats.ark,$dir/feats.scp 2> $dir/log/add_deltas.log
feats=scp:$dir/feats.scp
dim=$(feat-to-dim --print-args=false $feats - 2> /dev/null)
$utils/sym2int.pl --map-oov "$(cat $lang/oov.txt)" -f 2- $lang/words.txt $data/text > $dir/text.int 2> $dir/log/sym2int.log
silence=$(cat $lang/phones/optional_silence.int)
[ "$sil_prob" = 0 ] && silence=0
sil_csl=$(cat $lang/phones/optional_silence.int)

gmm-init-mono "--train-feats=ark:subset-feats --n=10 $feats ark:- |" $lang/topo $dim $dir/0.mdl $dir/tree 2> $dir/log/init.log
numgauss=$(gmm-info --print-args=false $dir/0.mdl 2> /dev/null | awk '/number of gaussians/ { print $NF }')
incgauss=$(( (totgauss - numgauss) / max_iter_inc ))

if [ -n "$init_ali_dir" ]; then
  cp $init_ali_dir/ali.1.gz $dir/ali.1.gz
else
  align-equal-phones --lexicon=$lang/lexicon.int $dir/0.mdl $feats ark:$dir/text.int "ark:| gzip -c > $dir/ali.1.gz" \
    2> $dir/log/align.0.log || { echo "$0: equal alignment failed; see $dir/log/align.0.log" >&2; exit 1; }
fi
gmm-acc-stats-ali $dir/0.mdl $feats "ark:gunzip -c $dir/ali.1.gz |" $dir/0.acc 2> $dir/log/acc.0.log
gmm-est --min-gaussian-occupancy=3 --mix-up=$numgauss --power=$power $dir/0.mdl $dir/0.acc $dir/1.mdl 2> $dir/log/update.0.log
rm $dir/0.acc

beam=$initial_beam
for x in $(seq 1 $((num_iters - 1))); do
  if [[ " $realign_iters " == *" $x "* ]]; then
    # Word splitting on purpose: scale_opts is a list of options.
    # shellcheck disable=SC2086
    gmm-compute-likes "gmm-boost-silence --boost=$boost_silence $sil_csl $dir/$x.mdl - |" $feats ark:- 2> $dir/log/likes.$x.log \
      | align-phones-mapped $scale_opts --beam=$beam --retry-beam=$retry_beam --lexicon=$lang/lexicon.int \
          --optional-silence=$silence --silence-prob=$sil_prob $dir/$x.mdl ark:- ark:$dir/text.int "ark:| gzip -c > $dir/ali.1.gz" \
          2> $dir/log/align.$x.log || { echo "$0: alignment failed in pass $x; see $dir/log/align.$x.log" >&2; exit 1; }
    beam=$regular_beam
  fi
  gmm-acc-stats-ali $dir/$x.mdl $feats "ark:gunzip -c $dir/ali.1.gz |" $dir/$x.acc 2> $dir/log/acc.$x.log
  gmm-est --write-occs=$dir/$((x + 1)).occs --mix-up=$numgauss --power=$power $dir/$x.mdl $dir/$x.acc $dir/$((x + 1)).mdl \
    2> $dir/log/update.$x.log
  rm $dir/$x.acc $dir/$x.occs 2> /dev/null || true
  [ $x -le $max_iter_inc ] && numgauss=$((numgauss + incgauss))
done
ln -sf $num_iters.mdl $dir/final.mdl
ln -sf $num_iters.occs $dir/final.occs
like=$(awk '/Overall avg like per frame/ { print $(NF - 3) }' $dir/log/acc.$((num_iters - 1)).log)
echo "  $(basename $dir): $(gmm-info --print-args=false $dir/final.mdl 2> /dev/null | awk '/gaussians/ { print $NF }') Gaussians, avg log-likelihood per frame $like (pass $((num_iters - 1)))"
rm $dir/text.int
"$(dirname "$0")/align_si.sh" --beam $regular_beam --retry-beam $retry_beam --boost-silence $boost_silence --sil-prob $sil_prob \
  $data $lang $dir $dir
