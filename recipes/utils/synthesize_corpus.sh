#!/usr/bin/env bash
# Synthesizes speech with phone timing for the embedded corpora (egs/mini_*/s5), with the
# variety that makes real speech hard: two synthesizers (festival's diphone voices kal and
# ked, flite's kal16, awb, rms and slt), per-speaker speaking rate and pitch, and a per-speaker
# channel (sox speed perturbation, an equaliser band, white noise at a given SNR). Output is
# deterministic (sox -R).
#
# <speakers>: one line per speaker: "spk engine voice stretch f0 speed eq-hz eq-db snr-db"
#   engine festival (voice kal|ked) or flite (kal16|awb|rms|slt); stretch: duration factor;
#   f0: target mean pitch in Hz; speed: sox speed factor (rate and pitch together).
# <utterances>: one line per utterance: "spk utt-id text ..."
# Writes into <out-dir>, per utterance:
#   <utt>.wav   16 kHz 16-bit mono
#   <utt>.seg   "start end phone word" per segment, sample boundaries contiguous from 0 to the
#               end, phones in the synthesizer's set (CMU-style, pau for pauses), word = the
#               1-based index of the word the phone belongs to (0 for pauses)
#   <utt>.prons "word-index phones..." per spoken word (for a lexicon)
#
# Usage: utils/synthesize_corpus.sh <speakers> <utterances> <out-dir>
#  e.g.: utils/synthesize_corpus.sh exp/corpus/speakers exp/corpus/utterances exp/corpus/audio
set -euo pipefail
[ $# -eq 3 ] || { echo "Usage: $0 <speakers> <utterances> <out-dir>" >&2; exit 1; }
speakers=$1 utterances=$2 out=$3
for tool in festival flite sox; do command -v $tool > /dev/null || { echo "$0: $tool not found (make deps installs it)" >&2; exit 1; }; done
for f in $speakers $utterances; do [ -s $f ] || { echo "$0: no such file or empty: $f" >&2; exit 1; }; done
mkdir -p $out
tmp=$(mktemp -d)
trap 'rm -rf $tmp' EXIT

# Each synthesizer writes <tmp>/<utt>.raw.wav and <tmp>/<utt>.raw.seg: "end-seconds phone word".
festival_speaker() {  # festival_speaker <voice> <stretch> <f0> <utterance-list>
  local voice=$1 stretch=$2 f0=$3 list=$4
  {
    echo "(voice_${voice}_diphone)"
    echo "(Parameter.set 'Duration_Stretch $stretch)"
    echo "(set! int_lr_params '((target_f0_mean $f0) (target_f0_std $(awk -v f=$f0 'BEGIN { print f / 5 }')) (model_f0_mean 170) (model_f0_std 34)))"
    while read -r _ utt text; do
      echo "(set! utt (SynthText \"${text//\"/}\"))"
      echo "(utt.save.wave utt \"$tmp/$utt.raw.wav\" 'riff)"
      echo "(set! fd (fopen \"$tmp/$utt.raw.seg\" \"w\"))"
      echo "(mapcar (lambda (s) (format fd \"%f %s %s\n\" (item.feat s 'end) (item.name s) (item.feat s 'R:SylStructure.parent.parent.name))) (utt.relation.items utt 'Segment))"
      echo "(fclose fd)"
    done < $list
  } > $tmp/festival.scm
  festival -b $tmp/festival.scm < /dev/null
  # Words by name change. Festival names the word of a pause 0, and of a phone that a
  # post-lexical rule added (the r of "birth" in some voices): that one stays with its word.
  while read -r _ utt _; do
    awk '$2 == "pau" { print $1, $2, 0; next } $3 == "0" { print $1, $2, w; next }
         { if ($3 != prev) w++; prev = $3; print $1, $2, w }' \
      $tmp/$utt.raw.seg > $tmp/$utt.seg.tmp && mv $tmp/$utt.seg.tmp $tmp/$utt.raw.seg
  done < $list
}

flite_speaker() {  # flite_speaker <voice> <stretch> <f0> <utterance-list>
  local voice=$1 stretch=$2 f0=$3 list=$4
  while read -r _ utt text; do
    flite -voice $voice --setf duration_stretch=$stretch --setf int_f0_target_mean=$f0 -psdur -t "$text" \
      -o $tmp/$utt.raw.wav | tr ' ' '\n' | grep -v '^$' | awk -F: '{ print $2, $1 }' > $tmp/$utt.flite
    # flite prints no word of a segment: each word's phones come from saying it alone (one
    # lexicon for every flite voice), paired in order with the sentence's segments.
    echo "$text" | tr -cd "A-Za-z' \n" | tr ' ' '\n' | grep -v '^$' > $tmp/$utt.words
    while read -r word; do
      [ -f "$tmp/word.$word" ] || flite -voice kal16 -ps -t "$word" -o none | tr ' ' '\n' | grep -v -e '^$' -e '^pau$' | wc -l > "$tmp/word.$word"
      cat "$tmp/word.$word"
    done < $tmp/$utt.words > $tmp/$utt.counts
    awk -v countfile=$tmp/$utt.counts 'BEGIN { while ((getline c < countfile) > 0) count[++n] = c; w = 1; left = count[1] }
      $2 == "pau" { print $1, $2, 0; next }
      { while (left == 0 && w < n) left = count[++w]   # a word of no phones
        print $1, $2, w
        if (left > 0) left--
        if (left == 0 && w < n) left = count[++w] }' $tmp/$utt.flite > $tmp/$utt.raw.seg
  done < $list
}

while read -r spk engine voice stretch f0 speed eq_hz eq_db snr; do
  grep "^$spk " $utterances > $tmp/list || continue
  case $engine in
    festival) festival_speaker $voice $stretch $f0 $tmp/list ;;
    flite) flite_speaker $voice $stretch $f0 $tmp/list ;;
    *) echo "$0: unknown engine '$engine' for speaker $spk in $speakers" >&2; exit 1 ;;
  esac
  while read -r _ utt _; do
    [ -s $tmp/$utt.raw.wav ] && [ -s $tmp/$utt.raw.seg ] || { echo "$0: $engine gave no audio or timing for $utt" >&2; exit 1; }
    # The channel: speed perturbation (timing scales by 1/speed), one equaliser band, noise.
    sox -R -G -V1 $tmp/$utt.raw.wav -r 16000 -b 16 -c 1 $tmp/$utt.clean.wav speed $speed equalizer $eq_hz 1.0q $eq_db rate 16000
    rms=$(sox $tmp/$utt.clean.wav -n stat 2>&1 | awk '/^RMS +amplitude/ { print $3 }')
    # Uniform white noise has an RMS of 1/sqrt(3) of its peak.
    vol=$(awk -v r=$rms -v s=$snr 'BEGIN { printf "%.6f", r * 10 ^ (-s / 20) * sqrt(3) }')
    sox -R $tmp/$utt.clean.wav $tmp/$utt.noise.wav synth whitenoise vol $vol
    sox -R -G -V1 -m -v 1 $tmp/$utt.clean.wav -v 1 $tmp/$utt.noise.wav -b 16 $out/$utt.wav
    samples=$(soxi -s $out/$utt.wav)
    awk -v n=$samples -v speed=$speed '{ end[++k] = int($1 / speed * 16000 + 0.5); p[k] = $2; w[k] = $3 }
      END { start = 0
            for (i = 1; i <= k; i++) {
              e = (i == k || end[i] > n) ? n : end[i]
              if (e > start) { print start, e, p[i], w[i]; start = e } } }' $tmp/$utt.raw.seg > $out/$utt.seg
    awk '$4 > 0 { if ($4 != w) { if (w) print line; w = $4; line = w } line = line " " $3 } END { if (w) print line }' \
      $out/$utt.seg > $out/$utt.prons
  done < $tmp/list
done < $speakers
echo "$0: $(ls $out | grep -c '\.wav$') utterances in $out"
