# Numbered recipe stages, sourced by run.sh after parse_options.sh (which sets $stage and
# $stop_stage). A finished stage leaves exp/.done.<N>; a rerun skips it, and an explicit
# --stage N redoes N and what follows.
log() { echo "$(date '+%Y-%m-%d %H:%M:%S') ($(basename "$0")) $*"; }
forced=$stage
mkdir -p exp

# run_stage N: true when stage N is due.
run_stage() {
  [ $1 -ge $stage ] && [ $1 -le $stop_stage ] || return 1
  [ $1 -ge $forced ] && [ "$forced" -gt 0 ] && return 0
  [ -f exp/.done.$1 ] && { log "Stage $1 already done (exp/.done.$1); skipping"; return 1; }
  return 0
}

# forced_at N: "true" when --stage asked to redo stage N, for steps that skip finished work.
forced_at() { [ "$forced" -gt 0 ] && [ "$forced" -le $1 ] && echo true || echo false; }
