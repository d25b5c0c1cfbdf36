#!/usr/bin/env bash
# Replays every saved fuzz input — the seed corpora in fuzz/corpus/TARGET/ and the crash
# inputs in fuzz/crashes/TARGET/ — through its target, without a fuzzing engine (ctest).
# Usage: replay.sh BINDIR FUZZDIR   (BINDIR holds fuzz_replay_TARGET)
set -euo pipefail
bindir=$1 fuzz=$2
for target in text pdf profile; do
  dirs=("$fuzz/corpus/$target")
  [ -d "$fuzz/crashes/$target" ] && dirs+=("$fuzz/crashes/$target")
  "$bindir/fuzz_replay_$target" "${dirs[@]}"
done
