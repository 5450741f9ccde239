#!/usr/bin/env bash
# Prints the results of the trained models in the layout of the paper's Table 1 and draws
# two pictures next to it: training curves (train loss, dev frame accuracy per epoch) in
# <exp>/training_curves.svg and % zero outputs per layer in <exp>/zero_outputs.svg. With
# --seeds, each row is over the runs <exp>/<model>_s<seed>: error rates as mean ± sample
# standard deviation, the measures as means; the pictures show the first seed.
#
# Usage: local/make_results.sh [--models "lstm gru snn v1 v2"] [--metric PER] [--seeds "1234 5678"] <exp-dir>
set -euo pipefail
models="lstm gru snn v1 v2"
metric=PER
seeds=
. utils/parse_options.sh
[ $# -eq 1 ] || { echo "Usage: $0 [--models LIST] [--metric PER|WER] [--seeds LIST] <exp-dir>" >&2; exit 1; }
exp=$1
json() { tr -d '\n' < $1 | grep -o "\"$2\": [^,}]*" | head -1 | sed 's/.*: //'; }
jlist() { tr -d '\n' < $1 | grep -o "\"$2\": \[[^]]*\]" | sed 's/.*\[//; s/\]//; s/ //g'; }
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

# Training curves: one panel for train loss, one for dev frame accuracy, a line per model.
colors=("#1f77b4" "#ff7f0e" "#2ca02c" "#d62728" "#9467bd")
{
  echo '<svg xmlns="http://www.w3.org/2000/svg" width="900" height="360" font-family="sans-serif" font-size="12">'
  echo '<text x="20" y="20" font-size="14">Training loss (left) and dev frame accuracy % (right) per epoch</text>'
  i=0
  for m in $models; do
    h=$(first_run $m)/history.tsv
    [ -f $h ] || continue
    awk -v c=${colors[$i]} -v m=$m -v i=$i 'NR > 1 { e[NR] = $1; l[NR] = $4; a[NR] = 100 * $7; n = NR; if ($4 > ml) ml = $4; if ($1 > me) me = $1 }
      END { if (n < 2) exit
            for (p = 0; p < 2; p++) {
              x0 = 50 + p * 440; printf "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\" points=\"", c
              for (r = 2; r <= n; r++) { y = p == 0 ? 330 - 280 * l[r] / (ml > 0 ? ml * 1.05 : 1) : 330 - 2.8 * a[r]
                                         printf "%.1f,%.1f ", x0 + 380 * (e[r] - 1) / (me > 1 ? me - 1 : 1), y }
              print "\"/>" }
            printf "<text x=\"%d\" y=\"%d\" fill=\"%s\">%s</text>\n", 60 + 80 * i, 350, c, m }' $h
    i=$((i + 1))
  done
  echo '<rect x="50" y="50" width="380" height="280" fill="none" stroke="#888"/><rect x="490" y="50" width="380" height="280" fill="none" stroke="#888"/>'
  echo '</svg>'
} > $exp/training_curves.svg

# % zero outputs per layer: grouped bars.
{
  echo '<svg xmlns="http://www.w3.org/2000/svg" width="640" height="320" font-family="sans-serif" font-size="12">'
  echo '<text x="20" y="20" font-size="14">% zero outputs on test: encoded input, layer 1, layer 2</text>'
  echo '<line x1="50" y1="280" x2="620" y2="280" stroke="#888"/>'
  i=0
  for m in $models; do
    j=$(first_run $m)/decode_test/measures.json
    [ -f $j ] || continue
    jlist $j zero_percent | awk -F, -v m=$m -v i=$i '{ for (k = 1; k <= 3; k++) {
        x = 60 + i * 110 + (k - 1) * 30; h = 2.4 * $k
        printf "<rect x=\"%d\" y=\"%.1f\" width=\"26\" height=\"%.1f\" fill=\"%s\"><title>%s layer %d: %.1f%%</title></rect>\n", x, 280 - h, h, (k == 1 ? "#aaa" : (k == 2 ? "#1f77b4" : "#ff7f0e")), m, k - 1, $k }
      printf "<text x=\"%d\" y=\"300\">%s</text>\n", 80 + i * 110, m }'
    i=$((i + 1))
  done
  echo '</svg>'
} > $exp/zero_outputs.svg
