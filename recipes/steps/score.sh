#!/usr/bin/env bash
# Scores the hypotheses of a decode directory against a data directory's text, as Kaldi's
# local/score.sh / steps/scoring/score_kaldi_wer.sh do, with compute-wer's counting.
#
# Hypotheses: with lattices (<decode-dir>/lat.*.gz), the best path for each LM weight and
# word insertion penalty of the grid, as Kaldi's steps/scoring/score_kaldi_wer.sh makes them
# (lattice-scale --inv-acoustic-scale=LMWT | lattice-add-penalty | lattice-best-path), into
# <decode-dir>/scoring/penalty_<WIP>/<LMWT>.tra. Without lattices, those files as given (word
# ids, mapped through <lang-dir>/words.txt, or .txt with words), one line per utterance:
# "<utt> w1 w2 ..."; or, from a decode without penalties, <decode-dir>/scoring/<LMWT>.tra or .txt.
# Writes, per pair: <decode-dir>/wer_<LMWT>_<WIP> (wer_<LMWT> without penalties; compute-wer's
# three lines) and scoring/<LMWT>[_<WIP>].sys (sclite-style table), and for the best pair
# scoring_kaldi/best_wer, best_lmwt, best_wip and scoring_kaldi/wer_details/{per_utt,per_spk};
# with --ctm-model, the best pair's CTM with confidences in score_<LMWT>/<data>.ctm.
set -euo pipefail

# Begin configuration section.
min_lmwt=1
max_lmwt=10
word_ins_penalty=0.0,0.5,1.0   # penalties whose hypotheses to look for, as Kaldi's local/score.sh
mode=all            # compute-wer --mode: all|present|strict
phone_map=          # e.g. conf/phones.60-48-39.map: fold ref and hyp 48->39 (TIMIT PER)
fold_from=48
fold_to=39
special_symbol='***'
nj=1                # best-path jobs at a time (each one LM weight at one penalty)
cmd=run.pl          # how they run (utils/run.pl, utils/slurm.pl [options]), as Kaldi's $cmd LMWT=...
ctm_model=          # transition model of the lattices: also write the best pair's CTM with
                    # confidences (lattice-align-words with <lang>/phones/word_boundary.int,
                    # lattice-align-words-lexicon with align_lexicon.int, or lattice-align-phones
                    # when --phone-map says the words are phones)
ctm_beam=5          # lattice-prune beam before the CTM's MBR decoding (Kaldi's get_ctm_conf.sh)
# End configuration section.

echo "$0 $*"
. "$(dirname "$0")/../utils/parse_options.sh"

if [ $# -ne 3 ]; then
  cat <<USAGE
Usage: $0 [options] <data-dir> <lang-dir|graph-dir> <decode-dir>
 e.g.: $0 --phone-map conf/phones.60-48-39.map data/test data/lang_test_bg exp/mono/decode_test
Options:
  --min-lmwt <int>        # first LM weight to score ($min_lmwt)
  --max-lmwt <int>        # last LM weight to score ($max_lmwt)
  --word-ins-penalty <list>  # comma-separated word insertion penalties ($word_ins_penalty)
  --mode <all|present|strict>  # how hypotheses missing for a reference count ($mode)
  --phone-map <file>      # TIMIT phones.60-48-39.map: fold ref and hyp ($fold_from -> $fold_to)
  --nj <int>              # best-path jobs over the lattices at a time ($nj)
  --cmd <script>          # how the jobs run: run.pl, utils/slurm.pl [options] ($cmd)
  --ctm-model <mdl>       # transition model: write score_<LMWT>/<data>.ctm with confidences ($ctm_model)
  --ctm-beam <float>      # lattice-prune beam before the MBR decoding of the CTM ($ctm_beam)
USAGE
  exit 1
fi

data=$1
lang=$2
dir=$3
for f in $data/text; do
  [ -f $f ] || { echo "$0: no such file $f" >&2; exit 1; }
done
mkdir -p $dir/scoring/log $dir/scoring_kaldi/wer_details

fold() {  # fold <in> <out>: phone folding when asked, else a copy
  if [ -n "$phone_map" ]; then
    timit-norm-trans --print-args=false --map=$phone_map --from=$fold_from --to=$fold_to "$1" "$2"
  else
    cp "$1" "$2"
  fi
}

fold $data/text $dir/scoring/test_filt.txt

if ls $dir/lat.*.gz > /dev/null 2>&1; then
  [ -f $lang/words.txt ] || { echo "$0: scoring lattices needs $lang/words.txt" >&2; exit 1; }
  export PATH=$PATH:$(dirname "$(readlink -f "$0")")/../utils   # run.pl and friends
  for wip in ${word_ins_penalty//,/ }; do
    mkdir -p $dir/scoring/penalty_$wip/log
    $cmd --max-jobs-run $nj LMWT=$min_lmwt:$max_lmwt $dir/scoring/penalty_$wip/log/best_path.LMWT.log \
      lattice-scale --inv-acoustic-scale=LMWT "ark:gunzip -c $dir/lat.*.gz |" ark:- \| \
      lattice-add-penalty --word-ins-penalty=$wip ark:- ark:- \| \
      lattice-best-path --word-symbol-table=$lang/words.txt ark:- ark,t:$dir/scoring/penalty_$wip/LMWT.tra \
      || { echo "$0: best paths failed; see $dir/scoring/penalty_$wip/log/best_path.*.log" >&2; exit 1; }
  done
fi

scored=0
score_one() {  # score_one <hypothesis-file-without-extension> <name>: wer_<name>, scoring/<name>.*
  local hyp=$1 name=$2
  if [ -f $hyp.tra ]; then
    [ -f $lang/words.txt ] || { echo "$0: $hyp.tra needs $lang/words.txt" >&2; exit 1; }
    "$(dirname "$0")/../utils/int2sym.pl" -f 2- $lang/words.txt < $hyp.tra > $dir/scoring/$name.words.txt
  elif [ -f $hyp.txt ]; then
    [ $hyp.txt -ef $dir/scoring/$name.words.txt ] || cp $hyp.txt $dir/scoring/$name.words.txt
  else
    return 0
  fi
  fold $dir/scoring/$name.words.txt $dir/scoring/$name.hyp.txt
  compute-wer --text --mode=$mode ark:$dir/scoring/test_filt.txt ark,p:$dir/scoring/$name.hyp.txt \
    > $dir/wer_$name 2> $dir/scoring/log/score.$name.log
  utt2spk_opt=; [ -f $data/utt2spk ] && utt2spk_opt="--utt2spk=$data/utt2spk"
  wer-sys-summary $utt2spk_opt --mode=$mode --title=$(basename $dir)/$name \
    ark:$dir/scoring/test_filt.txt ark:$dir/scoring/$name.hyp.txt > $dir/scoring/$name.sys 2>> $dir/scoring/log/score.$name.log
  scored=$((scored + 1))
}
for lmwt in $(seq $min_lmwt $max_lmwt); do
  score_one $dir/scoring/$lmwt $lmwt
  for wip in ${word_ins_penalty//,/ }; do score_one $dir/scoring/penalty_$wip/$lmwt ${lmwt}_$wip; done
done
[ $scored -gt 0 ] || { echo "$0: no hypotheses ($dir/scoring/[penalty_<WIP>/]<LMWT>.tra or .txt for LMWT in $min_lmwt..$max_lmwt)" >&2; exit 1; }

grep -H WER $dir/wer_* | "$(dirname "$0")/../utils/best_wer.sh" > $dir/scoring_kaldi/best_wer
best=$(awk '{print $NF}' $dir/scoring_kaldi/best_wer | sed 's:.*/wer_::')
echo ${best%%_*} > $dir/scoring_kaldi/best_lmwt
case $best in *_*) echo ${best#*_} > $dir/scoring_kaldi/best_wip ;; *) rm -f $dir/scoring_kaldi/best_wip ;; esac
align-text --special-symbol="$special_symbol" ark:$dir/scoring/test_filt.txt ark:$dir/scoring/$best.hyp.txt ark,t:- \
    2> $dir/scoring/log/align.log \
  | wer-per-utt-details --special-symbol="$special_symbol" > $dir/scoring_kaldi/wer_details/per_utt
if [ -f $data/utt2spk ]; then
  wer-per-spk-details $data/utt2spk < $dir/scoring_kaldi/wer_details/per_utt > $dir/scoring_kaldi/wer_details/per_spk 2>/dev/null
fi

# The best pair's words with times and MBR confidences, as Kaldi's steps/get_ctm_conf.sh makes
# them (lattice-prune | lattice-align-words | lattice-to-ctm-conf --decode-mbr=true), in
# <decode-dir>/score_<LMWT>/<data>.ctm (utterance-relative times, words as symbols).
if [ -n "$ctm_model" ] && ls $dir/lat.*.gz > /dev/null 2>&1; then
  lmwt=$(cat $dir/scoring_kaldi/best_lmwt) wip=$(cat $dir/scoring_kaldi/best_wip 2>/dev/null || echo 0.0)
  # ksnn's own graphs have their self-loops before the forward transitions (<lang>/reorder);
  # Kaldi's graphs reorder them, the aligners' default.
  reorder=true; [ -f $lang/reorder ] && reorder=$(cat $lang/reorder)
  if [ -n "$phone_map" ]; then
    align="lattice-align-phones --reorder=$reorder $ctm_model ark:- ark:-"   # TIMIT: every word is one phone
  elif [ -f $lang/phones/word_boundary.int ]; then
    align="lattice-align-words --reorder=$reorder $lang/phones/word_boundary.int $ctm_model ark:- ark:-"
  elif [ -f $lang/phones/align_lexicon.int ]; then
    align="lattice-align-words-lexicon --reorder=$reorder $lang/phones/align_lexicon.int $ctm_model ark:- ark:-"
  else
    align=
    echo "$0: neither $lang/phones/word_boundary.int nor $lang/phones/align_lexicon.int: no CTM" >&2
  fi
  if [ -n "$align" ]; then
    mkdir -p $dir/score_$lmwt
    ctm=$dir/score_$lmwt/$(basename $data).ctm
    lattice-scale --inv-acoustic-scale=$lmwt "ark:gunzip -c $dir/lat.*.gz |" ark:- 2> $dir/scoring/log/ctm.log \
      | lattice-add-penalty --word-ins-penalty=$wip ark:- ark:- 2>> $dir/scoring/log/ctm.log \
      | lattice-prune --beam=$ctm_beam ark:- ark:- 2>> $dir/scoring/log/ctm.log \
      | $align 2>> $dir/scoring/log/ctm.log \
      | lattice-to-ctm-conf --decode-mbr=true ark:- - 2>> $dir/scoring/log/ctm.log \
      | "$(dirname "$0")/../utils/int2sym.pl" -f 5 $lang/words.txt > $ctm.tmp \
      && mv $ctm.tmp $ctm \
      || { rm -f $ctm.tmp; echo "$0: CTM failed; see $dir/scoring/log/ctm.log" >&2; exit 1; }
  fi
fi
cat $dir/scoring_kaldi/best_wer
