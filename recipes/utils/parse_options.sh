# Sourced by recipe scripts (Kaldi's utils/parse_options.sh convention): turns
# "--foo-bar value" or "--foo-bar=value" into the shell variable foo_bar, which must already
# be defined; "--config file" sources a file of such assignments; "--help" prints the
# script's usage through its own code (the variable help_message when it is set).
while true; do
  [ -z "${1:-}" ] && break
  case "$1" in
    --help|-h)
      if [ -n "${help_message:-}" ]; then printf '%s\n' "$help_message" >&2; else echo "$0: see the usage at the top of the script" >&2; fi
      exit 0 ;;
    --*=*)
      name=$(echo "${1%%=*}" | sed 's/^--//; s/-/_/g')
      value="${1#*=}"
      shift ;;
    --*)
      name=$(echo "$1" | sed 's/^--//; s/-/_/g')
      [ $# -ge 2 ] || { echo "$0: option $1 needs a value" >&2; exit 1; }
      value="$2"
      shift 2 ;;
    *) break ;;
  esac
  if [ "$name" = config ]; then
    [ -f "$value" ] || { echo "$0: no such config file $value" >&2; exit 1; }
    . "$value"
    continue
  fi
  if ! declare -p "$name" > /dev/null 2>&1; then
    echo "$0: invalid option --${name//_/-}" >&2
    exit 1
  fi
  printf -v "$name" '%s' "$value"
done
true
