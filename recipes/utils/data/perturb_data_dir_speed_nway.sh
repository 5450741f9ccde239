#!/usr/bin/env bash
# Kaldi's utils/data/perturb_data_dir_speed_3way.sh with the factors as an argument: the data
# directory combined with its speed-perturbed copies (utils/data/perturb_data_dir_speed.sh, one
# per factor; ids prefixed "sp<factor>-"). "0.9 1.1" is Kaldi's 3-way perturbation; a wider
# set such as "0.8 0.9 1.1 1.2" covers speakers who talk more slowly or quickly than any in
# the training set. The copies are kept beside <dest-data-dir> as <dest-data-dir><factor>.
#
# Usage: utils/data/perturb_data_dir_speed_nway.sh "<factor> ..." <src-data-dir> <dest-data-dir>
#  e.g.: utils/data/perturb_data_dir_speed_nway.sh "0.9 1.1" data/train data/train_sp
set -euo pipefail
[ $# -eq 3 ] || { echo "Usage: $0 \"<factor> ...\" <src-data-dir> <dest-data-dir>" >&2; exit 1; }
factors=$1 src=$2 dest=$3
[ -n "${factors// /}" ] || { echo "$0: no speed factors given" >&2; exit 1; }
utils=$(dirname "$(readlink -f "$0")")/..
copies=
for f in $factors; do
  [ "$f" != 1.0 ] && [ "$f" != 1 ] || { echo "$0: factor $f is the original data, which is always included" >&2; exit 1; }
  $utils/data/perturb_data_dir_speed.sh $f $src $dest$f > /dev/null
  copies="$copies $dest$f"
done
$utils/combine_data.sh $dest $src $copies > /dev/null
echo "$0: $src at speeds 1.0 $factors in $dest ($(wc -l < $dest/utt2spk) utterances)"
