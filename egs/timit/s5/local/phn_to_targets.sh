#!/usr/bin/env bash
# Frame targets from TIMIT's hand-labelled phone boundaries, without Kaldi: each frame (25 ms
# window, 10 ms shift, snip-edges) takes the phone whose segment holds its centre sample, and
# a phone's frames are split evenly over its 3 HMM states; the pdf of (phone, state) comes from
# the monophone model's show-transitions. Writes an int-vector archive of pdf-ids per
# utterance, like ali-to-pdf does from a Kaldi alignment.
#
# Usage: local/phn_to_targets.sh <data-dir> <lang-dir> <model> <targets-wspecifier>
#  e.g.: local/phn_to_targets.sh data/train data/lang exp/mono/final.mdl ark,t:exp/targets/train.txt
set -euo pipefail
[ $# -eq 4 ] || { echo "Usage: $0 <data-dir> <lang-dir> <model> <targets-wspecifier>" >&2; exit 1; }
data=$1 lang=$2 model=$3 out=$4
tmp=$(mktemp -d)
trap 'rm -rf $tmp' EXIT
show-transitions --print-args=false $lang/phones.txt $model 2> /dev/null \
  | awk '/^Transition-state/ { print $5, $8, $11 }' > $tmp/pdf_map        # phone hmm-state pdf
feat-to-len --print-args=false scp:$data/feats.scp ark,t:$tmp/lengths 2> /dev/null
awk -v mapfile=$tmp/pdf_map -v lenfile=$tmp/lengths '
  BEGIN { while ((getline l < mapfile) > 0) { split(l, a, " "); pdf[a[1] " " a[2]] = a[3] }
          while ((getline l < lenfile) > 0) { split(l, a, " "); frames[a[1]] = a[2] } }
  function flush(   f, s, k, n, first, line) {
    if (utt == "" || !(utt in frames)) return
    n = frames[utt]; s = 1
    for (f = 0; f < n; f++) {                       # segment of each frame centre
      while (s < nseg && 160 * f + 200 >= seg_end[s]) s++
      of[f] = s }
    line = utt
    for (f = 0; f < n; f++) {
      if (f == 0 || of[f] != of[f - 1]) { first = f; for (k = f; k < n && of[k] == of[f]; k++); count = k - f }
      state = int(3 * (f - first) / count)
      key = phone[of[f]] " " state
      if (!(key in pdf)) { print "phn_to_targets: no pdf for phone " phone[of[f]] " (utterance " utt ")" > "/dev/stderr"; exit 1 }
      line = line " " pdf[key] }
    print line
    done[utt] = 1 }
  $1 != utt { flush(); utt = $1; nseg = 0 }
  { nseg++; seg_end[nseg] = $3; phone[nseg] = $4 }
  END { flush()
        for (u in frames) if (!(u in done)) { print "phn_to_targets: no phone segments for " u > "/dev/stderr"; missing++ }
        if (missing) exit 1 }' $data/phn_segments > $tmp/targets.txt
copy-int-vector --print-args=false ark,t:$tmp/targets.txt "$out" 2> /dev/null
