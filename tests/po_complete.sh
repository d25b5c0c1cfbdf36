#!/usr/bin/env bash
# po_complete: every message the sources mark for translation (po/POTFILES, the keywords of
# the pot target) has a Japanese translation in po/ja.po, none fuzzy: the workbook and the
# review are read by Japanese staff, and a message without one would reach them in English.
# Usage: po_complete.sh WORKDIR
set -uo pipefail
work=$1
top=$(cd "$(dirname "$0")/.." && pwd)
rm -rf "$work" && mkdir -p "$work"
cd "$top" || exit 1
xgettext --from-code=UTF-8 --language=C --keyword=_ --keyword=N_ --keyword=C_:1c,2 \
  --keyword=k2x_report_add_warning:4 --keyword=k2x_doc_add_warning:4 \
  --flag=k2x_report_add_warning:4:c-format --flag=k2x_doc_add_warning:4:c-format \
  --files-from=po/POTFILES -o "$work/now.pot" || exit 1
failed=0
if ! msgcmp --use-untranslated po/ja.po "$work/now.pot" 2>"$work/msgcmp.log"; then
  echo "FAIL: messages of the sources missing from po/ja.po (cmake --build build -t pot, then msgmerge):"
  grep 'this message' "$work/msgcmp.log" | head -20; grep -A1 'msgid' "$work/msgcmp.log" | head -40
  failed=1
fi
msgattrib --untranslated po/ja.po -o "$work/untranslated.po"
msgattrib --only-fuzzy po/ja.po -o "$work/fuzzy.po"
for kind in untranslated fuzzy; do
  n=$(grep -c '^msgid ' "$work/$kind.po" 2>/dev/null || true)
  # The header entry (msgid "") is no message.
  [ "${n:-0}" -gt 1 ] && { echo "FAIL: $((n - 1)) $kind messages in po/ja.po:"; grep -A1 '^msgid ' "$work/$kind.po" | tail -n +3 | head -20; failed=1; }
done
msgfmt --check -o /dev/null po/ja.po || failed=1
n=$(grep -c '^msgid ' "$work/now.pot")
[ $failed -eq 0 ] && echo "ok: $((n - 1)) messages, all translated into Japanese"
exit $failed
