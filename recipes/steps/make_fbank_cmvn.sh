#!/usr/bin/env bash
# Acoustic-model input features for a data directory: fbank (conf given), per-speaker CMVN
# statistics, and the normalized features written once to <feat-dir>/cmvn_<name>.ark with
# <data-dir>/feats_cmvn.scp pointing into it (what ksnn-am-train/-forward read). Utterances
# whose features failed are dropped (utils/fix_data_dir.sh), and the result is validated.
#
# Usage: steps/make_fbank_cmvn.sh [--nj N] [--fbank-config conf/fbank.conf] <data-dir> <log-dir> <feat-dir>
set -euo pipefail
nj=2
fbank_config=conf/fbank.conf
echo "$0 $*"
. "$(dirname "$0")/../utils/parse_options.sh"
[ $# -eq 3 ] || { echo "Usage: $0 [--nj N] [--fbank-config FILE] <data-dir> <log-dir> <feat-dir>" >&2; exit 1; }
data=$1 logdir=$2 featdir=$3
steps=$(dirname "$0")
name=$(basename $data)
mkdir -p $logdir $featdir
featdir=$(cd $featdir && pwd)
utils=$steps/../utils
rm -f $data/feats_cmvn.scp $data/cmvn.scp   # made again below; stale ones would steer fix_data_dir.sh
$steps/make_fbank.sh --nj $nj --fbank-config $fbank_config $data $logdir $featdir > $logdir/make_fbank.log
# As Kaldi recipes do after feature extraction: utterances whose audio failed are dropped
# everywhere (the log says which), instead of failing later in training.
$utils/fix_data_dir.sh $data > $logdir/fix_data_dir.log
grep -h "kept [0-9]* utterances out of" $logdir/fix_data_dir.log >&2 || true
$steps/compute_cmvn_stats.sh $data $logdir $featdir > $logdir/compute_cmvn_stats.log
apply-cmvn --utt2spk=ark:$data/utt2spk scp:$data/cmvn.scp scp:$data/feats.scp \
  ark,scp:$featdir/cmvn_$name.ark,$data/feats_cmvn.scp 2> $logdir/apply_cmvn.log
$utils/validate_data_dir.sh $data > $logdir/validate_data_dir.log
