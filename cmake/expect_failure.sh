#!/bin/sh
# expect_failure.sh [--match <extended regex>] -- <command> [args...]
#
# Runs the command and succeeds only if it FAILS: a non-zero exit code or death by a signal
# (which ctest's WILL_FAIL does not accept as the expected failure), and, with --match, only if
# its output (stdout + stderr, then a line "[exit code N]") matches the regex. Used by the harness self-tests.
set -u
pattern=""
if [ "${1:-}" = "--match" ]; then
    pattern=$2
    shift 2
fi
[ "${1:-}" = "--" ] && shift
out=$(mktemp "${TMPDIR:-/tmp}/nerve-expect-failure.XXXXXX") || exit 2
"$@" >"$out" 2>&1
rc=$?
echo "[exit code $rc]" >>"$out"
cat "$out"
if [ -n "$pattern" ] && ! grep -Eq -- "$pattern" "$out"; then
    rm -f "$out"
    echo "expect_failure: exit code $rc, but the output does not match /$pattern/"
    exit 1
fi
rm -f "$out"
if [ "$rc" -eq 0 ]; then
    echo "expect_failure: the command succeeded, but it must fail"
    exit 1
fi
echo "expect_failure: failed as expected (exit code $rc)"
exit 0
