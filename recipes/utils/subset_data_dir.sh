#!/usr/bin/env bash
# Kaldi's utils/subset_data_dir.sh: copies a subset of a data directory's utterances (with
# their speakers' and recordings' entries) into a new data directory.
#
# Usage: utils/subset_data_dir.sh [--first|--last|--shortest|--per-spk|--speakers] <src-dir> <num-utt> <dest-dir>
#        utils/subset_data_dir.sh --utt-list <file> <src-dir> <dest-dir>
#        utils/subset_data_dir.sh --spk-list <file> <src-dir> <dest-dir>
#  e.g.: utils/subset_data_dir.sh --shortest data/train 500 data/train_500short
# Without an option the <num-utt> utterances are spread evenly over the directory; --first and
# --last take its ends; --shortest the shortest (utt2num_frames, else utt2dur, else feats.scp
# lengths); --per-spk up to <num-utt> from each speaker, spread evenly; --speakers whole
# speakers, spread evenly, until <num-utt> utterances are reached. Lists give the utterances
# or speakers (first field of each line) to keep.
set -euo pipefail
usage() {
  echo "Usage: $0 [--first|--last|--shortest|--per-spk|--speakers] <src-dir> <num-utt> <dest-dir>" >&2
  echo "       $0 --utt-list|--spk-list <file> <src-dir> <dest-dir>" >&2
  echo " e.g.: $0 --shortest data/train 500 data/train_500short" >&2
  exit 1
}
mode=even list= num=0
case ${1:-} in
  --first|--last|--shortest|--per-spk|--speakers) mode=${1#--}; shift ;;
  --utt-list|--spk-list) [ $# -ge 2 ] || usage; mode=${1#--}; list=$2; shift 2 ;;
esac
case $mode in
  utt-list|spk-list)
    [ $# -eq 2 ] || usage
    src=$1 dest=$2
    [ -f "$list" ] || { echo "$0: no such file $list" >&2; exit 1; } ;;
  *)
    [ $# -eq 3 ] || usage
    src=$1 num=$2 dest=$3
    [[ $num =~ ^[1-9][0-9]*$ ]] || { echo "$0: <num-utt> must be a positive integer, got '$num'" >&2; exit 1; } ;;
esac
utils=$(dirname "$0")
export LC_ALL=C
[ -f $src/utt2spk ] || { echo "$0: no such file $src/utt2spk" >&2; exit 1; }
[ "$(cd $src && pwd)" != "$(mkdir -p $dest && cd $dest && pwd)" ] || { echo "$0: <dest-dir> must differ from <src-dir>" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
total=$(wc -l < $src/utt2spk)
# Lines int(i * M / N), i = 0..N-1, of stdin's M lines: N lines spread evenly (all when N >= M).
spread() { awk -v n=$1 '{ line[NR] = $0 } END { m = NR < n ? NR : n; for (i = 0; i < m; i++) print line[int(i * NR / m) + 1] }'; }

case $mode in
  even) spread $num < $src/utt2spk ;;
  first) head -n $num $src/utt2spk ;;
  last) tail -n $num $src/utt2spk ;;
  shortest)
    if [ -f $src/utt2num_frames ]; then lengths=$src/utt2num_frames
    elif [ -f $src/utt2dur ]; then lengths=$src/utt2dur
    elif [ -f $src/feats.scp ]; then feat-to-len --print-args=false scp:$src/feats.scp ark,t:$tmp/lengths 2> /dev/null; lengths=$tmp/lengths
    else echo "$0: --shortest needs $src/utt2num_frames, utt2dur or feats.scp" >&2; exit 1; fi
    sort -s -g -k2,2 $lengths | head -n $num | $utils/filter_scp.pl /dev/stdin $src/utt2spk ;;
  per-spk)
    awk '{ print $2 }' $src/utt2spk | uniq > $tmp/speakers
    while read -r spk; do awk -v s=$spk '$2 == s' $src/utt2spk | spread $num; done < $tmp/speakers ;;
  speakers)
    $utils/utt2spk_to_spk2utt.pl $src/utt2spk > $tmp/spk2utt
    # Speakers in a fixed spread order (a stride coprime with their number, as a deterministic
    # shuffle), whole, until <num-utt> utterances are reached.
    awk -v n=$num '{ spk[NR] = $0 }
      function gcd(a, b) { while (b) { t = b; b = a % b; a = t } return a }
      END { s = NR; stride = int(s / 2) + 1; while (gcd(stride, s) != 1) stride++
            for (k = 0; k < s && got < n; k++) { line = spk[(k * stride) % s + 1]; print line; got += split(line, f, " ") - 1 } }' $tmp/spk2utt \
      | $utils/spk2utt_to_utt2spk.pl | sort ;;
  utt-list) $utils/filter_scp.pl $list $src/utt2spk ;;
  spk-list) $utils/filter_scp.pl -f 2 $list $src/utt2spk ;;
esac > $tmp/utt2spk
[ -s $tmp/utt2spk ] || { echo "$0: the subset of $src is empty" >&2; exit 1; }

rm -rf $dest && mkdir -p $dest
cp $tmp/utt2spk $dest/utt2spk
for f in text feats.scp feats_cmvn.scp vad.scp utt2lang utt2uniq utt2dur utt2num_frames segments phn_segments; do
  [ -f $src/$f ] && $utils/filter_scp.pl $dest/utt2spk $src/$f > $dest/$f
done
if [ -f $src/segments ]; then
  awk '{ print $2 }' $dest/segments | sort -u > $tmp/recordings
  for f in wav.scp reco2dur reco2file_and_channel; do
    [ -f $src/$f ] && $utils/filter_scp.pl $tmp/recordings $src/$f > $dest/$f
  done
elif [ -f $src/wav.scp ]; then
  $utils/filter_scp.pl $dest/utt2spk $src/wav.scp > $dest/wav.scp
fi
$utils/utt2spk_to_spk2utt.pl $dest/utt2spk | sort > $dest/spk2utt
for f in cmvn.scp spk2gender; do
  [ -f $src/$f ] && $utils/filter_scp.pl $dest/spk2utt $src/$f > $dest/$f
done
for f in frame_shift; do [ -f $src/$f ] && cp $src/$f $dest/$f; done
echo "$0: created $dest: $(wc -l < $dest/utt2spk) of $total utterances, $(wc -l < $dest/spk2utt) speakers"
