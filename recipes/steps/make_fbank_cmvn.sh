#!/usr/bin/env bash
# Acoustic-model input features for a data directory: fbank (conf given), per-speaker CMVN
# statistics, and the normalized features written once to <feat-dir>/cmvn_<name>.ark with
# <data-dir>/feats_cmvn.scp pointing into it (what ksnn-am-train/-forward read). Utterances
# whose features failed are dropped (utils/fix_data_dir.sh), and the result is validated.
# With --feats-scp the features are someone else's instead of fbank, e.g. a Kaldi system's
# fMLLR features (data-fmllr-tri3/<set>/feats.scp), as the paper trains on; utterances they
# lack are dropped, with a count on stderr.
#
# Usage: steps/make_fbank_cmvn.sh [--nj N] [--cmd run.pl] [--fbank-config conf/fbank.conf] [--feats-scp FILE] <data-dir> <log-dir> <feat-dir>
set -euo pipefail
nj=2
cmd=run.pl
fbank_config=conf/fbank.conf
feats_scp=
echo "$0 $*"
. "$(dirname "$0")/../utils/parse_options.sh"
[ $# -eq 3 ] || { echo "Usage: $0 [--nj N] [--fbank-config FILE] [--feats-scp FILE] <data-dir> <log-dir> <feat-dir>" >&2; exit 1; }
data=$1 logdir=$2 featdir=$3
steps=$(dirname "$0")
name=$(basename $data)
mkdir -p $logdir $featdir
featdir=$(cd $featdir && pwd)
utils=$steps/../utils
rm -f $data/feats_cmvn.scp $data/cmvn.scp   # made again below; stale ones would steer fix_data_dir.sh
if [ -n "$feats_scp" ]; then
  [ -s "$feats_scp" ] || { echo "$0: no features in $feats_scp" >&2; exit 1; }
  [ -f $data/feats.scp ] && { mkdir -p $data/.backup; cp --backup=numbered $data/feats.scp $data/.backup/feats.scp; }
  $utils/filter_scp.pl $data/utt2spk "$feats_scp" > $data/feats.scp   # fix_data_dir.sh sorts it below
  [ -s $data/feats.scp ] || { echo "$0: $feats_scp has none of the utterances of $data/utt2spk (different utterance-ids?)" >&2; exit 1; }
  rm -f $data/utt2num_frames   # belongs to the features it replaces
else
  $steps/make_fbank.sh --nj $nj --cmd "$cmd" --fbank-config $fbank_config $data $logdir $featdir > $logdir/make_fbank.log
fi
# As Kaldi recipes do after feature extraction: utterances whose audio failed are dropped
# everywhere (the log says which), instead of failing later in training.
$utils/fix_data_dir.sh $data > $logdir/fix_data_dir.log
grep -h "kept [0-9]* utterances out of" $logdir/fix_data_dir.log | sed "s|^[^ ]*: |$0: $data: |" >&2 || true
$steps/compute_cmvn_stats.sh $data $logdir $featdir > $logdir/compute_cmvn_stats.log
apply-cmvn --utt2spk=ark:$data/utt2spk scp:$data/cmvn.scp scp:$data/feats.scp \
  ark,scp:$featdir/feats_cmvn_$name.ark,$data/feats_cmvn.scp 2> $logdir/apply_cmvn.log
$utils/validate_data_dir.sh $data > $logdir/validate_data_dir.log
