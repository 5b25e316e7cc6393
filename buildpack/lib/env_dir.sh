# Reads the app's environment as the platform hands it to bin/compile: ENV_DIR holds one file per variable,
# named after it, containing its value. Sourced by bin/compile.

# env_value ENV_DIR NAME: prints the value (empty when unset); returns 1 when the variable is not set.
env_value() {
  local file="$1/$2"
  [[ -n $1 && -f $file ]] || return 1
  cat "$file"
}
