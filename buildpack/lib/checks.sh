# Build-time advice about the app's SharedFs settings. Everything here only informs or warns: the settings
# live in the environment and can be fixed without a rebuild, so a build never fails because of them.
# Sourced by bin/compile (after output.sh, env_dir.sh, credentials.sh).

check_credentials() {
  local env_dir=$1 value problem
  if ! value=$(env_value "$env_dir" SCALINGO_SHAREDFS_CREDENTIALS); then
    warn "SCALINGO_SHAREDFS_CREDENTIALS is not set: sharedfs-init cannot mount until the SharedFs addon" \
      "is provisioned (or the variable is set to ACCESS_KEY_ID:SECRET_KEY:BUCKET)."
    return 0
  fi
  if problem=$(credentials_problem "$value"); then
    indent "SCALINGO_SHAREDFS_CREDENTIALS is set (bucket $(bucket_of "$value"))"
  else
    warn "SCALINGO_SHAREDFS_CREDENTIALS looks wrong: $problem." \
      "sharedfs-init will refuse to start with it. The build goes on; fix the variable and restart the app."
  fi
}

check_symlinks() {
  local env_dir=$1 build_dir=$2 value path
  value=$(env_value "$env_dir" SCALINGO_SHAREDFS_SYMLINKS) || return 0
  value=${value%$'\n'}
  local IFS=:
  for path in $value; do
    [[ -n $path ]] || continue
    if [[ $path == /* || /$path/ == */../* ]]; then
      warn "SCALINGO_SHAREDFS_SYMLINKS: \"$path\" must be a path inside the app, without '..'."
    elif [[ -d $build_dir/$path && ! -L $build_dir/$path ]]; then
      local count
      count=$(find "$build_dir/$path" -type f | wc -l)
      indent "$path: $count file(s) in the app are moved into the shared storage at start-up"
    else
      indent "$path: linked into the shared storage at start-up"
    fi
  done
}

check_procfile() {
  local procfile=$1/Procfile
  [[ -f $procfile ]] || return 0
  if ! grep -qE '^web:[[:space:]]*sharedfs-init([[:space:]]|$)' "$procfile"; then
    indent "Hint: start the web process through SharedFs in the Procfile, e.g."
    indent "  web: sharedfs-init -- bundle exec puma -C config/puma.rb"
  fi
}
