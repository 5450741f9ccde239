#!/usr/bin/env bash
# Makes a data directory of long recordings, one per speaker: the speaker's utterances in the
# order of spk2utt, each followed by --pause seconds of low white noise (the last one too, so
# every utterance ends in a pause; the same noise every run, sox -R), at the corpus's sample
# rate. For on-line recognition with endpointing: <dest>/pauses lists where each pause starts
# and ends, in seconds ("<rec> <start> <end> <start> <end> ..."), and steps/online/decode.sh
# --do-endpointing true counts the pauses that closed a segment. The text is the utterances'
# texts joined; the recording is its own speaker.
#
# Usage: utils/data/join_utterances.sh [--pause 1.0] [--noise-volume 0.003] <src-data-dir> <dest-data-dir>
#  e.g.: utils/data/join_utterances.sh data/test data/test_joined
set -euo pipefail
pause=1.0
noise_volume=0.003   # sox's vol for the pause's white noise (about -50 dBFS)
. "$(dirname "$0")/../parse_options.sh"
[ $# -eq 2 ] || { echo "Usage: $0 [--pause 1.0] [--noise-volume 0.003] <src-data-dir> <dest-data-dir>" >&2; exit 1; }
src=$1 dest=$2
for f in $src/wav.scp $src/spk2utt $src/text; do [ -f $f ] || { echo "$0: no such file $f" >&2; exit 1; }; done
command -v sox > /dev/null || { echo "$0: needs sox (apt-get install sox)" >&2; exit 1; }
mkdir -p $dest/audio
dest_abs=$(cd $dest && pwd)
tmp=$(mktemp -d); trap 'rm -rf $tmp' EXIT
: > $dest/wav.scp; : > $dest/text; : > $dest/utt2spk; : > $dest/pauses
while read -r spk utts; do
  rec=${spk}-joined
  parts=() words=() pauses=() t=0
  for utt in $utts; do
    rx=$(awk -v u="$utt" '$1 == u { $1 = ""; sub(/^ /, ""); print; exit }' $src/wav.scp)
    [ -n "$rx" ] || { echo "$0: no audio for $utt in $src/wav.scp" >&2; exit 1; }
    # wav-copy reads what a wav.scp entry names (a file or a command ending in |).
    wav-copy "$rx" $tmp/$utt.wav 2> $tmp/wav_copy.log || { echo "$0: cannot read the audio of $utt: $(cat $tmp/wav_copy.log)" >&2; exit 1; }
    rate=$(soxi -r $tmp/$utt.wav)
    [ -f $tmp/pause_$rate.wav ] || sox -R -n -r $rate -b 16 -c 1 $tmp/pause_$rate.wav synth $pause whitenoise vol $noise_volume
    t=$(awk -v t=$t -v d=$(soxi -D $tmp/$utt.wav) 'BEGIN { printf "%.4f", t + d }')
    pauses+=("$t" "$(awk -v t=$t -v p=$pause 'BEGIN { printf "%.4f", t + p }')")
    t=$(awk -v t=$t -v p=$pause 'BEGIN { printf "%.4f", t + p }')
    parts+=($tmp/$utt.wav $tmp/pause_$rate.wav)
    line=$(awk -v u="$utt" '$1 == u { $1 = ""; sub(/^ /, ""); print "x " $0; exit }' $src/text)
    [ -n "$line" ] || { echo "$0: no transcript for $utt in $src/text" >&2; exit 1; }
    words+=("${line#x }")
  done
  sox "${parts[@]}" $dest/audio/$rec.wav
  echo "$rec $dest_abs/audio/$rec.wav" >> $dest/wav.scp
  echo "$rec ${words[*]}" >> $dest/text
  echo "$rec $rec" >> $dest/utt2spk
  echo "$rec ${pauses[*]}" >> $dest/pauses
done < $src/spk2utt
cp $dest/utt2spk $dest/spk2utt
echo "$0: $(wc -l < $dest/wav.scp) recordings of $(awk '{ n += NF - 1 } END { print n }' $src/spk2utt) utterances with $pause s pauses in $dest"
