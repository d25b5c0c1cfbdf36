#!/usr/bin/env bash
# The nightly run: converts the new and changed files under INPUT_DIR into OUTPUT_DIR
# (kaigi2xlsx -r --incremental --jobs --log), one dated log per run in LOG_DIR, deletes the
# logs older than LOG_RETENTION_DAYS, and exits with kaigi2xlsx's status (0 all converted or
# current, 1 some failed, 2 usage, 3 another run holds the output directory's lock).
# Started by kaigi2xlsx-nightly.timer or kaigi2xlsx.crontab; see README, "Nightly runs".
# Edit the settings below; a variable set in the environment (systemd's Environment=) wins.
set -euo pipefail

INPUT_DIR=${INPUT_DIR:-/srv/kaigi2xlsx/input}     # PDFs and pdftotext files, at any depth
OUTPUT_DIR=${OUTPUT_DIR:-/srv/kaigi2xlsx/output}  # outputs, manifest and lock
LOG_DIR=${LOG_DIR:-/var/log/kaigi2xlsx}           # kaigi2xlsx-YYYY-MM-DD-HHMMSS.log
LOG_RETENTION_DAYS=${LOG_RETENTION_DAYS:-30}      # logs older than this are deleted
JOBS=${JOBS:-$(nproc)}                            # conversions at once
KAIGI2XLSX=${KAIGI2XLSX:-}                        # default: on PATH, else this checkout's build/
EXTRA_ARGS=()   # more options, e.g. (--combined nightly.xlsx --format xlsx,json,csv)

fail() { echo "nightly.sh: $*" >&2; exit 2; }
[[ $LOG_RETENTION_DAYS =~ ^[0-9]+$ ]] || fail "LOG_RETENTION_DAYS is no number: $LOG_RETENTION_DAYS"
[[ $JOBS =~ ^[1-9][0-9]*$ ]] || fail "JOBS is no positive number: $JOBS"
[ -d "$INPUT_DIR" ] || fail "INPUT_DIR $INPUT_DIR is no directory"
if [ -z "$KAIGI2XLSX" ]; then
  KAIGI2XLSX=$(command -v kaigi2xlsx || true)
  checkout_bin=$(cd "$(dirname "$0")/.." && pwd)/build/kaigi2xlsx
  [ -n "$KAIGI2XLSX" ] || [ ! -x "$checkout_bin" ] || KAIGI2XLSX=$checkout_bin
  [ -n "$KAIGI2XLSX" ] || fail "kaigi2xlsx is neither on PATH ($PATH) nor built; set KAIGI2XLSX"
fi
mkdir -p "$OUTPUT_DIR" "$LOG_DIR"
[ -w "$LOG_DIR" ] || fail "LOG_DIR $LOG_DIR is not writable"

log=$LOG_DIR/kaigi2xlsx-$(date +%Y-%m-%d-%H%M%S).log
status=0
# -q: what reaches the journal or cron's mail is the errors and the closing summary.
"$KAIGI2XLSX" -q -r --incremental --jobs "$JOBS" --log "$log" -o "$OUTPUT_DIR" \
  "${EXTRA_ARGS[@]}" "$INPUT_DIR" || status=$?
printf '%s nightly.sh: kaigi2xlsx exited with status %d\n' "$(date +%Y-%m-%dT%H:%M:%S%z)" \
  "$status" >>"$log"

# Only this script's own logs, and never this run's, however short the retention.
find "$LOG_DIR" -maxdepth 1 -type f -name 'kaigi2xlsx-*.log' ! -name "${log##*/}" \
  -mmin +$((LOG_RETENTION_DAYS * 24 * 60)) -delete ||
  echo "nightly.sh: could not delete the old logs in $LOG_DIR" >&2
exit "$status"
