#!/usr/bin/env bash
# Output safety and resume for single-process trials (issue #19). Usage:
#   output_safety.sh VCT COMPARE SCENARIO WORK PYTHON
# SCENARIO is a small trial with batches of 2 (tests/scenarios/good/small_trial.yaml). Every
# resumed file must equal an uninterrupted run candidate by candidate (COMPARE). PYTHON has h5py.
set -uo pipefail
vct=$1 compare=$2 scenario=$3 work=$4 python=$5
rm -rf "$work" && mkdir -p "$work" && cd "$work" || exit 1
fail() { echo "FAIL: $*"; exit 1; }
run() { "$vct" run "$@" --threads 1 --quiet >out.txt 2>&1; code=$?; }
expect() { [[ $code == "$1" ]] || fail "$2: exit $code, expected $1: $(cat out.txt)"; }
says() { grep -qF -- "$1" out.txt || fail "expected '$1' in: $(cat out.txt)"; }

run "$scenario" -o full.h5; expect 0 "uninterrupted run"
[[ -e full.h5.partial ]] && fail "a complete run left its .partial file"

# Stopped after 1 batch: the finished candidates are renamed into place (no complete result there).
run "$scenario" -o r.h5 --stop-after 1; expect 130 "stopped run"
says "holds 4 of 12 candidates"   # 1 batch counted + the one simulated while it was written
# A plain re-run must not destroy them (F5).
run "$scenario" -o r.h5; expect 2 "re-run over an unfinished run"; says "add --resume to continue it"
# A different scenario must not be mixed in (F6): the message names the differing line.
sed 's/dose_mg_per_kg: 3,/dose_mg_per_kg: 10,/' "$scenario" > other.yaml
run other.yaml -o r.h5 --resume; expect 2 "resume with another scenario"
says "first difference at line"; says "earlier 'dose_mg_per_kg: 3', now 'dose_mg_per_kg: 10'"
# --stop-after counts only batches that simulated someone (F7): each slice makes progress.
# (Before the fix the 2 batches done earlier were counted and the slice wrote nothing.)
run "$scenario" -o r.h5 --resume --stop-after 1; expect 130 "time slice"; says "holds 8 of 12 candidates"
run "$scenario" -o r.h5 --resume; expect 0 "final slice"
"$compare" full.h5 r.h5 >cmp.txt || fail "resumed result differs: $(cat cmp.txt)"
[[ -e r.h5.partial ]] && fail "a completed resume left its .partial file"
run "$scenario" -o r.h5 --resume; expect 0 "resume of a complete run"; says "already complete"

# A .partial that cannot be read (a run killed while HDF5 wrote it; a truncated copy stands in for
# one, since such a kill leaves the file shorter than its header says) does not block the run:
# without --resume it is refused with the way out, with --resume it is set aside (kept, renamed)
# and the run goes on from the unfinished output (4 of 12 candidates), or from the beginning.
run "$scenario" -o u.h5 --stop-after 1; expect 130 "stopped run before the unreadable .partial"
head -c 4096 full.h5 > u.h5.partial
run "$scenario" -o u.h5; expect 2 "re-run over an unreadable .partial"
says "'u.h5.partial' was left by an earlier run killed while it was writing and cannot be read"
says "add --resume to set it aside"
run "$scenario" -o u.h5 --resume; expect 0 "resume past an unreadable .partial"
says "'u.h5.partial' could not be read"; says "it is kept as 'u.h5.partial.unreadable'"
cmp -s u.h5.partial.unreadable <(head -c 4096 full.h5) || fail "the unreadable .partial was not kept as it was"
"$compare" full.h5 u.h5 >cmp.txt || fail "result after an unreadable .partial differs: $(cat cmp.txt)"
head -c 4096 full.h5 > v.h5.partial
run "$scenario" -o v.h5 --resume; expect 0 "resume with only an unreadable .partial"
says "it is kept as 'v.h5.partial.unreadable'"
"$compare" full.h5 v.h5 >cmp.txt || fail "result started over after an unreadable .partial differs: $(cat cmp.txt)"
head -c 4096 full.h5 > v.h5.partial  # again: the first one set aside is not overwritten
run "$scenario" -o v.h5 --resume; expect 0 "resume of a complete run past an unreadable .partial"
says "it is kept as 'v.h5.partial.unreadable-2'"; says "already complete"
[[ -e v.h5.partial.unreadable ]] || fail "the first set-aside file was lost"

# A .partial whose identity reads but whose candidates do not (a kill that tore a table after the
# identity was written; here the arms' tables are deleted) is set aside the same way once reading
# its candidates fails, and the run starts over.
run "$scenario" -o t.h5 --stop-after 1; expect 130 "stopped run before the torn .partial"
mv t.h5 t.h5.partial  # where a killed run leaves it (a stopped one renames it into place)
"$python" -c 'import sys, h5py; f = h5py.File(sys.argv[1], "r+"); del f["arms"]; f.close()' t.h5.partial ||
  fail "cannot delete the arms' tables with $python (h5py)"
run "$scenario" -o t.h5 --resume; expect 0 "resume past a .partial with torn tables"
says "'t.h5.partial' could not be read"; says "it is kept as 't.h5.partial.unreadable'"
"$compare" full.h5 t.h5 >cmp.txt || fail "result after a .partial with torn tables differs: $(cat cmp.txt)"

# An interrupted re-run never replaces a complete result: it stays in .partial (and is resumable).
run "$scenario" -o full.h5 --stop-after 1; expect 130 "interrupted re-run"; says "full.h5.partial holds 4 of 12"
"$compare" full.h5 r.h5 >cmp.txt || fail "the complete result was touched: $(cat cmp.txt)"
run "$scenario" -o full.h5 --resume; expect 0 "resume into a complete result"
"$compare" full.h5 r.h5 >cmp.txt || fail "resumed re-run differs: $(cat cmp.txt)"

# Killed (SIGKILL) at random moments, including while a batch is written; resumed each time.
sed 's/size: 12/size: 120/; s/batch_size: 2/batch_size: 6/' "$scenario" > mid.yaml
run mid.yaml -o midfull.h5; expect 0 "uninterrupted 120-candidate run"
for delay in 0.3 0.05 0.7 0.2 0.45 0.1 0.6 0.25; do
  "$vct" run mid.yaml -o k.h5 --threads 1 --quiet --resume >/dev/null 2>&1 &
  pid=$!
  sleep "$delay"
  kill -9 "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
done
run mid.yaml -o k.h5 --resume; expect 0 "resume after repeated kills"
"$compare" midfull.h5 k.h5 >cmp.txt || fail "result after kills differs: $(cat cmp.txt)"

# Two runs with the same output: the second is told the file is being written by another process
# (it used to be sent to check the folder's permissions), and the first finishes unharmed.
"$vct" run mid.yaml -o busy.h5 --threads 1 --quiet >busy.txt 2>&1 &
first=$!
# Wait for the first run's file however loaded the machine is (up to 60 s; it used to be 2.5 s, after
# which the second run could start first under a loaded ctest -j2 and the roles swap).
for _ in $(seq 1 1200); do [[ -e busy.h5.partial ]] && break; sleep 0.05; done
[[ -e busy.h5.partial ]] || fail "the first run wrote no busy.h5.partial within 60 s: $(cat busy.txt)"
sleep 0.3
run mid.yaml -o busy.h5; expect 4 "second run on the same output"; says "is being written by another process"
wait "$first" || fail "the first run failed: $(cat busy.txt)"
"$compare" midfull.h5 busy.h5 >cmp.txt || fail "the first run's result differs: $(cat cmp.txt)"

# A write that fails (file size limit standing in for a full disk): exit 4, one clear line, no
# crash in HDF5's exit handler (F8); the finished candidates are kept and the run resumes.
(trap '' XFSZ; ulimit -f 400; exec "$vct" run mid.yaml -o small.h5 --threads 1 --quiet) >out.txt 2>&1
code=$?
expect 4 "write beyond the file size limit"; says "file size limit exceeded"; says "kept in 'small.h5.partial'"
grep -q "HDF5-DIAG" out.txt && fail "HDF5 printed its own diagnostics: $(cat out.txt)"
run mid.yaml -o small.h5 --resume; expect 0 "resume after the write failure"
"$compare" midfull.h5 small.h5 >cmp.txt || fail "result after the write failure differs: $(cat cmp.txt)"
# The first batch allocates whole table chunks, not just its rows: on small_trial.yaml the file is
# 138 KiB when created and grows to about 354 KiB with its first batch of 2 candidates. A limit of
# 350 KiB (bash counts ulimit -f in KiB) must be refused before writing; counting only the rows (77 KiB) let the write
# start, HDF5's flush failed at the limit, and the file could not be opened again ("cannot resume").
(trap '' XFSZ; ulimit -f 350; exec "$vct" run "$scenario" -o chunk.h5 --threads 1 --quiet) >out.txt 2>&1
code=$?
expect 4 "first batch beyond the file size limit"; says "cannot write the next batch to 'chunk.h5.partial'"
run "$scenario" -o chunk.h5 --resume; expect 0 "resume after a refused first batch"
"$compare" full.h5 chunk.h5 >cmp.txt || fail "result after a refused first batch differs: $(cat cmp.txt)"
# The summary is checked as well: under 480 KiB every batch of small_trial.yaml fits (the file
# reaches 367 KiB; limits of 460-500 KiB all stop here) but the summary, reserved at up to 149 KiB,
# does not (367 + 149 = 516 > 480; the reserve is an upper bound: the summary itself takes about
# 30 KiB, so without the check this run would pass). It is refused before writing, the 12
# candidates are kept, and the resumed run writes the summary.
(trap '' XFSZ; ulimit -f 480; exec "$vct" run "$scenario" -o sum.h5 --threads 1 --quiet) >out.txt 2>&1
code=$?
expect 4 "summary beyond the file size limit"; says "cannot write the summary to 'sum.h5.partial'"
run "$scenario" -o sum.h5 --resume; expect 0 "resume after a refused summary"
"$compare" full.h5 sum.h5 >cmp.txt || fail "result after a refused summary differs: $(cat cmp.txt)"
# And the selection (written once, after screening): with probability-of-inclusion selection the
# file has 138 KiB when the selection comes, which reserves up to 69 KiB (4096 + 24 bytes per
# screened candidate; it writes about 2 KiB), so 170 KiB refuses it (limits of 139-200 KiB all stop
# here). Nothing was finished yet; --resume starts from the beginning and equals the uninterrupted run.
sed 's/preset: wang2023}/preset: wang2023, selection: probability_of_inclusion}/' "$scenario" > sel.yaml
run sel.yaml -o selfull.h5; expect 0 "uninterrupted run with selection"
(trap '' XFSZ; ulimit -f 170; exec "$vct" run sel.yaml -o sel.h5 --threads 1 --quiet) >out.txt 2>&1
code=$?
expect 4 "selection beyond the file size limit"; says "cannot write the selection to 'sel.h5.partial'"
run sel.yaml -o sel.h5 --resume; expect 0 "resume after a refused selection"
"$compare" selfull.h5 sel.h5 >cmp.txt || fail "result after a refused selection differs: $(cat cmp.txt)"
echo "output safety: all checks passed"
