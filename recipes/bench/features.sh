#!/usr/bin/env bash
# Benchmark: fbank-80 and MFCC-13 on 10 minutes of audio, one core, ksnn vs kaldi-native-fbank.
# Usage: recipes/bench/features.sh [--minutes N]   (from the repository root after `make build`)
set -euo pipefail
cd "$(dirname "$0")/../.."
python3 -c "import kaldi_native_fbank, numpy" 2>/dev/null || python3 -m pip install -q kaldi-native-fbank==1.23.0 numpy
mkdir -p bench/features
python3 recipes/bench/bench_features.py "$@" .build/release/ksnn bench/features
