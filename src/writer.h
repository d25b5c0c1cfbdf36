/* writer: the output formats, each a writer over the same document model. */
#ifndef K2X_WRITER_H
#define K2X_WRITER_H

#include <glib.h>

#include "error.h"
#include "model.h"
#include "profile.h"

/* Writes doc as JSON (schema kaigi2xlsx/1) to path, atomically: a temporary file in the same
 * directory is renamed into place when complete. Returns K2X_ERR_WRITE with error set on
 * failure, leaving no file behind. */
k2x_error k2x_write_json(const k2x_doc *doc, const char *path, GError **error);

/* Writes one workbook over docs (one doc per input; a combined workbook has several) to path,
 * atomically. Sheet names and column names come from profile, made valid for Excel. Text is
 * fitted to a cell (xlsx_limits.h) and each change is a warning row of the 警告 sheet,
 * cell_truncated or control_removed, counted in 警告数; the docs are not changed, so the JSON
 * keeps the text whole. A sheet past Excel's rows continues on "NAME (2)". Returns
 * K2X_ERR_WRITE with error set on failure, leaving no file behind. */
k2x_error k2x_write_xlsx(const k2x_doc *const *docs, guint n_docs, const k2x_profile *profile,
                         const char *path, GError **error);

/* Options of k2x_write_xlsx_opt; a zero field takes Excel's own limit. */
typedef struct {
  guint32 sheet_rows; /* rows a sheet holds, header included, before the rest continues on a
                       * sheet "NAME (2)" with the same header: 2 to Excel's 1,048,576, 0 for
                       * Excel's. Tests set a few rows instead of writing a million. */
} k2x_xlsx_options;

/* k2x_write_xlsx with options, which may be NULL for the defaults. */
k2x_error k2x_write_xlsx_opt(const k2x_doc *const *docs, guint n_docs,
                             const k2x_profile *profile, const char *path,
                             const k2x_xlsx_options *options, GError **error);

/* What a CSV file is written in. */
typedef enum {
  K2X_CSV_UTF8_BOM = 0, /* UTF-8 after a byte order mark, which Excel needs to read it as such */
  K2X_CSV_CP932         /* Shift_JIS as Windows has it, for older tools */
} k2x_csv_encoding;

/* Options of k2x_write_csv; all zero for the defaults. */
typedef struct {
  k2x_csv_encoding encoding;
  gboolean replace;   /* CP932: write 〓 for a character CP932 cannot hold, with a warning,
                       * instead of failing */
  guint32 sheet_rows; /* as in k2x_xlsx_options, so that the files follow the sheets */
} k2x_csv_options;

/* Writes the sheets k2x_write_xlsx writes over docs as CSV files, one per sheet, named
 * "DIR/STEM.SHEET.csv" after the workbook's sheet (<>"| made '_'), with the same header and
 * the same values (RFC 4180: CRLF after each record; a field holding a comma, quote, CR or LF
 * is quoted, its quotes doubled). A text cell starting with = + - @, tab or CR gets a leading
 * ' so that no spreadsheet takes it for a formula. All files are written to temporary files
 * first and renamed together: on failure none is left behind. Appends to written (may be
 * NULL) the path of each file, and to warnings (may be NULL) one message per file where
 * characters were replaced; both g_malloc'd. options may be NULL for the defaults. Returns
 * K2X_ERR_WRITE with error set on failure: a file cannot be written, or a character CP932
 * cannot hold without replace (naming the file, sheet, row, column and character). */
k2x_error k2x_write_csv(const k2x_doc *const *docs, guint n_docs, const k2x_profile *profile,
                        const char *dir, const char *stem, const k2x_csv_options *options,
                        GPtrArray *written, GPtrArray *warnings, GError **error);

/* What k2x_write_csv adds to STEM for each file under profile when no sheet continues
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
 * less the umask), in the same file system so that a rename is atomic. Returns NULL with error set on failure. Caller frees
 * the string and removes the file if it does not rename it. */
char *k2x_writer_temp_path(const char *path, GError **error);

#endif
