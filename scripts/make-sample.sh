#!/usr/bin/env bash
# make-sample: regenerates input/sample.pdf from tests/fixtures/specs/sample.spec, building the
# fixture generator (build/gen_fixtures) first when it is missing or older than its source.
# The expected JSON it also writes goes to a temporary directory and is thrown away.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

src=tests/fixtures/gen_fixtures.c
bin=build/gen_fixtures
if [[ ! -x $bin || $src -nt $bin ]]; then
  mkdir -p build
  # shellcheck disable=SC2046 # pkg-config prints several words on purpose
  gcc -std=c11 -Wall -Wextra -O2 -g "$src" \
    $(pkg-config --cflags --libs pangocairo cairo-pdf glib-2.0 json-glib-1.0) -lm -o "$bin"
fi

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
mkdir -p input
"$bin" tests/fixtures/specs/sample.spec input/sample.pdf "$tmp/sample.expected.json"
echo "wrote input/sample.pdf"
