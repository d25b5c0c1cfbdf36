/* write_xlsx: the document model as one workbook for ministry staff, one sheet per view. */
#include "writer.h"

#include <errno.h>
#include <stdarg.h>
#include <string.h>

#include <glib/gstdio.h>
#include <xlsxwriter.h>

#include "text.h"
#include "xlsx_limits.h"

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

/* What fitting a text into its cell changed, written as a row of the 警告 sheet. It concerns
 * the workbook alone: the model, and so the JSON, keep the text whole. */
typedef struct {
  int page;
  const char *code; /* "cell_truncated" or "control_removed" */
  char *message;
} notice;

/* One workbook being written. The first error is kept and every later write is skipped. */
typedef struct {
  lxw_workbook *wb;
  lxw_format *header;
  lxw_format *body;
  const k2x_doc *const *docs;
  guint n_docs;
  const k2x_profile *profile;
  lxw_row_t sheet_rows; /* rows a sheet holds, header included */
  GPtrArray *names;     /* char*: sheet names taken, fixed ones first */
  GPtrArray *sheets;    /* const char* (in names): the sheet of each profile section */
  GHashTable *columns;  /* section number → GPtrArray of char*: a table section's columns */
  GHashTable *fitted;   /* text of the model → char*: that text as a cell holds it */
  GHashTable *notices;  /* doc or report → GPtrArray of notice*: what fitting changed */
  lxw_error err;
  char *where; /* what failed, e.g. "sheet 成果, cell F12" */
} book;

/* One worksheet being filled row by row; past the book's sheet_rows it continues on a sheet
 * "NAME (2)" with the same header. */
typedef struct {
  book *bk;
  lxw_worksheet *ws;
  const char *base; /* the name of the first sheet */
  const char *name; /* the sheet being filled */
  const char *const *headers;
  guint n_headers;
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

/* The page a table cell starts on: a cell can sit on a later page than its row's first
 * line. */
static int cell_page(const k2x_row *row, const k2x_cell *cell) {
  return cell->spans->len > 0 ? g_array_index(cell->spans, k2x_span, 0).page : row->page_first;
}

static void notice_free(gpointer p) {
  notice *n = p;
  g_free(n->message);
  g_free(n);
}

/* What fitting changed on owner (a doc or a report). */
static const GPtrArray *book_notices(const book *bk, gconstpointer owner) {
  return g_hash_table_lookup(bk->notices, owner);
}

static guint book_notice_count(const book *bk, gconstpointer owner) {
  const GPtrArray *notices = book_notices(bk, owner);
  return notices ? notices->len : 0;
}

static void book_notice(book *bk, gconstpointer owner, int page, const char *code,
                        char *message) {
  GPtrArray *notices = g_hash_table_lookup(bk->notices, owner);
  if (!notices) {
    notices = g_ptr_array_new_with_free_func(notice_free);
    g_hash_table_insert(bk->notices, (gpointer)owner, notices);
  }
  notice *n = g_new0(notice, 1);
  n->page = page;
  n->code = code;
  n->message = message;
  g_ptr_array_add(notices, n);
}

/* Fits one text of the model into a cell, once however many sheets show it, and notes each
 * change on owner (a doc or a report) with what names the text for staff. */
static void book_fit(book *bk, gconstpointer owner, int page, const char *text,
                     const char *what, ...) G_GNUC_PRINTF(5, 6);

static void book_fit(book *bk, gconstpointer owner, int page, const char *text,
                     const char *what, ...) {
  if (!text || g_hash_table_contains(bk->fitted, text))
    return;
  char *fitted = NULL;
  guint removed = 0;
  k2x_xlsx_fit fit = k2x_xlsx_text_fit(text, &fitted, &removed);
  if (!fitted)
    return;
  g_hash_table_insert(bk->fitted, (gpointer)text, fitted);
  if (fit == K2X_XLSX_FIT_NONE)
    return;
  va_list ap;
  va_start(ap, what);
  g_autofree char *named = g_strdup_vprintf(what, ap);
  va_end(ap);
  if (fit & K2X_XLSX_FIT_CONTROL)
    book_notice(bk, owner, page, "control_removed",
                g_strdup_printf("%s: XML で使えない制御文字 %u 個をセルから除きました"
                                "（JSON には残っています）",
                                named, removed));
  if (fit & K2X_XLSX_FIT_CUT)
    book_notice(bk, owner, page, "cell_truncated",
                g_strdup_printf("%s: %zu 文字あり、Excel のセルの上限 %d 文字を超えるため、"
                                "末尾を「%s」としました（JSON には全文があります）",
                                named, k2x_xlsx_units(text), K2X_XLSX_CELL_MAX,
                                K2X_XLSX_CUT_MARKER));
}

/* A text of the model as its cells hold it. */
static const char *book_text(const book *bk, const char *text) {
  const char *fitted = text ? g_hash_table_lookup(bk->fitted, text) : NULL;
  return fitted ? fitted : text;
}

static void book_fit_warnings(book *bk, gconstpointer owner, const GPtrArray *warnings) {
  for (guint i = 0; i < warnings->len; i++) {
    const k2x_warning *w = g_ptr_array_index(warnings, i);
    book_fit(bk, owner, w->page, w->code, "警告%u のコード", i + 1);
    book_fit(bk, owner, w->page, w->message, "警告%u (%s) の内容", i + 1, w->code);
  }
}

static void book_fit_section(book *bk, const k2x_report *r, const k2x_section *s) {
  book_fit(bk, r, s->page, s->heading, "節%d の見出し", s->number);
  for (guint c = 0; c < s->header->len; c++)
    book_fit(bk, r, s->page, g_ptr_array_index(s->header, c), "節%d 表の見出し 列%u",
             s->number, c + 1);
  for (guint i = 0; i < s->rows->len; i++) {
    const k2x_row *row = g_ptr_array_index(s->rows, i);
    for (guint c = 0; c < row->cells->len; c++) {
      const k2x_cell *cell = g_ptr_array_index(row->cells, c);
      book_fit(bk, r, cell_page(row, cell), cell->text, "節%d 行%u 列%u", s->number, i + 1,
               c + 1);
    }
  }
  for (guint i = 0; i < s->items->len; i++) {
    const k2x_item *it = g_ptr_array_index(s->items, i);
    book_fit(bk, r, it->page, it->text, "節%d 項目%u", s->number, i + 1);
  }
}

/* Fits every text of the docs before any sheet is written, so that the report sheet can
 * count the warnings the 警告 sheet will hold. */
static void book_fit_all(book *bk) {
  for (guint d = 0; d < bk->n_docs; d++) {
    const k2x_doc *doc = bk->docs[d];
    book_fit(bk, doc, 0, doc->file, "ファイル名");
    book_fit_warnings(bk, doc, doc->warnings);
    for (guint i = 0; i < doc->reports->len; i++) {
      const k2x_report *r = g_ptr_array_index(doc->reports, i);
      book_fit(bk, r, r->label_span.page, r->label, "地域ラベル");
      book_fit(bk, r, r->page_first, r->region.prefecture, "都道府県");
      book_fit(bk, r, r->page_first, r->region.area, "圏域等");
      for (guint s = 0; s < r->sections->len; s++)
        book_fit_section(bk, r, g_ptr_array_index(r->sections, s));
      book_fit_warnings(bk, r, r->warnings);
    }
  }
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

static void sheet_next_row(sheet *sh) {
  sh->row++;
  sh->col = 0;
}

/* Adds a worksheet named name (lent) and writes the header row. */
static void sheet_add(sheet *sh, const char *name) {
  book *bk = sh->bk;
  const char *const *headers = sh->headers;
  guint n = sh->n_headers;
  sh->name = name;
  sh->ws = NULL;
  sh->row = 0;
  sh->col = 0;
  g_array_set_size(sh->widths, 0);
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

/* Starts the sheet name (lent) with headers (lent until sheet_end). */
static void sheet_begin(sheet *sh, book *bk, const char *name, const char *const *headers,
                        guint n) {
  *sh = (sheet){.bk = bk, .base = name, .headers = headers, .n_headers = n};
  sh->widths = g_array_sized_new(FALSE, TRUE, sizeof(gsize), n);
  sheet_add(sh, name);
}

/* Sets widths, the filter over the used range and the frozen header. */
static void sheet_close(sheet *sh) {
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
}

/* Closes the sheet and frees what filling it took. */
static void sheet_end(sheet *sh) {
  sheet_close(sh);
  g_array_unref(sh->widths);
}

/* The column the next value goes in. A row the sheet has no room for opens the next sheet. */
static lxw_col_t sheet_next_col(sheet *sh) {
  if (sh->col == 0 && sh->row >= sh->bk->sheet_rows) {
    sheet_close(sh);
    sheet_add(sh, k2x_xlsx_sheet_name_take(sh->bk->names, sh->base));
  }
  return sh->col++;
}

/* A text of the model (or of the writer), as book_fit made it fit. */
static void sheet_text(sheet *sh, const char *text) {
  book *bk = sh->bk;
  lxw_col_t col = sheet_next_col(sh);
  text = book_text(bk, text);
  if (bk->err || !text || !*text)
    return;
  sheet_note_width(sh, col, text);
  lxw_error err = worksheet_write_string(sh->ws, sh->row, col, text, bk->body);
  if (err)
    sheet_fail(sh, col, err);
}

static void sheet_number(sheet *sh, double value) {
  book *bk = sh->bk;
  lxw_col_t col = sheet_next_col(sh);
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
    sheet_next_col(sh);
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
      sheet_number(&sh, r->warnings->len + book_notice_count(bk, r));
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
    const char *name =
        printed && i < printed->len ? book_text(bk, g_ptr_array_index(printed, i)) : NULL;
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
        sheet_report_keys(&sh, w.doc, w.report);
        write_all_row(&sh, s, i + 1, cell_column(bk, s, c, buf, sizeof buf), cell->text,
                      cell_page(row, cell));
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
                              int page, const char *code, const char *message) {
  sheet_text(sh, doc->file);
  if (report)
    sheet_number(sh, report->index);
  else
    sheet_next_col(sh);
  sheet_page(sh, page);
  sheet_text(sh, code);
  sheet_text(sh, message);
  sheet_next_row(sh);
}

/* The warnings of the model about owner (doc or report), then what fitting changed in it. */
static void write_warnings_of(sheet *sh, const k2x_doc *doc, const k2x_report *report,
                              const GPtrArray *warnings) {
  for (guint i = 0; i < warnings->len; i++) {
    const k2x_warning *w = g_ptr_array_index(warnings, i);
    write_warning_row(sh, doc, report, w->page, w->code, w->message);
  }
  gconstpointer owner = report ? (gconstpointer)report : (gconstpointer)doc;
  const GPtrArray *notices = book_notices(sh->bk, owner);
  for (guint i = 0; notices && i < notices->len; i++) {
    const notice *n = g_ptr_array_index(notices, i);
    write_warning_row(sh, doc, report, n->page, n->code, n->message);
  }
}

static void write_warnings(book *bk) {
  static const char *const headers[] = {"ファイル", "報告No", "頁", "コード", "内容"};
  sheet sh;
  sheet_begin(&sh, bk, SHEET_WARNINGS, headers, G_N_ELEMENTS(headers));
  for (guint d = 0; d < bk->n_docs; d++) {
    const k2x_doc *doc = bk->docs[d];
    write_warnings_of(&sh, doc, NULL, doc->warnings);
    for (guint r = 0; r < doc->reports->len; r++) {
      const k2x_report *report = g_ptr_array_index(doc->reports, r);
      write_warnings_of(&sh, doc, report, report->warnings);
    }
  }
  sheet_end(&sh);
}

/* Names every sheet before any is added, so that the fixed sheets keep their names whatever
 * the profile calls its sections. */
static void book_plan(book *bk) {
  k2x_xlsx_sheet_name_take(bk->names, SHEET_REPORTS);
  k2x_xlsx_sheet_name_take(bk->names, SHEET_ALL);
  k2x_xlsx_sheet_name_take(bk->names, SHEET_WARNINGS);
  for (guint i = 0; i < bk->profile->sections->len; i++) {
    const k2x_profile_section *ps = g_ptr_array_index(bk->profile->sections, i);
    g_autofree char *clean = k2x_xlsx_sheet_name_clean(ps->sheet ? ps->sheet : "");
    if (!*clean) {
      g_free(clean);
      clean = g_strdup_printf("section%d", ps->number);
    }
    g_ptr_array_add(bk->sheets, (gpointer)k2x_xlsx_sheet_name_take(bk->names, clean));
    if (ps->is_table)
      g_hash_table_insert(bk->columns, GINT_TO_POINTER(ps->number), table_columns(bk, ps));
  }
}

static void book_set_properties(book *bk) {
  g_autoptr(GString) subject = g_string_new(NULL);
  for (guint d = 0; d < bk->n_docs; d++) {
    const char *file = bk->docs[d]->file ? book_text(bk, bk->docs[d]->file) : "";
    g_string_append_printf(subject, "%s%s", d > 0 ? ", " : "", file);
  }
  const char *first = bk->n_docs > 0 && bk->docs[0]->file ? book_text(bk, bk->docs[0]->file) : "";
  g_autofree char *title = NULL;
  if (bk->n_docs == 0)
    title = g_strdup("kaigi2xlsx");
  else if (bk->n_docs == 1)
    title = g_strdup_printf("kaigi2xlsx: %s", first);
  else
    title = g_strdup_printf("kaigi2xlsx: %s ほか %u 件", first, bk->n_docs - 1);
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
  book_fit_all(bk);
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
  guint32 rows = options ? options->sheet_rows : 0;
  book bk = {
      .wb = workbook_new_opt(tmp, &lxw_options),
      .docs = docs,
      .n_docs = n_docs,
      .profile = profile,
      .sheet_rows = rows >= 2 && rows <= K2X_XLSX_ROWS_MAX ? rows : K2X_XLSX_ROWS_MAX,
      .names = g_ptr_array_new_with_free_func(g_free),
      .sheets = g_ptr_array_new(),
      .columns = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL,
                                       (GDestroyNotify)g_ptr_array_unref),
      .fitted = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, g_free),
      .notices = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL,
                                       (GDestroyNotify)g_ptr_array_unref),
  };
  if (!bk.wb)
    book_fail(&bk, LXW_ERROR_MEMORY_MALLOC_FAILED, "new workbook");
  else
    book_write(&bk);
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
  g_ptr_array_unref(bk.sheets);
  g_ptr_array_unref(bk.names);
  g_hash_table_unref(bk.columns);
  g_hash_table_unref(bk.fitted);
  g_hash_table_unref(bk.notices);

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
