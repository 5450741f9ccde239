#!/usr/bin/env bash
# Kaldi's utils/scoring/wer_per_utt_details.pl interface (options --special-symbol,
# --separator, --[no]output-{ref,hyp,ops,csid}): align-text output on stdin, details on stdout.
args=()
for a in "$@"; do
  case "$a" in
    --nooutput-*) args+=("--output-${a#--nooutput-}=false") ;;
    *) args+=("$a") ;;
  esac
done
exec ksnn wer-per-utt-details --print-args=false "${args[@]}"
