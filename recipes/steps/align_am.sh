#!/usr/bin/env bash
# Forced alignment of a data directory's transcripts with a trained acoustic model (Kaldi's
# steps/nnet/align.sh for ksnn networks): log-likelihoods from ksnn-am-forward (posteriors
# divided by the priors in <counts>), then align-phones-mapped through the lexicon with
# optional silence between words. Writes a Kaldi alignment directory, <ali-dir>/ali.1.gz
# (transition-ids) beside a copy of the transition model as final.mdl, so that it can be
# handed to anything that takes Kaldi alignments (a recipe's --ali-dir, ali-to-pdf, ...).
#
# Usage: steps/align_am.sh [--beam 100] [--retry-beam 100000] [--sil-prob 0.5] [--splice 0] <data-dir> <lang-dir>
#          <am-dir> <transition-model> <counts> <ali-dir>
#  e.g.: steps/align_am.sh data/train_clean_100 data/lang exp/align1 exp/mono/final.mdl \
#          exp/targets/align_pdf.counts exp/align1/ali_train_clean_100
# A weak network (a flat start) needs wide beams: its log-likelihoods, unscaled, differ by
# hundreds between pdfs, and a LibriSpeech-length utterance's right path fell more than 1000
# behind the best partial one (124 of 480 utterances failed at 1000, none at 10000). The
# retry beam is therefore all but exhaustive, which a transcript's linear graph makes cheap;
# utterances that still fail are left out of the alignments and counted in the log.
set -euo pipefail
beam=100
retry_beam=100000
sil_prob=0.5        # probability of the optional silence between words (0: none, as TIMIT's lang)
splice=0            # input context, as the network was trained with (utils/am_feats.sh)
. "$(dirname "$0")/../utils/parse_options.sh"
[ $# -eq 6 ] || { echo "Usage: $0 [--beam B] [--retry-beam B] [--sil-prob P] [--splice N] <data-dir> <lang-dir> <am-dir> <transition-model> <counts> <ali-dir>" >&2; exit 1; }
data=$1 lang=$2 am=$3 model=$4 counts=$5 dir=$6
utils=$(dirname "$(readlink -f "$0")")/../utils
for f in $data/text $lang/words.txt $lang/lexicon.int $lang/oov.txt $lang/phones/optional_silence.int $am/final.mdl $model $counts; do
  [ -f $f ] || { echo "$0: no such file $f" >&2; exit 1; }
done
mkdir -p $dir/log
cp $model $dir/final.mdl
$utils/sym2int.pl --map-oov "$(cat $lang/oov.txt)" -f 2- $lang/words.txt $data/text > $dir/text.int 2> $dir/log/sym2int.log
ksnn-am-forward --class-frame-counts=$counts --prior-floor=$($utils/prior_floor.sh $counts) $am/final.mdl "$($utils/am_feats.sh $data $splice)" ark:$dir/loglikes.ark \
  2> $dir/log/forward.log || { echo "$0: forward pass failed; see $dir/log/forward.log" >&2; exit 1; }
silence=0; [ "$sil_prob" != 0 ] && silence=$(cat $lang/phones/optional_silence.int)
align-phones-mapped --lexicon=$lang/lexicon.int --optional-silence=$silence --silence-prob=$sil_prob \
  --beam=$beam --retry-beam=$retry_beam $model ark:$dir/loglikes.ark ark:$dir/text.int "ark:| gzip -c > $dir/ali.1.gz" \
  2> $dir/log/align.log || { echo "$0: alignment failed; see $dir/log/align.log" >&2; exit 1; }
rm $dir/loglikes.ark $dir/text.int
awk -v d=$data '/^LOG .*(Retried|Done)/ { sub(/^LOG .*[)] /, ""); sub(/[.]$/, ""); s = s (s == "" ? "" : "; ") $0 }
  END { print "  aligned " d ": " s }' $dir/log/align.log
