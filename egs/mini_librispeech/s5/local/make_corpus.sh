#!/usr/bin/env bash
# Synthesizes a small corpus in the exact layout of LibriSpeech (openslr.org/12), so that
# egs/librispeech/s5 runs on it unchanged: <root>/LibriSpeech/{train-clean-100,dev-clean,
# test-clean}/<spk>/<chapter>/<spk>-<chapter>-<nnnn>.flac with <spk>-<chapter>.trans.txt
# (upper-case words), LibriSpeech/SPEAKERS.TXT, and <root>/librispeech-lexicon.txt
# ("WORD<TAB>PHONES", here the synthesizers' own pronunciations of the words they spoke).
# Speech with the variety of real data (utils/synthesize_corpus.sh, voices from
# utils/voice_plan.sh): two synthesizers, six voices, per-speaker rate, pitch, channel and
# noise; deterministic.
#
# Usage: local/make_corpus.sh [--train-speakers N] [--sentences-per-speaker N] <root>
set -euo pipefail
train_speakers=8
sentences_per_speaker=6
. utils/parse_options.sh
[ $# -eq 1 ] || { echo "Usage: $0 [--train-speakers N] [--sentences-per-speaker N] <root>" >&2; exit 1; }
root=$1
for tool in sox flac; do command -v $tool > /dev/null || { echo "$0: $tool not found (make deps installs it)" >&2; exit 1; }; done
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

# speaker id, subset; then the voice (utils/voice_plan.sh): train speakers from voice 0, dev
# and test speakers from voices of their own.
{
  for ((i = 0; i < train_speakers; i++)); do echo "$((100 + 7 * i)) train-clean-100"; done
  echo "1272 dev-clean"; echo "1462 dev-clean"; echo "1089 test-clean"; echo "1188 test-clean"
} > $tmp/ids
{ utils/voice_plan.sh $train_speakers 0; utils/voice_plan.sh 4 100; } > $tmp/voices
paste -d' ' $tmp/ids $tmp/voices > $tmp/speakers
awk '{ print $1, $3, $4, $5, $6, $7, $8, $9, $10 }' $tmp/speakers > $tmp/synth_speakers
{
  echo "; ID  |SEX| SUBSET           |MINUTES| NAME"
  awk '{ printf "%-5s| %s | %-16s | 0.00 | %s %s, %d Hz, speed %s, SNR %s dB\n", $1, ($4 == "slt" ? "F" : "M"), $2, $3, $4, $6, $7, $10 }' $tmp/speakers
} > $root/LibriSpeech/SPEAKERS.TXT

# One chapter per speaker, its share of the pool (overlapping across speakers).
n=0
while read -r spk subset _; do
  chapter=$((spk * 10 + 1))
  for ((j = 0; j < sentences_per_speaker; j++)); do
    k=$(( (n * 5 + j) % npool ))
    printf "%s %s-%s-%04d %s\n" $spk $spk $chapter $j "$(sed -n "$((k + 1))p" $pool)"
  done
  n=$((n + 1))
done < $tmp/speakers > $tmp/utterances
utils/synthesize_corpus.sh $tmp/synth_speakers $tmp/utterances $tmp/audio

: > $tmp/prons
while read -r spk subset _; do
  chapter=$((spk * 10 + 1))
  dir=$root/LibriSpeech/$subset/$spk/$chapter
  mkdir -p $dir
  grep "^$spk " $tmp/utterances | while read -r _ utt text; do
    flac -s -f --best -o $dir/$utt.flac $tmp/audio/$utt.wav
    # The synthesizer's words are paired with the transcript's by position (festival may
    # fold "man's" into "man"), so the lexicon has the transcript's spelling.
    echo "$text" | tr 'a-z' 'A-Z' | tr -cd "A-Z' \n" | tr ' ' '\n' | grep -v '^$' > $tmp/words
    if [ $(wc -l < $tmp/words) -eq $(wc -l < $tmp/audio/$utt.prons) ]; then
      cut -d' ' -f2- $tmp/audio/$utt.prons | paste $tmp/words - >> $tmp/prons
    else
      echo "$0: the synthesizer's words of $utt do not pair with its transcript; its words stay out of the lexicon" >&2
    fi
    # Transcripts as LibriSpeech writes them: upper case, no punctuation except apostrophes.
    echo "$utt $(echo "$text" | tr 'a-z' 'A-Z' | tr -cd "A-Z' " | tr -s ' ')"
  done > $dir/$spk-$chapter.trans.txt
done < $tmp/speakers
awk -F'\t' '!seen[$1]++' $tmp/prons | sort > $root/librispeech-lexicon.txt
echo "$0: $(find $root -name '*.flac' | wc -l) utterances of $(wc -l < $tmp/speakers) speakers, $(wc -l < $root/librispeech-lexicon.txt) words in the lexicon, under $root"
