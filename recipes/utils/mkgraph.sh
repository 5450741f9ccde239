#!/usr/bin/env bash
# Kaldi's utils/mkgraph.sh interface: the decoding graph HCLG.fst of a lang directory with a
# grammar G.fst and a model directory's final.mdl, built with the OpenFst tools:
#   LG = determinize(L_disambig ∘ G), disambiguation symbols then turned into ε;
#   HCLG = H ∘ LG, with H from make-hmm-fst (monophone context: C is the identity).
set -euo pipefail

# Begin configuration section.
transition_scale=1.0
self_loop_scale=0.1
# End configuration section.

echo "$0 $*"
. "$(dirname "$0")/parse_options.sh"
if [ $# -ne 3 ]; then
  echo "Usage: $0 [options] <lang-dir> <model-dir> <graph-dir>" >&2
  echo " e.g.: $0 data/lang_test_bg exp/mono exp/mono/graph" >&2
  echo "Options: --transition-scale <s> ($transition_scale), --self-loop-scale <s> ($self_loop_scale)" >&2
  exit 1
fi
lang=$1; model=$2/final.mdl; dir=$3
for f in $lang/L_disambig.fst $lang/G.fst $lang/phones.txt $lang/words.txt $lang/phones/disambig.int $model; do
  [ -f $f ] || { echo "$0: no such file $f" >&2; exit 1; }
done
mkdir -p $dir
awk '{print $1, 0}' $lang/phones/disambig.int > $dir/disambig_to_eps.txt
fstarcsort --sort_type=olabel $lang/L_disambig.fst \
  | fstcompose - $lang/G.fst \
  | fstdeterminize \
  | fstrelabel --relabel_ipairs=$dir/disambig_to_eps.txt \
  | fstrmepsilon \
  | fstarcsort --sort_type=ilabel > $dir/LG.fst
make-hmm-fst --print-args=false --transition-scale=$transition_scale --self-loop-scale=$self_loop_scale $model $dir/H.fst
fstarcsort --sort_type=olabel $dir/H.fst | fstcompose - $dir/LG.fst | fstarcsort --sort_type=ilabel > $dir/HCLG.fst
rm $dir/disambig_to_eps.txt
cp $lang/words.txt $lang/phones.txt $dir/
mkdir -p $dir/phones   # what scoring needs for CTMs, as Kaldi's mkgraph.sh copies it
for f in $lang/phones/word_boundary.* $lang/phones/align_lexicon.*; do [ -f $f ] && cp $f $dir/phones/; done
# make-hmm-fst puts each self-loop before its state's forward transition, where Kaldi's
# mkgraph.sh reorders them after it; the lattice aligners must be told (--reorder=false).
echo false > $dir/reorder
echo "$0: $dir/HCLG.fst: $(fstinfo $dir/HCLG.fst | awk '/# of states/ {s = $NF} /# of arcs/ {a = $NF} END {print s " states, " a " arcs"}')"
