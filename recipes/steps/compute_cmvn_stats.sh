#!/usr/bin/env bash
# Kaldi's steps/compute_cmvn_stats.sh: per-speaker CMVN statistics of a data directory's
# features into <cmvn-dir>/cmvn_<name>.ark, and <data>/cmvn.scp.
# Usage: steps/compute_cmvn_stats.sh [--fake] <data-dir> [<log-dir> [<cmvn-dir>]]
set -euo pipefail

# Begin configuration section.
fake=false      # true: identity stats (mean 0, variance 1), for when normalization is not wanted
# End configuration section.

echo "$0 $*"
if [ "${1:-}" = "--fake" ]; then fake=true; shift; fi
. "$(dirname "$0")/../utils/parse_options.sh"

if [ $# -lt 1 ] || [ $# -gt 3 ]; then
  echo "Usage: $0 [options] <data-dir> [<log-dir> [<cmvn-dir>] ]" >&2
  echo " e.g.: $0 data/train exp/make_mfcc/train mfcc" >&2
  echo "Options: --fake    # identity statistics (no normalization)" >&2
  exit 1
fi
data=$1
logdir=${2:-$data/log}
cmvndir=${3:-$data/data}
mkdir -p $cmvndir $logdir
cmvndir=$(cd $cmvndir && pwd)
name=$(basename $data)
for f in $data/feats.scp; do [ -f $f ] || { echo "$0: no such file $f" >&2; exit 1; }; done
if [ ! -f $data/spk2utt ]; then
  [ -f $data/utt2spk ] || { echo "$0: no $data/spk2utt or $data/utt2spk" >&2; exit 1; }
  "$(dirname "$0")/../utils/utt2spk_to_spk2utt.pl" $data/utt2spk > $data/spk2utt
fi

if $fake; then
  dim=$(feat-to-dim --print-args=false scp:$data/feats.scp -)
  awk -v dim=$dim '{ printf("%s [\n ", $1); for (i = 0; i < dim; i++) printf("0 "); printf("1\n "); for (i = 0; i < dim; i++) printf("1 "); printf("0 ]\n"); }' $data/spk2utt \
    | copy-matrix ark:- ark,scp:$cmvndir/cmvn_$name.ark,$cmvndir/cmvn_$name.scp 2> $logdir/cmvn_$name.log \
    || { echo "$0: error writing fake CMVN stats; see $logdir/cmvn_$name.log" >&2; exit 1; }
else
  compute-cmvn-stats --spk2utt=ark:$data/spk2utt scp:$data/feats.scp \
    ark,scp:$cmvndir/cmvn_$name.ark,$cmvndir/cmvn_$name.scp 2> $logdir/cmvn_$name.log \
    || { echo "$0: error computing CMVN stats; see $logdir/cmvn_$name.log" >&2; exit 1; }
fi
cp $cmvndir/cmvn_$name.scp $data/cmvn.scp
nc=$(wc -l < $data/cmvn.scp); nu=$(wc -l < $data/spk2utt)
[ $nc -eq $nu ] || echo "$0: warning: $nc CMVN entries for $nu speakers" >&2
echo "$0: Succeeded creating CMVN stats for $name"
