/* xlsx_limits: what a workbook may hold — cell text, sheet names, rows — and how text is made
 * to fit. Excel counts its limits in UTF-16 code units and libxlsxwriter in characters;
 * staying within the units satisfies both. */
#ifndef K2X_XLSX_LIMITS_H
#define K2X_XLSX_LIMITS_H

#include <glib.h>

#define K2X_XLSX_CELL_MAX 32767     /* units in a cell (libxlsxwriter's LXW_STR_MAX) */
#define K2X_XLSX_SHEET_NAME_MAX 31  /* units in a sheet name (LXW_SHEETNAME_MAX) */
#define K2X_XLSX_ROWS_MAX 1048576   /* rows in a sheet, header included (LXW_ROW_MAX) */

/* What a cut cell ends with, inside the limit, so that staff see the text goes on. */
#define K2X_XLSX_CUT_MARKER "…（以下省略）"

/* What k2x_xlsx_text_fit changed. */
typedef enum {
  K2X_XLSX_FIT_NONE = 0,
  K2X_XLSX_FIT_CONTROL = 1 << 0, /* control characters XML 1.0 forbids were removed */
  K2X_XLSX_FIT_CUT = 1 << 1      /* cut to the cell limit, ending with the marker */
} k2x_xlsx_fit;

/* UTF-16 code units of UTF-8 text: Excel's count. */
gsize k2x_xlsx_units(const char *text);

/* Text as a cell may hold it. Characters XML 1.0 forbids (U+0001–U+0008, U+000B, U+000C,
 * U+000E–U+001F, U+FFFE, U+FFFF) are removed; tab, newline and CR stay. Text still over
 * K2X_XLSX_CELL_MAX units is cut between characters, never between a character and its
 * combining marks, and ends with K2X_XLSX_CUT_MARKER within the limit. Invalid UTF-8 is
 * repaired without a flag. Returns what changed; *fitted gets the new text (caller frees), or
 * NULL when text stays as it is. *removed (may be NULL) gets how many characters went. */
k2x_xlsx_fit k2x_xlsx_text_fit(const char *text, char **fitted, guint *removed);

/* A sheet name Excel accepts, made from wanted: control characters and []:*?/\ — with their
 * full-width forms and ￥, which Japanese Excel refuses too — become '_', so does an
 * apostrophe (' ’ ＇) at either end, and the name is cut to K2X_XLSX_SHEET_NAME_MAX units.
 * "" when wanted is empty. Caller frees. */
char *k2x_xlsx_sheet_name_clean(const char *wanted);

/* Takes clean (made by k2x_xlsx_sheet_name_clean), else "clean (2)", "clean (3)" ... cut to
 * fit: the first that matches no name in taken and no name Excel reserves ("History", and
 * "履歴" in Japanese Excel). Names match as Excel compares them, ignoring case and width.
 * Appends the name to taken (a GPtrArray of g_malloc'd char*) and returns it, lent by taken. */
const char *k2x_xlsx_sheet_name_take(GPtrArray *taken, const char *clean);

#endif
