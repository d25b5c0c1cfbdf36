/* writer: the output formats, each a writer over the same document model. */
#ifndef K2X_WRITER_H
#define K2X_WRITER_H

#include <stdio.h>

#include <glib.h>

#include "error.h"
#include "model.h"
#include "profile.h"

/* Each format is written by a writer that takes the document a report at a time, so that
 * memory holds one report whatever the document's length: open, add every report (it may be
 * freed as soon as the call returns), then close, which renames the temporary file(s) into
 * place; or abort, which removes them. A call that fails leaves the writer to be closed
 * (returning the same failure) or aborted; either leaves no file behind. The k2x_write_*
 * functions write a whole doc through the same writers. */

typedef struct k2x_json_writer k2x_json_writer;

/* Starts the JSON (schema kaigi2xlsx/1) of doc at path, in a temporary file beside it; doc's
 * profile is written now, its reports, source fields and warnings may still be missing. Returns NULL with error set (K2X_ERR_WRITE) when the file
 * cannot be created. Close or abort it. */
k2x_json_writer *k2x_json_writer_open(const k2x_doc *doc, const char *path, GError **error);

/* Appends report, the next report of the doc, to the JSON's reports. Returns K2X_ERR_WRITE
 * with error set when the file cannot be written (a full disk). */
k2x_error k2x_json_writer_add_report(k2x_json_writer *w, const k2x_report *report,
                                     GError **error);

/* Writes what only the end of doc knows (its source fields, as whether a page needed OCR,
 * and its own warnings), then renames the file into place,
 * and frees w. Returns K2X_ERR_WRITE with error set on failure (an earlier one included),
 * leaving no file behind. */
k2x_error k2x_json_writer_close(k2x_json_writer *w, const k2x_doc *doc, GError **error);

/* Removes the temporary file and frees w. Accepts NULL. */
void k2x_json_writer_abort(k2x_json_writer *w);

/* Writes doc as JSON (schema kaigi2xlsx/1) to path, atomically: a temporary file in the same
 * directory is renamed into place when complete. Returns K2X_ERR_WRITE with error set on
 * failure, leaving no file behind. */
k2x_error k2x_write_json(const k2x_doc *doc, const char *path, GError **error);

/* Options of the workbook writer; a zero field takes Excel's own limit. */
typedef struct {
  guint32 sheet_rows; /* rows a sheet holds, header included, before the rest continues on a
                       * sheet "NAME (2)" with the same header: 2 to Excel's 1,048,576, 0 for
                       * Excel's. Tests set a few rows instead of writing a million. */
} k2x_xlsx_options;

typedef struct k2x_xlsx_writer k2x_xlsx_writer;

/* Starts a workbook at path, in a temporary file beside it, over one doc or several in turn (a
 * combined workbook): 報告一覧, one sheet per profile section, 全項目, 警告. Sheet names and
 * column names come from profile (which must outlive w), made valid for Excel; a table
 * sheet's columns are those of the first report that has its table (sheets.h). Rows are
 * written as they come (libxlsxwriter's constant memory mode); column widths, filters and the
 * document properties at close. options may be NULL for the defaults. Returns NULL with
 * error set (K2X_ERR_WRITE) when the workbook cannot be created. Close or abort it. */
k2x_xlsx_writer *k2x_xlsx_writer_open(const char *path, const k2x_profile *profile,
                                      const k2x_xlsx_options *options, GError **error);

/* Writes the rows of report, the next report of doc. Text is fitted to a cell
 * (xlsx_limits.h) and each change is a warning row of the 警告 sheet, cell_truncated or
 * control_removed, counted in 警告数; the report is not changed, so the JSON keeps the text
 * whole. A sheet past its rows continues on "NAME (2)", added after the other sheets.
 * Returns K2X_ERR_WRITE with error set on failure. */
k2x_error k2x_xlsx_writer_add_report(k2x_xlsx_writer *w, const k2x_doc *doc,
                                     const k2x_report *report, GError **error);

/* Ends doc, after its reports (also a doc with none): writes its own warnings on 警告.
 * Returns K2X_ERR_WRITE with error set on failure. */
k2x_error k2x_xlsx_writer_end_doc(k2x_xlsx_writer *w, const k2x_doc *doc, GError **error);

/* Completes the workbook (the document properties name the docs ended), renames it into
 * place and frees w. Returns K2X_ERR_WRITE with error set on failure (an earlier one
 * included), leaving no file behind. */
k2x_error k2x_xlsx_writer_close(k2x_xlsx_writer *w, GError **error);

/* Drops the workbook, leaving no file, and frees w. Accepts NULL. */
void k2x_xlsx_writer_abort(k2x_xlsx_writer *w);

/* Writes one workbook over docs (one doc per input; a combined workbook has several) to path,
 * atomically, through k2x_xlsx_writer: every report of each doc, then the doc's end. Returns
 * K2X_ERR_WRITE with error set on failure, leaving no file behind. */
k2x_error k2x_write_xlsx(const k2x_doc *const *docs, guint n_docs, const k2x_profile *profile,
                         const char *path, GError **error);

/* k2x_write_xlsx with options, which may be NULL for the defaults. */
k2x_error k2x_write_xlsx_opt(const k2x_doc *const *docs, guint n_docs,
                             const k2x_profile *profile, const char *path,
                             const k2x_xlsx_options *options, GError **error);

/* What a CSV file is written in. */
typedef enum {
  K2X_CSV_UTF8_BOM = 0, /* UTF-8 after a byte order mark, which Excel needs to read it as such */
  K2X_CSV_CP932         /* Shift_JIS as Windows has it, for older tools */
} k2x_csv_encoding;

/* Options of the CSV writer; all zero for the defaults. */
typedef struct {
  k2x_csv_encoding encoding;
  gboolean strict;    /* CP932: fail on a character CP932 cannot hold, instead of writing a
                       * look-alike it holds (↳ as →) or 〓, with a warning */
  guint32 sheet_rows; /* as in k2x_xlsx_options, so that the files follow the sheets */
} k2x_csv_options;

typedef struct k2x_csv_writer k2x_csv_writer;

/* Starts the sheets the workbook writer writes as CSV files, one per sheet, named
 * "DIR/STEM.SHEET.csv" after the workbook's sheet (<>"| made '_'), with the same header and
 * the same values (RFC 4180: CRLF after each record; a field holding a comma, quote, CR or LF
 * is quoted, its quotes doubled). A text cell starting with = + - @, tab or CR gets a leading
 * ' so that no spreadsheet takes it for a formula. Each file is a temporary file until close
 * renames them together. profile must outlive w; options may be NULL for the defaults.
 * Returns NULL with error set (K2X_ERR_WRITE) when a file cannot be created, or when the
 * system cannot convert to CP932. Close or abort it. */
k2x_csv_writer *k2x_csv_writer_open(const char *dir, const char *stem,
                                    const k2x_profile *profile, const k2x_csv_options *options,
                                    GError **error);

/* Writes the rows of report, the next report of doc, as k2x_xlsx_writer_add_report does.
 * Returns K2X_ERR_WRITE with error set on failure: a file cannot be written, or a character
 * CP932 cannot hold with strict (naming the file, sheet, row, column and character). */
k2x_error k2x_csv_writer_add_report(k2x_csv_writer *w, const k2x_doc *doc,
                                    const k2x_report *report, GError **error);

/* Ends doc, after its reports: writes its own warnings, as k2x_xlsx_writer_end_doc does. */
k2x_error k2x_csv_writer_end_doc(k2x_csv_writer *w, const k2x_doc *doc, GError **error);

/* Completes the files and renames them all into place, then frees w; if one fails, none is
 * left. Appends to written (may be NULL) the path of each file, and to warnings (may be NULL)
 * one message naming where stand-ins were written, if any; both g_malloc'd. Returns
 * K2X_ERR_WRITE with error set on failure (an earlier one included). */
k2x_error k2x_csv_writer_close(k2x_csv_writer *w, GPtrArray *written, GPtrArray *warnings,
                               GError **error);

/* Removes every file and frees w. Accepts NULL. */
void k2x_csv_writer_abort(k2x_csv_writer *w);

/* Writes the sheets k2x_write_xlsx writes over docs as CSV files through k2x_csv_writer:
 * every report of each doc, then the doc's end. Arguments and failures as for
 * k2x_csv_writer_open and k2x_csv_writer_close; on failure no file is left behind. */
k2x_error k2x_write_csv(const k2x_doc *const *docs, guint n_docs, const k2x_profile *profile,
                        const char *dir, const char *stem, const k2x_csv_options *options,
                        GPtrArray *written, GPtrArray *warnings, GError **error);

/* What the CSV writer adds to STEM for each file under profile when no sheet continues
 * (".報告一覧.csv", ...), so that a batch can name an input's outputs before writing them.
 * NULL-terminated; caller frees with g_strfreev. */
char **k2x_csv_suffixes(const k2x_profile *profile);

/* The encoding named "utf-8-bom" or "cp932" (any case). Returns FALSE for another name. */
gboolean k2x_csv_encoding_from_name(const char *name, k2x_csv_encoding *encoding);

/* What a review draws, one kind per colour of its legend. */
typedef enum {
  K2X_DRAWN_FURNITURE,    /* a title, label, page number or repeated line (grey) */
  K2X_DRAWN_HEADING,      /* a section heading (blue): one per section */
  K2X_DRAWN_TABLE_HEADER, /* a line of a table's header (purple) */
  K2X_DRAWN_ROW,          /* a table row's outline: one per row per page it spans */
  K2X_DRAWN_CELL,         /* a cell's area on one page, shaded by column */
  K2X_DRAWN_ITEM,         /* an item's area (orange): one per item per page it spans */
  K2X_DRAWN_UNASSIGNED,   /* a line no rule claimed (red) */
  K2X_DRAWN_WARNING,      /* a warning, written in the margin of its page */
  K2X_DRAWN_NOTE,         /* the no_text_layer note over an image-only page */
  K2X_DRAWN_RULE,         /* a ruling line the page draws (cyan), its box the line itself */
  K2X_DRAWN_OCR_LINE,     /* a line read by OCR (magenta, shaded by its confidence); index in
                             doc->ocr_lines */
  K2X_DRAWN_TABLE_LAYOUT, /* how the table's rows were read, over its header on each page:
                             index is the k2x_layout + 1 */
  K2X_DRAWN_COUNT
} k2x_drawn_kind;

/* One box a review drew. On a PDF's pages a row or item is drawn on each page its spans
 * touch. A text doc has no geometry: there a box is where the entry was written, a row counts
 * on each page from page_first to page_last, an item on each page of its spans (or its page
 * when it has none), and no CELL or NOTE is drawn. */
typedef struct {
  k2x_drawn_kind kind;
  int page;    /* source page, 1-based; it is page + 1 of the review */
  int report;  /* report index; 0 for marks and the doc's own warnings */
  int section; /* section number; 0 when none */
  int index;   /* 1-based: the row, the item, or the position in doc->marks or in the
                * warnings of the report (or doc) */
  int column;  /* a cell's column, 1-based; 0 otherwise */
  k2x_box box; /* where it was drawn on the review page */
} k2x_drawn;

/* Writes a review of doc to path, atomically: a summary page, then one page per source page
 * with the structure found drawn over it (source_path is opened again with password, which
 * may be NULL); for a text doc, which has no geometry, each page's structure as text (and
 * source_path is not read; it may be NULL). When drawn is not NULL, one k2x_drawn is appended
 * per box drawn. Returns K2X_ERR_WRITE with error set on failure (the source cannot be opened
 * or has changed, the file cannot be written), leaving no file behind and drawn as it was. */
k2x_error k2x_write_review(const k2x_doc *doc, const char *source_path, const char *password,
                           const char *path, GArray *drawn, GError **error);

/* A temporary path next to path ("dir/.name.XXXXXX"), created empty with the usual mode (0666
 * less the umask), in the same file system so that a rename is atomic. Returns NULL with
 * error set on failure. Caller frees the string and removes the file if it does not rename
 * it. */
char *k2x_writer_temp_path(const char *path, GError **error);

/* A temporary file for path (k2x_writer_temp_path), open for writing; *tmp gets its path
 * (caller frees). Returns NULL with error set (naming path) on failure, leaving no file. */
FILE *k2x_writer_temp_open(const char *path, char **tmp, GError **error);

/* Closes fp, the temporary file of path, made sure to be on disk when it replaces a file.
 * Returns FALSE with error set (naming path) when anything written did not reach the file, as
 * on a full disk; fp is closed either way. */
gboolean k2x_writer_temp_close(FILE *fp, const char *path, GError **error);

/* Renames tmp to path. Returns FALSE with error set on failure, leaving both as they were. */
gboolean k2x_writer_temp_rename(const char *tmp, const char *path, GError **error);

#endif
