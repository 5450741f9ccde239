#!/usr/bin/env bash
# Kaldi's utils/prepare_lang.sh interface (position-independent phones): builds a lang
# directory from a dictionary directory.
#   dict dir: lexicon.txt (word phone ...), silence_phones.txt, nonsilence_phones.txt,
#             optional_silence.txt
#   lang dir: phones.txt, words.txt, L.fst, L_disambig.fst, topo, oov.{txt,int},
#             phones/{silence,nonsilence,optional_silence,disambig}.{txt,int,csl}, phones/align_lexicon.{txt,int}
set -euo pipefail

# Begin configuration section.
sil_prob=0.5                     # probability of optional silence between words (0: none)
num_sil_states=5                 # emitting states of silence phones (Kaldi's default; TIMIT uses 3)
num_nonsil_states=3              # emitting states of other phones
position_dependent_phones=false  # only false is supported
# End configuration section.

echo "$0 $*"
. "$(dirname "$0")/parse_options.sh"
if [ $# -ne 4 ]; then
  echo "Usage: $0 [options] <dict-src-dir> <oov-dict-entry> <tmp-dir> <lang-dir>" >&2
  echo " e.g.: $0 data/local/dict '<UNK>' data/local/lang data/lang" >&2
  echo "Options: --sil-prob <p> ($sil_prob), --num-sil-states <n> ($num_sil_states), --num-nonsil-states <n> ($num_nonsil_states)" >&2
  exit 1
fi
[ "$position_dependent_phones" = false ] || { echo "$0: only --position-dependent-phones false is supported" >&2; exit 1; }
src=$1; oov=$2; tmp=$3; lang=$4
for f in lexicon.txt silence_phones.txt nonsilence_phones.txt optional_silence.txt; do
  [ -f $src/$f ] || { echo "$0: no such file $src/$f" >&2; exit 1; }
done
mkdir -p $tmp $lang/phones

# Phones: <eps>, silence phones, other phones (file order), then #0..#N.
make-lexicon-fst --print-args=false --disambig=true --write-disambig-count=$tmp/disambig_count $src/lexicon.txt /dev/null
ndisambig=$(cat $tmp/disambig_count)
{ echo "<eps>"; cat $src/silence_phones.txt $src/nonsilence_phones.txt | tr ' ' '\n' | grep -v '^$'
  for n in $(seq 0 $ndisambig); do echo "#$n"; done; } | awk '{print $1, NR - 1}' > $lang/phones.txt
# Words: <eps>, words sorted, #0, <s>, </s>.
{ echo "<eps>"; awk '{print $1}' $src/lexicon.txt | LC_ALL=C sort -u; echo "#0"; echo "<s>"; echo "</s>"; } \
  | awk '{print $1, NR - 1}' > $lang/words.txt
grep -q "^$oov " $lang/words.txt || { echo "$0: OOV word '$oov' is not in the lexicon" >&2; exit 1; }
echo "$oov" > $lang/oov.txt
awk -v w="$oov" '$1 == w {print $2}' $lang/words.txt > $lang/oov.int

ids() { awk 'NR == FNR {id[$1] = $2; next} {print id[$1]}' $lang/phones.txt -; }
cat $src/silence_phones.txt | tr ' ' '\n' | grep -v '^$' > $lang/phones/silence.txt
cat $src/nonsilence_phones.txt | tr ' ' '\n' | grep -v '^$' > $lang/phones/nonsilence.txt
cp $src/optional_silence.txt $lang/phones/optional_silence.txt
for n in $(seq 0 $ndisambig); do echo "#$n"; done > $lang/phones/disambig.txt
for f in silence nonsilence optional_silence disambig; do
  ids < $lang/phones/$f.txt > $lang/phones/$f.int
  paste -sd: $lang/phones/$f.int > $lang/phones/$f.csl
done

# phones/align_lexicon.{txt,int}, as Kaldi writes it for lattice-align-words-lexicon (word
# alignment and CTMs with position-independent phones): "<word> <word> <phones>" per
# pronunciation and "<eps> <eps> <optional silence>".
{ echo "<eps> <eps> $(cat $src/optional_silence.txt)"
  awk '{printf "%s %s", $1, $1; for (n = 2; n <= NF; n++) printf " %s", $n; printf "\n"}' $src/lexicon.txt
} | LC_ALL=C sort -u > $lang/phones/align_lexicon.txt
awk 'NR == FNR {w[$1] = $2; next} FILENAME == ARGV[2] {p[$1] = $2; next}
     {printf "%s %s", w[$1], w[$2]; for (n = 3; n <= NF; n++) printf " %s", p[$n]; printf "\n"}' \
  $lang/words.txt $lang/phones.txt $lang/phones/align_lexicon.txt > $lang/phones/align_lexicon.int

silphone=; [ "$sil_prob" != 0 ] && silphone=$(cat $src/optional_silence.txt)
make-lexicon-fst --print-args=false --silence-phone="$silphone" --silence-prob=$sil_prob $src/lexicon.txt - \
  | fstcompile --isymbols=$lang/phones.txt --osymbols=$lang/words.txt --keep_isymbols=false --keep_osymbols=false \
  | fstarcsort --sort_type=olabel > $lang/L.fst
make-lexicon-fst --print-args=false --silence-phone="$silphone" --silence-prob=$sil_prob --disambig=true $src/lexicon.txt - \
  | fstcompile --isymbols=$lang/phones.txt --osymbols=$lang/words.txt --keep_isymbols=false --keep_osymbols=false \
  | fstarcsort --sort_type=olabel > $lang/L_disambig.fst

# Kaldi's topologies (utils/gen_topo.pl): other phones left to right, each emitting state
# looping with 0.75 and moving on with 0.25; silence phones with more freedom: the first state
# may go on to any but the last state, the middle states to one another and the last, each
# with probability 1/(n-1), and the last state loops with 0.75 (one state: 0.75 / 0.25).
nonsilence_entry() {  # nonsilence_entry <num-states> <phone-ids...>
  local n=$1; shift
  echo "<TopologyEntry>"; echo "<ForPhones>"; echo "$*"; echo "</ForPhones>"
  for s in $(seq 0 $((n - 1))); do echo "<State> $s <PdfClass> $s <Transition> $s 0.75 <Transition> $((s + 1)) 0.25 </State>"; done
  echo "<State> $n </State>"; echo "</TopologyEntry>"
}
silence_entry() {  # silence_entry <num-states> <phone-ids...>
  local n=$1; shift
  echo "<TopologyEntry>"; echo "<ForPhones>"; echo "$*"; echo "</ForPhones>"
  awk -v n=$n 'BEGIN {
    if (n == 1) { print "<State> 0 <PdfClass> 0 <Transition> 0 0.75 <Transition> 1 0.25 </State>"; exit }
    p = 1 / (n - 1)
    line = "<State> 0 <PdfClass> 0 "
    for (t = 0; t < n - 1; t++) line = line "<Transition> " t " " p " "
    print line "</State>"
    for (s = 1; s < n - 1; s++) {
      line = "<State> " s " <PdfClass> " s " "
      for (t = 1; t < n; t++) line = line "<Transition> " t " " p " "
      print line "</State>" }
    print "<State> " n - 1 " <PdfClass> " n - 1 " <Transition> " n - 1 " 0.75 <Transition> " n " 0.25 </State>" }'
  echo "<State> $n </State>"; echo "</TopologyEntry>"
}
{ echo "<Topology>"
  nonsilence_entry $num_nonsil_states $(tr '\n' ' ' < $lang/phones/nonsilence.int)
  silence_entry $num_sil_states $(tr '\n' ' ' < $lang/phones/silence.int)
  echo "</Topology>"; } > $lang/topo
echo "$0: lang directory $lang: $(($(wc -l < $lang/phones.txt) - ndisambig - 2)) phones, $(($(wc -l < $lang/words.txt) - 4)) words"
