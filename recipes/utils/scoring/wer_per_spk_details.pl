#!/usr/bin/env bash
# Kaldi's utils/scoring/wer_per_spk_details.pl interface: <utt2spk> as argument, the output
# of wer_per_utt_details.pl on stdin.
exec ksnn wer-per-spk-details --print-args=false "$@"
