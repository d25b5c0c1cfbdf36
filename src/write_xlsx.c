/* write_xlsx: the document model as one workbook for ministry staff, one sheet per view,
 * written a report at a time. */
#include "writer.h"

#include <errno.h>
#include <stdarg.h>
#include <string.h>

#include <glib/gstdio.h>
#include <xlsxwriter.h>

#include "sheets.h"
#include "text.h"
#include "xlsx_limits.h"

/* Column widths in characters: the widest line plus a margin, never so narrow that the
 * filter button hides a short header, never so wide that a paragraph runs off screen. */
#define WIDTH_PAD 2
#define WIDTH_MIN 6
#define WIDTH_MAX 60

#define HEADER_FILL 0xDDEBF7

/* Rows as tall as their wrapped text: readers do not all fit a row to its text (LibreOffice
 * keeps the default height, and wrapped lines print over each other). A line at the height
 * of the workbook's font (Calibri 11pt, Japanese in the fallback font); Excel's highest row. */
#define LINE_HEIGHT 15
#define ROW_HEIGHT_MAX 409

/* Staff print these sheets for meetings: A4 landscape, as wide as one page (as many pages
 * down as it takes), the header row on every page, narrow margins (inches) and a footer
 * naming the sheet and the page. */
#define PAPER_A4 9
#define FOOTER "&C&A  &P / &N"
#define MARGIN_SIDE 0.25
#define MARGIN_TOP 0.5

/* A worksheet as it is written: its header row once it is known, then its rows in order. */
typedef struct {
  lxw_worksheet *ws;
  gboolean started; /* its header row is written */
  gsize *widths;    /* the widest line of each column, header included */
} part;

/* One workbook being written. The first error is kept and every later write is skipped. */
struct k2x_xlsx_writer {
  char *path;
  char *tmp;
  lxw_workbook *wb;
  lxw_format *header;
  lxw_format *body;
  lxw_error err;
  char *where;        /* what failed, e.g. "sheet 成果, cell F12" */
  k2x_sheets *sheets; /* the rows to write, a report at a time */
  GArray *parts;      /* part, one per sheet of sheets, in the same order */
  GPtrArray *files;   /* char*: each doc's file name as its cells show it, for the properties */
};

static void book_fail(k2x_xlsx_writer *w, lxw_error err, const char *format, ...)
    G_GNUC_PRINTF(3, 4);

static void book_fail(k2x_xlsx_writer *w, lxw_error err, const char *format, ...) {
  if (w->err)
    return;
  va_list ap;
  va_start(ap, format);
  w->err = err;
  w->where = g_strdup_vprintf(format, ap);
  va_end(ap);
}

static void cell_fail(k2x_xlsx_writer *w, const k2x_sheet *sh, lxw_row_t row, lxw_col_t col,
                      lxw_error err) {
  char cell[LXW_MAX_CELL_NAME_LENGTH];
  lxw_rowcol_to_cell(cell, row, col);
  book_fail(w, err, "sheet %s, cell %s", sh->name, cell);
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

static void write_value(k2x_xlsx_writer *w, const k2x_sheet *sh, part *p, lxw_row_t row,
                        lxw_col_t col, const k2x_value *v) {
  lxw_error err = LXW_NO_ERROR;
  if (v->kind == K2X_VALUE_TEXT) {
    note_width(&p->widths[col], v->text);
    err = worksheet_write_string(p->ws, row, col, v->text, w->body);
  } else if (v->kind == K2X_VALUE_NUMBER) {
    char shown[G_ASCII_DTOSTR_BUF_SIZE];
    g_ascii_formatd(shown, sizeof shown, "%.15g", v->number);
    note_width(&p->widths[col], shown);
    err = worksheet_write_number(p->ws, row, col, v->number, w->body);
  }
  if (err)
    cell_fail(w, sh, row, col, err);
}

static lxw_error set_print(lxw_worksheet *ws) {
  worksheet_set_landscape(ws);
  worksheet_set_paper(ws, PAPER_A4);
  worksheet_fit_to_pages(ws, 1, 0);
  worksheet_set_margins(ws, MARGIN_SIDE, MARGIN_SIDE, MARGIN_TOP, MARGIN_TOP);
  /* Cell borders are not drawn, so the grid is what shows where a printed cell ends. */
  worksheet_gridlines(ws, LXW_SHOW_ALL_GRIDLINES);
  lxw_error err = worksheet_set_footer(ws, FOOTER);
  return err ? err : worksheet_repeat_rows(ws, 0, 0);
}

/* Adds the worksheet of sh, after all the others: in constant memory mode a sheet can only be
 * appended, which is why a sheet's continuation comes after the fixed sheets. */
static void add_part(k2x_xlsx_writer *w, const k2x_sheet *sh) {
  /* Called first for its error code: workbook_add_worksheet only returns NULL. */
  lxw_error err = workbook_validate_sheet_name(w->wb, sh->name);
  part p = {0};
  if (!err) {
    p.ws = workbook_add_worksheet(w->wb, sh->name);
    if (!p.ws)
      err = LXW_ERROR_MEMORY_MALLOC_FAILED;
  }
  if (!err)
    err = set_print(p.ws);
  if (err)
    book_fail(w, err, "sheet %s", sh->name);
  g_array_append_val(w->parts, p);
}

/* Lines text takes in a column: each paragraph wraps at the widest column (a narrower one
 * is as wide as its widest line, so it wraps nothing). */
static guint text_lines(const char *text) {
  guint lines = 0;
  g_auto(GStrv) paragraphs = g_strsplit(text, "\n", -1);
  for (char **para = paragraphs; *para; para++) {
    gsize width = k2x_text_display_width(*para);
    lines += MAX(1, (guint)((width + WIDTH_MAX - WIDTH_PAD - 1) / (WIDTH_MAX - WIDTH_PAD)));
  }
  return lines;
}

/* Sets the height of sheet row row (batch row r) to its tallest cell, when over one line. */
static void set_height(k2x_xlsx_writer *w, const k2x_sheet *sh, part *p, lxw_row_t row,
                       guint r) {
  guint lines = 1;
  for (guint c = 0; c < sh->header->len; c++) {
    const k2x_value *v = k2x_sheet_value(sh, r, c);
    if (v->kind == K2X_VALUE_TEXT)
      lines = MAX(lines, text_lines(v->text));
  }
  if (lines == 1)
    return;
  lxw_error err = worksheet_set_row(p->ws, row, MIN(lines * LINE_HEIGHT, ROW_HEIGHT_MAX), NULL);
  if (err)
    book_fail(w, err, "sheet %s, row %u", sh->name, row + 1);
}

/* The header row (bold, filled), which the rows follow. */
static void write_header(k2x_xlsx_writer *w, const k2x_sheet *sh, part *p) {
  guint n = sh->header->len;
  p->started = TRUE;
  p->widths = g_new0(gsize, n);
  for (guint c = 0; c < n && !w->err; c++) {
    const char *name = g_ptr_array_index(sh->header, c);
    note_width(&p->widths[c], name);
    lxw_error err = worksheet_write_string(p->ws, 0, c, name, w->header);
    if (err)
      cell_fail(w, sh, 0, c, err);
  }
}

/* Writes the batch of w->sheets: new sheets, headers now known, rows. */
static void write_batch(k2x_xlsx_writer *w) {
  for (guint i = 0; i < k2x_sheets_count(w->sheets) && !w->err; i++) {
    const k2x_sheet *sh = k2x_sheets_sheet(w->sheets, i);
    if (i == w->parts->len)
      add_part(w, sh);
    part *p = &g_array_index(w->parts, part, i);
    if (!w->err && !p->started && sh->header)
      write_header(w, sh, p);
    guint first = sh->n_rows - sh->n_new + 1; /* below the header */
    for (guint r = 0; r < sh->n_new && !w->err; r++) {
      set_height(w, sh, p, first + r, r);
      for (guint c = 0; c < sh->header->len && !w->err; c++)
        write_value(w, sh, p, first + r, c, k2x_sheet_value(sh, r, c));
    }
  }
  k2x_sheets_clear(w->sheets);
}

/* What only the end knows: each column as wide as its widest line, the filter over the rows,
 * the frozen header. */
static void finish_part(k2x_xlsx_writer *w, const k2x_sheet *sh, part *p) {
  guint n = sh->header->len;
  for (guint c = 0; c < n && !w->err; c++) {
    gsize width = CLAMP(p->widths[c] + WIDTH_PAD, WIDTH_MIN, WIDTH_MAX);
    lxw_error err = worksheet_set_column(p->ws, c, c, (double)width, w->body);
    if (err)
      book_fail(w, err, "sheet %s, column %u", sh->name, c + 1);
  }
  if (!w->err && n > 0) {
    /* With no data rows the filter covers the header alone, so the sheet looks the same. */
    lxw_error err = worksheet_autofilter(p->ws, 0, 0, sh->n_rows, (lxw_col_t)(n - 1));
    if (err)
      book_fail(w, err, "sheet %s, autofilter", sh->name);
    worksheet_freeze_panes(p->ws, 1, 0);
  }
}

static void book_set_properties(k2x_xlsx_writer *w) {
  g_autoptr(GString) subject = g_string_new(NULL);
  for (guint d = 0; d < w->files->len; d++)
    g_string_append_printf(subject, "%s%s", d > 0 ? ", " : "",
                           (const char *)g_ptr_array_index(w->files, d));
  const char *first = w->files->len > 0 ? g_ptr_array_index(w->files, 0) : "";
  g_autofree char *title = NULL;
  if (w->files->len == 0)
    title = g_strdup("kaigi2xlsx");
  else if (w->files->len == 1)
    title = g_strdup_printf("kaigi2xlsx: %s", first);
  else
    title = g_strdup_printf("kaigi2xlsx: %s ほか %u 件", first, w->files->len - 1);
  lxw_doc_properties props = {.title = title, .subject = subject->str, .author = "kaigi2xlsx"};
  lxw_error err = workbook_set_properties(w->wb, &props);
  if (err)
    book_fail(w, err, "document properties");
}

static void book_add_formats(k2x_xlsx_writer *w) {
  w->header = workbook_add_format(w->wb);
  w->body = workbook_add_format(w->wb);
  if (!w->header || !w->body) {
    book_fail(w, LXW_ERROR_MEMORY_MALLOC_FAILED, "formats");
    return;
  }
  format_set_bold(w->header);
  format_set_bg_color(w->header, HEADER_FILL);
  format_set_text_wrap(w->header);
  format_set_align(w->header, LXW_ALIGN_VERTICAL_TOP);
  format_set_text_wrap(w->body);
  format_set_align(w->body, LXW_ALIGN_VERTICAL_TOP);
}

static k2x_error failed(k2x_xlsx_writer *w, GError **error) {
  g_set_error(error, K2X_ERROR, K2X_ERR_WRITE, "cannot write %s: %s: %s", w->path, w->where,
              lxw_strerror(w->err));
  return K2X_ERR_WRITE;
}

void k2x_xlsx_writer_abort(k2x_xlsx_writer *w) {
  if (!w)
    return;
  if (w->wb)
    lxw_workbook_free(w->wb); /* not closed, so nothing is written */
  if (w->tmp)
    g_remove(w->tmp);
  for (guint i = 0; i < w->parts->len; i++)
    g_free(g_array_index(w->parts, part, i).widths);
  g_array_unref(w->parts);
  g_ptr_array_unref(w->files);
  k2x_sheets_free(w->sheets);
  g_free(w->where);
  g_free(w->tmp);
  g_free(w->path);
  g_free(w);
}

k2x_xlsx_writer *k2x_xlsx_writer_open(const char *path, const k2x_profile *profile,
                                      const k2x_xlsx_options *options, GError **error) {
  k2x_xlsx_writer *w = g_new0(k2x_xlsx_writer, 1);
  w->path = g_strdup(path);
  w->parts = g_array_new(FALSE, TRUE, sizeof(part));
  w->files = g_ptr_array_new_with_free_func(g_free);
  w->sheets = k2x_sheets_new(profile, options ? options->sheet_rows : 0);
  w->tmp = k2x_writer_temp_path(path, error);
  if (!w->tmp) {
    k2x_xlsx_writer_abort(w);
    return NULL;
  }
  /* Constant memory: each sheet's rows go to a temporary file as they are written, so that
   * memory holds one row whatever the document's length. The price: rows in order (so headers
   * first, widths and filters at the end, a continuing sheet after the others) and inline
   * strings, which repeat the file name, prefecture and area on every row instead of sharing
   * them, for a bigger file. */
  /* The spool goes to tmpfile(): named files next to the output cost a directory entry each,
   * and were measured four times slower to open and remove on a disk mounted with discard. */
  lxw_workbook_options lxw_options = {.constant_memory = LXW_TRUE};
  w->wb = workbook_new_opt(w->tmp, &lxw_options);
  if (!w->wb)
    book_fail(w, LXW_ERROR_MEMORY_MALLOC_FAILED, "new workbook");
  else
    book_add_formats(w);
  write_batch(w); /* the sheets and the headers known from the start */
  if (w->err) {
    failed(w, error);
    k2x_xlsx_writer_abort(w);
    return NULL;
  }
  return w;
}

k2x_error k2x_xlsx_writer_add_report(k2x_xlsx_writer *w, const k2x_doc *doc,
                                     const k2x_report *report, GError **error) {
  if (!w->err) {
    k2x_sheets_add_report(w->sheets, doc, report);
    write_batch(w);
  }
  return w->err ? failed(w, error) : K2X_OK;
}

k2x_error k2x_xlsx_writer_end_doc(k2x_xlsx_writer *w, const k2x_doc *doc, GError **error) {
  if (!w->err) {
    k2x_sheets_end_doc(w->sheets, doc);
    write_batch(w);
    char *file = NULL;
    if (doc->file)
      k2x_xlsx_text_fit(doc->file, &file, NULL);
    g_ptr_array_add(w->files, file ? file : g_strdup(doc->file ? doc->file : ""));
  }
  return w->err ? failed(w, error) : K2X_OK;
}

k2x_error k2x_xlsx_writer_close(k2x_xlsx_writer *w, GError **error) {
  if (!w->err) {
    k2x_sheets_finish(w->sheets);
    write_batch(w);
  }
  for (guint i = 0; i < w->parts->len && !w->err; i++)
    finish_part(w, k2x_sheets_sheet(w->sheets, i), &g_array_index(w->parts, part, i));
  /* libxlsxwriter does not check its writes to a sheet's spool: a full disk would give a
   * workbook cut short without an error. */
  for (guint i = 0; i < w->parts->len && !w->err; i++) {
    FILE *spool = g_array_index(w->parts, part, i).ws->optimize_tmpfile;
    if (spool && (fflush(spool) != 0 || ferror(spool)))
      book_fail(w, LXW_ERROR_CREATING_TMPFILE, "sheet %s (%s)",
                k2x_sheets_sheet(w->sheets, i)->name, g_strerror(errno ? errno : EIO));
  }
  if (!w->err)
    book_set_properties(w);
  if (!w->err) {
    errno = 0;
    w->err = workbook_close(w->wb);
    int saved = errno;
    w->wb = NULL; /* closed and freed, written or not */
    /* libxlsxwriter names only its own error; the system's says why (a full disk). */
    if (w->err && saved)
      w->where = g_strdup_printf("closing the workbook (%s)", g_strerror(saved));
    else if (w->err)
      w->where = g_strdup("closing the workbook");
  }
  if (w->err) {
    k2x_error err = failed(w, error);
    k2x_xlsx_writer_abort(w);
    return err;
  }
  if (!k2x_writer_temp_rename(w->tmp, w->path, error)) {
    k2x_xlsx_writer_abort(w);
    return K2X_ERR_WRITE;
  }
  g_clear_pointer(&w->tmp, g_free); /* renamed: nothing to remove */
  k2x_xlsx_writer_abort(w);
  return K2X_OK;
}

k2x_error k2x_write_xlsx(const k2x_doc *const *docs, guint n_docs, const k2x_profile *profile,
                         const char *path, GError **error) {
  return k2x_write_xlsx_opt(docs, n_docs, profile, path, NULL, error);
}

k2x_error k2x_write_xlsx_opt(const k2x_doc *const *docs, guint n_docs,
                             const k2x_profile *profile, const char *path,
                             const k2x_xlsx_options *options, GError **error) {
  k2x_xlsx_writer *w = k2x_xlsx_writer_open(path, profile, options, error);
  if (!w)
    return K2X_ERR_WRITE;
  for (guint d = 0; d < n_docs; d++) {
    for (guint i = 0; i < docs[d]->reports->len; i++)
      if (k2x_xlsx_writer_add_report(w, docs[d], g_ptr_array_index(docs[d]->reports, i), error))
        goto fail;
    if (k2x_xlsx_writer_end_doc(w, docs[d], error))
      goto fail;
  }
  return k2x_xlsx_writer_close(w, error);
fail:
  k2x_xlsx_writer_abort(w);
  return K2X_ERR_WRITE;
}
