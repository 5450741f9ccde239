#!/usr/bin/env bash
# A Kaldi GMM system's own log-likelihoods through ksnn's hybrid decoding path, beside Kaldi's
# numbers: the check that gmm-compute-likes, latgen-faster-mapped, lattice scoring and
# compute-wer together give what Kaldi gives, before any network is involved. Per set: the
# GMM's fMLLR features (steps/make_fmllr_feats.sh with <gmm>/decode_<set>/trans.*),
# gmm-compute-likes of <gmm>/final.mdl, one lattice pass per part at acoustic scale --acwt
# (steps/decode_mapped.sh, the hybrid setting: beam 13, lattice beam 8) through
# <gmm>/graph/HCLG.fst, and 39-phone scoring at LM weights 1-10 without insertion penalty
# (Kaldi's local/score_basic.sh). Prints ksnn's best line and Kaldi's own decode's.
#
# Usage: local/kaldi_gmm_hybrid.sh [--gmm tri3] [--acwt 0.2] [--nj 2] <kaldi-s5-dir> <work-dir>
#  e.g.: local/kaldi_gmm_hybrid.sh /export/kaldi/egs/timit/s5 /export/hybrid
set -euo pipefail
gmm=tri3
acwt=0.2
nj=2
s5=$(cd "$(dirname "$0")/.." && pwd)
. $s5/path.sh
. $s5/utils/parse_options.sh
[ $# -eq 2 ] || { echo "Usage: $0 [--gmm tri3] [--acwt 0.2] [--nj 2] <kaldi-s5-dir> <work-dir>" >&2; exit 1; }
kaldi=$(cd $1 && pwd) work=$2
mkdir -p $work
for set in dev test; do
  d=$work/decode_$set
  mkdir -p $d/log
  $s5/steps/make_fmllr_feats.sh --nj $nj --transform-dir $kaldi/exp/$gmm/decode_$set $work/data-fmllr-$gmm/$set $kaldi/data/$set \
    $kaldi/exp/$gmm $work/data-fmllr-$gmm/$set/log $work/data-fmllr-$gmm/$set/data > $d/log/make_fmllr_feats.log
  gmm-compute-likes $kaldi/exp/$gmm/final.mdl scp:$work/data-fmllr-$gmm/$set/feats.scp ark,scp:$d/loglikes.ark,$d/loglikes.scp \
    2> $d/log/likes.log || { echo "$0: gmm-compute-likes failed; see $d/log/likes.log" >&2; exit 1; }
  $s5/steps/decode_mapped.sh --acwt $acwt --nj $nj --word-ins-penalty 0.0 --phone-map $s5/conf/phones.60-48-39.map \
    $kaldi/exp/$gmm/final.mdl $kaldi/exp/$gmm/graph $kaldi/data/$set $d
  kaldi_best=$(for f in $kaldi/exp/$gmm/decode_$set/wer_*; do grep WER $f | sed "s|\$| $f|"; done | sort -n -k2 | head -1)
  echo "$set: ksnn $(cat $d/scoring_kaldi/best_wer)"
  echo "$set: Kaldi $kaldi_best"
done
