#!/usr/bin/env bash
# Forced alignment of a data directory's transcripts with a trained acoustic model (Kaldi's
# steps/nnet/align.sh for ksnn networks): log-likelihoods from ksnn-am-forward (posteriors
# divided by the priors in <counts>), then align-phones-mapped through the lexicon with
# optional silence between words. Writes a Kaldi alignment directory, <ali-dir>/ali.JOB.gz
# (transition-ids) for JOB=1..nj (the data split by speakers, utils/split_data.sh), num_jobs
# and a copy of the transition model as final.mdl, so that it can be handed to anything that
# takes Kaldi alignments (a recipe's --ali-dir, ali-to-pdf, ...).
#
# Usage: steps/align_am.sh [--nj 1] [--cmd run.pl] [--beam 100] [--retry-beam 100000] [--sil-prob 0.5] [--splice 0]
#          <data-dir> <lang-dir> <am-dir> <transition-model> <counts> <ali-dir>
#  e.g.: steps/align_am.sh data/train_clean_100 data/lang exp/align1 exp/mono/final.mdl \
#          exp/targets/align_pdf.counts exp/align1/ali_train_clean_100
# A weak network (a flat start) needs wide beams: its log-likelihoods, unscaled, differ by
# hundreds between pdfs, and a LibriSpeech-length utterance's right path fell more than 1000
# behind the best partial one (124 of 480 utterances failed at 1000, none at 10000). The
# retry beam is therefore all but exhaustive, which a transcript's linear graph makes cheap;
# utterances that still fail are left out of the alignments and counted in the log.
set -euo pipefail
nj=1                # parallel jobs, each over a part of the speakers
cmd=run.pl          # how the jobs run (utils/run.pl, utils/slurm.pl [options])
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
export PATH=$PATH:$utils   # run.pl and friends, as a recipe's path.sh provides them
cp $model $dir/final.mdl
sdata=$data/split$nj
$utils/split_data.sh $data $nj
rm -f $dir/ali.*.gz
silence=0; [ "$sil_prob" != 0 ] && silence=$(cat $lang/phones/optional_silence.int)
feats=$($utils/am_feats.sh $sdata/JOB $splice)
text="ark:$utils/sym2int.pl --map-oov '$(cat $lang/oov.txt)' -f 2- $lang/words.txt $sdata/JOB/text |"
$cmd JOB=1:$nj $dir/log/align.JOB.log \
  ksnn-am-forward --class-frame-counts=$counts --prior-floor=$($utils/prior_floor.sh $counts) $am/final.mdl \
    "$feats" ark:- \| \
  align-phones-mapped --lexicon=$lang/lexicon.int --optional-silence=$silence --silence-prob=$sil_prob \
    --beam=$beam --retry-beam=$retry_beam $model ark:- "$text" "ark:| gzip -c > $dir/ali.JOB.gz" \
  || { echo "$0: alignment failed; see $dir/log/align.*.log" >&2; exit 1; }
echo $nj > $dir/num_jobs
$utils/alignment_summary.sh $data $dir/log/align.*.log
