#!/usr/bin/env bash
# A flat start's phone segments for utils/steps align_to_segments.sh: each utterance's phones
# (its words' first pronunciations in <lang>/lexicon.int; out-of-vocabulary words as the OOV
# word's) spread evenly over the frames that energy-based voice activity detection finds
# between the first and the last voiced frame (compute-vad on MFCC with energy), the
# optional silence phone before and after. Kaldi's equal alignment spreads the phones over
# the whole utterance instead; with the leading and trailing silence of read speech a
# network trained on that learns little (a 3 % dev frame accuracy on a LibriSpeech-like
# corpus), and realigning with it goes nowhere.
#
# Writes <data-dir>/phn_segments ("utt start end phone", sample boundaries at 16 kHz, frame f
# at samples 160 f .. 160 f + 400) and <data-dir>/vad.scp.
#
# Usage: local/vad_segments.sh [--vad-opts "..."] <data-dir> <lang-dir> <work-dir>
#  e.g.: local/vad_segments.sh data/train_clean_100 data/lang exp/vad/train_clean_100
set -euo pipefail
vad_opts="--vad-energy-threshold=5.0 --vad-energy-mean-scale=0.5"   # compute-vad's
. utils/parse_options.sh
[ $# -eq 3 ] || { echo "Usage: $0 [--vad-opts OPTS] <data-dir> <lang-dir> <work-dir>" >&2; exit 1; }
data=$1 lang=$2 dir=$3
for f in $data/wav.scp $data/text $lang/lexicon.int $lang/words.txt $lang/phones.txt $lang/oov.txt $lang/phones/optional_silence.txt; do
  [ -f $f ] || { echo "$0: no such file $f" >&2; exit 1; }
done
mkdir -p $dir/log
dir=$(cd $dir && pwd)
# shellcheck disable=SC2086
compute-mfcc-feats --dither=0 scp:$data/wav.scp ark:- 2> $dir/log/mfcc.log \
  | compute-vad $vad_opts ark:- ark,scp:$dir/vad.ark,$data/vad.scp 2> $dir/log/vad.log \
  || { echo "$0: voice activity detection failed; see $dir/log/" >&2; exit 1; }
utils/sym2int.pl --map-oov "$(cat $lang/oov.txt)" -f 2- $lang/words.txt $data/text > $dir/text.int 2> $dir/log/sym2int.log \
  || { echo "$0: mapping $data/text to word-ids failed; see $dir/log/sym2int.log" >&2; exit 1; }
copy-vector scp:$data/vad.scp ark,t:$dir/vad.txt 2> $dir/log/copy_vector.log
awk -v lexicon=$lang/lexicon.int -v phones=$lang/phones.txt -v textfile=$dir/text.int \
    -v sil=$(cat $lang/phones/optional_silence.txt) '
  BEGIN { while ((getline l < phones) > 0) { split(l, a, " "); name[a[2]] = a[1] }
          while ((getline l < lexicon) > 0) { n = split(l, a, " "); if (!(a[1] in pron)) { p = ""; for (i = 2; i <= n; i++) p = p " " name[a[i]]; pron[a[1]] = p } }
          while ((getline l < textfile) > 0) { n = split(l, a, " "); p = ""
            for (i = 2; i <= n; i++) { if (!(a[i] in pron)) { print "vad_segments: word-id " a[i] " of " a[1] " has no pronunciation" > "/dev/stderr"; exit 1 }; p = p pron[a[i]] }
            seq[a[1]] = p } }
  { utt = $1; gsub(/[][]/, ""); nf = NF - 1; first = -1; last = -1
    for (i = 2; i <= NF; i++) if ($i == 1) { if (first < 0) first = i - 2; last = i - 2 }
    if (!(utt in seq)) next
    k = split(seq[utt], ph, " ")
    if (first < 0 || last - first + 1 < 3 * k) { first = 0; last = nf - 1 }   # too little voiced: the whole utterance
    s = first * 160; e = last * 160 + 400; end = nf * 160 + 240
    if (s > 0) print utt, 0, s, sil
    for (j = 1; j <= k; j++) print utt, s + int((e - s) * (j - 1) / k), s + int((e - s) * j / k), ph[j]
    if (e < end) print utt, e, end, sil }' $dir/vad.txt > $data/phn_segments
rm $dir/vad.txt $dir/text.int
echo "  $data: $(cut -d' ' -f1 $data/phn_segments | sort -u | wc -l) utterances with segments; $(grep -o 'Proportion.*frames' $dir/log/vad.log | sed 's/Proportion/proportion/')"
