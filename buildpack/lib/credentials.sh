# Checks the form of SCALINGO_SHAREDFS_CREDENTIALS (ACCESS_KEY_ID:SECRET_KEY:BUCKET) at build time, so a
# typo is reported in the build log instead of as a crash loop at start-up. It only warns: the variable can
# be fixed without rebuilding. The secret is never printed, not even in part.
# Sourced by bin/compile.

# credentials_problem VALUE: prints what is wrong (free of any part of the value) and returns 1, or returns 0.
credentials_problem() {
  local value=$1
  # A trailing newline is how `echo` writes a file; it is not part of the value the platform injects.
  value=${value%$'\n'}
  if [[ $value != *:*:* ]]; then
    echo "expected three parts ACCESS_KEY_ID:SECRET_KEY:BUCKET separated by ':'"
    return 1
  fi
  # The access key ends at the first ':', the bucket starts after the last; the secret (which may contain
  # ':') is what lies between. sharedfs-init splits it the same way.
  local access_key=${value%%:*} bucket=${value##*:}
  local secret=${value#*:}
  secret=${secret%:*}
  if [[ -z $access_key ]]; then echo "the access key id (before the first ':') is empty"; return 1; fi
  if [[ $access_key =~ [[:space:]] ]]; then echo "the access key id contains white space"; return 1; fi
  if [[ -z $secret ]]; then echo "the secret key (between the first and the last ':') is empty"; return 1; fi
  bucket_problem "$bucket"
}

# bucket_problem NAME: S3 bucket naming rules (3-63 characters, lower-case letters, digits, '.' and '-',
# starting and ending with a letter or digit).
bucket_problem() {
  local bucket=$1
  if [[ -z $bucket ]]; then echo "the bucket name (after the last ':') is empty"; return 1; fi
  if ((${#bucket} < 3 || ${#bucket} > 63)); then
    echo "the bucket name \"$bucket\" must be 3 to 63 characters long"; return 1
  fi
  if [[ ! $bucket =~ ^[a-z0-9][a-z0-9.-]*[a-z0-9]$ ]]; then
    echo "the bucket name \"$bucket\" may only hold lower-case letters, digits, '.' and '-', and must start and end with a letter or digit"
    return 1
  fi
  return 0
}

# bucket_of VALUE: the bucket part, which is not secret and helps the user recognise the addon.
bucket_of() {
  local value=${1%$'\n'}
  echo "${value##*:}"
}
