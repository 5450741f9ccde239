# Shared by the embedded-corpus recipes (egs/mini_*/s5/run.sh): their own options, the
# corpus synthesis (once; corpus/.done), and the small-network options passed to the real
# recipe. Sets $models, $net_opts and the array $args (every other option, for the real
# recipe). Usage inside run.sh:  . utils/mini_corpus.sh <corpus-dir> "$@"
corpus_dir=$1; shift
train_speakers=12
sentences_per_speaker=12
hidden=128
epochs=24
models="lstm gru snn v1 v2"
# +-3 frames of input context for every model, the context the paper's fMLLR input carries
# (plain fbank has none); a later --splice on the command line overrides it.
args=(--splice 3)
while [ $# -gt 0 ]; do
  case $1 in
    --train-speakers) train_speakers=$2; shift 2 ;;
    --sentences-per-speaker) sentences_per_speaker=$2; shift 2 ;;
    --hidden) hidden=$2; shift 2 ;;
    --epochs) epochs=$2; shift 2 ;;
    --models) models=$2; shift 2 ;;
    *) args+=("$1"); shift ;;
  esac
done
if [ ! -f $corpus_dir/.done ]; then
  echo "$(date '+%Y-%m-%d %H:%M:%S') ($(basename "$0")) Synthesizing the corpus under $corpus_dir (log: exp/make_corpus.log)"
  mkdir -p exp
  local/make_corpus.sh --train-speakers $train_speakers --sentences-per-speaker $sentences_per_speaker $corpus_dir > exp/make_corpus.log 2>&1 \
    || { echo "$0: corpus synthesis failed; see exp/make_corpus.log" >&2; exit 1; }
  touch $corpus_dir/.done
fi
half=$(( (epochs + 1) / 2 ))
# The traditional SNN starts with a synaptic leak (alpha 0.9, tau_s about 10 frames) instead of
# the authors' pure integrator (alpha 1): at this size the integrator's outputs go silent
# (98 % zeros, PER near 100 %), here and in the PyTorch reference alike.
net_opts="--hidden-dim=$hidden --epochs=$epochs --batch-size=8 --learning-rate=0.003 --seq-length-schedule=100*$half|200*$half --synaptic-decay-init=0.9"
# The network that realigns the first targets: an LSTM of the same size.
args=(--align-opts "--architecture=lstm $net_opts" "${args[@]}")
