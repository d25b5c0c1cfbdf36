/* write_xlsx: the document model as one workbook for ministry staff, one sheet per view. */
#include "writer.h"

#include <errno.h>
#include <stdarg.h>
#include <string.h>

#include <glib/gstdio.h>
#include <xlsxwriter.h>

#include "text.h"

/* Excel counts its limits in UTF-16 code units and libxlsxwriter in characters; staying
 * within the units satisfies both. */
#define CELL_UNITS_MAX 32767
#define SHEET_NAME_UNITS_MAX LXW_SHEETNAME_MAX

/* Column widths in characters: the widest line plus a margin, never so narrow that the
 * filter button hides a short header, never so wide that a paragraph runs off screen. */
#define WIDTH_PAD 2
#define WIDTH_MIN 6
#define WIDTH_MAX 60

#define HEADER_FILL 0xDDEBF7

#define SHEET_REPORTS "報告一覧"
#define SHEET_ALL "全項目"
#define SHEET_WARNINGS "警告"
#define COLUMN_BODY "本文"

/* Every sheet about reports starts with these, so that rows can be filtered and joined. */
#define KEY_COLUMNS "ファイル", "報告No", "都道府県", "圏域等"

/* One workbook being written. The first error is kept and every later write is skipped. */
typedef struct {
  lxw_workbook *wb;
  lxw_format *header;
  lxw_format *body;
  const k2x_doc *const *docs;
  guint n_docs;
  const k2x_profile *profile;
  GPtrArray *names;    /* char*: sheet names taken, fixed ones first */
  GPtrArray *sheets;   /* const char* (in names): the sheet of each profile section */
  GHashTable *columns; /* section number → GPtrArray of char*: a table section's columns */
  lxw_error err;
  char *where; /* what failed, e.g. "sheet 成果, cell F12" */
} book;

/* One worksheet being filled row by row. */
typedef struct {
  book *bk;
  lxw_worksheet *ws;
  const char *name;
  GArray *widths; /* gsize per column: widest display width so far */
  lxw_row_t row;  /* row being written; rows end with sheet_next_row */
  lxw_col_t col;  /* next column of that row */
} sheet;

/* Walks every section of every report of every doc, in document order. */
typedef struct {
  const book *bk;
  guint d, r, s;
  const k2x_doc *doc;
  const k2x_report *report;
} walk;

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

static const k2x_section *walk_next(walk *w) {
  for (; w->d < w->bk->n_docs; w->d++, w->r = 0) {
    w->doc = w->bk->docs[w->d];
    for (; w->r < w->doc->reports->len; w->r++, w->s = 0) {
      w->report = g_ptr_array_index(w->doc->reports, w->r);
      if (w->s < w->report->sections->len)
        return g_ptr_array_index(w->report->sections, w->s++);
    }
  }
  return NULL;
}

/* Bytes of the longest prefix of text within max_units UTF-16 code units, cut between
 * characters. */
static gsize prefix_within(const char *text, gsize max_units) {
  gsize units = 0;
  const char *p = text;
  while (*p) {
    gsize u = g_utf8_get_char(p) > 0xFFFF ? 2 : 1;
    if (units + u > max_units)
      break;
    units += u;
    p = g_utf8_next_char(p);
  }
  return (gsize)(p - text);
}

static void sheet_fail(sheet *sh, lxw_col_t col, lxw_error err) {
  char cell[LXW_MAX_CELL_NAME_LENGTH];
  lxw_rowcol_to_cell(cell, sh->row, col);
  book_fail(sh->bk, err, "sheet %s, cell %s", sh->name, cell);
}

/* Widens col to the widest line of text. */
static void sheet_note_width(sheet *sh, lxw_col_t col, const char *text) {
  if (col >= sh->widths->len)
    g_array_set_size(sh->widths, col + 1);
  gsize *widest = &g_array_index(sh->widths, gsize, col);
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

static void sheet_text(sheet *sh, const char *text) {
  book *bk = sh->bk;
  lxw_col_t col = sh->col++;
  if (bk->err || !text || !*text)
    return;
  g_autofree char *valid = NULL;
  g_autofree char *cut = NULL;
  /* The model promises UTF-8, but one bad byte would make Excel refuse the whole file. */
  if (!g_utf8_validate(text, -1, NULL))
    text = valid = g_utf8_make_valid(text, -1);
  /* Excel refuses longer cells, so the cell keeps what fits; the JSON keeps it all. Bytes
   * never undercount units, so most text skips the scan. */
  if (strlen(text) > CELL_UNITS_MAX) {
    gsize keep = prefix_within(text, CELL_UNITS_MAX);
    if (text[keep])
      text = cut = g_strndup(text, keep);
  }
  sheet_note_width(sh, col, text);
  lxw_error err = worksheet_write_string(sh->ws, sh->row, col, text, bk->body);
  if (err)
    sheet_fail(sh, col, err);
}

static void sheet_number(sheet *sh, double value) {
  book *bk = sh->bk;
  lxw_col_t col = sh->col++;
  if (bk->err)
    return;
  char shown[G_ASCII_DTOSTR_BUF_SIZE];
  g_ascii_formatd(shown, sizeof shown, "%.15g", value);
  sheet_note_width(sh, col, shown);
  lxw_error err = worksheet_write_number(sh->ws, sh->row, col, value, bk->body);
  if (err)
    sheet_fail(sh, col, err);
}

/* A page number; 0 means none and leaves the cell blank. */
static void sheet_page(sheet *sh, int page) {
  if (page > 0)
    sheet_number(sh, page);
  else
    sh->col++;
}

static void sheet_next_row(sheet *sh) {
  sh->row++;
  sh->col = 0;
}

/* Adds the worksheet and writes its header row. */
static void sheet_begin(sheet *sh, book *bk, const char *name, const char *const *headers,
                        guint n) {
  *sh = (sheet){.bk = bk, .name = name};
  sh->widths = g_array_sized_new(FALSE, TRUE, sizeof(gsize), n);
  g_array_set_size(sh->widths, n);
  if (bk->err)
    return;
  /* Called first for its error code: workbook_add_worksheet only returns NULL. */
  lxw_error err = workbook_validate_sheet_name(bk->wb, name);
  if (!err) {
    sh->ws = workbook_add_worksheet(bk->wb, name);
    if (!sh->ws)
      err = LXW_ERROR_MEMORY_MALLOC_FAILED;
  }
  if (err) {
    book_fail(bk, err, "sheet %s", name);
    return;
  }
  for (guint c = 0; c < n && !bk->err; c++) {
    sheet_note_width(sh, c, headers[c]);
    err = worksheet_write_string(sh->ws, 0, c, headers[c], bk->header);
    if (err)
      sheet_fail(sh, c, err);
  }
  sh->row = 1;
}

/* Sets widths, the filter over the used range and the frozen header; frees the sheet. */
static void sheet_end(sheet *sh) {
  book *bk = sh->bk;
  guint n = sh->widths->len;
  for (guint c = 0; c < n && !bk->err; c++) {
    gsize width = g_array_index(sh->widths, gsize, c) + WIDTH_PAD;
    width = CLAMP(width, WIDTH_MIN, WIDTH_MAX);
    lxw_error err = worksheet_set_column(sh->ws, c, c, (double)width, bk->body);
    if (err)
      book_fail(bk, err, "sheet %s, column %u", sh->name, c + 1);
  }
  if (!bk->err && n > 0) {
    /* With no data rows the filter covers the header alone, so the sheet looks the same. */
    lxw_error err = worksheet_autofilter(sh->ws, 0, 0, sh->row - 1, (lxw_col_t)(n - 1));
    if (err)
      book_fail(bk, err, "sheet %s, autofilter", sh->name);
    worksheet_freeze_panes(sh->ws, 1, 0);
  }
  g_array_unref(sh->widths);
}

static void sheet_report_keys(sheet *sh, const k2x_doc *doc, const k2x_report *report) {
  sheet_text(sh, doc->file);
  sheet_number(sh, report->index);
  sheet_text(sh, report->region.prefecture);
  sheet_text(sh, report->region.area);
}

static const char *region_source_label(k2x_region_source source) {
  switch (source) {
  case K2X_REGION_LABEL:
    return "ラベル";
  case K2X_REGION_BODY:
    return "本文から推定";
  case K2X_REGION_NONE:
  default:
    return "なし";
  }
}

static void write_reports(book *bk) {
  static const char *const headers[] = {KEY_COLUMNS, "地域ラベル", "地域の根拠", "開始頁",
                                        "終了頁",    "表の行数",   "項目数",     "警告数"};
  sheet sh;
  sheet_begin(&sh, bk, SHEET_REPORTS, headers, G_N_ELEMENTS(headers));
  for (guint d = 0; d < bk->n_docs; d++) {
    const k2x_doc *doc = bk->docs[d];
    for (guint i = 0; i < doc->reports->len; i++) {
      const k2x_report *r = g_ptr_array_index(doc->reports, i);
      sheet_report_keys(&sh, doc, r);
      sheet_text(&sh, r->label);
      sheet_text(&sh, region_source_label(r->region.source));
      sheet_page(&sh, r->page_first);
      sheet_page(&sh, r->page_last);
      sheet_number(&sh, k2x_report_row_count(r));
      sheet_number(&sh, k2x_report_item_count(r));
      sheet_number(&sh, r->warnings->len);
      sheet_next_row(&sh);
    }
  }
  sheet_end(&sh);
}

/* A table section's column names: the header printed on its first table in the docs, else
 * the profile's names; as many as the widest row needs. */
static GPtrArray *table_columns(const book *bk, const k2x_profile_section *ps) {
  const GPtrArray *printed = NULL;
  guint n = ps->column_names->len;
  walk w = {.bk = bk};
  for (const k2x_section *s; (s = walk_next(&w));) {
    if (s->number != ps->number)
      continue;
    if (!printed && s->header->len > 0)
      printed = s->header;
    for (guint i = 0; i < s->rows->len; i++)
      n = MAX(n, ((const k2x_row *)g_ptr_array_index(s->rows, i))->cells->len);
  }
  if (printed)
    n = MAX(n, printed->len);
  GPtrArray *columns = g_ptr_array_new_with_free_func(g_free);
  for (guint i = 0; i < n; i++) {
    const char *name = printed && i < printed->len ? g_ptr_array_index(printed, i) : NULL;
    if ((!name || !*name) && i < ps->column_names->len)
      name = g_ptr_array_index(ps->column_names, i);
    g_ptr_array_add(columns, name && *name ? g_strdup(name) : g_strdup_printf("欄%u", i + 1));
  }
  return columns;
}

static void write_table_sheet(book *bk, const k2x_profile_section *ps, const char *name) {
  const GPtrArray *columns = g_hash_table_lookup(bk->columns, GINT_TO_POINTER(ps->number));
  g_autoptr(GPtrArray) headers = g_ptr_array_new();
  static const char *const keys[] = {KEY_COLUMNS, "行No"};
  for (guint i = 0; i < G_N_ELEMENTS(keys); i++)
    g_ptr_array_add(headers, (gpointer)keys[i]);
  for (guint i = 0; i < columns->len; i++)
    g_ptr_array_add(headers, g_ptr_array_index(columns, i));
  g_ptr_array_add(headers, "頁");
  g_ptr_array_add(headers, "終了頁");

  sheet sh;
  sheet_begin(&sh, bk, name, (const char *const *)headers->pdata, headers->len);
  walk w = {.bk = bk};
  for (const k2x_section *s; (s = walk_next(&w));) {
    if (s->number != ps->number)
      continue;
    for (guint i = 0; i < s->rows->len; i++) {
      const k2x_row *row = g_ptr_array_index(s->rows, i);
      sheet_report_keys(&sh, w.doc, w.report);
      sheet_number(&sh, i + 1);
      for (guint c = 0; c < columns->len; c++)
        sheet_text(&sh, c < row->cells->len
                            ? ((const k2x_cell *)g_ptr_array_index(row->cells, c))->text
                            : NULL);
      sheet_page(&sh, row->page_first);
      sheet_page(&sh, row->page_last);
      sheet_next_row(&sh);
    }
  }
  sheet_end(&sh);
}

static void write_list_sheet(book *bk, const k2x_profile_section *ps, const char *name) {
  static const char *const headers[] = {KEY_COLUMNS, "項目No", "内容", "頁"};
  sheet sh;
  sheet_begin(&sh, bk, name, headers, G_N_ELEMENTS(headers));
  walk w = {.bk = bk};
  for (const k2x_section *s; (s = walk_next(&w));) {
    if (s->number != ps->number)
      continue;
    for (guint i = 0; i < s->items->len; i++) {
      const k2x_item *it = g_ptr_array_index(s->items, i);
      sheet_report_keys(&sh, w.doc, w.report);
      sheet_number(&sh, i + 1);
      sheet_text(&sh, it->text);
      sheet_page(&sh, it->page);
      sheet_next_row(&sh);
    }
  }
  sheet_end(&sh);
}

/* The 欄 of a table cell in the long form. Sections the profile makes tables share one set
 * of names, so that a filter on 欄 catches every report whatever year its header prints. */
static const char *cell_column(const book *bk, const k2x_section *s, guint c, char *buf,
                               gsize size) {
  const GPtrArray *columns = g_hash_table_lookup(bk->columns, GINT_TO_POINTER(s->number));
  if (columns && c < columns->len)
    return g_ptr_array_index(columns, c);
  if (c < s->header->len && *(const char *)g_ptr_array_index(s->header, c))
    return g_ptr_array_index(s->header, c);
  g_snprintf(buf, size, "欄%u", c + 1);
  return buf;
}

/* One row of the long form, after the report keys. */
static void write_all_row(sheet *sh, const k2x_section *s, guint number, const char *column,
                          const char *text, int page) {
  sheet_number(sh, s->number);
  sheet_text(sh, s->heading);
  sheet_number(sh, number);
  sheet_text(sh, column);
  sheet_text(sh, text);
  sheet_page(sh, page);
  sheet_next_row(sh);
}

static void write_all(book *bk) {
  static const char *const headers[] = {KEY_COLUMNS, "節No", "節見出し", "項目No",
                                        "欄",        "内容", "頁"};
  sheet sh;
  sheet_begin(&sh, bk, SHEET_ALL, headers, G_N_ELEMENTS(headers));
  /* Every section, the profile's or not, so that nothing read is missing from the book. */
  walk w = {.bk = bk};
  for (const k2x_section *s; (s = walk_next(&w));) {
    for (guint i = 0; i < s->rows->len; i++) {
      const k2x_row *row = g_ptr_array_index(s->rows, i);
      for (guint c = 0; c < row->cells->len; c++) {
        const k2x_cell *cell = g_ptr_array_index(row->cells, c);
        char buf[32];
        /* A cell can sit on a later page than its row's first line. */
        int page = cell->spans->len > 0 ? g_array_index(cell->spans, k2x_span, 0).page
                                        : row->page_first;
        sheet_report_keys(&sh, w.doc, w.report);
        write_all_row(&sh, s, i + 1, cell_column(bk, s, c, buf, sizeof buf), cell->text,
                      page);
      }
    }
    for (guint i = 0; i < s->items->len; i++) {
      const k2x_item *it = g_ptr_array_index(s->items, i);
      sheet_report_keys(&sh, w.doc, w.report);
      write_all_row(&sh, s, i + 1, COLUMN_BODY, it->text, it->page);
    }
  }
  sheet_end(&sh);
}

static void write_warning_row(sheet *sh, const k2x_doc *doc, const k2x_report *report,
                              const k2x_warning *warning) {
  sheet_text(sh, doc->file);
  if (report)
    sheet_number(sh, report->index);
  else
    sh->col++;
  sheet_page(sh, warning->page);
  sheet_text(sh, warning->code);
  sheet_text(sh, warning->message);
  sheet_next_row(sh);
}

static void write_warnings(book *bk) {
  static const char *const headers[] = {"ファイル", "報告No", "頁", "コード", "内容"};
  sheet sh;
  sheet_begin(&sh, bk, SHEET_WARNINGS, headers, G_N_ELEMENTS(headers));
  for (guint d = 0; d < bk->n_docs; d++) {
    const k2x_doc *doc = bk->docs[d];
    for (guint i = 0; i < doc->warnings->len; i++)
      write_warning_row(&sh, doc, NULL, g_ptr_array_index(doc->warnings, i));
    for (guint r = 0; r < doc->reports->len; r++) {
      const k2x_report *report = g_ptr_array_index(doc->reports, r);
      for (guint i = 0; i < report->warnings->len; i++)
        write_warning_row(&sh, doc, report, g_ptr_array_index(report->warnings, i));
    }
  }
  sheet_end(&sh);
}

/* A profile's sheet name made valid for Excel: no []:*?/\ or control characters, no
 * apostrophe at either end, at most 31 units. "" when nothing is left. */
static char *sheet_name_clean(const char *name) {
  GString *out = g_string_new(NULL);
  for (const char *p = name; *p; p = g_utf8_next_char(p)) {
    gunichar c = g_utf8_get_char(p);
    if ((c < 0x80 && strchr("[]:*?/\\", (int)c)) || g_unichar_iscntrl(c))
      g_string_append_c(out, '_');
    else
      g_string_append_unichar(out, c);
  }
  g_string_truncate(out, prefix_within(out->str, SHEET_NAME_UNITS_MAX));
  if (out->len > 0 && out->str[0] == '\'')
    out->str[0] = '_';
  if (out->len > 0 && out->str[out->len - 1] == '\'')
    out->str[out->len - 1] = '_';
  return g_string_free(out, FALSE);
}

/* Excel compares sheet names without case; casefold covers more than libxlsxwriter's ASCII
 * comparison. */
static gboolean sheet_name_taken(const GPtrArray *names, const char *name) {
  g_autofree char *folded = g_utf8_casefold(name, -1);
  for (guint i = 0; i < names->len; i++) {
    g_autofree char *other = g_utf8_casefold(g_ptr_array_index(names, i), -1);
    if (strcmp(folded, other) == 0)
      return TRUE;
  }
  return FALSE;
}

/* Takes clean, or clean_2, clean_3 ... cut to fit, whichever is free. Returns it (lent). */
static const char *sheet_name_take(GPtrArray *names, const char *clean) {
  char *name = g_strdup(clean);
  for (guint n = 2; sheet_name_taken(names, name); n++) {
    char suffix[16];
    g_snprintf(suffix, sizeof suffix, "_%u", n);
    gsize keep = prefix_within(clean, SHEET_NAME_UNITS_MAX - strlen(suffix));
    g_free(name);
    name = g_strdup_printf("%.*s%s", (int)keep, clean, suffix);
  }
  g_ptr_array_add(names, name);
  return name;
}

/* Names every sheet before any is added, so that the fixed sheets keep their names whatever
 * the profile calls its sections. */
static void book_plan(book *bk) {
  g_ptr_array_add(bk->names, g_strdup(SHEET_REPORTS));
  g_ptr_array_add(bk->names, g_strdup(SHEET_ALL));
  g_ptr_array_add(bk->names, g_strdup(SHEET_WARNINGS));
  for (guint i = 0; i < bk->profile->sections->len; i++) {
    const k2x_profile_section *ps = g_ptr_array_index(bk->profile->sections, i);
    g_autofree char *clean = sheet_name_clean(ps->sheet ? ps->sheet : "");
    if (!*clean) {
      g_free(clean);
      clean = g_strdup_printf("section%d", ps->number);
    }
    g_ptr_array_add(bk->sheets, (gpointer)sheet_name_take(bk->names, clean));
    if (ps->is_table)
      g_hash_table_insert(bk->columns, GINT_TO_POINTER(ps->number), table_columns(bk, ps));
  }
}

static void book_set_properties(book *bk) {
  g_autoptr(GString) subject = g_string_new(NULL);
  for (guint d = 0; d < bk->n_docs; d++) {
    const char *file = bk->docs[d]->file ? bk->docs[d]->file : "";
    g_string_append_printf(subject, "%s%s", d > 0 ? ", " : "", file);
  }
  g_autofree char *title = NULL;
  if (bk->n_docs == 0)
    title = g_strdup("kaigi2xlsx");
  else if (bk->n_docs == 1)
    title = g_strdup_printf("kaigi2xlsx: %s", bk->docs[0]->file ? bk->docs[0]->file : "");
  else
    title = g_strdup_printf("kaigi2xlsx: %s ほか %u 件",
                            bk->docs[0]->file ? bk->docs[0]->file : "", bk->n_docs - 1);
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

static void book_write(book *bk) {
  book_add_formats(bk);
  book_plan(bk);
  book_set_properties(bk);
  write_reports(bk);
  for (guint i = 0; i < bk->profile->sections->len; i++) {
    const k2x_profile_section *ps = g_ptr_array_index(bk->profile->sections, i);
    const char *name = g_ptr_array_index(bk->sheets, i);
    if (ps->is_table)
      write_table_sheet(bk, ps, name);
    else
      write_list_sheet(bk, ps, name);
  }
  write_all(bk);
  write_warnings(bk);
}

k2x_error k2x_write_xlsx(const k2x_doc *const *docs, guint n_docs, const k2x_profile *profile,
                         const char *path, GError **error) {
  g_autofree char *tmp = k2x_writer_temp_path(path, error);
  if (!tmp)
    return K2X_ERR_WRITE;
  /* Not constant-memory: its inline strings would repeat the file name, prefecture and area
   * on every row instead of sharing them. */
  lxw_workbook_options options = {.constant_memory = LXW_FALSE};
  book bk = {
      .wb = workbook_new_opt(tmp, &options),
      .docs = docs,
      .n_docs = n_docs,
      .profile = profile,
      .names = g_ptr_array_new_with_free_func(g_free),
      .sheets = g_ptr_array_new(),
      .columns = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL,
                                       (GDestroyNotify)g_ptr_array_unref),
  };
  if (!bk.wb)
    book_fail(&bk, LXW_ERROR_MEMORY_MALLOC_FAILED, "new workbook");
  else
    book_write(&bk);
  if (!bk.err) {
    bk.err = workbook_close(bk.wb);
    if (bk.err)
      bk.where = g_strdup("closing the workbook");
  } else if (bk.wb) {
    lxw_workbook_free(bk.wb); /* not closed, so nothing is written */
  }
  g_ptr_array_unref(bk.sheets);
  g_ptr_array_unref(bk.names);
  g_hash_table_unref(bk.columns);

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
