# Installs sharedfs-init (and libfuse3 when the stack lacks it) into the slug, going through CACHE_DIR so a
# rebuild with the same binary reuses the copy made last time. Sourced by bin/compile.

sha256_of() { sha256sum "$1" | cut -d' ' -f1; }

# install_binary BP_DIR CACHE_DIR TARGET_DIR: puts sharedfs-init into TARGET_DIR.
# The binary comes from the buildpack's vendor/ (the tarball `make buildpack` makes); a buildpack without it
# (pointed at the git repository) can still rebuild an app whose cache has one.
install_binary() {
  local bp_dir=$1 cache=$2/sharedfs target=$3
  local shipped=$bp_dir/vendor/sharedfs-init cached=$cache/sharedfs-init
  mkdir -p "$cache" "$target"

  local wanted
  if [[ -f $shipped ]]; then
    # package.sh records the checksum next to the binary, which saves hashing 10 MB on every build.
    wanted=$(cat "$shipped.sha256" 2>/dev/null || sha256_of "$shipped")
    if [[ -f $cached && $(cat "$cached.sha256" 2>/dev/null) == "$wanted" ]]; then
      indent "Using the cached sharedfs-init (sha256 ${wanted:0:12})"
    else
      indent "Caching sharedfs-init (sha256 ${wanted:0:12})"
      cp "$shipped" "$cached.new" && mv "$cached.new" "$cached"
      echo "$wanted" >"$cached.sha256"
    fi
  elif [[ -f $cached ]]; then
    wanted=$(cat "$cached.sha256" 2>/dev/null || sha256_of "$cached")
    warn "This buildpack ships no sharedfs-init binary: using the one cached by a previous build" \
      "(sha256 ${wanted:0:12}). Point BUILDPACK_URL at the tarball 'make buildpack' makes."
  else
    fail "This buildpack ships no sharedfs-init binary (vendor/sharedfs-init) and the build cache has none." \
      "Point BUILDPACK_URL at the tarball that 'make buildpack' makes (out/sharedfs-buildpack.tgz)," \
      "not at the git repository."
  fi

  cp "$cached" "$target/sharedfs-init"
  chmod 755 "$target/sharedfs-init"
  # A truncated cache or a bad copy would only show at start-up, as a crash loop: check it now.
  if [[ $(sha256_of "$target/sharedfs-init") != "$wanted" ]]; then
    rm -f "$cached" "$cached.sha256"
    fail "The installed sharedfs-init does not match its checksum; the cache was cleared, rebuild the app."
  fi
}

# stack_has_libfuse3: whether the image the build runs on (the app's stack) provides libfuse3.so.3.
stack_has_libfuse3() {
  ldconfig -p 2>/dev/null | grep -q 'libfuse3\.so\.3 ' && return 0
  local dir
  for dir in /lib/x86_64-linux-gnu /usr/lib/x86_64-linux-gnu /lib64 /usr/lib64 /lib /usr/lib; do
    [[ -e $dir/libfuse3.so.3 ]] && return 0
  done
  return 1
}

# install_libfuse BP_DIR CACHE_DIR TARGET_DIR MODE: MODE is auto (copy only when the stack lacks it),
# always or never. sharedfs-init looks for libfuse3.so.3 in its own folder after the system's.
install_libfuse() {
  local bp_dir=$1 cache=$2/sharedfs target=$3 mode=$4
  case $mode in
    never) indent "libfuse3: not installed (SHAREDFS_VENDOR_LIBFUSE=never)"; return 0 ;;
    always) ;;
    auto)
      if stack_has_libfuse3; then indent "libfuse3: provided by the stack"; return 0; fi ;;
    *) warn "SHAREDFS_VENDOR_LIBFUSE=$mode is not one of auto, always, never: using auto"
      install_libfuse "$1" "$2" "$3" auto; return ;;
  esac
  local source=$bp_dir/vendor/libfuse3.so.3
  [[ -f $source ]] || source=$cache/libfuse3.so.3
  if [[ ! -f $source ]]; then
    warn "The stack has no libfuse3.so.3 and this buildpack ships none: sharedfs-init will not be able" \
      "to mount. Use the tarball 'make buildpack' makes, or a stack with the libfuse3-3 package."
    return 0
  fi
  [[ $source == "$cache/libfuse3.so.3" ]] || cp "$source" "$cache/libfuse3.so.3"
  cp "$source" "$target/libfuse3.so.3"
  indent "libfuse3: installed beside sharedfs-init (the stack lacks it)"
}

# write_profile BUILD_DIR: the platform sources .profile.d/*.sh before starting each process, with HOME set
# to the app's folder; this puts sharedfs-init on PATH for the Procfile.
write_profile() {
  mkdir -p "$1/.profile.d"
  cat >"$1/.profile.d/sharedfs.sh" <<'PROFILE'
# Added by the SharedFs buildpack: sharedfs-init on PATH for the Procfile's "web: sharedfs-init -- ...".
export PATH="$HOME/.sharedfs/bin:$PATH"
PROFILE
}
