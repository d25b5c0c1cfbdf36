/* sheets: the spreadsheet views of the docs, one batch of rows per report. */
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

/* One of the profile's sheets being filled row by row; past sheet_rows it continues on a
 * sheet "NAME (2)" with the same header. */
typedef struct {
  k2x_sheet *part; /* the part being filled */
  guint col;       /* next column of the row being filled; 0 when no row is open */
} filler;

/* A table section of the profile. Its columns are fixed by the first report that has the
 * section with a printed header or rows, as the sheet's header must be written before its
 * first row; a later, wider row widens them and continues the sheet. */
typedef struct {
  const k2x_profile_section *ps;
  filler *f;          /* its sheet */
  GPtrArray *columns; /* char*: the column names; NULL until fixed */
  GPtrArray *header;  /* const char*: the sheet's header over columns; NULL until fixed */
} table;

struct k2x_sheets {
  const k2x_profile *profile;
  guint32 sheet_rows;    /* rows a sheet holds, header included */
  GPtrArray *sheets;     /* k2x_sheet*, in workbook order */
  GPtrArray *names;      /* char*: sheet names taken, fixed ones first */
  filler reports, all, warnings;
  filler *sections;      /* one per profile section, in profile order */
  GPtrArray *tables;     /* table*, one per table section of the profile */
  GStringChunk *strings; /* names the sheets make up ("欄3") */
  /* The batch: */
  GHashTable *fitted;    /* text of the model → char*: that text as a cell holds it */
  GPtrArray *notices;    /* notice*: what fitting the report changed */
  /* The doc being written: */
  const k2x_doc *doc;    /* NULL between docs; only compared, as the doc may change */
  gboolean doc_ended;    /* its last batch is made: its state goes with the batch */
  char *file;            /* its file name as a cell holds it, or NULL */
  GPtrArray *doc_notices; /* notice*: what fitting its file name and warnings changed */
};

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

static void add_notice(GPtrArray *notices, int page, const char *code, char *message) {
  notice *n = g_new0(notice, 1);
  n->page = page;
  n->code = code;
  n->message = message;
  g_ptr_array_add(notices, n);
}

/* Notes on notices what fitting text changed, naming the text for staff with named. */
static void note_fit(GPtrArray *notices, int page, const char *text, k2x_xlsx_fit change,
                     guint removed, const char *named) {
  if (change & K2X_XLSX_FIT_CONTROL)
    add_notice(notices, page, "control_removed",
               g_strdup_printf("%s: XML で使えない制御文字 %u 個をセルから除きました"
                               "（JSON には残っています）",
                               named, removed));
  if (change & K2X_XLSX_FIT_CUT)
    add_notice(notices, page, "cell_truncated",
               g_strdup_printf("%s: %zu 文字あり、Excel のセルの上限 %d 文字を超えるため、"
                               "末尾を「%s」としました（JSON には全文があります）",
                               named, k2x_xlsx_units(text), K2X_XLSX_CELL_MAX,
                               K2X_XLSX_CUT_MARKER));
}

/* Fits one text of the batch into a cell, once however many sheets show it, and notes each
 * change on notices. */
static void fit(k2x_sheets *sh, GPtrArray *notices, int page, const char *text,
                const char *what, ...) G_GNUC_PRINTF(5, 6);

static void fit(k2x_sheets *sh, GPtrArray *notices, int page, const char *text,
                const char *what, ...) {
  if (!text || g_hash_table_contains(sh->fitted, text))
    return;
  char *cell = NULL;
  guint removed = 0;
  k2x_xlsx_fit change = k2x_xlsx_text_fit(text, &cell, &removed);
  if (!cell)
    return;
  g_hash_table_insert(sh->fitted, (gpointer)text, cell);
  if (change == K2X_XLSX_FIT_NONE)
    return;
  va_list ap;
  va_start(ap, what);
  g_autofree char *named = g_strdup_vprintf(what, ap);
  va_end(ap);
  note_fit(notices, page, text, change, removed, named);
}

/* A text of the batch as fit made it. */
static const char *fitted(const k2x_sheets *sh, const char *text) {
  const char *cell = text ? g_hash_table_lookup(sh->fitted, text) : NULL;
  return cell ? cell : text;
}

static void fit_warnings(k2x_sheets *sh, GPtrArray *notices, const GPtrArray *warnings) {
  for (guint i = 0; i < warnings->len; i++) {
    const k2x_warning *w = g_ptr_array_index(warnings, i);
    fit(sh, notices, w->page, w->code, "警告%u のコード", i + 1);
    fit(sh, notices, w->page, w->message_ja, "警告%u (%s) の内容", i + 1, w->code);
  }
}

static void fit_section(k2x_sheets *sh, const k2x_section *s) {
  fit(sh, sh->notices, s->page, s->heading, "節%d の見出し", s->number);
  for (guint c = 0; c < s->header->len; c++)
    fit(sh, sh->notices, s->page, g_ptr_array_index(s->header, c), "節%d 表の見出し 列%u",
        s->number, c + 1);
  for (guint i = 0; i < s->rows->len; i++) {
    const k2x_row *row = g_ptr_array_index(s->rows, i);
    for (guint c = 0; c < row->cells->len; c++) {
      const k2x_cell *cell = g_ptr_array_index(row->cells, c);
      fit(sh, sh->notices, cell_page(row, cell), cell->text, "節%d 行%u 列%u", s->number,
          i + 1, c + 1);
    }
  }
  for (guint i = 0; i < s->items->len; i++) {
    const k2x_item *it = g_ptr_array_index(s->items, i);
    fit(sh, sh->notices, it->page, it->text, "節%d 項目%u", s->number, i + 1);
  }
}

/* Fits every text of the report before any row is made, so that 報告一覧 can count the
 * warnings 警告 will hold. */
static void fit_report(k2x_sheets *sh, const k2x_report *r) {
  fit(sh, sh->notices, r->label_span.page, r->label, "地域ラベル");
  fit(sh, sh->notices, r->page_first, r->region.prefecture, "都道府県");
  fit(sh, sh->notices, r->page_first, r->region.area, "圏域等");
  for (guint s = 0; s < r->sections->len; s++)
    fit_section(sh, g_ptr_array_index(r->sections, s));
  fit_warnings(sh, sh->notices, r->warnings);
}

/* The doc's file name is on every row of its reports: fitted once for the whole doc. */
static void begin_doc(k2x_sheets *sh, const k2x_doc *doc) {
  g_return_if_fail(sh->doc == NULL || sh->doc == doc);
  if (sh->doc == doc)
    return;
  sh->doc = doc;
  guint removed = 0;
  k2x_xlsx_fit change = doc->file ? k2x_xlsx_text_fit(doc->file, &sh->file, &removed)
                                  : K2X_XLSX_FIT_NONE;
  if (doc->file && !sh->file)
    sh->file = g_strdup(doc->file);
  note_fit(sh->doc_notices, 0, doc->file, change, removed, "ファイル名");
}

static void sheet_free(gpointer p) {
  k2x_sheet *s = p;
  if (s->header)
    g_ptr_array_unref(s->header);
  g_array_unref(s->values);
  g_free(s);
}

/* Adds a sheet named name (lent by the sheets) with header (referenced; may be NULL). */
static k2x_sheet *add_sheet(k2x_sheets *sh, const char *name, const char *base,
                            GPtrArray *header) {
  k2x_sheet *s = g_new0(k2x_sheet, 1);
  s->name = name;
  s->base = base;
  s->header = header ? g_ptr_array_ref(header) : NULL;
  s->values = g_array_new(FALSE, TRUE, sizeof(k2x_value));
  g_ptr_array_add(sh->sheets, s);
  return s;
}

/* Continues the sheet f fills on a new part with header. */
static void filler_continue(k2x_sheets *sh, filler *f, GPtrArray *header) {
  const char *base = f->part->base;
  f->part = add_sheet(sh, k2x_xlsx_sheet_name_take(sh->names, base), base, header);
}

static GPtrArray *header_new(const char *const *names, guint n) {
  GPtrArray *header = g_ptr_array_sized_new(n);
  for (guint i = 0; i < n; i++)
    g_ptr_array_add(header, (gpointer)names[i]);
  return header;
}

/* Starts the sheet name (lent) with headers (n of them, static), or with the header still
 * unknown when headers is NULL. */
static void filler_begin(k2x_sheets *sh, filler *f, const char *name,
                         const char *const *headers, guint n) {
  g_autoptr(GPtrArray) header = headers ? header_new(headers, n) : NULL;
  *f = (filler){.part = add_sheet(sh, name, name, header)};
}

/* Appends v to the row being filled. A row the sheet has no room for opens the next part. */
static void filler_add(k2x_sheets *sh, filler *f, k2x_value v) {
  k2x_sheet *s = f->part;
  if (f->col == 0) {
    if (s->n_rows + 1 >= sh->sheet_rows) {
      filler_continue(sh, f, s->header);
      s = f->part;
    }
    s->n_rows++;
    s->n_new++;
  }
  g_assert(f->col < s->header->len);
  g_array_append_val(s->values, v);
  f->col++;
}

/* Ends the row, leaving the columns not filled blank. */
static void filler_next_row(filler *f) {
  if (f->col == 0)
    return;
  k2x_value blank = {K2X_VALUE_BLANK, NULL, 0};
  for (; f->col < f->part->header->len; f->col++)
    g_array_append_val(f->part->values, blank);
  f->col = 0;
}

static void filler_blank(k2x_sheets *sh, filler *f) {
  filler_add(sh, f, (k2x_value){K2X_VALUE_BLANK, NULL, 0});
}

/* A text of the batch, as fit made it fit; "" and NULL are blank. */
static void filler_text(k2x_sheets *sh, filler *f, const char *text) {
  text = fitted(sh, text);
  if (text && *text)
    filler_add(sh, f, (k2x_value){K2X_VALUE_TEXT, text, 0});
  else
    filler_blank(sh, f);
}

static void filler_number(k2x_sheets *sh, filler *f, double value) {
  filler_add(sh, f, (k2x_value){K2X_VALUE_NUMBER, NULL, value});
}

/* A page number; 0 means none and leaves the cell blank. */
static void filler_page(k2x_sheets *sh, filler *f, int page) {
  if (page > 0)
    filler_number(sh, f, page);
  else
    filler_blank(sh, f);
}

static void filler_report_keys(k2x_sheets *sh, filler *f, const k2x_report *report) {
  filler_text(sh, f, sh->file);
  filler_number(sh, f, report->index);
  filler_text(sh, f, report->region.prefecture);
  filler_text(sh, f, report->region.area);
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

static void fill_report(k2x_sheets *sh, const k2x_report *r) {
  filler *f = &sh->reports;
  filler_report_keys(sh, f, r);
  filler_text(sh, f, r->label);
  filler_text(sh, f, region_source_label(r->region.source));
  filler_page(sh, f, r->page_first);
  filler_page(sh, f, r->page_last);
  filler_number(sh, f, k2x_report_row_count(r));
  filler_number(sh, f, k2x_report_item_count(r));
  filler_number(sh, f, r->warnings->len + sh->notices->len);
  filler_next_row(f);
}

static table *table_of(const k2x_sheets *sh, int number) {
  for (guint i = 0; i < sh->tables->len; i++) {
    table *t = g_ptr_array_index(sh->tables, i);
    if (t->ps->number == number)
      return t;
  }
  return NULL;
}

/* Adds columns to t up to n: each named by printed (fitted), else by the profile, else
 * "欄N"; then the sheet's header over them. */
static void table_widen(k2x_sheets *sh, table *t, const GPtrArray *printed, guint n) {
  const GPtrArray *names = t->ps->column_names;
  if (!t->columns)
    t->columns = g_ptr_array_new_with_free_func(g_free);
  for (guint i = t->columns->len; i < n; i++) {
    const char *name = printed && i < printed->len ? fitted(sh, g_ptr_array_index(printed, i))
                                                   : NULL;
    if ((!name || !*name) && i < names->len)
      name = g_ptr_array_index(names, i);
    g_ptr_array_add(t->columns,
                    name && *name ? g_strdup(name) : g_strdup_printf("欄%u", i + 1));
  }
  static const char *const before[] = {KEY_COLUMNS, "行No"};
  GPtrArray *header = header_new(before, G_N_ELEMENTS(before));
  for (guint i = 0; i < t->columns->len; i++)
    g_ptr_array_add(header, g_ptr_array_index(t->columns, i));
  g_ptr_array_add(header, "頁");
  g_ptr_array_add(header, "終了頁");
  if (t->header)
    g_ptr_array_unref(t->header);
  t->header = header;
  /* The first part waits for its header; a later one is started by the first wider row. */
  if (!t->f->part->header)
    t->f->part->header = g_ptr_array_ref(header);
}

/* Fixes the columns of each table section the report has with a printed header or rows, or
 * widens them for its rows: as many as the profile names, the printed header and the widest
 * row need. */
static void plan_tables(k2x_sheets *sh, const k2x_report *r) {
  for (guint i = 0; i < sh->tables->len; i++) {
    table *t = g_ptr_array_index(sh->tables, i);
    const GPtrArray *printed = NULL;
    guint widest = 0;
    gboolean seen = FALSE;
    for (guint j = 0; j < r->sections->len; j++) {
      const k2x_section *s = g_ptr_array_index(r->sections, j);
      if (s->number != t->ps->number)
        continue;
      seen = seen || s->header->len > 0 || s->rows->len > 0;
      if (!printed && s->header->len > 0)
        printed = s->header;
      for (guint k = 0; k < s->rows->len; k++)
        widest = MAX(widest, ((const k2x_row *)g_ptr_array_index(s->rows, k))->cells->len);
    }
    if (!t->columns && seen)
      table_widen(sh, t, printed,
                  MAX(MAX(widest, t->ps->column_names->len), printed ? printed->len : 0));
    else if (t->columns && widest > t->columns->len)
      table_widen(sh, t, printed, widest);
  }
}

static void fill_table(k2x_sheets *sh, table *t, const k2x_report *r, const k2x_section *s) {
  filler *f = t->f;
  for (guint i = 0; i < s->rows->len; i++) {
    const k2x_row *row = g_ptr_array_index(s->rows, i);
    if (f->part->header != t->header)
      filler_continue(sh, f, t->header);
    filler_report_keys(sh, f, r);
    filler_number(sh, f, i + 1);
    for (guint c = 0; c < t->columns->len; c++)
      filler_text(sh, f, c < row->cells->len
                             ? ((const k2x_cell *)g_ptr_array_index(row->cells, c))->text
                             : NULL);
    filler_page(sh, f, row->page_first);
    filler_page(sh, f, row->page_last);
    filler_next_row(f);
  }
}

static void fill_list(k2x_sheets *sh, filler *f, const k2x_report *r, const k2x_section *s) {
  for (guint i = 0; i < s->items->len; i++) {
    const k2x_item *it = g_ptr_array_index(s->items, i);
    filler_report_keys(sh, f, r);
    filler_number(sh, f, i + 1);
    filler_text(sh, f, it->text);
    filler_page(sh, f, it->page);
    filler_next_row(f);
  }
}

/* The report's rows of each profile section's sheet, in profile order. */
static void fill_sections(k2x_sheets *sh, const k2x_report *r) {
  for (guint i = 0; i < sh->profile->sections->len; i++) {
    const k2x_profile_section *ps = g_ptr_array_index(sh->profile->sections, i);
    table *t = ps->is_table ? table_of(sh, ps->number) : NULL;
    for (guint j = 0; j < r->sections->len; j++) {
      const k2x_section *s = g_ptr_array_index(r->sections, j);
      if (s->number != ps->number)
        continue;
      if (t)
        fill_table(sh, t, r, s);
      else
        fill_list(sh, &sh->sections[i], r, s);
    }
  }
}

/* The 欄 of a table cell in the long form. Sections the profile makes tables share one set
 * of names, so that a filter on 欄 catches every report whatever year its header prints. */
static const char *cell_column(k2x_sheets *sh, const k2x_section *s, guint c) {
  const table *t = table_of(sh, s->number);
  if (t && t->columns && c < t->columns->len)
    return g_ptr_array_index(t->columns, c);
  if (c < s->header->len && *(const char *)g_ptr_array_index(s->header, c))
    return g_ptr_array_index(s->header, c);
  char buf[32];
  g_snprintf(buf, sizeof buf, "欄%u", c + 1);
  return g_string_chunk_insert_const(sh->strings, buf);
}

/* One row of the long form. */
static void fill_all_row(k2x_sheets *sh, const k2x_report *r, const k2x_section *s,
                         guint number, const char *column, const char *text, int page) {
  filler *f = &sh->all;
  filler_report_keys(sh, f, r);
  filler_number(sh, f, s->number);
  filler_text(sh, f, s->heading);
  filler_number(sh, f, number);
  filler_text(sh, f, column);
  filler_text(sh, f, text);
  filler_page(sh, f, page);
  filler_next_row(f);
}

/* Every section, the profile's or not, so that nothing read is missing from the book. */
static void fill_all(k2x_sheets *sh, const k2x_report *r) {
  for (guint j = 0; j < r->sections->len; j++) {
    const k2x_section *s = g_ptr_array_index(r->sections, j);
    for (guint i = 0; i < s->rows->len; i++) {
      const k2x_row *row = g_ptr_array_index(s->rows, i);
      for (guint c = 0; c < row->cells->len; c++) {
        const k2x_cell *cell = g_ptr_array_index(row->cells, c);
        fill_all_row(sh, r, s, i + 1, cell_column(sh, s, c), cell->text, cell_page(row, cell));
      }
    }
    for (guint i = 0; i < s->items->len; i++) {
      const k2x_item *it = g_ptr_array_index(s->items, i);
      fill_all_row(sh, r, s, i + 1, COLUMN_BODY, it->text, it->page);
    }
  }
}

static void fill_warning_row(k2x_sheets *sh, const k2x_report *report, int page,
                             const char *code, const char *message) {
  filler *f = &sh->warnings;
  filler_text(sh, f, sh->file);
  if (report)
    filler_number(sh, f, report->index);
  else
    filler_blank(sh, f);
  filler_page(sh, f, page);
  filler_text(sh, f, code);
  filler_text(sh, f, message);
  filler_next_row(f);
}

/* The warnings of the model about a report (or the doc when report is NULL), then what
 * fitting changed in it. */
static void fill_warnings(k2x_sheets *sh, const k2x_report *report, const GPtrArray *warnings,
                          const GPtrArray *notices) {
  for (guint i = 0; i < warnings->len; i++) {
    const k2x_warning *w = g_ptr_array_index(warnings, i);
    fill_warning_row(sh, report, w->page, w->code, w->message_ja);
  }
  for (guint i = 0; i < notices->len; i++) {
    const notice *n = g_ptr_array_index(notices, i);
    fill_warning_row(sh, report, n->page, n->code, n->message);
  }
}

void k2x_sheets_add_report(k2x_sheets *sheets, const k2x_doc *doc, const k2x_report *report) {
  k2x_sheets_clear(sheets);
  begin_doc(sheets, doc);
  fit_report(sheets, report);
  plan_tables(sheets, report);
  fill_report(sheets, report);
  fill_sections(sheets, report);
  fill_all(sheets, report);
  fill_warnings(sheets, report, report->warnings, sheets->notices);
}

void k2x_sheets_end_doc(k2x_sheets *sheets, const k2x_doc *doc) {
  k2x_sheets_clear(sheets);
  begin_doc(sheets, doc);
  fit_warnings(sheets, sheets->doc_notices, doc->warnings);
  fill_warnings(sheets, NULL, doc->warnings, sheets->doc_notices);
  sheets->doc_ended = TRUE;
}

void k2x_sheets_finish(k2x_sheets *sheets) {
  k2x_sheets_clear(sheets);
  for (guint i = 0; i < sheets->tables->len; i++) {
    table *t = g_ptr_array_index(sheets->tables, i);
    if (!t->columns)
      table_widen(sheets, t, NULL, t->ps->column_names->len);
  }
}

void k2x_sheets_clear(k2x_sheets *sheets) {
  for (guint i = 0; i < sheets->sheets->len; i++) {
    k2x_sheet *s = g_ptr_array_index(sheets->sheets, i);
    g_array_set_size(s->values, 0);
    s->n_new = 0;
  }
  g_hash_table_remove_all(sheets->fitted);
  g_ptr_array_set_size(sheets->notices, 0);
  if (sheets->doc_ended) {
    sheets->doc = NULL;
    sheets->doc_ended = FALSE;
    g_clear_pointer(&sheets->file, g_free);
    g_ptr_array_set_size(sheets->doc_notices, 0);
  }
}

static void table_free(gpointer p) {
  table *t = p;
  if (t->columns)
    g_ptr_array_unref(t->columns);
  if (t->header)
    g_ptr_array_unref(t->header);
  g_free(t);
}

k2x_sheets *k2x_sheets_new(const k2x_profile *profile, guint32 sheet_rows) {
  k2x_sheets *sh = g_new0(k2x_sheets, 1);
  sh->profile = profile;
  sh->sheet_rows =
      sheet_rows >= 2 && sheet_rows <= K2X_XLSX_ROWS_MAX ? sheet_rows : K2X_XLSX_ROWS_MAX;
  sh->sheets = g_ptr_array_new_with_free_func(sheet_free);
  sh->names = g_ptr_array_new_with_free_func(g_free);
  sh->sections = g_new0(filler, profile->sections->len);
  sh->tables = g_ptr_array_new_with_free_func(table_free);
  sh->strings = g_string_chunk_new(256);
  sh->fitted = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, g_free);
  sh->notices = g_ptr_array_new_with_free_func(notice_free);
  sh->doc_notices = g_ptr_array_new_with_free_func(notice_free);

  /* Every sheet is named before any is added, so that the fixed sheets keep their names
   * whatever the profile calls its sections. */
  const char *reports = k2x_xlsx_sheet_name_take(sh->names, SHEET_REPORTS);
  const char *all = k2x_xlsx_sheet_name_take(sh->names, SHEET_ALL);
  const char *warnings = k2x_xlsx_sheet_name_take(sh->names, SHEET_WARNINGS);
  g_autofree const char **planned = g_new0(const char *, profile->sections->len);
  for (guint i = 0; i < profile->sections->len; i++) {
    const k2x_profile_section *ps = g_ptr_array_index(profile->sections, i);
    g_autofree char *clean = k2x_xlsx_sheet_name_clean(ps->sheet ? ps->sheet : "");
    if (!*clean) {
      g_free(clean);
      clean = g_strdup_printf("section%d", ps->number);
    }
    planned[i] = k2x_xlsx_sheet_name_take(sh->names, clean);
  }

  static const char *const reports_header[] = {KEY_COLUMNS, "地域ラベル", "地域の根拠",
                                               "開始頁",    "終了頁",     "表の行数",
                                               "項目数",    "警告数"};
  static const char *const list_header[] = {KEY_COLUMNS, "項目No", "内容", "頁"};
  static const char *const all_header[] = {KEY_COLUMNS, "節No", "節見出し", "項目No",
                                           "欄",        "内容", "頁"};
  static const char *const warnings_header[] = {"ファイル", "報告No", "頁", "コード", "内容"};
  filler_begin(sh, &sh->reports, reports, reports_header, G_N_ELEMENTS(reports_header));
  for (guint i = 0; i < profile->sections->len; i++) {
    const k2x_profile_section *ps = g_ptr_array_index(profile->sections, i);
    if (ps->is_table) {
      filler_begin(sh, &sh->sections[i], planned[i], NULL, 0);
      table *t = g_new0(table, 1);
      t->ps = ps;
      t->f = &sh->sections[i];
      g_ptr_array_add(sh->tables, t);
    } else {
      filler_begin(sh, &sh->sections[i], planned[i], list_header, G_N_ELEMENTS(list_header));
    }
  }
  filler_begin(sh, &sh->all, all, all_header, G_N_ELEMENTS(all_header));
  filler_begin(sh, &sh->warnings, warnings, warnings_header, G_N_ELEMENTS(warnings_header));
  return sh;
}

void k2x_sheets_free(k2x_sheets *sheets) {
  if (!sheets)
    return;
  g_ptr_array_unref(sheets->sheets);
  g_ptr_array_unref(sheets->names);
  g_ptr_array_unref(sheets->tables);
  g_free(sheets->sections);
  g_string_chunk_free(sheets->strings);
  g_hash_table_unref(sheets->fitted);
  g_ptr_array_unref(sheets->notices);
  g_ptr_array_unref(sheets->doc_notices);
  g_free(sheets->file);
  g_free(sheets);
}

guint k2x_sheets_count(const k2x_sheets *sheets) {
  return sheets->sheets->len;
}

const k2x_sheet *k2x_sheets_sheet(const k2x_sheets *sheets, guint i) {
  return g_ptr_array_index(sheets->sheets, i);
}
