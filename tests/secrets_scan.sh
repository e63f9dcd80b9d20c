#!/usr/bin/env bash
# Runs after every other test (a ctest fixture cleanup): no access token, API token or private key the
# tests used may appear in any log the run produced (fabud, fabuctl output kept in logs, Redis) nor in
# ctest's own record of every test's output.
#   tests/secrets_scan.sh LOG_DIR [CTEST_LOG...]
# The patterns are those of the secrets the tests make (tests/integration/harness.cpp and the tests):
# account tokens "tok-<prefix>-<account>", replacements "renewed-<prefix>-..." and
# "reloaded-<prefix>-...", HTTP API bearer tokens "apitok-..." (tests/integration/api_e2e_test.cpp),
# and PEM private keys.
# The sandbox's own log is left out: it plays the platform, which is given the tokens by design.
set -uo pipefail
dir="${1:?usage: secrets_scan.sh LOG_DIR [CTEST_LOG...]}"
shift
pattern='(tok|renewed|reloaded)-t[0-9]+_[0-9]+-|apitok-|BEGIN [A-Z ]*PRIVATE KEY'
mapfile -t files < <([ -d "$dir" ] && find "$dir" -type f -name '*.log' ! -name 'sandbox.log'
                     for f in "$@"; do [ -f "$f" ] && echo "$f"; done)
# A run of unit tests alone may keep no log at all; a full run keeps hundreds.
echo "secrets scan: ${#files[@]} log files"
found=0
for f in "${files[@]}"; do
  if hits=$(grep -EnaI -m 3 "$pattern" "$f"); then
    echo "secrets scan: $f holds a secret:" >&2
    # Show where, with the secret itself masked.
    sed -E "s/$pattern/<SECRET>/g" <<<"$hits" | cut -c1-300 >&2
    found=1
  fi
done
[ "$found" = 0 ] && echo "secrets scan: no secret in any log"
exit "$found"
