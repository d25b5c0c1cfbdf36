#!/usr/bin/env bash
# Fuzzes kaigi2xlsx with libFuzzer: installs clang (deps.sh fuzz), builds the targets into
# build-fuzz/ or $BUILD_DIR (clang, -DK2X_FUZZ=ON: ASan + UBSan), then runs each TARGET for
# SECONDS, all at once and niced, from its seeds (fuzz/corpus/TARGET/) and its growing corpus
# (fuzz/work/TARGET/, not committed). Crash, leak and timeout inputs are saved as fuzz/crashes/TARGET/*-SHA1; each
# target's log is fuzz/work/TARGET.log. Prints per target its executions and corpus size, and
# exits 1 when a target found something.
# Usage: scripts/fuzz.sh SECONDS [TARGET...]   (targets: text pdf profile; default all three)
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
if [ $# -lt 1 ] || ! [[ $1 =~ ^[0-9]+$ ]]; then
  echo "usage: $0 SECONDS [text|pdf|profile...]" >&2
  exit 2
fi
seconds=$1
shift
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(text pdf profile)

"$top/scripts/deps.sh" fuzz
build=${BUILD_DIR:-$top/build-fuzz}
cmake -S "$top" -B "$build" -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DK2X_FUZZ=ON -DK2X_TESTS=OFF >/dev/null
cmake --build "$build" -j"$(nproc)" >/dev/null

# Largest input per target: a bundle of a few pages, a long text, a profile.
declare -A max_len=([pdf]=1048576 [text]=262144 [profile]=16384)
export ASAN_OPTIONS=detect_leaks=1:symbolize=1
export LSAN_OPTIONS=suppressions=$top/tests/lsan.supp:print_suppressions=0
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
command -v llvm-symbolizer >/dev/null && export ASAN_SYMBOLIZER_PATH=$(command -v llvm-symbolizer)

pids=()
for t in "${targets[@]}"; do
  [ -n "${max_len[$t]:-}" ] || { echo "unknown target: $t" >&2; exit 2; }
  mkdir -p "$top/fuzz/work/$t" "$top/fuzz/crashes/$t"
  dict=()
  [ -f "$top/fuzz/$t.dict" ] && dict=(-dict="$top/fuzz/$t.dict")
  # The first corpus directory receives the new inputs, so the seeds stay as committed.
  nice -n 10 "$build/fuzz/fuzz_$t" "$top/fuzz/work/$t" "$top/fuzz/corpus/$t" "${dict[@]}" \
    -max_total_time="$seconds" -max_len="${max_len[$t]}" -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="$top/fuzz/crashes/$t/" \
    >"$top/fuzz/work/$t.log" 2>&1 &
  pids+=($!)
done

status=0
for i in "${!targets[@]}"; do
  t=${targets[$i]} result=ok rc=0
  wait "${pids[$i]}" || rc=$?
  [ $rc -eq 0 ] || { result="stopped with status $rc: see fuzz/work/$t.log"; status=1; }
  log=$top/fuzz/work/$t.log
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  # libFuzzer's last status line ("#N DONE cov: .. corp: FILES/SIZE ..") holds the corpus size.
  corp=$(grep -o 'corp: [0-9]*/[0-9]*[bKM]*' "$log" | tail -1 | cut -d' ' -f2 || true)
  echo "$t: ${execs:-?} executions, corpus ${corp:-?} (files/bytes), $result"
done
exit $status
