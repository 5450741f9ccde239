#!/usr/bin/env bash
# Kaldi's steps/make_fbank.sh: filterbank features for a data directory.
# Usage: steps/make_fbank.sh [--nj N --cmd run.pl --fbank-config conf/fbank.conf] <data-dir> [<log-dir> [<fbank-dir>]]
exec "$(dirname "$0")/make_features.sh" fbank "$@"
