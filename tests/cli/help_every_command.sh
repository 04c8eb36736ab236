#!/usr/bin/env bash
# Every command listed by `vct --help` answers `vct COMMAND --help` and `vct help COMMAND` with its
# own usage line and exit code 0, and the list holds every command the CLI has (so a command
# cannot be added without help, nor help promise a command that does not exist).
set -euo pipefail
vct=$1
expected="run check merge calibrate validate search fit predict twin-check report tps-fit abm-tps-fit schema models params states drugs version help"
listed=$("$vct" --help | awk '/^Subcommands:/ {on = 1; next} on && /^  [a-z]/ {print $1} on && /^$/ {on = 0}' | xargs)
if [ "$listed" != "$expected" ]; then
  echo "vct --help lists '$listed', expected '$expected'" >&2
  exit 1
fi
for cmd in $listed; do
  for form in "$cmd --help" "help $cmd"; do
    # shellcheck disable=SC2086
    out=$("$vct" $form) || { echo "vct $form exited with $?" >&2; exit 1; }
    grep -q "^Usage: vct $cmd " <<<"$out" || { echo "vct $form: no 'Usage: vct $cmd' line:" >&2; echo "$out" >&2; exit 1; }
  done
done
echo "help: all $(wc -w <<<"$listed") commands answer --help and help COMMAND"
