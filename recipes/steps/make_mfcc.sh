#!/usr/bin/env bash
# Kaldi's steps/make_mfcc.sh: MFCC features for a data directory.
# Usage: steps/make_mfcc.sh [--nj N --cmd run.pl --mfcc-config conf/mfcc.conf] <data-dir> [<log-dir> [<mfcc-dir>]]
exec "$(dirname "$0")/make_features.sh" mfcc "$@"
