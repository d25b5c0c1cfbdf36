/* sheets: the spreadsheet views of the docs — which sheets, which columns, which rows — built
 * once as tables of values, so that the xlsx and the CSV writers hold the same values. */
#ifndef K2X_SHEETS_H
#define K2X_SHEETS_H

#include <glib.h>

#include "model.h"
#include "profile.h"

typedef enum {
  K2X_VALUE_BLANK = 0, /* an empty cell: no text, or page 0 */
  K2X_VALUE_TEXT,
  K2X_VALUE_NUMBER
} k2x_value_kind;

/* One cell. Text is never NULL nor empty; it is lent by the docs or by the book. */
typedef struct {
  k2x_value_kind kind;
  const char *text;
  double number;
} k2x_value;

/* One sheet: a header row, then rows of header->len values each. */
typedef struct {
  const char *name;  /* valid for Excel and unique in the book, ignoring case and width */
  const char *base;  /* the sheet this one continues ("成果" for "成果 (2)"), else name */
  GPtrArray *header; /* const char*, the column names */
  guint n_rows;      /* data rows, the header not counted */
  GArray *values;    /* k2x_value, row after row */
} k2x_sheet;

typedef struct k2x_book k2x_book;

/* Builds the sheets over docs, in workbook order: 報告一覧, one per profile section (its
 * table or its items), 全項目, 警告. Every text is fitted to an Excel cell (xlsx_limits.h) once,
 * however many sheets show it, and each change is a row of 警告 (cell_truncated,
 * control_removed) counted in 警告数; the docs are not changed. A sheet holds sheet_rows rows,
 * header included (2 to K2X_XLSX_ROWS_MAX; any other value takes Excel's), and the rest
 * continues on "NAME (2)", "NAME (3)" ... with the same header. The book lends from docs and
 * profile, which must outlive it. Caller frees. */
k2x_book *k2x_book_new(const k2x_doc *const *docs, guint n_docs, const k2x_profile *profile,
                       guint32 sheet_rows);
void k2x_book_free(k2x_book *book);

guint k2x_book_sheet_count(const k2x_book *book);
/* The i-th sheet, lent by the book. */
const k2x_sheet *k2x_book_sheet(const k2x_book *book, guint i);
/* A text of the docs as the book's cells hold it (fitted); lent by the book or text itself. */
const char *k2x_book_text(const k2x_book *book, const char *text);

/* The value at row (0 for the first data row) and column. */
static inline const k2x_value *k2x_sheet_value(const k2x_sheet *sheet, guint row, guint col) {
  return &g_array_index(sheet->values, k2x_value, row * sheet->header->len + col);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC(k2x_book, k2x_book_free)

#endif
