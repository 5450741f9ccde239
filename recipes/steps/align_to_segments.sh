#!/usr/bin/env bash
# Alignments from phone segments without Kaldi: <data-dir>/phn_segments ("utt start end
# phone" per line, sample boundaries at 16 kHz, in order), e.g. TIMIT's hand-labelled .PHN
# boundaries (egs/timit/s5) or a flat start's guess (egs/librispeech/s5/local/vad_segments.sh).
# The best path of the segments' phone sequence through the model's HMMs (align-phones-mapped)
# that agrees most with the segments: each frame (25 ms window, 10 ms shift, snip-edges) is
# scored 0 for the HMM state that an even split of its segment gives it, -1 per state away
# from that within the phone, and -10 for any other phone. The HMMs need a minimum number of
# frames per phone (3 here) that a fifth of TIMIT's hand segments do not have (closures,
# flaps, releases of 10-20 ms); a target that puts 1 or 2 frames on such a phone trains the
# network for a path the decoder cannot take, which it then pays for in deletions. The
# alignment borrows those frames from the neighbours, as Kaldi's own alignments do.
#
# Writes a Kaldi alignment directory: <ali-dir>/ali.1.gz (transition-ids) and final.mdl.
#
# Usage: steps/align_to_segments.sh <data-dir> <lang-dir> <model> <ali-dir>
#  e.g.: steps/align_to_segments.sh data/train data/lang exp/mono/final.mdl exp/align0/ali_train
set -euo pipefail
[ $# -eq 4 ] || { echo "Usage: $0 <data-dir> <lang-dir> <model> <ali-dir>" >&2; exit 1; }
data=$1 lang=$2 model=$3 dir=$4
for f in $data/phn_segments $data/feats.scp $lang/phones.txt $model; do
  [ -f $f ] || { echo "$0: no such file $f" >&2; exit 1; }
done
mkdir -p $dir/log
cp $model $dir/final.mdl
show-transitions --print-args=false $lang/phones.txt $model 2> $dir/log/show_transitions.log \
  | awk '/^Transition-state/ { print $5, $8, $11 }' > $dir/pdf_map        # phone hmm-state pdf
feat-to-len --print-args=false scp:$data/feats.scp ark,t:$dir/lengths 2> $dir/log/feat_to_len.log
# Per utterance a text matrix of pseudo log-likelihoods (frames x pdfs).
awk -v mapfile=$dir/pdf_map -v lenfile=$dir/lengths '
  BEGIN { while ((getline l < mapfile) > 0) {
            split(l, a, " "); pdf_phone[a[3]] = a[1]; pdf_state[a[3]] = a[2]
            if (a[3] + 1 > npdf) npdf = a[3] + 1
            if (a[2] + 1 > nstates[a[1]]) nstates[a[1]] = a[2] + 1 }
          while ((getline l < lenfile) > 0) { split(l, a, " "); frames[a[1]] = a[2] } }
  function flush(   f, s, k, n, first, count, p, want, j, row) {
    if (utt == "" || !(utt in frames)) return
    n = frames[utt]; s = 1
    for (f = 0; f < n; f++) {                       # segment of each frame centre
      while (s < nseg && 160 * f + 200 >= seg_end[s]) s++
      of[f] = s }
    print utt " ["
    for (f = 0; f < n; f++) {
      if (f == 0 || of[f] != of[f - 1]) { first = f; for (k = f; k < n && of[k] == of[f]; k++); count = k - f }
      p = phone[of[f]]
      if (!(p in nstates)) { print "align_to_segments: no HMM for phone " p " (utterance " utt ")" > "/dev/stderr"; exit 1 }
      want = int(nstates[p] * (f - first) / count)
      row = ""
      for (j = 0; j < npdf; j++)
        row = row " " (pdf_phone[j] != p ? -10 : -(pdf_state[j] > want ? pdf_state[j] - want : want - pdf_state[j]))
      print row (f == n - 1 ? " ]" : "") }
    done[utt] = 1 }
  $1 != utt { flush(); utt = $1; nseg = 0 }
  { nseg++; seg_end[nseg] = $3; phone[nseg] = $4 }
  END { flush()
        for (u in frames) if (!(u in done)) { print "align_to_segments: no phone segments for " u > "/dev/stderr"; missing++ }
        if (missing) exit 1 }' $data/phn_segments > $dir/scores.txt
# The phone sequence is the segments' labels in order.
awk '$1 != utt { if (utt != "") print line; utt = $1; line = utt } { line = line " " $4 } END { if (utt != "") print line }' \
  $data/phn_segments | "$(dirname "$(readlink -f "$0")")/../utils/sym2int.pl" -f 2- $lang/phones.txt > $dir/text.int
align-phones-mapped --beam=100 --retry-beam=1000 $model ark,t:$dir/scores.txt ark:$dir/text.int \
  "ark:| gzip -c > $dir/ali.1.gz" 2> $dir/log/align.log \
  || { echo "$0: alignment failed; see $dir/log/align.log" >&2; exit 1; }
rm $dir/scores.txt $dir/text.int $dir/lengths
awk -v d=$data '/^LOG .*(Retried|Done)/ { sub(/^LOG .*[)] /, ""); sub(/[.]$/, ""); s = s (s == "" ? "" : "; ") $0 }
  END { print "  aligned " d " to its phone segments: " s }' $dir/log/align.log
