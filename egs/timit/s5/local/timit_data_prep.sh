#!/usr/bin/env bash
# TIMIT data preparation as Kaldi's egs/timit/s5/local/timit_data_prep.sh does it, from an
# LDC TIMIT root (TRAIN|TEST/DR*/<SPK>/<SENT>.WAV|PHN, any case): SI and SX sentences only
# (SA1/SA2 are left out); train = all TRAIN speakers, dev = conf/dev_spk.list, test = the
# 24-speaker core test set conf/test_spk.list (--dev-spk-list / --test-spk-list name others, e.g.
# a look-alike corpus's own lists); utterance ids <SPK>_<SENT> in the corpus's own case, as
# Kaldi makes them (FBGY0_SI474 on LDC's upper-case discs), so Kaldi alignments of the same
# corpus match;
# transcripts from the .PHN files folded 60->48 (q deleted). Writes data/{train,dev,test}/
# {wav.scp,text,utt2spk,spk2utt,spk2gender,phn_segments}; wav.scp names the SPHERE files
# directly (libsndfile reads them; no sph2pipe needed). phn_segments keeps the .PHN sample
# boundaries with 48-phone labels, for frame targets without Kaldi.
#
# Usage: local/timit_data_prep.sh [--dev-spk-list FILE] [--test-spk-list FILE] <timit-root>
set -euo pipefail
dev_spk_list=conf/dev_spk.list
test_spk_list=conf/test_spk.list
. utils/parse_options.sh
[ $# -eq 1 ] || { echo "Usage: $0 [--dev-spk-list FILE] [--test-spk-list FILE] <timit-root>" >&2; exit 1; }
root=$(cd "$1" && pwd)
map=conf/phones.60-48-39.map
for f in $dev_spk_list $test_spk_list $map; do [ -f $f ] || { echo "$0: missing $f" >&2; exit 1; }; done
train_dir=$(find $root -maxdepth 1 -iname train -type d | head -1)
test_dir=$(find $root -maxdepth 1 -iname test -type d | head -1)
[ -n "$train_dir" ] && [ -n "$test_dir" ] || { echo "$0: $root has no TRAIN and TEST folders (is it a TIMIT root?)" >&2; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf $tmp' EXIT
for set in train dev test; do
  case $set in
    train) find $train_dir -iname '*.WAV' -not -iname 'SA*' > $tmp/$set.flist ;;
    dev|test)
      list=$([ $set = dev ] && echo $dev_spk_list || echo $test_spk_list)
      find $test_dir -iname '*.WAV' -not -iname 'SA*' \
        | awk -v list=$list 'BEGIN { while ((getline s < list) > 0) want[tolower(s)] = 1 }
                             { n = split($0, p, "/"); if (tolower(p[n - 1]) in want) print }' > $tmp/$set.flist ;;
  esac
  [ -s $tmp/$set.flist ] || { echo "$0: no $set utterances found under $root" >&2; exit 1; }
  d=data/$set
  mkdir -p $d
  # utt-id, speaker and the .PHN path of each .WAV
  awk '{ n = split($0, p, "/"); spk = p[n - 1]; sent = p[n]; sub(/\.[wW][aA][vV]$/, "", sent)
         phn = $0; sub(/\.[wW][aA][vV]$/, "", phn); print spk "_" sent, spk, $0, phn }' $tmp/$set.flist \
    | LC_ALL=C sort > $tmp/$set.info
  awk '{ print $1, $3 }' $tmp/$set.info > $d/wav.scp
  awk '{ print $1, $2 }' $tmp/$set.info > $d/utt2spk
  utils/utt2spk_to_spk2utt.pl $d/utt2spk > $d/spk2utt
  awk '{ print $1, tolower(substr($1, 1, 1)) }' $d/spk2utt > $d/spk2gender
  : > $tmp/$set.text61; : > $tmp/$set.seg61
  while read -r utt spk wav base; do
    phn=$(ls $base.[pP][hH][nN] 2> /dev/null | head -1)
    [ -n "$phn" ] || { echo "$0: no .PHN file for $wav" >&2; exit 1; }
    awk -v u=$utt 'NF >= 3 { printf " %s", $3 } END { print "" }' $phn | sed "s/^/$utt/" >> $tmp/$set.text61
    awk -v u=$utt 'NF >= 3 { print u, $1, $2, $3 }' $phn >> $tmp/$set.seg61
  done < $tmp/$set.info
  timit-norm-trans --print-args=false --map=$map --to=48 $tmp/$set.text61 $d/text
  # Segments: 61 -> 48 labels; q (deleted in the text) gives its samples to the phone before.
  awk -v map=$map 'BEGIN { while ((getline l < map) > 0) { split(l, a, "\t"); if (a[2] != "") m[a[1]] = a[2] } }
    { p = $4; if (p == "q") { if ($1 == pu) { pe = $3 }; next }
      if (pu != "") print pu, ps, pe, pp
      pu = $1; ps = $2; pe = $3; pp = (p in m) ? m[p] : p }
    END { if (pu != "") print pu, ps, pe, pp }' $tmp/$set.seg61 > $d/phn_segments
  utils/validate_data_dir.sh --no-feats $d > /dev/null
  echo "$0: data/$set: $(wc -l < $d/wav.scp) utterances, $(wc -l < $d/spk2utt) speakers"
done
