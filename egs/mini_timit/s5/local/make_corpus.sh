#!/usr/bin/env bash
# Synthesizes a small corpus in the exact layout of LDC's TIMIT, deterministically, so that
# egs/timit/s5 runs on it unchanged: <root>/{TRAIN,TEST}/DR<n>/<SPK>/<SENT>.{WAV,PHN,WRD,TXT},
# .WAV as 16 kHz 16-bit NIST SPHERE, .PHN/.WRD with sample boundaries from festival's own
# segment timing (pau at the ends becomes h#), SA1/SA2 for every speaker (which TIMIT data
# preparation must leave out). Speakers are festival's two diphone voices (kal, ked) at
# several pitch shifts (sox pitch keeps the timing); dev and test speakers carry names from
# conf/dev_spk.list and conf/test_spk.list, as in the real corpus.
#
# Usage: local/make_corpus.sh [--train-speakers N] [--sentences-per-speaker N] <timit-root>
set -euo pipefail
train_speakers=8
sentences_per_speaker=6
. utils/parse_options.sh
[ $# -eq 1 ] || { echo "Usage: $0 [--train-speakers N] [--sentences-per-speaker N] <timit-root>" >&2; exit 1; }
root=$1
for tool in festival sox; do command -v $tool > /dev/null || { echo "$0: $tool not found (make deps installs it)" >&2; exit 1; }; done
pool=local/sentences.txt
npool=$(wc -l < $pool)
tmp=$(mktemp -d)
trap 'rm -rf $tmp' EXIT
letters=(abc def ghi jkl mno pqr stu vwx yza bcd cde efg)
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

# speaker id, set, dialect region, voice, pitch shift in cents
{
  for ((i = 0; i < train_speakers; i++)); do
    voice=$([ $((i % 2)) -eq 0 ] && echo kal || echo ked)
    cents=$(( (i / 2) % 4 * 150 - 150 ))
    sex=$([ $cents -gt 100 ] && echo F || echo M)
    echo "${sex}${letters[$i]^^}0 TRAIN $((i % 8 + 1)) $voice $cents"
  done
  echo "FAKS0 TEST 1 kal 300"; echo "MGWT0 TEST 2 ked -100"
  echo "MDAB0 TEST 1 ked 0"; echo "FELC0 TEST 1 kal 250"
} > $tmp/speakers

n=0
while read -r spk set dr voice cents; do
  dir=$root/$set/DR$dr/$spk
  mkdir -p $dir
  # SA1, SA2, then this speaker's share of the pool (overlapping across speakers, as SX).
  {
    echo "SA1 She had your dark suit in greasy wash water all year."
    echo "SA2 Don't ask me to carry an oily rag like that."
    for ((j = 0; j < sentences_per_speaker; j++)); do
      k=$(( (n * 3 + j) % npool ))
      echo "SX$((100 + k)) $(sed -n "$((k + 1))p" $pool)"
    done
  } > $tmp/$spk.list
  n=$((n + 1))
  {
    echo "(voice_${voice}_diphone)"
    while read -r sent text; do
      base=$tmp/${spk}_$sent
      echo "(set! utt (SynthText \"${text//\"/}\"))"
      echo "(utt.save.wave utt \"$base.raw.wav\" 'riff)"
      echo "(set! fd (fopen \"$base.seg\" \"w\"))"
      echo "(mapcar (lambda (s) (format fd \"S %s %f\n\" (item.name s) (item.feat s 'end))) (utt.relation.items utt 'Segment))"
      echo "(mapcar (lambda (w) (format fd \"W %s %f %f\n\" (item.name w) (item.feat w 'word_start) (item.feat w 'word_end))) (utt.relation.items utt 'Word))"
      echo "(fclose fd)"
    done < $tmp/$spk.list
  } > $tmp/$spk.scm
  festival -b $tmp/$spk.scm < /dev/null
  while read -r sent text; do
    base=$tmp/${spk}_$sent
    sox -R -G $base.raw.wav -r 16000 -b 16 -c 1 -t sph $dir/$sent.WAV pitch $cents
    samples=$(soxi -s $dir/$sent.WAV)
    awk -v n=$samples '$1 == "S" { name[++k] = $2; end[k] = int($3 * 16000 + 0.5) }
      END { start = 0
            for (i = 1; i <= k; i++) {
              e = (i == k || end[i] > n) ? n : end[i]
              p = name[i]; if (p == "pau") p = (i == 1 || i == k) ? "h#" : "pau"
              if (e > start) print start, e, p
              start = e } }' $base.seg > $dir/$sent.PHN
    awk '$1 == "W" { print int($3 * 16000 + 0.5), int($4 * 16000 + 0.5), tolower($2) }' $base.seg > $dir/$sent.WRD
    echo "0 $samples $text" > $dir/$sent.TXT
  done < $tmp/$spk.list
done < $tmp/speakers
echo "$0: $(find $root -name '*.WAV' | wc -l) utterances of $(wc -l < $tmp/speakers) speakers in $root"
