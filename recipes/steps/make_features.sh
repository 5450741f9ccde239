#!/usr/bin/env bash
# Shared body of make_mfcc.sh and make_fbank.sh (Kaldi's steps/make_{mfcc,fbank}.sh): splits
# wav.scp (or segments) into --nj parts, computes features with --cmd, compresses them into
# <feat-dir>/raw_<type>_<data-name>.JOB.ark, and writes <data>/feats.scp, utt2num_frames and
# utt2dur. Called as: make_features.sh <type: mfcc|fbank> [options] <data-dir> [<log-dir> [<feat-dir>]]
set -euo pipefail
type=$1; shift

# Begin configuration section.
nj=4
cmd=run.pl
mfcc_config=conf/mfcc.conf
fbank_config=conf/fbank.conf
compress=true
write_utt2num_frames=true
write_utt2dur=true
# End configuration section.

echo "$0 $*"
utils=$(cd "$(dirname "$0")/../utils" && pwd)
export PATH=$PATH:$utils   # run.pl and friends, as a recipe's path.sh provides them
. "$utils/parse_options.sh"

if [ $# -lt 1 ] || [ $# -gt 3 ]; then
  cat >&2 <<USAGE
Usage: $0 [options] <data-dir> [<log-dir> [<${type}-dir>] ]
 e.g.: $0 data/train exp/make_${type}/train ${type}
Note: <log-dir> defaults to <data-dir>/log, and <${type}-dir> defaults to <data-dir>/data.
Options:
  --${type}-config <config-file>   # config passed to compute-${type}-feats
  --nj <nj>                        # number of parallel jobs ($nj)
  --cmd <run.pl|queue.pl <queue opts>>  # how to run jobs ($cmd)
  --compress <true|false>          # compress the features ($compress)
  --write-utt2num-frames <true|false>  # write utt2num_frames ($write_utt2num_frames)
  --write-utt2dur <true|false>     # write utt2dur ($write_utt2dur)
USAGE
  exit 1
fi

data=$1
logdir=${2:-$data/log}
featdir=${3:-$data/data}
config=$mfcc_config; [ "$type" = fbank ] && config=$fbank_config

mkdir -p $featdir $logdir
featdir=$(cd $featdir && pwd)  # the scp must hold absolute paths
name=$(basename $data)
for f in $data/wav.scp $config; do
  [ -f $f ] || { echo "$0: no such file $f" >&2; exit 1; }
done
if [ -f $data/feats.scp ]; then
  mkdir -p $data/.backup
  echo "$0: moving $data/feats.scp to $data/.backup"
  mv $data/feats.scp $data/.backup
fi

frames_opt=; [ "$write_utt2num_frames" = true ] && frames_opt="--write-num-frames=ark,t:$logdir/utt2num_frames.JOB"
dur_opt=; [ "$write_utt2dur" = true ] && dur_opt="--write-utt2dur=ark,t:$logdir/utt2dur.JOB"
out="ark,scp:$featdir/raw_${type}_$name.JOB.ark,$featdir/raw_${type}_$name.JOB.scp"

if [ -f $data/segments ]; then
  echo "$0 [info]: segments file exists: using that."
  split_segments=$(for n in $(seq $nj); do echo $logdir/segments.$n; done)
  "$utils/split_scp.pl" $data/segments $split_segments
  $cmd JOB=1:$nj $logdir/make_${type}_$name.JOB.log \
    extract-segments scp,p:$data/wav.scp $logdir/segments.JOB ark:- \| \
    compute-$type-feats --verbose=2 --config=$config $dur_opt ark:- ark:- \| \
    copy-feats --compress=$compress $frames_opt ark:- $out \
    || { echo "$0: computing $type features failed; see $logdir/make_${type}_$name.*.log" >&2; exit 1; }
else
  split_scps=$(for n in $(seq $nj); do echo $logdir/wav_$name.$n.scp; done)
  "$utils/split_scp.pl" $data/wav.scp $split_scps
  $cmd JOB=1:$nj $logdir/make_${type}_$name.JOB.log \
    compute-$type-feats --verbose=2 --config=$config $dur_opt scp,p:$logdir/wav_$name.JOB.scp ark:- \| \
    copy-feats --compress=$compress $frames_opt ark:- $out \
    || { echo "$0: computing $type features failed; see $logdir/make_${type}_$name.*.log" >&2; exit 1; }
fi

for n in $(seq $nj); do cat $featdir/raw_${type}_$name.$n.scp; done > $data/feats.scp
[ "$write_utt2num_frames" = true ] && for n in $(seq $nj); do cat $logdir/utt2num_frames.$n; done > $data/utt2num_frames
[ "$write_utt2dur" = true ] && for n in $(seq $nj); do cat $logdir/utt2dur.$n; done > $data/utt2dur
rm -f $logdir/wav_$name.*.scp $logdir/segments.* $logdir/utt2num_frames.* $logdir/utt2dur.* 2>/dev/null || true

wanted=$(if [ -f $data/segments ]; then wc -l < $data/segments; else wc -l < $data/wav.scp; fi)
got=$(wc -l < $data/feats.scp)
if [ $got -ne $wanted ]; then
  echo "$0: it seems not all of the feature files were successfully processed ($got != $wanted);" \
       "see $logdir/make_${type}_$name.*.log" >&2
  [ $got -eq 0 ] && exit 1
fi
echo "$0: Succeeded creating ${type^^} features for $name"
