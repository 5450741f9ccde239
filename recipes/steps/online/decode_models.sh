#!/usr/bin/env bash
# A recipe's on-line stage: every model of <exp-dir> (each seed's too) recognises <test-data>
# on-line beside the offline tools (steps/online/decode.sh into <am>/decode_online_<set>), at
# the acoustic scale of its best LM weight on dev (<am>/decode_dev/scoring_kaldi/best_lmwt);
# then, with endpointing, the same utterances joined into one recording per speaker with a
# second's pause after each (utils/data/join_utterances.sh, <test-data>_joined), into
# <am>/decode_online_<set>_joined, whose `endpoints` counts the pauses that ended a segment.
#
# Usage: steps/online/decode_models.sh [options] <exp-dir> <models> <transition-model> <graph-dir> <counts> <train-data-dir> <test-data-dir> <lang-dir>
#  e.g.: steps/online/decode_models.sh --splice 3 --phone-map conf/phones.60-48-39.map --decode-config conf/decode.config \
#          exp "lstm v2" exp/mono/final.mdl exp/mono/graph exp/targets/train_pdf.counts data/train data/test data/lang
set -euo pipefail
nj=2
cmd=run.pl
seeds=              # as steps/train_am.sh: "1234 5678" for exp/<model>_s<seed>
splice=0
phone_map=
decode_config=
fbank_config=conf/fbank.conf
force=false
. "$(dirname "$0")/../../utils/parse_options.sh"
if [ $# -ne 8 ]; then
  echo "Usage: $0 [options] <exp-dir> <models> <transition-model> <graph-dir> <counts> <train-data-dir> <test-data-dir> <lang-dir>" >&2
  exit 1
fi
exp=$1 models=$2 model=$3 graph=$4 counts=$5 train=$6 data=$7 lang=$8
here=$(dirname "$0")
utils=$(dirname "$(readlink -f "$0")")/../../utils
[ -f $lang/phones/silence.csl ] || { echo "$0: no $lang/phones/silence.csl (the endpoint rules' silence phones)" >&2; exit 1; }
set_name=$(basename $data)
joined=${data}_joined
if [ ! -f $joined/pauses ] || [ $joined/pauses -ot $data/wav.scp ]; then
  $utils/data/join_utterances.sh $data $joined > /dev/null
fi
common=(--nj $nj --cmd "$cmd" --splice $splice ${phone_map:+--phone-map $phone_map} ${decode_config:+--decode-config $decode_config}
  --fbank-config $fbank_config --force $force)
for m in $models; do
  for am in $($utils/am_dirs.sh $exp $m "$seeds"); do
    [ -f $am/decode_dev/scoring_kaldi/best_lmwt ] || { echo "$0: no $am/decode_dev/scoring_kaldi/best_lmwt (decode dev first)" >&2; exit 1; }
    lmwt=$(cat $am/decode_dev/scoring_kaldi/best_lmwt)
    $here/decode.sh "${common[@]}" --lmwt $lmwt $am $model $graph $counts $train $data $am/decode_online_$set_name
    $here/decode.sh "${common[@]}" --lmwt $lmwt --compare-offline false --do-endpointing true --endpoint-opts "--endpoint.silence-phones=$(cat $lang/phones/silence.csl)" \
      $am $model $graph $counts $train $joined $am/decode_online_${set_name}_joined
  done
done
