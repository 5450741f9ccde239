#!/usr/bin/env bash
# Kaldi's utils/validate_data_dir.sh: checks that a data directory is consistent: every file
# ends in a newline and is sorted by its key without duplicates (LC_ALL=C), utt2spk is also
# sorted by speaker, spk2utt matches utt2spk, and every utterance-keyed file (text, wav.scp or
# segments, feats.scp, feats_cmvn.scp, utt2dur, utt2num_frames, ...) has exactly the
# utterances of utt2spk, every speaker-keyed file (cmvn.scp, spk2gender) exactly its speakers.
# An error names the file, and the line or key; utils/fix_data_dir.sh repairs most of them.
#
# Usage: utils/validate_data_dir.sh [--no-feats] [--no-text] [--no-wav] [--no-spk-sort] [--non-print] <data-dir>
#  e.g.: utils/validate_data_dir.sh --no-feats data/train
# The --no-xxx options only make xxx optional: present files are always checked.
no_feats=false no_text=false no_wav=false no_spk_sort=false non_print=false
data=
while [ $# -gt 0 ]; do
  case $1 in
    --no-feats) no_feats=true ;;
    --no-text) no_text=true ;;
    --no-wav) no_wav=true ;;
    --no-spk-sort) no_spk_sort=true ;;
    --non-print) non_print=true ;;
    -*) echo "$0: unknown option $1" >&2; data=; break ;;
    *) [ -z "$data" ] || { data=; break; }; data=$1 ;;
  esac
  shift
done
if [ -z "$data" ] || [ $# -gt 1 ]; then
  echo "Usage: $0 [--no-feats] [--no-text] [--no-wav] [--no-spk-sort] [--non-print] <data-dir>" >&2
  echo " e.g.: $0 --no-feats data/train" >&2
  exit 1
fi
export LC_ALL=C
fail() { echo "$0: $*" >&2; exit 1; }
[ -d $data ] || fail "no such directory $data"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Sorted by key (byte order), unique, newline-terminated.
check_sorted() {
  local f=$1
  [ -n "$(tail -c1 $f)" ] && fail "$f: the last line has no newline"
  awk -v f=$f -v me=$0 'NF == 0 { printf "%s: %s: line %d is empty\n", me, f, NR; exit 1 }
    NR > 1 && ($1 "") <= (prev "") {
      printf "%s: %s: line %d: key %s %s %s (utils/fix_data_dir.sh sorts)\n", me, f, NR, $1, ($1 == prev ? "repeats line" : "sorts before line"), NR - 1 " (" prev ")"; exit 1 }
    { prev = $1 }' $f >&2 || exit 1
}
# Same keys, in the same order, as a reference list (both sorted already).
same_keys() {
  local f=$1 ref=$2 what=$3
  awk '{ print $1 }' $f > $tmp/keys
  cmp -s $ref $tmp/keys && return 0
  local extra missing
  extra=$(comm -13 $ref $tmp/keys | head -1)
  missing=$(comm -23 $ref $tmp/keys | head -1)
  [ -n "$extra" ] && fail "$f: $what $extra (line $(awk -v k="$extra" '$1 == k { print NR; exit }' $f)) is not in $(basename $ref .keys) ($(comm -13 $ref $tmp/keys | wc -l) in all; utils/fix_data_dir.sh removes them)"
  fail "$f: lacks $what $missing of $(basename $ref .keys) ($(comm -23 $ref $tmp/keys | wc -l) in all; utils/fix_data_dir.sh drops them everywhere)"
}

for f in utt2spk spk2utt; do
  [ -f $data/$f ] || fail "no such file $data/$f"
  [ -s $data/$f ] || fail "empty file $data/$f"
done
awk -v f=$data/utt2spk 'NF != 2 { printf "%s: line %d has %d fields, not \"<utterance> <speaker>\"\n", f, NR, NF; exit 1 }' $data/utt2spk >&2 || exit 1
check_sorted $data/utt2spk
if [ $no_spk_sort = false ]; then
  sort -s -k2,2 -C $data/utt2spk || fail "$data/utt2spk: not sorted by speaker as well as by utterance (make the speaker-id a prefix of the utterance-ids, or pass --no-spk-sort)"
fi
check_sorted $data/spk2utt
cmp -s $data/utt2spk <("$(dirname "$0")/spk2utt_to_utt2spk.pl" $data/spk2utt | sort) \
  || fail "$data/spk2utt does not match $data/utt2spk (utils/utt2spk_to_spk2utt.pl $data/utt2spk > $data/spk2utt)"
[ $(wc -l < $data/spk2utt) -eq 1 ] && echo "$0: WARNING: $data has only one speaker, so per-speaker CMVN is per-corpus" >&2
awk '{ print $1 }' $data/utt2spk > $tmp/utt2spk.keys
awk '{ print $1 }' $data/spk2utt > $tmp/spk2utt.keys

if [ -f $data/text ]; then
  check_sorted $data/text
  same_keys $data/text $tmp/utt2spk.keys utterance
  if [ $non_print = false ]; then
    line=$(LC_ALL=C.UTF-8 grep -n -m1 '[^[:print:][:space:]]' $data/text | cut -d: -f1)
    [ -n "$line" ] && fail "$data/text: line $line has non-printable characters (pass --non-print to allow them)"
  fi
  for sym in '<s>' '</s>' '#0'; do
    line=$(awk -v s="$sym" '{ for (i = 2; i <= NF; i++) if ($i == s) { print NR; exit } }' $data/text)
    [ -n "$line" ] && fail "$data/text: line $line holds the reserved symbol $sym"
  done
elif [ $no_text = false ]; then
  fail "no such file $data/text (if this is by design, pass --no-text)"
fi

[ -f $data/segments ] && [ ! -f $data/wav.scp ] && fail "$data/segments exists but $data/wav.scp does not"
if [ -f $data/wav.scp ]; then
  check_sorted $data/wav.scp
  line=$(grep -n -m1 -E '^\S+\s+~' $data/wav.scp | cut -d: -f1)
  [ -n "$line" ] && fail "$data/wav.scp: line $line starts its path with ~, which fopen does not expand"
  if [ -f $data/segments ]; then
    check_sorted $data/segments
    awk -v f=$data/segments 'NF != 4 || !($4 > $3) || $3 < 0 {
      printf "%s: line %d is not \"<utterance> <recording> <start> <end>\" with 0 <= start < end\n", f, NR; exit 1 }' $data/segments >&2 || exit 1
    same_keys $data/segments $tmp/utt2spk.keys utterance
    awk '{ print $2 }' $data/segments | sort -u > $tmp/recordings.keys
    same_keys $data/wav.scp $tmp/recordings.keys recording
  else
    same_keys $data/wav.scp $tmp/utt2spk.keys utterance
  fi
elif [ $no_wav = false ]; then
  fail "no such file $data/wav.scp (if this is by design, pass --no-wav)"
fi

[ -f $data/feats.scp ] || [ $no_feats = true ] || fail "no such file $data/feats.scp (if this is by design, pass --no-feats)"
for f in feats.scp feats_cmvn.scp vad.scp utt2lang utt2uniq utt2dur utt2num_frames; do
  [ -f $data/$f ] || continue
  check_sorted $data/$f
  same_keys $data/$f $tmp/utt2spk.keys utterance
done
for f in utt2dur utt2num_frames; do
  [ -f $data/$f ] || continue
  awk -v f=$data/$f 'NF != 2 || !($2 > 0) { printf "%s: line %d is not \"<utterance> <positive number>\"\n", f, NR; exit 1 }' $data/$f >&2 || exit 1
done
for f in cmvn.scp spk2gender; do
  [ -f $data/$f ] || continue
  check_sorted $data/$f
  same_keys $data/$f $tmp/spk2utt.keys speaker
done
if [ -f $data/spk2gender ]; then
  awk -v f=$data/spk2gender 'NF != 2 || ($2 != "m" && $2 != "f") { printf "%s: line %d is not \"<speaker> m|f\"\n", f, NR; exit 1 }' $data/spk2gender >&2 || exit 1
fi
echo "$0: Successfully validated data-directory $data"
