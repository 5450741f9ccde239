#!/usr/bin/env bash
# Kaldi's utils/combine_data.sh: one data directory from several, each utterance-keyed and
# speaker-keyed file concatenated and sorted (a file is written only when every source has
# it); spk2utt made from the combined utt2spk.
#
# Usage: utils/combine_data.sh <dest-data-dir> <src-data-dir1> <src-data-dir2> ...
#  e.g.: utils/combine_data.sh data/train_sp data/train data/train_sp0.9 data/train_sp1.1
set -euo pipefail
[ $# -ge 2 ] || { echo "Usage: $0 <dest-data-dir> <src-data-dir1> <src-data-dir2> ..." >&2; exit 1; }
dest=$1; shift
for d in "$@"; do [ -f $d/utt2spk ] || { echo "$0: no such file $d/utt2spk" >&2; exit 1; }; done
mkdir -p $dest
for f in wav.scp utt2spk text spk2gender utt2uniq utt2dur phn_segments feats.scp utt2num_frames cmvn.scp; do
  every=true
  for d in "$@"; do [ -f $d/$f ] || every=false; done
  if $every; then
    # phn_segments has several lines per utterance, in time order: a stable sort on the key.
    cat $(for d in "$@"; do echo $d/$f; done) | LC_ALL=C sort -s -k1,1 > $dest/$f
  else
    rm -f $dest/$f
  fi
done
$(dirname "$(readlink -f "$0")")/utt2spk_to_spk2utt.pl $dest/utt2spk > $dest/spk2utt
echo "$0: combined data from $* into $dest"
