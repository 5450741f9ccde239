#!/usr/bin/env bash
# Kaldi's utils/data/perturb_data_dir_speed.sh: a copy of a data directory whose audio is
# played <factor> times faster (sox speed: tempo and pitch together), for training-data
# augmentation. Utterance and speaker ids get the prefix "sp<factor>-"; wav.scp entries
# become pipes through sox (audio files are read with wav-copy, so SPHERE and FLAC work; sox -R
# seeds its dither, so the same data gives the same features, which Kaldi's pipes do not);
# text, spk2gender and utt2uniq follow the ids; utt2dur and the TIMIT recipe's phn_segments
# (sample boundaries) are scaled by 1/<factor>. Features are not copied: compute them anew.
#
# Usage: utils/data/perturb_data_dir_speed.sh <factor> <src-data-dir> <dest-data-dir>
#  e.g.: utils/data/perturb_data_dir_speed.sh 0.9 data/train data/train_sp0.9
set -euo pipefail
[ $# -eq 3 ] || { echo "Usage: $0 <factor> <src-data-dir> <dest-data-dir>" >&2; exit 1; }
factor=$1 src=$2 dest=$3
awk -v f="$factor" 'BEGIN { exit !(f + 0 > 0) }' || { echo "$0: the factor must be a positive number, got '$factor'" >&2; exit 1; }
for f in wav.scp utt2spk; do [ -f $src/$f ] || { echo "$0: no such file $src/$f" >&2; exit 1; }; done
[ -f $src/segments ] && { echo "$0: $src has a segments file; perturbing recordings with segments is not supported" >&2; exit 1; }
mkdir -p $dest
p="sp$factor-"
awk -v p="$p" -v f="$factor" '{ utt = $1; $1 = ""; cmd = substr($0, 2)
  if (cmd ~ /\|[ \t]*$/) print p utt, cmd " sox -R -t wav - -t wav - speed " f " |"
  else print p utt, "wav-copy " cmd " - | sox -R -t wav - -t wav - speed " f " |" }' $src/wav.scp > $dest/wav.scp
awk -v p="$p" '{ print p $1, p $2 }' $src/utt2spk > $dest/utt2spk
utils=$(dirname "$(readlink -f "$0")")/..
$utils/utt2spk_to_spk2utt.pl $dest/utt2spk > $dest/spk2utt
[ -f $src/text ] && awk -v p="$p" '{ $1 = p $1; print }' $src/text > $dest/text
[ -f $src/spk2gender ] && awk -v p="$p" '{ print p $1, $2 }' $src/spk2gender > $dest/spk2gender
[ -f $src/utt2uniq ] && awk -v p="$p" '{ print p $1, $2 }' $src/utt2uniq > $dest/utt2uniq
[ -f $src/utt2uniq ] || awk -v p="$p" '{ print p $1, $1 }' $src/utt2spk > $dest/utt2uniq
[ -f $src/utt2dur ] && awk -v p="$p" -v f="$factor" '{ print p $1, $2 / f }' $src/utt2dur > $dest/utt2dur
[ -f $src/phn_segments ] && awk -v p="$p" -v f="$factor" '{ print p $1, int($2 / f + 0.5), int($3 / f + 0.5), $4 }' \
  $src/phn_segments > $dest/phn_segments
echo "$0: generated speed-perturbed version of data in $src, in $dest"
