/* write_xlsx: the document model as one workbook for ministry staff, one sheet per view. */
#include "writer.h"

#include <errno.h>
#include <stdarg.h>
#include <string.h>

#include <glib/gstdio.h>
#include <xlsxwriter.h>

#include "sheets.h"
#include "text.h"

/* Column widths in characters: the widest line plus a margin, never so narrow that the
 * filter button hides a short header, never so wide that a paragraph runs off screen. */
#define WIDTH_PAD 2
#define WIDTH_MIN 6
#define WIDTH_MAX 60

#define HEADER_FILL 0xDDEBF7

/* One workbook being written. The first error is kept and every later write is skipped. */
typedef struct {
  lxw_workbook *wb;
  lxw_format *header;
  lxw_format *body;
  lxw_error err;
  char *where; /* what failed, e.g. "sheet 成果, cell F12" */
} book;

static void book_fail(book *bk, lxw_error err, const char *format, ...) G_GNUC_PRINTF(3, 4);

static void book_fail(book *bk, lxw_error err, const char *format, ...) {
  if (bk->err)
    return;
  va_list ap;
  va_start(ap, format);
  bk->err = err;
  bk->where = g_strdup_vprintf(format, ap);
  va_end(ap);
}

static void cell_fail(book *bk, const k2x_sheet *sh, lxw_row_t row, lxw_col_t col,
                      lxw_error err) {
  char cell[LXW_MAX_CELL_NAME_LENGTH];
  lxw_rowcol_to_cell(cell, row, col);
  book_fail(bk, err, "sheet %s, cell %s", sh->name, cell);
}

/* Widens *widest to the widest line of text. */
static void note_width(gsize *widest, const char *text) {
  if (*widest + WIDTH_PAD >= WIDTH_MAX)
    return;
  for (const char *line = text;;) {
    const char *nl = strchr(line, '\n');
    if (!nl) {
      *widest = MAX(*widest, k2x_text_display_width(line));
      return;
    }
    g_autofree char *one = g_strndup(line, (gsize)(nl - line));
    *widest = MAX(*widest, k2x_text_display_width(one));
    line = nl + 1;
  }
}

static void write_value(book *bk, const k2x_sheet *sh, lxw_worksheet *ws, lxw_row_t row,
                        lxw_col_t col, const k2x_value *v, gsize *widest) {
  lxw_error err = LXW_NO_ERROR;
  if (v->kind == K2X_VALUE_TEXT) {
    note_width(widest, v->text);
    err = worksheet_write_string(ws, row, col, v->text, bk->body);
  } else if (v->kind == K2X_VALUE_NUMBER) {
    char shown[G_ASCII_DTOSTR_BUF_SIZE];
    g_ascii_formatd(shown, sizeof shown, "%.15g", v->number);
    note_width(widest, shown);
    err = worksheet_write_number(ws, row, col, v->number, bk->body);
  }
  if (err)
    cell_fail(bk, sh, row, col, err);
}

/* Writes one sheet of the book: the header row (bold, filled, frozen, filtered), the rows,
 * and each column as wide as its widest line. */
static void write_sheet(book *bk, const k2x_sheet *sh) {
  /* Called first for its error code: workbook_add_worksheet only returns NULL. */
  lxw_error err = workbook_validate_sheet_name(bk->wb, sh->name);
  lxw_worksheet *ws = NULL;
  if (!err) {
    ws = workbook_add_worksheet(bk->wb, sh->name);
    if (!ws)
      err = LXW_ERROR_MEMORY_MALLOC_FAILED;
  }
  if (err) {
    book_fail(bk, err, "sheet %s", sh->name);
    return;
  }
  guint n = sh->header->len;
  g_autofree gsize *widths = g_new0(gsize, n);
  for (guint c = 0; c < n && !bk->err; c++) {
    const char *name = g_ptr_array_index(sh->header, c);
    note_width(&widths[c], name);
    err = worksheet_write_string(ws, 0, c, name, bk->header);
    if (err)
      cell_fail(bk, sh, 0, c, err);
  }
  for (guint r = 0; r < sh->n_rows && !bk->err; r++)
    for (guint c = 0; c < n && !bk->err; c++)
      write_value(bk, sh, ws, r + 1, c, k2x_sheet_value(sh, r, c), &widths[c]);
  for (guint c = 0; c < n && !bk->err; c++) {
    gsize width = CLAMP(widths[c] + WIDTH_PAD, WIDTH_MIN, WIDTH_MAX);
    err = worksheet_set_column(ws, c, c, (double)width, bk->body);
    if (err)
      book_fail(bk, err, "sheet %s, column %u", sh->name, c + 1);
  }
  if (!bk->err && n > 0) {
    /* With no data rows the filter covers the header alone, so the sheet looks the same. */
    err = worksheet_autofilter(ws, 0, 0, sh->n_rows, (lxw_col_t)(n - 1));
    if (err)
      book_fail(bk, err, "sheet %s, autofilter", sh->name);
    worksheet_freeze_panes(ws, 1, 0);
  }
}

static void book_set_properties(book *bk, const k2x_book *views, const k2x_doc *const *docs,
                                guint n_docs) {
  g_autoptr(GString) subject = g_string_new(NULL);
  for (guint d = 0; d < n_docs; d++) {
    const char *file = docs[d]->file ? k2x_book_text(views, docs[d]->file) : "";
    g_string_append_printf(subject, "%s%s", d > 0 ? ", " : "", file);
  }
  const char *first = n_docs > 0 && docs[0]->file ? k2x_book_text(views, docs[0]->file) : "";
  g_autofree char *title = NULL;
  if (n_docs == 0)
    title = g_strdup("kaigi2xlsx");
  else if (n_docs == 1)
    title = g_strdup_printf("kaigi2xlsx: %s", first);
  else
    title = g_strdup_printf("kaigi2xlsx: %s ほか %u 件", first, n_docs - 1);
  lxw_doc_properties props = {.title = title, .subject = subject->str, .author = "kaigi2xlsx"};
  lxw_error err = workbook_set_properties(bk->wb, &props);
  if (err)
    book_fail(bk, err, "document properties");
}

static void book_add_formats(book *bk) {
  bk->header = workbook_add_format(bk->wb);
  bk->body = workbook_add_format(bk->wb);
  if (!bk->header || !bk->body) {
    book_fail(bk, LXW_ERROR_MEMORY_MALLOC_FAILED, "formats");
    return;
  }
  format_set_bold(bk->header);
  format_set_bg_color(bk->header, HEADER_FILL);
  format_set_text_wrap(bk->header);
  format_set_align(bk->header, LXW_ALIGN_VERTICAL_TOP);
  format_set_text_wrap(bk->body);
  format_set_align(bk->body, LXW_ALIGN_VERTICAL_TOP);
}

static void book_write(book *bk, const k2x_book *views, const k2x_doc *const *docs,
                       guint n_docs) {
  book_add_formats(bk);
  book_set_properties(bk, views, docs, n_docs);
  for (guint i = 0; i < k2x_book_sheet_count(views) && !bk->err; i++)
    write_sheet(bk, k2x_book_sheet(views, i));
}

k2x_error k2x_write_xlsx(const k2x_doc *const *docs, guint n_docs, const k2x_profile *profile,
                         const char *path, GError **error) {
  return k2x_write_xlsx_opt(docs, n_docs, profile, path, NULL, error);
}

k2x_error k2x_write_xlsx_opt(const k2x_doc *const *docs, guint n_docs,
                             const k2x_profile *profile, const char *path,
                             const k2x_xlsx_options *options, GError **error) {
  g_autofree char *tmp = k2x_writer_temp_path(path, error);
  if (!tmp)
    return K2X_ERR_WRITE;
  /* Not constant-memory: its inline strings would repeat the file name, prefecture and area
   * on every row instead of sharing them. */
  lxw_workbook_options lxw_options = {.constant_memory = LXW_FALSE};
  book bk = {.wb = workbook_new_opt(tmp, &lxw_options)};
  /* Kept until the workbook is closed, as the sheets' names are its. */
  k2x_book *views = k2x_book_new(docs, n_docs, profile, options ? options->sheet_rows : 0);
  if (!bk.wb)
    book_fail(&bk, LXW_ERROR_MEMORY_MALLOC_FAILED, "new workbook");
  else
    book_write(&bk, views, docs, n_docs);
  if (!bk.err) {
    errno = 0;
    bk.err = workbook_close(bk.wb);
    int saved = errno;
    /* libxlsxwriter names only its own error; the system's says why (a full disk). */
    if (bk.err && saved)
      bk.where = g_strdup_printf("closing the workbook (%s)", g_strerror(saved));
    else if (bk.err)
      bk.where = g_strdup("closing the workbook");
  } else if (bk.wb) {
    lxw_workbook_free(bk.wb); /* not closed, so nothing is written */
  }
  k2x_book_free(views);

  if (bk.err) {
    g_remove(tmp);
    g_set_error(error, K2X_ERROR, K2X_ERR_WRITE, "cannot write %s: %s: %s", path, bk.where,
                lxw_strerror(bk.err));
    g_free(bk.where);
    return K2X_ERR_WRITE;
  }
  if (g_rename(tmp, path) != 0) {
    int saved = errno;
    g_remove(tmp);
    g_set_error(error, K2X_ERROR, K2X_ERR_WRITE, "cannot rename %s to %s: %s", tmp, path,
                g_strerror(saved));
    return K2X_ERR_WRITE;
  }
  return K2X_OK;
}
