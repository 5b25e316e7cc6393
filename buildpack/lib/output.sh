# Build output in the convention the platform's build log uses: "-----> " starts a step, seven spaces
# continue it, " !     " flags a warning. Sourced by bin/compile.

topic() { echo "-----> $*"; }

indent() { echo "       $*"; }

warn() {
  echo " !     $1"
  shift
  local line
  for line in "$@"; do echo " !     $line"; done
}

fail() {
  warn "$@"
  exit 1
}
