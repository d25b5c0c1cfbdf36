/* model: construction and destruction of the document model. */
#include "model.h"

#include "i18n.h"

#include <stdarg.h>

static void warning_free(gpointer p) {
  k2x_warning *w = p;
  if (!w)
    return;
  g_free(w->code);
  g_free(w->message);
  g_free(w->message_ja);
  g_free(w);
}

static void cell_free(gpointer p) {
  k2x_cell *c = p;
  if (!c)
    return;
  g_free(c->text);
  g_array_unref(c->spans);
  g_free(c);
}

static void row_free(gpointer p) {
  k2x_row *r = p;
  if (!r)
    return;
  g_ptr_array_unref(r->cells);
  g_free(r);
}

static void item_free(gpointer p) {
  k2x_item *it = p;
  if (!it)
    return;
  g_free(it->marker);
  g_free(it->text);
  g_array_unref(it->spans);
  g_free(it);
}

static void section_free(gpointer p) {
  k2x_section *s = p;
  if (!s)
    return;
  g_free(s->heading);
  g_ptr_array_unref(s->header);
  g_ptr_array_unref(s->rows);
  g_ptr_array_unref(s->items);
  g_free(s);
}

static void report_free(gpointer p) {
  k2x_report *r = p;
  if (!r)
    return;
  g_free(r->title);
  g_free(r->label);
  g_free(r->region.prefecture);
  g_free(r->region.area);
  g_ptr_array_unref(r->sections);
  g_ptr_array_unref(r->warnings);
  g_free(r);
}

static void mark_free(gpointer p) {
  k2x_mark *m = p;
  if (!m)
    return;
  g_free(m->text);
  g_free(m);
}

k2x_doc *k2x_doc_new(void) {
  k2x_doc *doc = g_new0(k2x_doc, 1);
  doc->reports = g_ptr_array_new_with_free_func(report_free);
  doc->warnings = g_ptr_array_new_with_free_func(warning_free);
  doc->marks = g_ptr_array_new_with_free_func(mark_free);
  doc->ocr_lines = g_array_new(FALSE, FALSE, sizeof(k2x_ocr_line));
  doc->kind = g_strdup("pdf");
  return doc;
}

void k2x_doc_free(k2x_doc *doc) {
  if (!doc)
    return;
  g_free(doc->file);
  g_free(doc->file_bytes);
  g_free(doc->sha256);
  g_free(doc->kind);
  g_free(doc->profile);
  g_ptr_array_unref(doc->reports);
  g_ptr_array_unref(doc->warnings);
  g_ptr_array_unref(doc->marks);
  g_array_unref(doc->ocr_lines);
  g_free(doc);
}

k2x_report *k2x_doc_add_report(k2x_doc *doc) {
  k2x_report *r = g_new0(k2x_report, 1);
  r->index = (int)++doc->report_count;
  r->region.prefecture = g_strdup("");
  r->region.area = g_strdup("");
  r->sections = g_ptr_array_new_with_free_func(section_free);
  r->warnings = g_ptr_array_new_with_free_func(warning_free);
  g_ptr_array_add(doc->reports, r);
  return r;
}

k2x_report *k2x_doc_take_report(k2x_doc *doc, k2x_report *report) {
  guint index;
  if (!g_ptr_array_find(doc->reports, report, &index))
    return NULL;
  g_ptr_array_steal_index(doc->reports, index);
  doc->released_warnings += report->warnings->len;
  return report;
}

void k2x_report_free(k2x_report *report) {
  report_free(report);
}

k2x_section *k2x_report_add_section(k2x_report *report, int number, const char *heading,
                                    gboolean is_table) {
  k2x_section *s = g_new0(k2x_section, 1);
  s->number = number;
  s->heading = g_strdup(heading ? heading : "");
  s->is_table = is_table;
  s->header = g_ptr_array_new_with_free_func(g_free);
  s->rows = g_ptr_array_new_with_free_func(row_free);
  s->items = g_ptr_array_new_with_free_func(item_free);
  g_ptr_array_add(report->sections, s);
  return s;
}

k2x_row *k2x_section_add_row(k2x_section *section, guint columns) {
  k2x_row *r = g_new0(k2x_row, 1);
  r->cells = g_ptr_array_new_with_free_func(cell_free);
  for (guint i = 0; i < columns; i++) {
    k2x_cell *c = g_new0(k2x_cell, 1);
    c->text = g_strdup("");
    c->spans = g_array_new(FALSE, FALSE, sizeof(k2x_span));
    g_ptr_array_add(r->cells, c);
  }
  g_ptr_array_add(section->rows, r);
  return r;
}

k2x_item *k2x_section_add_item(k2x_section *section, const char *marker, const char *text,
                               int page) {
  k2x_item *it = g_new0(k2x_item, 1);
  it->marker = g_strdup(marker ? marker : "");
  it->text = g_strdup(text ? text : "");
  it->page = page;
  it->spans = g_array_new(FALSE, FALSE, sizeof(k2x_span));
  g_ptr_array_add(section->items, it);
  return it;
}

static k2x_warning *warning_new(const char *code, int page, const char *format, va_list ap) {
  k2x_warning *w = g_new0(k2x_warning, 1);
  w->code = g_strdup(code);
  w->page = page;
  va_list again;
  va_copy(again, ap);
  w->message = g_strdup_vprintf(format, ap);
  w->message_ja = g_strdup_vprintf(k2x_i18n_ja(format), again);
  va_end(again);
  return w;
}

k2x_warning *k2x_report_add_warning(k2x_report *report, const char *code, int page,
                                    const char *format, ...) {
  va_list ap;
  va_start(ap, format);
  k2x_warning *w = warning_new(code, page, format, ap);
  va_end(ap);
  g_ptr_array_add(report->warnings, w);
  return w;
}

k2x_warning *k2x_doc_add_warning(k2x_doc *doc, const char *code, int page,
                                 const char *format, ...) {
  va_list ap;
  va_start(ap, format);
  k2x_warning *w = warning_new(code, page, format, ap);
  va_end(ap);
  g_ptr_array_add(doc->warnings, w);
  return w;
}

void k2x_doc_add_mark(k2x_doc *doc, k2x_role role, int page, k2x_box box, const char *text) {
  k2x_mark *m = g_new0(k2x_mark, 1);
  m->role = role;
  m->span.page = page;
  m->span.box = box;
  m->text = g_strdup(text ? text : "");
  g_ptr_array_add(doc->marks, m);
}

void k2x_doc_add_ocr_line(k2x_doc *doc, int page, k2x_box box, double confidence) {
  k2x_ocr_line l = {{page, box}, confidence};
  g_array_append_val(doc->ocr_lines, l);
}

void k2x_spans_add(GArray *spans, int page, k2x_box box) {
  k2x_span s = {page, box};
  g_array_append_val(spans, s);
}

guint k2x_report_row_count(const k2x_report *report) {
  guint n = 0;
  for (guint i = 0; i < report->sections->len; i++) {
    const k2x_section *s = g_ptr_array_index(report->sections, i);
    n += s->rows->len;
  }
  return n;
}

guint k2x_report_item_count(const k2x_report *report) {
  guint n = 0;
  for (guint i = 0; i < report->sections->len; i++) {
    const k2x_section *s = g_ptr_array_index(report->sections, i);
    n += s->items->len;
  }
  return n;
}

guint k2x_doc_warning_count(const k2x_doc *doc) {
  guint n = doc->warnings->len + doc->released_warnings;
  for (guint i = 0; i < doc->reports->len; i++) {
    const k2x_report *r = g_ptr_array_index(doc->reports, i);
    n += r->warnings->len;
  }
  return n;
}

const char *k2x_region_source_name(k2x_region_source source) {
  switch (source) {
  case K2X_REGION_LABEL:
    return "label";
  case K2X_REGION_BODY:
    return "body";
  case K2X_REGION_NONE:
  default:
    return "none";
  }
}

const char *k2x_role_name(k2x_role role) {
  static const char *const names[] = {"none",    "title", "label", "page_number",
                                      "repeated", "heading", "table_header", "cell",
                                      "item",     "unassigned", "rule"};
  _Static_assert(G_N_ELEMENTS(names) == K2X_ROLE_COUNT, "one name per role");
  return (unsigned)role < K2X_ROLE_COUNT ? names[role] : "?";
}

gboolean k2x_box_is_empty(k2x_box b) {
  return b.x1 <= b.x0 && b.y1 <= b.y0;
}

k2x_box k2x_box_union(k2x_box a, k2x_box b) {
  if (k2x_box_is_empty(a))
    return b;
  if (k2x_box_is_empty(b))
    return a;
  k2x_box u = {MIN(a.x0, b.x0), MIN(a.y0, b.y0), MAX(a.x1, b.x1), MAX(a.y1, b.y1)};
  return u;
}
