#!/usr/bin/env bash
# Kaldi's utils/split_data.sh: splits a data directory into <num> parts for parallel jobs,
# <data-dir>/split<num>/{1..num} (with --per-utt: split<num>utt), each a data directory of its
# own (utils/subset_data_dir.sh --utt-list). Parts are contiguous and nearly equal in
# utterances; a speaker is never split across parts unless --per-utt. Parts newer than every
# file of <data-dir> are reused.
#
# Usage: utils/split_data.sh [--per-utt] <data-dir> <num>
#  e.g.: utils/split_data.sh data/train 4    # then: ... scp:data/train/split4/JOB/feats.scp
set -euo pipefail
per_utt=false
[ "${1:-}" = --per-utt ] && { per_utt=true; shift; }
if [ $# -ne 2 ]; then
  echo "Usage: $0 [--per-utt] <data-dir> <num>" >&2
  echo " e.g.: $0 data/train 4" >&2
  exit 1
fi
data=$1 num=$2
[[ $num =~ ^[1-9][0-9]*$ ]] || { echo "$0: <num> must be a positive integer, got '$num'" >&2; exit 1; }
utils=$(dirname "$0")
export LC_ALL=C
[ -f $data/utt2spk ] || { echo "$0: no such file $data/utt2spk" >&2; exit 1; }
dir=$data/split$num; $per_utt && dir=${dir}utt
nutt=$(wc -l < $data/utt2spk)
nspk=$(awk '{ print $2 }' $data/utt2spk | sort -u | wc -l)
[ $num -le $nutt ] || { echo "$0: cannot split $data ($nutt utterances) into $num parts" >&2; exit 1; }
$per_utt || [ $num -le $nspk ] || { echo "$0: cannot split $data ($nspk speakers) into $num parts without splitting speakers (use --per-utt)" >&2; exit 1; }

# Up to date: every part exists and is newer than every file of the source directory.
fresh=true
for n in $(seq $num); do
  [ -f $dir/$n/utt2spk ] || { fresh=false; break; }
done
if $fresh; then
  for f in $data/*; do
    [ -f $f ] && [ $f -nt $dir/1/utt2spk ] && { fresh=false; break; }
  done
fi
$fresh && exit 0

rm -rf $dir
mkdir -p $dir
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
parts=$(for n in $(seq $num); do echo $tmp/utts.$n; done)
if $per_utt; then
  $utils/split_scp.pl $data/utt2spk $parts
else
  $utils/split_scp.pl --utt2spk=$data/utt2spk $data/utt2spk $parts
fi
for n in $(seq $num); do
  $utils/subset_data_dir.sh --utt-list $tmp/utts.$n $data $dir/$n > /dev/null
done
