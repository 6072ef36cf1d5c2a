#!/usr/bin/env bash
# The greet project's tests: each check compares greet.sh's output with what is expected.
set -u
cd "$(dirname "$0")"
failures=0
check() {
  local expected="$1"; shift
  local actual
  actual="$(bash greet.sh "$@")"
  if [ "$actual" != "$expected" ]; then
    echo "FAIL: greet.sh $* printed '$actual', expected '$expected'"
    failures=$((failures + 1))
  fi
}
check "Hello, world!"
check "Hello, Ada!" Ada
for t in tests/*.sh; do
  [ -e "$t" ] || continue
  # shellcheck source=/dev/null
  . "$t"
done
if [ "$failures" -gt 0 ]; then
  echo "$failures check(s) failed"
  exit 1
fi
echo "all checks passed"
