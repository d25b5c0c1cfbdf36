/* sheets: the spreadsheet views of the docs, one table of values per sheet. */
#include "sheets.h"

#include <stdarg.h>
#include <string.h>

#include "xlsx_limits.h"

#define SHEET_REPORTS "報告一覧"
#define SHEET_ALL "全項目"
#define SHEET_WARNINGS "警告"
#define COLUMN_BODY "本文"

/* Every sheet about reports starts with these, so that rows can be filtered and joined. */
#define KEY_COLUMNS "ファイル", "報告No", "都道府県", "圏域等"

/* What fitting a text into its cell changed, written as a row of the 警告 sheet. It concerns
 * the spreadsheet alone: the model, and so the JSON, keep the text whole. */
typedef struct {
  int page;
  const char *code; /* "cell_truncated" or "control_removed" */
  char *message;
} notice;

struct k2x_book {
  const k2x_doc *const *docs;
  guint n_docs;
  const k2x_profile *profile;
  guint32 sheet_rows;    /* rows a sheet holds, header included */
  GPtrArray *sheets;     /* k2x_sheet*, in workbook order */
  GPtrArray *names;      /* char*: sheet names taken, fixed ones first */
  GPtrArray *planned;    /* const char* (in names): the sheet of each profile section */
  GHashTable *columns;   /* section number → GPtrArray of char*: a table section's columns */
  GHashTable *fitted;    /* text of the model → char*: that text as a cell holds it */
  GHashTable *notices;   /* doc or report → GPtrArray of notice*: what fitting changed */
  GStringChunk *strings; /* names the book makes up ("欄3") */
};

/* One sheet being filled row by row; past the book's sheet_rows it continues on a sheet
 * "NAME (2)" with the same header. */
typedef struct {
  k2x_book *bk;
  k2x_sheet *sheet; /* the part being filled */
  guint col;        /* next column of the row being filled; 0 when no row is open */
} filler;

/* Walks every section of every report of every doc, in document order. */
typedef struct {
  const k2x_book *bk;
  guint d, r, s;
  const k2x_doc *doc;
  const k2x_report *report;
} walk;

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
static const GPtrArray *book_notices(const k2x_book *bk, gconstpointer owner) {
  return g_hash_table_lookup(bk->notices, owner);
}

static guint book_notice_count(const k2x_book *bk, gconstpointer owner) {
  const GPtrArray *notices = book_notices(bk, owner);
  return notices ? notices->len : 0;
}

static void book_notice(k2x_book *bk, gconstpointer owner, int page, const char *code,
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
static void book_fit(k2x_book *bk, gconstpointer owner, int page, const char *text,
                     const char *what, ...) G_GNUC_PRINTF(5, 6);

static void book_fit(k2x_book *bk, gconstpointer owner, int page, const char *text,
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

const char *k2x_book_text(const k2x_book *book, const char *text) {
  const char *fitted = text ? g_hash_table_lookup(book->fitted, text) : NULL;
  return fitted ? fitted : text;
}

static void book_fit_warnings(k2x_book *bk, gconstpointer owner, const GPtrArray *warnings) {
  for (guint i = 0; i < warnings->len; i++) {
    const k2x_warning *w = g_ptr_array_index(warnings, i);
    book_fit(bk, owner, w->page, w->code, "警告%u のコード", i + 1);
    book_fit(bk, owner, w->page, w->message, "警告%u (%s) の内容", i + 1, w->code);
  }
}

static void book_fit_section(k2x_book *bk, const k2x_report *r, const k2x_section *s) {
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

/* Fits every text of the docs before any sheet is filled, so that the report sheet can
 * count the warnings the 警告 sheet will hold. */
static void book_fit_all(k2x_book *bk) {
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

static void sheet_free(gpointer p) {
  k2x_sheet *sh = p;
  g_ptr_array_unref(sh->header);
  g_array_unref(sh->values);
  g_free(sh);
}

/* Adds a sheet named name (lent by the book) with header (referenced). */
static k2x_sheet *book_add_sheet(k2x_book *bk, const char *name, const char *base,
                                 GPtrArray *header) {
  k2x_sheet *sh = g_new0(k2x_sheet, 1);
  sh->name = name;
  sh->base = base;
  sh->header = g_ptr_array_ref(header);
  sh->values = g_array_new(FALSE, TRUE, sizeof(k2x_value));
  g_ptr_array_add(bk->sheets, sh);
  return sh;
}

/* Starts the sheet name (lent) with headers (n of them, lent by the book or static). */
static void filler_begin(filler *f, k2x_book *bk, const char *name, const char *const *headers,
                         guint n) {
  g_autoptr(GPtrArray) header = g_ptr_array_sized_new(n);
  for (guint i = 0; i < n; i++)
    g_ptr_array_add(header, (gpointer)headers[i]);
  *f = (filler){.bk = bk, .sheet = book_add_sheet(bk, name, name, header)};
}

/* Appends v to the row being filled. A row the sheet has no room for opens the next sheet. */
static void filler_add(filler *f, k2x_value v) {
  k2x_sheet *sh = f->sheet;
  if (f->col == 0) {
    if (sh->n_rows + 1 >= f->bk->sheet_rows)
      f->sheet = sh = book_add_sheet(f->bk, k2x_xlsx_sheet_name_take(f->bk->names, sh->base),
                                     sh->base, sh->header);
    sh->n_rows++;
  }
  g_assert(f->col < sh->header->len);
  g_array_append_val(sh->values, v);
  f->col++;
}

/* Ends the row, leaving the columns not filled blank. */
static void filler_next_row(filler *f) {
  if (f->col == 0)
    return;
  k2x_value blank = {K2X_VALUE_BLANK, NULL, 0};
  for (; f->col < f->sheet->header->len; f->col++)
    g_array_append_val(f->sheet->values, blank);
  f->col = 0;
}

static void filler_blank(filler *f) {
  filler_add(f, (k2x_value){K2X_VALUE_BLANK, NULL, 0});
}

/* A text of the model (or of the book), as book_fit made it fit; "" and NULL are blank. */
static void filler_text(filler *f, const char *text) {
  text = k2x_book_text(f->bk, text);
  if (text && *text)
    filler_add(f, (k2x_value){K2X_VALUE_TEXT, text, 0});
  else
    filler_blank(f);
}

static void filler_number(filler *f, double value) {
  filler_add(f, (k2x_value){K2X_VALUE_NUMBER, NULL, value});
}

/* A page number; 0 means none and leaves the cell blank. */
static void filler_page(filler *f, int page) {
  if (page > 0)
    filler_number(f, page);
  else
    filler_blank(f);
}

static void filler_report_keys(filler *f, const k2x_doc *doc, const k2x_report *report) {
  filler_text(f, doc->file);
  filler_number(f, report->index);
  filler_text(f, report->region.prefecture);
  filler_text(f, report->region.area);
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

static void fill_reports(k2x_book *bk) {
  static const char *const headers[] = {KEY_COLUMNS, "地域ラベル", "地域の根拠", "開始頁",
                                        "終了頁",    "表の行数",   "項目数",     "警告数"};
  filler f;
  filler_begin(&f, bk, SHEET_REPORTS, headers, G_N_ELEMENTS(headers));
  for (guint d = 0; d < bk->n_docs; d++) {
    const k2x_doc *doc = bk->docs[d];
    for (guint i = 0; i < doc->reports->len; i++) {
      const k2x_report *r = g_ptr_array_index(doc->reports, i);
      filler_report_keys(&f, doc, r);
      filler_text(&f, r->label);
      filler_text(&f, region_source_label(r->region.source));
      filler_page(&f, r->page_first);
      filler_page(&f, r->page_last);
      filler_number(&f, k2x_report_row_count(r));
      filler_number(&f, k2x_report_item_count(r));
      filler_number(&f, r->warnings->len + book_notice_count(bk, r));
      filler_next_row(&f);
    }
  }
}

/* A table section's column names: the header printed on its first table in the docs, else
 * the profile's names; as many as the widest row needs. */
static GPtrArray *table_columns(const k2x_book *bk, const k2x_profile_section *ps) {
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
        printed && i < printed->len ? k2x_book_text(bk, g_ptr_array_index(printed, i)) : NULL;
    if ((!name || !*name) && i < ps->column_names->len)
      name = g_ptr_array_index(ps->column_names, i);
    g_ptr_array_add(columns, name && *name ? g_strdup(name) : g_strdup_printf("欄%u", i + 1));
  }
  return columns;
}

static void fill_table_sheet(k2x_book *bk, const k2x_profile_section *ps, const char *name) {
  const GPtrArray *columns = g_hash_table_lookup(bk->columns, GINT_TO_POINTER(ps->number));
  g_autoptr(GPtrArray) headers = g_ptr_array_new();
  static const char *const keys[] = {KEY_COLUMNS, "行No"};
  for (guint i = 0; i < G_N_ELEMENTS(keys); i++)
    g_ptr_array_add(headers, (gpointer)keys[i]);
  for (guint i = 0; i < columns->len; i++)
    g_ptr_array_add(headers, g_ptr_array_index(columns, i));
  g_ptr_array_add(headers, "頁");
  g_ptr_array_add(headers, "終了頁");

  filler f;
  filler_begin(&f, bk, name, (const char *const *)headers->pdata, headers->len);
  walk w = {.bk = bk};
  for (const k2x_section *s; (s = walk_next(&w));) {
    if (s->number != ps->number)
      continue;
    for (guint i = 0; i < s->rows->len; i++) {
      const k2x_row *row = g_ptr_array_index(s->rows, i);
      filler_report_keys(&f, w.doc, w.report);
      filler_number(&f, i + 1);
      for (guint c = 0; c < columns->len; c++)
        filler_text(&f, c < row->cells->len
                            ? ((const k2x_cell *)g_ptr_array_index(row->cells, c))->text
                            : NULL);
      filler_page(&f, row->page_first);
      filler_page(&f, row->page_last);
      filler_next_row(&f);
    }
  }
}

static void fill_list_sheet(k2x_book *bk, const k2x_profile_section *ps, const char *name) {
  static const char *const headers[] = {KEY_COLUMNS, "項目No", "内容", "頁"};
  filler f;
  filler_begin(&f, bk, name, headers, G_N_ELEMENTS(headers));
  walk w = {.bk = bk};
  for (const k2x_section *s; (s = walk_next(&w));) {
    if (s->number != ps->number)
      continue;
    for (guint i = 0; i < s->items->len; i++) {
      const k2x_item *it = g_ptr_array_index(s->items, i);
      filler_report_keys(&f, w.doc, w.report);
      filler_number(&f, i + 1);
      filler_text(&f, it->text);
      filler_page(&f, it->page);
      filler_next_row(&f);
    }
  }
}

/* The 欄 of a table cell in the long form. Sections the profile makes tables share one set
 * of names, so that a filter on 欄 catches every report whatever year its header prints. */
static const char *cell_column(k2x_book *bk, const k2x_section *s, guint c) {
  const GPtrArray *columns = g_hash_table_lookup(bk->columns, GINT_TO_POINTER(s->number));
  if (columns && c < columns->len)
    return g_ptr_array_index(columns, c);
  if (c < s->header->len && *(const char *)g_ptr_array_index(s->header, c))
    return g_ptr_array_index(s->header, c);
  char buf[32];
  g_snprintf(buf, sizeof buf, "欄%u", c + 1);
  return g_string_chunk_insert_const(bk->strings, buf);
}

/* One row of the long form, after the report keys. */
static void fill_all_row(filler *f, const k2x_section *s, guint number, const char *column,
                         const char *text, int page) {
  filler_number(f, s->number);
  filler_text(f, s->heading);
  filler_number(f, number);
  filler_text(f, column);
  filler_text(f, text);
  filler_page(f, page);
  filler_next_row(f);
}

static void fill_all(k2x_book *bk) {
  static const char *const headers[] = {KEY_COLUMNS, "節No", "節見出し", "項目No",
                                        "欄",        "内容", "頁"};
  filler f;
  filler_begin(&f, bk, SHEET_ALL, headers, G_N_ELEMENTS(headers));
  /* Every section, the profile's or not, so that nothing read is missing from the book. */
  walk w = {.bk = bk};
  for (const k2x_section *s; (s = walk_next(&w));) {
    for (guint i = 0; i < s->rows->len; i++) {
      const k2x_row *row = g_ptr_array_index(s->rows, i);
      for (guint c = 0; c < row->cells->len; c++) {
        const k2x_cell *cell = g_ptr_array_index(row->cells, c);
        filler_report_keys(&f, w.doc, w.report);
        fill_all_row(&f, s, i + 1, cell_column(bk, s, c), cell->text, cell_page(row, cell));
      }
    }
    for (guint i = 0; i < s->items->len; i++) {
      const k2x_item *it = g_ptr_array_index(s->items, i);
      filler_report_keys(&f, w.doc, w.report);
      fill_all_row(&f, s, i + 1, COLUMN_BODY, it->text, it->page);
    }
  }
}

static void fill_warning_row(filler *f, const k2x_doc *doc, const k2x_report *report, int page,
                             const char *code, const char *message) {
  filler_text(f, doc->file);
  if (report)
    filler_number(f, report->index);
  else
    filler_blank(f);
  filler_page(f, page);
  filler_text(f, code);
  filler_text(f, message);
  filler_next_row(f);
}

/* The warnings of the model about owner (doc or report), then what fitting changed in it. */
static void fill_warnings_of(filler *f, const k2x_doc *doc, const k2x_report *report,
                             const GPtrArray *warnings) {
  for (guint i = 0; i < warnings->len; i++) {
    const k2x_warning *w = g_ptr_array_index(warnings, i);
    fill_warning_row(f, doc, report, w->page, w->code, w->message);
  }
  gconstpointer owner = report ? (gconstpointer)report : (gconstpointer)doc;
  const GPtrArray *notices = book_notices(f->bk, owner);
  for (guint i = 0; notices && i < notices->len; i++) {
    const notice *n = g_ptr_array_index(notices, i);
    fill_warning_row(f, doc, report, n->page, n->code, n->message);
  }
}

static void fill_warnings(k2x_book *bk) {
  static const char *const headers[] = {"ファイル", "報告No", "頁", "コード", "内容"};
  filler f;
  filler_begin(&f, bk, SHEET_WARNINGS, headers, G_N_ELEMENTS(headers));
  for (guint d = 0; d < bk->n_docs; d++) {
    const k2x_doc *doc = bk->docs[d];
    fill_warnings_of(&f, doc, NULL, doc->warnings);
    for (guint r = 0; r < doc->reports->len; r++) {
      const k2x_report *report = g_ptr_array_index(doc->reports, r);
      fill_warnings_of(&f, doc, report, report->warnings);
    }
  }
}

/* Names every sheet before any is filled, so that the fixed sheets keep their names whatever
 * the profile calls its sections. */
static void book_plan(k2x_book *bk) {
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
    g_ptr_array_add(bk->planned, (gpointer)k2x_xlsx_sheet_name_take(bk->names, clean));
    if (ps->is_table)
      g_hash_table_insert(bk->columns, GINT_TO_POINTER(ps->number), table_columns(bk, ps));
  }
}

k2x_book *k2x_book_new(const k2x_doc *const *docs, guint n_docs, const k2x_profile *profile,
                       guint32 sheet_rows) {
  k2x_book *bk = g_new0(k2x_book, 1);
  bk->docs = docs;
  bk->n_docs = n_docs;
  bk->profile = profile;
  bk->sheet_rows =
      sheet_rows >= 2 && sheet_rows <= K2X_XLSX_ROWS_MAX ? sheet_rows : K2X_XLSX_ROWS_MAX;
  bk->sheets = g_ptr_array_new_with_free_func(sheet_free);
  bk->names = g_ptr_array_new_with_free_func(g_free);
  bk->planned = g_ptr_array_new();
  bk->columns = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL,
                                      (GDestroyNotify)g_ptr_array_unref);
  bk->fitted = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, g_free);
  bk->notices = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL,
                                      (GDestroyNotify)g_ptr_array_unref);
  bk->strings = g_string_chunk_new(256);

  book_fit_all(bk);
  book_plan(bk);
  fill_reports(bk);
  for (guint i = 0; i < profile->sections->len; i++) {
    const k2x_profile_section *ps = g_ptr_array_index(profile->sections, i);
    const char *name = g_ptr_array_index(bk->planned, i);
    if (ps->is_table)
      fill_table_sheet(bk, ps, name);
    else
      fill_list_sheet(bk, ps, name);
  }
  fill_all(bk);
  fill_warnings(bk);
  return bk;
}

void k2x_book_free(k2x_book *book) {
  if (!book)
    return;
  g_ptr_array_unref(book->sheets);
  g_ptr_array_unref(book->planned);
  g_ptr_array_unref(book->names);
  g_hash_table_unref(book->columns);
  g_hash_table_unref(book->fitted);
  g_hash_table_unref(book->notices);
  g_string_chunk_free(book->strings);
  g_free(book);
}

guint k2x_book_sheet_count(const k2x_book *book) {
  return book->sheets->len;
}

const k2x_sheet *k2x_book_sheet(const k2x_book *book, guint i) {
  return g_ptr_array_index(book->sheets, i);
}
