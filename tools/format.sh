#!/usr/bin/env bash
# Formats the project's C/C++ sources with the pinned .clang-format (clang-format 14), or with
# --check reports the files that differ (ctest format_check runs that).
set -euo pipefail
cd "$(dirname "$0")/.."
formatter="${CLANG_FORMAT:-clang-format}"
mapfile -t files < <(git ls-files '*.cpp' '*.hpp' '*.h' '*.c' 2>/dev/null || find core models io app tools tests -name '*.[ch]pp' -o -name '*.[ch]')
if [ "${1:-}" = "--check" ]; then
  "$formatter" --dry-run --Werror "${files[@]}"
  echo "format: ${#files[@]} files follow .clang-format"
else
  "$formatter" -i "${files[@]}"
  echo "format: ${#files[@]} files formatted"
fi
