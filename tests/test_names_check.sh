#!/usr/bin/env bash
# catch_discover_tests splits a test name at ';' and registers halves that match no Catch2
# test, which ctest then reports as passed without running anything. No name may hold one.
# An unclosed '[' in a name (e.g. "in [0,1)") does the same: Catch2's listing reads it as the
# start of a tag and the following tests' names run together into one that matches nothing.
# Usage: test_names_check.sh TESTS_DIR
bad=$(grep -rnE 'TEST_CASE\("[^"]*;|TEST_CASE\("[^"]*\[[^]"]*"' "$1" --include='*.cc')
if [ -n "$bad" ]; then
  echo "test names with ';' or an unclosed '[' (they would never run under ctest):"
  echo "$bad"
  exit 1
fi
echo "no test name holds ';' or an unclosed '['"
