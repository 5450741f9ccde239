# ksnn's tools and shared scripts first on PATH, as a Kaldi recipe's path.sh does.
ksnn_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
export PATH=$ksnn_root/bin:$ksnn_root/recipes/utils:$PATH
export LC_ALL=C
