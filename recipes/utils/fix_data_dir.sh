#!/usr/bin/env bash
# Kaldi's utils/fix_data_dir.sh: makes a data directory consistent. Sorts every known file by
# key (LC_ALL=C, duplicates dropped), keeps only the utterances present in all of utt2spk,
# text, feats.scp, feats_cmvn.scp, wav.scp (or segments), utt2dur and utt2num_frames, drops
# speakers left without utterances or without cmvn.scp/spk2gender entries (and then their
# utterances), recordings no segment uses, and rewrites spk2utt. The files as they were are
# kept in <data-dir>/.backup. Multi-line files keyed by utterance (phn_segments, and any given
# with --utt-extra-files) are filtered, not sorted.
#
# Usage: utils/fix_data_dir.sh [--utt-extra-files "f1 f2"] [--spk-extra-files "f1 f2"] <data-dir>
#  e.g.: utils/fix_data_dir.sh data/train
set -euo pipefail
utt_extra_files=
spk_extra_files=
. "$(dirname "$0")/parse_options.sh"
if [ $# -ne 1 ]; then
  echo "Usage: $0 [--utt-extra-files LIST] [--spk-extra-files LIST] <data-dir>" >&2
  echo " e.g.: $0 data/train" >&2
  exit 1
fi
data=$1
utils=$(dirname "$0")
export LC_ALL=C
[ -d $data ] || { echo "$0: no such directory $data" >&2; exit 1; }
[ -f $data/utt2spk ] || { echo "$0: no such file $data/utt2spk" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

utt_files="utt2spk text feats.scp feats_cmvn.scp vad.scp utt2lang utt2uniq utt2dur utt2num_frames"
spk_files="cmvn.scp spk2gender $spk_extra_files"
multi_files="phn_segments $utt_extra_files"
mkdir -p $data/.backup
for f in $utt_files spk2utt segments wav.scp reco2dur $spk_files $multi_files; do
  # Numbered (f.~1~, ...) rather than overwritten, so a second run keeps the first originals.
  [ -f $data/$f ] && cp --backup=numbered $data/$f $data/.backup/$f
done

# Sorted and unique by key.
for f in $utt_files segments wav.scp reco2dur $spk_files; do
  [ -f $data/$f ] || continue
  sort -k1,1 -u $data/$f > $tmp/sorted
  if ! cmp -s $data/$f $tmp/sorted; then
    echo "$0: $data/$f was not sorted or had repeated keys; sorted"
    cp $tmp/sorted $data/$f
  fi
done

# Keeps the lines of <file> whose key is in <list>, saying how many went.
filter() {
  local list=$1 f=$2 before after
  before=$(wc -l < $f)
  $utils/filter_scp.pl $list $f > $tmp/filtered
  after=$(wc -l < $tmp/filtered)
  if [ $after -ne $before ]; then
    echo "$0: filtered $f from $before to $after lines"
    cp $tmp/filtered $f
  fi
}

# Speakers that have what the speaker-keyed files require.
awk '{ print $2 }' $data/utt2spk | sort -u > $tmp/speakers
for f in $spk_files; do
  [ -f $data/$f ] && $utils/filter_scp.pl $data/$f $tmp/speakers > $tmp/s && mv $tmp/s $tmp/speakers
done
$utils/filter_scp.pl -f 2 $tmp/speakers $data/utt2spk > $tmp/utts.spk
awk '{ print $1 }' $tmp/utts.spk > $tmp/utts

# Utterances present everywhere (wav.scp is keyed by recording when segments exist).
with_wav=wav.scp; [ -f $data/segments ] && with_wav=segments
for f in text feats.scp feats_cmvn.scp $with_wav; do
  [ -f $data/$f ] && $utils/filter_scp.pl $data/$f $tmp/utts > $tmp/u && mv $tmp/u $tmp/utts
done
for f in utt2dur utt2num_frames; do
  [ -f $data/$f ] || continue
  awk 'NF == 2 && $2 > 0' $data/$f > $tmp/ok
  $utils/filter_scp.pl $tmp/ok $tmp/utts > $tmp/u && mv $tmp/u $tmp/utts
done
[ -s $tmp/utts ] || { echo "$0: no utterances remained in $data (originals in $data/.backup): not changing it further" >&2; exit 1; }
old=$(wc -l < $data/utt2spk) new=$(wc -l < $tmp/utts)
if [ $new -ne $old ]; then echo "$0: kept $new utterances out of $old"; else echo "$0: kept all $old utterances."; fi

for f in $utt_files segments $multi_files; do
  [ -f $data/$f ] && filter $tmp/utts $data/$f
done
if [ -f $data/segments ]; then
  awk '{ print $2 }' $data/segments | sort -u > $tmp/recordings
  for f in wav.scp reco2dur; do [ -f $data/$f ] && filter $tmp/recordings $data/$f; done
else
  [ -f $data/wav.scp ] && filter $tmp/utts $data/wav.scp
fi
if ! sort -s -k2,2 -C $data/utt2spk; then
  echo "$0: warning: $data/utt2spk is not sorted by speaker as well (make the speaker-id a prefix of the utterance-ids)" >&2
fi
$utils/utt2spk_to_spk2utt.pl $data/utt2spk | sort > $data/spk2utt
awk '{ print $1 }' $data/spk2utt > $tmp/speakers
for f in $spk_files; do
  [ -f $data/$f ] && filter $tmp/speakers $data/$f
done
echo "$0: old files are kept in $data/.backup"
