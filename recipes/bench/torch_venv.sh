# Sourced by the benchmarks that run the PyTorch reference: makes bench/venv with torch and
# sets $venv. The CPU build of torch when the machine has its wheel (pip's find-links, as
# PIP_FIND_LINKS gives it), else PyPI's.
venv=bench/venv
[ -x $venv/bin/python ] || python3 -m venv $venv
$venv/bin/python -c "import torch" 2>/dev/null || $venv/bin/pip install -q "torch==2.13.0+cpu" numpy 2>/dev/null \
  || $venv/bin/pip install -q torch numpy
