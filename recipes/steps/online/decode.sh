#!/usr/bin/env bash
# On-line decoding of a data directory with a trained acoustic model, as Kaldi's
# steps/online/nnet3/decode.sh: online-ksnn-decode-faster on each of --nj parts of the data
# (split by speakers, so that on-line CMVN carries a speaker's statistics from one utterance to
# the next), the audio fed --chunk-length seconds at a time: fbank with the training's config,
# on-line CMVN from the global statistics of <train-data-dir>, the network one frame at a time
# and the decoder advanced frame by frame. One search at acoustic scale 1/--lmwt, scored by
# steps/score.sh (wer_<LMWT>, scoring_kaldi/best_wer; --phone-map for TIMIT PER).
#
# With --compare-offline true (the default) the offline tools decode the same audio
# (compute-fbank-feats | apply-cmvn-online --spk2utt | splice-feats | ksnn-am-forward |
# decode-faster-mapped) and <decode-dir>/online_vs_offline says how many utterances' words
# differ: none, when on-line recognition is what it claims to be. <decode-dir>/timing holds the
# real-time factor and the latency from the end of the audio to the final result, averaged over
# utterances. Features are computed without dither (--dither=0 after the config's options): a
# random dither would make the two decodes differ by chance.
# With --do-endpointing true and a <data-dir>/pauses file (utils/data/join_utterances.sh),
# <decode-dir>/endpoints counts the pauses in which a segment ended and the endpoints elsewhere.
# Skipped when <decode-dir>/.done is newer than the model, unless --force true.
#
# Usage: steps/online/decode.sh [options] <am-dir> <transition-model> <graph-dir> <counts> <train-data-dir> <data-dir> <decode-dir>
#  e.g.: steps/online/decode.sh --splice 3 --lmwt 5 --phone-map conf/phones.60-48-39.map exp/v2 exp/mono/final.mdl \
#          exp/mono/graph exp/targets/train_pdf.counts data/train data/test exp/v2/decode_online_test
set -euo pipefail
nj=2                # decoding jobs (parts of the data split by speakers)
cmd=run.pl          # how the jobs run (utils/run.pl, utils/slurm.pl [options])
lmwt=10             # the search's acoustic scale is 1/lmwt (e.g. the best LM weight on dev)
fbank_config=conf/fbank.conf   # the training features' fbank options
cmvn_config=        # OnlineCmvn options (--cmn-window, ...); default Kaldi's
decode_config=      # the decoder's options are taken from it (--beam, --max-active, --min-active, --beam-delta)
splice=0            # input context, as in training
chunk_length=0.18   # seconds of audio per chunk
online=true         # false: each utterance's audio at once (the words must not change, only the timing)
do_endpointing=false   # true: Kaldi's endpoint rules close segments (no offline comparison then)
endpoint_opts=      # with --do-endpointing true, e.g. "--endpoint.silence-phones=$(cat data/lang/phones/silence.csl)"
phone_map=          # e.g. conf/phones.60-48-39.map: score on the folded phone set (TIMIT PER)
compare_offline=true
force=false
. "$(dirname "$0")/../../utils/parse_options.sh"
if [ $# -ne 7 ]; then
  echo "Usage: $0 [options] <am-dir> <transition-model> <graph-dir> <counts> <train-data-dir> <data-dir> <decode-dir>" >&2
  echo " e.g.: $0 --splice 3 --lmwt 5 exp/v2 exp/mono/final.mdl exp/mono/graph exp/targets/train_pdf.counts data/train data/test exp/v2/decode_online_test" >&2
  exit 1
fi
am=$1 model=$2 graph=$3 counts=$4 train=$5 data=$6 dir=$7
steps=$(dirname "$(readlink -f "$0")")/..
utils=$steps/../utils
export PATH=$PATH:$utils
name="$(basename $am) on $(basename $data) (on-line)"
if [ -f $dir/.done ] && [ $dir/.done -nt $am/final.mdl ] && [ $force = false ]; then
  echo "  $name: already decoded: $(cat $dir/scoring_kaldi/best_wer); $(cat $dir/online_vs_offline 2> /dev/null || true)"; exit 0
fi
for f in $am/final.mdl $model $graph/HCLG.fst $graph/words.txt $counts $train/cmvn.scp $data/wav.scp $data/spk2utt $fbank_config ${cmvn_config:+$cmvn_config} ${decode_config:+$decode_config}; do
  [ -f $f ] || { echo "$0: no such file $f" >&2; exit 1; }
done
if [ $do_endpointing = true ] && [ $compare_offline = true ]; then
  echo "$0: --do-endpointing true: no comparison with the offline tools (they decode whole utterances)" >&2
  compare_offline=false
fi
case $lmwt in ''|*[!0-9]*|0) echo "$0: --lmwt must be a positive integer, got '$lmwt'" >&2; exit 1 ;; esac
rm -f $dir/.done $dir/online_vs_offline* $dir/endpoints $dir/timing
mkdir -p $dir/log $dir/conf $dir/scoring
# What the job scripts read lives in the decode directory, so a cluster job finds it there.
{ cat $fbank_config; echo "--dither=0"; } > $dir/conf/fbank.conf
if [ -n "$cmvn_config" ]; then cp $cmvn_config $dir/conf/online_cmvn.conf; else echo "# Kaldi's OnlineCmvn defaults" > $dir/conf/online_cmvn.conf; fi
decode_opts=
[ -n "$decode_config" ] && decode_opts=$(grep -E '^--(beam|max-active|min-active|beam-delta)=' $decode_config | tr '\n' ' ')
matrix-sum scp:$train/cmvn.scp $dir/global_cmvn.stats 2> $dir/log/global_cmvn.log \
  || { echo "$0: summing $train/cmvn.scp failed; see $dir/log/global_cmvn.log" >&2; exit 1; }
acwt=$(awk -v w=$lmwt 'BEGIN { printf "%.8g", 1 / w }')
floor=$($utils/prior_floor.sh $counts)
$utils/split_data.sh $data $nj
sdata=$data/split$nj

rm -f $dir/words.*.tra $dir/offline.*.tra
$cmd JOB=1:$nj $dir/log/decode.JOB.log \
  online-ksnn-decode-faster --feature-type=fbank --fbank-config=$dir/conf/fbank.conf --cmvn-config=$dir/conf/online_cmvn.conf \
    --global-cmvn-stats=$dir/global_cmvn.stats --splice=$splice --class-frame-counts=$counts --prior-floor=$floor \
    --acoustic-scale=$acwt $decode_opts --chunk-length=$chunk_length --online=$online --do-endpointing=$do_endpointing $endpoint_opts \
    --word-symbol-table=$graph/words.txt $model $am/final.mdl $graph/HCLG.fst \
    ark:$sdata/JOB/spk2utt scp:$sdata/JOB/wav.scp ark,t:$dir/words.JOB.tra \
  || { echo "$0: on-line decoding failed; see $dir/log/decode.*.log" >&2; exit 1; }
for j in $(seq $nj); do cat $dir/words.$j.tra; done > $dir/scoring/$lmwt.tra
$steps/score.sh ${phone_map:+--phone-map $phone_map} --min-lmwt $lmwt --max-lmwt $lmwt --word-ins-penalty "" \
  $data $graph $dir > $dir/log/score.log 2>&1 || { echo "$0: scoring failed; see $dir/log/score.log" >&2; exit 1; }

# Per utterance the tool logs "Utterance <id>: <d> s of audio, real-time factor <r>, latency <l> s".
cat $dir/log/decode.*.log | awk '
  /^LOG .*Utterance .* s of audio, real-time factor/ {
    for (i = 1; i <= NF; i++) {
      if ($i == "audio,") audio += $(i - 3)
      if ($i == "factor") { r = $(i + 1); sub(/,$/, "", r); rtf += r }
      if ($i == "latency") { l = $(i + 1); latency += l; if (l > worst) worst = l }
    }
    n++
  }
  END {
    if (n == 0) { print "no utterance timing in the logs"; exit }
    printf "%d utterances, %.1f s of audio: real-time factor %.4f, latency %.4f s on average (at most %.4f s)\n",
      n, audio, rtf / n, latency / n, worst
  }' > $dir/timing

# With endpointing the tool logs "..., endpoints: rule<N> at <t> s, ..." per utterance; an endpoint
# within half a second of a pause (rule 2 needs 0.5 s of trailing silence) ended that pause's segment.
if [ $do_endpointing = true ] && [ -f $data/pauses ]; then
  cat $dir/log/decode.*.log | awk -v pauses=$data/pauses '
    BEGIN {
      while ((getline line < pauses) > 0) {
        k = split(line, f, " ")
        for (i = 2; i < k; i += 2) { n[f[1]]++; from[f[1], n[f[1]]] = f[i] - 0.5; to[f[1], n[f[1]]] = f[i + 1] + 0.5 }
      }
    }
    /^LOG .*Utterance .*, endpoints: / {
      rec = $0; sub(/.*Utterance /, "", rec); sub(/:.*/, "", rec)
      rest = $0; sub(/.*, endpoints: /, "", rest)
      m = split(rest, cuts, ", ")
      for (c = 1; c <= m; c++) {
        split(cuts[c], w, " "); t = w[3]; hit = 0
        for (p = 1; p <= n[rec]; p++) if (t >= from[rec, p] && t <= to[rec, p]) { if (!closed[rec, p]++) found++; hit = 1 }
        if (!hit) elsewhere++
      }
    }
    END {
      for (r in n) total += n[r]
      printf "%d of %d pauses ended a segment; %d endpoints elsewhere\n", found, total, elsewhere
    }' > $dir/endpoints
fi

if [ $compare_offline = true ]; then
  # splice-feats with no context is a copy, so the pipeline is the same for every --splice.
  $cmd JOB=1:$nj $dir/log/offline.JOB.log \
    compute-fbank-feats --config=$dir/conf/fbank.conf scp:$sdata/JOB/wav.scp ark:- \| \
    apply-cmvn-online --config=$dir/conf/online_cmvn.conf --spk2utt=ark:$sdata/JOB/spk2utt $dir/global_cmvn.stats ark:- ark:- \| \
    splice-feats --left-context=$splice --right-context=$splice ark:- ark:- \| \
    ksnn-am-forward --class-frame-counts=$counts --prior-floor=$floor $am/final.mdl ark:- ark:- \| \
    decode-faster-mapped --acoustic-scale=$acwt $decode_opts $model $graph/HCLG.fst ark:- ark,t:$dir/offline.JOB.tra \
    || { echo "$0: offline decoding failed; see $dir/log/offline.*.log" >&2; exit 1; }
  # An utterance differs when its words differ or one decode has no result for it.
  for j in $(seq $nj); do cat $dir/offline.$j.tra; done | awk -v online=$dir/scoring/$lmwt.tra '
    { offline[$1] = $0 }
    END {
      while ((getline line < online) > 0) { split(line, f, " "); seen[f[1]] = line }
      for (k in offline) { n++; if (!(k in seen) || seen[k] != offline[k]) { d++; print k > "/dev/stderr" } }
      for (k in seen) if (!(k in offline)) { n++; d++; print k > "/dev/stderr" }
      printf "%d of %d utterances differ between on-line and offline recognition\n", d, n
    }' > $dir/online_vs_offline 2> $dir/online_vs_offline.utts
  if [ -s $dir/online_vs_offline.utts ]; then
    echo "$0: WARNING: $(cat $dir/online_vs_offline) ($dir/online_vs_offline.utts)" >&2
  fi
fi
touch $dir/.done
summary=$(cat $dir/online_vs_offline $dir/endpoints 2> /dev/null | tr '\n' ';' || true)
echo "  $name: $(cat $dir/scoring_kaldi/best_wer); $summary $(cat $dir/timing)"
