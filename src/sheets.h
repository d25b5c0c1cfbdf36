/* sheets: the spreadsheet views of the docs — which sheets, which columns, which rows — made
 * a report at a time, so that the xlsx and the CSV writers hold the same values and neither
 * holds more than one report's rows. */
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

/* One cell. Text is never NULL nor empty; it is lent by the report, the doc or the sheets. */
typedef struct {
  k2x_value_kind kind;
  const char *text;
  double number;
} k2x_value;

/* One sheet. Its rows come in batches, one per report (or per doc's own warnings), which the
 * writers write out before the next batch is made. */
typedef struct {
  const char *name;  /* valid for Excel and unique in the book, ignoring case and width */
  const char *base;  /* the sheet this one continues ("成果" for "成果 (2)"), else name */
  GPtrArray *header; /* const char*, the column names; NULL until known: a table sheet's are
                      * fixed by the first report that has its section */
  guint n_rows;      /* data rows so far, the batch's included, the header not counted */
  guint n_new;       /* rows of the batch: the last n_new of the n_rows */
  GArray *values;    /* k2x_value, the batch's rows, row after row, header->len each */
} k2x_sheet;

typedef struct k2x_sheets k2x_sheets;

/* The sheets under profile, in workbook order: 報告一覧, one per profile section (its table or
 * its items), 全項目, 警告; no rows yet. A sheet holds sheet_rows rows, header included (2 to
 * K2X_XLSX_ROWS_MAX; any other value takes Excel's), and the rest continues on a sheet
 * "NAME (2)", "NAME (3)" ... with the same header, added after all the others; so does a
 * table sheet whose rows grow wider than its header (only docs read back from the JSON of
 * another profile can have such rows), with the wider header. profile must outlive the
 * sheets. Caller frees with k2x_sheets_free. */
k2x_sheets *k2x_sheets_new(const k2x_profile *profile, guint32 sheet_rows);
void k2x_sheets_free(k2x_sheets *sheets);

/* Makes the batch of report, a report of doc: its row of 報告一覧, of its table or list sheets,
 * of 全項目, and its warnings on 警告. Every text is fitted to an Excel cell (xlsx_limits.h)
 * once, however many sheets show it, and each change is a row of 警告 (cell_truncated,
 * control_removed) counted in 警告数; the report is not changed. A table sheet's columns are
 * fixed by the first report that has its section with a printed header or rows: its first
 * printed header, else the profile's names. Give every report of a doc, then end the doc
 * with k2x_sheets_end_doc. The batch lends from doc and report until k2x_sheets_clear. */
void k2x_sheets_add_report(k2x_sheets *sheets, const k2x_doc *doc, const k2x_report *report);

/* Makes the batch of doc's own warnings on 警告, then what fitting them and the doc's file name
 * changed; call it after the doc's reports (and for a doc with none). */
void k2x_sheets_end_doc(k2x_sheets *sheets, const k2x_doc *doc);

/* Makes the last batch: the header of each table sheet no report fixed (the profile's column
 * names); no rows. */
void k2x_sheets_finish(k2x_sheets *sheets);

/* Drops the batch and what it lends, once the writers have written it; the next batch calls
 * it too. */
void k2x_sheets_clear(k2x_sheets *sheets);

/* How many sheets there are so far: a batch may add continuations. */
guint k2x_sheets_count(const k2x_sheets *sheets);
/* The i-th sheet, lent by the sheets. Sheets are only ever added at the end. */
const k2x_sheet *k2x_sheets_sheet(const k2x_sheets *sheets, guint i);

/* The value at row (0 for the first row of the batch) and column. */
static inline const k2x_value *k2x_sheet_value(const k2x_sheet *sheet, guint row, guint col) {
  return &g_array_index(sheet->values, k2x_value, row * sheet->header->len + col);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC(k2x_sheets, k2x_sheets_free)

#endif
