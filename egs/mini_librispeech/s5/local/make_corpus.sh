#!/usr/bin/env bash
# Synthesizes a small corpus in the exact layout of LibriSpeech (openslr.org/12), so that
# egs/librispeech/s5 runs on it unchanged: <root>/LibriSpeech/{train-clean-100,dev-clean,
# test-clean}/<spk>/<chapter>/<spk>-<chapter>-<nnnn>.flac with <spk>-<chapter>.trans.txt
# (upper-case words), LibriSpeech/SPEAKERS.TXT, and <root>/librispeech-lexicon.txt
# ("WORD<TAB>PHONES", here festival's own pronunciations of the words it spoke).
# Speakers are festival's diphone voices at several pitch shifts; deterministic.
#
# Usage: local/make_corpus.sh [--train-speakers N] [--sentences-per-speaker N] <root>
set -euo pipefail
train_speakers=8
sentences_per_speaker=6
. utils/parse_options.sh
[ $# -eq 1 ] || { echo "Usage: $0 [--train-speakers N] [--sentences-per-speaker N] <root>" >&2; exit 1; }
root=$1
for tool in festival sox flac; do command -v $tool > /dev/null || { echo "$0: $tool not found (make deps installs it)" >&2; exit 1; }; done
pool=local/sentences.txt
npool=$(wc -l < $pool)
tmp=$(mktemp -d)
trap 'rm -rf $tmp' EXIT
if ! [ "$train_speakers" -ge 1 ] 2>/dev/null; then echo "$0: --train-speakers must be a positive number (got '$train_speakers')" >&2; exit 1; fi
if ! [ "$sentences_per_speaker" -ge 1 ] 2>/dev/null || [ $sentences_per_speaker -gt $npool ]; then
  echo "$0: --sentences-per-speaker must be 1..$npool, the size of $pool (got '$sentences_per_speaker')" >&2; exit 1
fi
# Never delete a folder this script did not make (a real corpus, say).
if [ -e $root ] && [ ! -f $root/.synthesized-by-ksnn ]; then
  echo "$0: $root exists and is not a corpus this script synthesized; choose another folder" >&2; exit 1
fi
rm -rf $root
mkdir -p $root/LibriSpeech
touch $root/.synthesized-by-ksnn

# speaker id, subset, voice, pitch shift in cents
{
  for ((i = 0; i < train_speakers; i++)); do
    echo "$((100 + 7 * i)) train-clean-100 $([ $((i % 2)) -eq 0 ] && echo kal || echo ked) $(( (i / 2) % 4 * 150 - 150 ))"
  done
  echo "1272 dev-clean kal 300"; echo "1462 dev-clean ked -100"
  echo "1089 test-clean ked 0"; echo "1188 test-clean kal 250"
} > $tmp/speakers
{
  echo "; ID  |SEX| SUBSET           |MINUTES| NAME"
  awk '{ printf "%-5s| %s | %-16s | 0.00 | festival %s %+d cents\n", $1, ($4 > 100 ? "F" : "M"), $2, $3, $4 }' $tmp/speakers
} > $root/LibriSpeech/SPEAKERS.TXT

n=0
: > $tmp/prons
while read -r spk subset voice cents; do
  chapter=$((spk * 10 + 1))
  dir=$root/LibriSpeech/$subset/$spk/$chapter
  mkdir -p $dir
  for ((j = 0; j < sentences_per_speaker; j++)); do
    k=$(( (n * 3 + j) % npool ))
    printf "%s-%s-%04d %s\n" $spk $chapter $j "$(sed -n "$((k + 1))p" $pool)"
  done > $tmp/$spk.list
  n=$((n + 1))
  {
    echo "(voice_${voice}_diphone)"
    while read -r utt text; do
      echo "(set! utt (SynthText \"${text//\"/}\"))"
      echo "(utt.save.wave utt \"$tmp/$utt.raw.wav\" 'riff)"
      echo "(set! fd (fopen \"$tmp/$utt.prons\" \"w\"))"
      echo "(mapcar (lambda (s) (format fd \"%s %s\n\" (item.feat s 'R:SylStructure.parent.parent.name) (item.name s))) (utt.relation.items utt 'Segment))"
      echo "(fclose fd)"
    done < $tmp/$spk.list
  } > $tmp/$spk.scm
  festival -b $tmp/$spk.scm < /dev/null
  while read -r utt text; do
    sox -R -G $tmp/$utt.raw.wav -r 16000 -b 16 -c 1 $tmp/$utt.wav pitch $cents
    flac -s -f --best -o $dir/$utt.flac $tmp/$utt.wav
    # Segments of one word follow each other. Festival's words are paired with the
    # transcript's by position (festival may fold "man's" into "man"), so the lexicon has the
    # transcript's spelling.
    awk '$2 != "pau" { if ($1 != prev) { if (prev != "") print p; prev = $1; p = $2 } else p = p " " $2 }
         END { if (prev != "") print p }' $tmp/$utt.prons > $tmp/$utt.phones
    echo "$text" | tr 'a-z' 'A-Z' | tr -cd "A-Z' \n" | tr ' ' '\n' | grep -v '^$' > $tmp/$utt.words
    if [ $(wc -l < $tmp/$utt.words) -eq $(wc -l < $tmp/$utt.phones) ]; then
      paste $tmp/$utt.words $tmp/$utt.phones >> $tmp/prons
    else
      echo "$0: festival's words of $utt do not pair with its transcript; its words stay out of the lexicon" >&2
    fi
  done < $tmp/$spk.list
  # Transcripts as LibriSpeech writes them: upper case, no punctuation except apostrophes.
  while read -r utt text; do
    echo "$utt $(echo "$text" | tr 'a-z' 'A-Z' | tr -cd "A-Z' " | tr -s ' ')"
  done < $tmp/$spk.list > $dir/$spk-$chapter.trans.txt
done < $tmp/speakers
awk -F'\t' '!seen[$1]++' $tmp/prons | sort > $root/librispeech-lexicon.txt
echo "$0: $(find $root -name '*.flac' | wc -l) utterances of $(wc -l < $tmp/speakers) speakers, $(wc -l < $root/librispeech-lexicon.txt) words in the lexicon, under $root"
