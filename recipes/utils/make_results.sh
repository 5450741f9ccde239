#!/usr/bin/env bash
# Prints the results of the trained models in the layout of the paper's Table 1 and draws
# two pictures next to it: training curves (train loss, dev frame accuracy per epoch) in
# <exp>/training_curves.svg and % zero outputs per layer in <exp>/zero_outputs.svg. With
# --seeds, each row is over the runs <exp>/<model>_s<seed>: error rates as mean ± sample
# standard deviation, the measures as means; the pictures show the first seed.
#
# Usage: utils/make_results.sh [--models "lstm gru snn v1 v2"] [--metric PER] [--seeds "1234 5678"] <exp-dir>
set -euo pipefail
models="lstm gru snn v1 v2"
metric=PER
seeds=
. utils/parse_options.sh
[ $# -eq 1 ] || { echo "Usage: $0 [--models LIST] [--metric PER|WER] [--seeds LIST] <exp-dir>" >&2; exit 1; }
exp=$1
json() { jq -r ".$2 // \"-\"" $1; }               # one field of a measures.json
jlist() { jq -r ".$2 | map(tostring) | join(\",\")" $1; }   # a list field, comma-separated
best() { [ -f $1 ] && awk '{ print $2 }' $1 || echo "-"; }
runs() { utils/am_dirs.sh $exp $1 "$seeds"; }
first_run() { utils/am_dirs.sh $exp $1 "${seeds%% *}"; }   # the pictures show the first seed
# Mean (± sample sd when there are several) of the numbers on stdin, one per line; "-" if none.
mean_sd() { awk -v f="$1" '$1 != "-" { n++; s += $1; q += $1 * $1 }
  END { if (n == 0) { print "-"; exit } m = s / n; printf f, m
        if (n > 1) { v = (q - n * m * m) / (n - 1); printf " ± " f, sqrt(v > 0 ? v : 0) } print "" }'; }

nseeds=$(echo $seeds | wc -w)
echo "# $metric on dev and test$([ $metric = PER ] && echo " (39 phones)"), with the measures of Table 1 (Ponghiran & Roy 2022)$([ $nseeds -gt 1 ] && echo "; mean ± sd over seeds $seeds")"
echo
echo "| model | output precision (bits) | threshold | params total | params recurrent stack | $metric dev | $metric test | % zero outputs (input, layer 1, layer 2) | mults/frame vs LSTM | mults/frame vs GRU |"
echo "|---|---|---|---|---|---|---|---|---|---|"
for m in $models; do
  dirs=$(runs $m)
  decoded=$(for d in $dirs; do [ -f $d/decode_test/measures.json ] && echo $d/decode_test/measures.json; done)
  [ -n "$decoded" ] || { echo "| $m | (not decoded) |||||||||"; continue; }
  j=$(echo "$decoded" | head -1)
  zeros=$(for f in $decoded; do jlist $f zero_percent; done | awk -F, '{ for (k = 1; k <= 3; k++) z[k] += $k; n++ }
    END { printf "%.1f, %.1f, %.1f", z[1] / n, z[2] / n, z[3] / n }')
  printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n" $m "$(json $j bits)" "$(json $j threshold | sed 's/null/-/')" \
    "$(json $j params_total)" "$(json $j params_recurrent_stack)" \
    "$(for d in $dirs; do best $d/decode_dev/scoring_kaldi/best_wer; done | mean_sd %.2f)" \
    "$(for d in $dirs; do best $d/decode_test/scoring_kaldi/best_wer; done | mean_sd %.2f)" \
    "$zeros" \
    "$(for f in $decoded; do json $f mults_normalized_to_lstm; done | awk '{ s += $1; n++ } END { printf "%.3f", s / n }')" \
    "$(for f in $decoded; do json $f mults_normalized_to_gru; done | awk '{ s += $1; n++ } END { printf "%.3f", s / n }')"
done
if [ -f $exp/mono_gmm/decode_test/scoring_kaldi/best_wer ]; then
  echo
  echo "Monophone GMM that made the frame targets (steps/train_mono.sh, $(gmm-info --print-args=false $exp/mono_gmm/final.mdl 2> /dev/null | awk '/gaussians/ { print $NF }') Gaussians, steps/decode.sh): $metric dev $(best $exp/mono_gmm/decode_dev/scoring_kaldi/best_wer), test $(best $exp/mono_gmm/decode_test/scoring_kaldi/best_wer)"
fi
echo
echo "Training curves: $exp/training_curves.svg; zero outputs per layer: $exp/zero_outputs.svg"

# Pictures with axes, ticks and legends: training curves of each model's first run, and the
# zero outputs per layer on the test set.
curves= zeros=
for m in $models; do
  d=$(first_run $m)
  [ -f $d/history.tsv ] && curves="$curves $m=$d/history.tsv"
  [ -f $d/decode_test/measures.json ] && zeros="$zeros $m=$d/decode_test/measures.json"
done
[ -z "$curves" ] || plot-training-curves --print-args=false --title="Training of $(echo $models | tr ' ' ',') ($exp)" $exp/training_curves.svg $curves 2> $exp/plot_training_curves.log
[ -z "$zeros" ] || plot-zero-outputs --print-args=false $exp/zero_outputs.svg $zeros 2> $exp/plot_zero_outputs.log
