#!/usr/bin/env bash
# LibriSpeech data preparation as Kaldi's egs/librispeech/s5/local/data_prep.sh: one subset
# folder (<spk>/<chapter>/<spk>-<chapter>-<n>.flac + <spk>-<chapter>.trans.txt) to a data
# directory; speakers are <spk>-<chapter> as in Kaldi, genders from ../SPEAKERS.TXT, audio
# decoded by flac in wav.scp.
#
# Usage: local/data_prep.sh <LibriSpeech/subset> <data-dir>
#  e.g.: local/data_prep.sh /export/LibriSpeech/dev-clean data/dev_clean
set -euo pipefail
[ $# -eq 2 ] || { echo "Usage: $0 <LibriSpeech/subset> <data-dir>" >&2; exit 1; }
src=$(cd "$1" && pwd) dst=$2
spk_file=$src/../SPEAKERS.TXT
[ -f $spk_file ] || { echo "$0: no $spk_file (is $src a LibriSpeech subset?)" >&2; exit 1; }
mkdir -p $dst
: > $dst/wav.scp; : > $dst/text; : > $dst/utt2spk; : > $dst/spk2gender
for reader_dir in $(find -L $src -mindepth 1 -maxdepth 1 -type d | sort); do
  reader=$(basename $reader_dir)
  gender=$(awk -F'|' -v r=$reader '$1 + 0 == r + 0 && $1 !~ /^;/ { gsub(/ /, "", $2); print tolower($2) }' $spk_file)
  [ -n "$gender" ] || { echo "$0: speaker $reader not in $spk_file" >&2; exit 1; }
  for chapter_dir in $(find -L $reader_dir -mindepth 1 -maxdepth 1 -type d | sort); do
    chapter=$(basename $chapter_dir)
    trans=$chapter_dir/$reader-$chapter.trans.txt
    [ -f $trans ] || { echo "$0: no transcript $trans" >&2; exit 1; }
    find -L $chapter_dir -iname '*.flac' | sort | xargs -I% basename % .flac \
      | awk -v dir=$chapter_dir '{ printf "%s flac -c -d -s %s/%s.flac |\n", $1, dir, $1 }' >> $dst/wav.scp
    cat $trans >> $dst/text
    awk -v s=$reader-$chapter '{ print $1, s }' $trans >> $dst/utt2spk
    echo "$reader-$chapter $gender" >> $dst/spk2gender
  done
done
for f in wav.scp text utt2spk; do sort -o $dst/$f $dst/$f; done
utils/utt2spk_to_spk2utt.pl $dst/utt2spk > $dst/spk2utt
[ $(wc -l < $dst/wav.scp) -eq $(wc -l < $dst/text) ] || { echo "$0: $src: $(wc -l < $dst/wav.scp) audio files but $(wc -l < $dst/text) transcripts" >&2; exit 1; }
utils/validate_data_dir.sh --no-feats $dst > /dev/null
echo "$0: $dst: $(wc -l < $dst/wav.scp) utterances, $(wc -l < $dst/spk2utt) speakers"
