#!/usr/bin/env bash
# Synthesizes a small corpus in the exact layout of LDC's TIMIT, deterministically, so that
# egs/timit/s5 runs on it unchanged: <root>/{TRAIN,TEST}/DR<n>/<SPK>/<SENT>.{WAV,PHN,WRD,TXT},
# .WAV as 16 kHz 16-bit NIST SPHERE, SA1/SA2 for every speaker (which TIMIT data preparation
# must leave out), dev and test speakers named from conf/dev_spk.list and conf/test_spk.list.
# Speech with the variety of real data (utils/synthesize_corpus.sh, voices from
# utils/voice_plan.sh): two synthesizers, six voices, per-speaker rate, pitch, channel and
# noise. .PHN carries TIMIT's 61 labels as the hand labellers did: stops split into closure
# and release (bcl b, tcl t, ..., tcl ch, dcl jh; the closure the first 60 %), pauses at the
# ends as h#, inside as pau; .WRD from the synthesizer's word timing.
#
# Usage: local/make_corpus.sh [--train-speakers N] [--sentences-per-speaker N] <timit-root>
set -euo pipefail
train_speakers=8
sentences_per_speaker=6
. utils/parse_options.sh
[ $# -eq 1 ] || { echo "Usage: $0 [--train-speakers N] [--sentences-per-speaker N] <timit-root>" >&2; exit 1; }
root=$1
command -v sox > /dev/null || { echo "$0: sox not found (make deps installs it)" >&2; exit 1; }
pool=local/sentences.txt
npool=$(wc -l < $pool)
tmp=$(mktemp -d)
trap 'rm -rf $tmp' EXIT
letters=(abc def ghi jkl mno pqr stu vwx yza bcd cde efg hij klm nop qrs tuv wxy zab)
if ! [ "$train_speakers" -ge 1 ] 2>/dev/null || [ $train_speakers -gt ${#letters[@]} ]; then
  echo "$0: --train-speakers must be 1..${#letters[@]} (got '$train_speakers')" >&2; exit 1
fi
if ! [ "$sentences_per_speaker" -ge 1 ] 2>/dev/null || [ $sentences_per_speaker -gt $npool ]; then
  echo "$0: --sentences-per-speaker must be 1..$npool, the size of $pool (got '$sentences_per_speaker')" >&2; exit 1
fi
# Never delete a folder this script did not make (a real corpus, say).
if [ -e $root ] && [ ! -f $root/.synthesized-by-ksnn ]; then
  echo "$0: $root exists and is not a corpus this script synthesized; choose another folder" >&2; exit 1
fi
rm -rf $root
mkdir -p $root
touch $root/.synthesized-by-ksnn

# speaker id, set, dialect region; then the voice (utils/voice_plan.sh), train speakers from
# voice 0, the dev and test speakers from voices of their own.
{
  for ((i = 0; i < train_speakers; i++)); do echo "M${letters[$i]^^}0 TRAIN $((i % 8 + 1))"; done
  echo "FAKS0 TEST 1"; echo "MGWT0 TEST 2"; echo "MDAB0 TEST 1"; echo "FELC0 TEST 1"
} > $tmp/ids
{ utils/voice_plan.sh $train_speakers 0; utils/voice_plan.sh 4 100; } > $tmp/voices
paste -d' ' $tmp/ids $tmp/voices > $tmp/speakers
awk '{ print $1, $4, $5, $6, $7, $8, $9, $10, $11 }' $tmp/speakers > $tmp/synth_speakers

# SA1, SA2, then each speaker's share of the pool (overlapping across speakers, as SX).
n=0
while read -r spk _; do
  echo "$spk ${spk}_SA1 She had your dark suit in greasy wash water all year."
  echo "$spk ${spk}_SA2 Don't ask me to carry an oily rag like that."
  for ((j = 0; j < sentences_per_speaker; j++)); do
    k=$(( (n * 5 + j) % npool ))
    echo "$spk ${spk}_SX$((100 + k)) $(sed -n "$((k + 1))p" $pool)"
  done
  n=$((n + 1))
done < $tmp/speakers > $tmp/utterances
utils/synthesize_corpus.sh $tmp/synth_speakers $tmp/utterances $tmp/audio

while read -r spk set dr _; do
  dir=$root/$set/DR$dr/$spk
  mkdir -p $dir
  grep "^$spk " $tmp/utterances | while read -r _ utt text; do
    sent=${utt#*_}
    a=$tmp/audio/$utt
    sox $a.wav -t sph $dir/$sent.WAV
    samples=$(soxi -s $dir/$sent.WAV)
    awk 'BEGIN { split("b:bcl d:dcl g:gcl p:pcl t:tcl k:kcl ch:tcl jh:dcl", pairs, " ")
                 for (i in pairs) { split(pairs[i], a, ":"); closure[a[1]] = a[2] } }
      { s[++k] = $1; e[k] = $2; p[k] = $3 }
      END { for (i = 1; i <= k; i++) {
              q = p[i]; if (q == "pau") q = (i == 1 || i == k) ? "h#" : "pau"
              if ((q in closure) && e[i] - s[i] >= 2) {
                c = s[i] + int(0.6 * (e[i] - s[i]))
                print s[i], c, closure[q]; print c, e[i], q
              } else print s[i], e[i], q } }' $a.seg > $dir/$sent.PHN
    echo "$text" | tr -cd "A-Za-z' \n" | tr 'A-Z' 'a-z' | tr ' ' '\n' | grep -v '^$' > $tmp/words
    awk -v wordfile=$tmp/words 'BEGIN { while ((getline w < wordfile) > 0) word[++n] = w }
      $4 > 0 { if (!($4 in first)) { first[$4] = $1; order[++k] = $4 }; last[$4] = $2 }
      END { for (i = 1; i <= k; i++) { w = order[i]; if (w <= n) print first[w], last[w], word[w] } }' $a.seg > $dir/$sent.WRD
    echo "0 $samples $text" > $dir/$sent.TXT
  done
done < $tmp/speakers
echo "$0: $(find $root -name '*.WAV' | wc -l) utterances of $(wc -l < $tmp/speakers) speakers in $root"
