#!/usr/bin/env bash
# Kaldi's utils/best_wer.sh interface: reads compute-wer lines or sclite Sum/Avg rows on
# stdin and prints the best one. e.g.: grep WER exp/mono/decode_test/wer_* | utils/best_wer.sh
exec ksnn best-wer --print-args=false "$@"
