/* segment: reports from section numbering, items from markers and paragraph ends, labels and
 * titles assigned to the report they belong to. */
#include "segment.h"

#include <string.h>

#include "text.h"

/* A heading starts in the left part of the text area; cells further right never head. */
#define HEADING_INDENT 0.3
/* A line this far right of the left edge and this many line heights below the text before it
 * stands apart from the flow. */
#define STRAY_INDENT 0.3
#define STRAY_GAP 3.0

struct k2x_segmenter {
  k2x_doc *doc;
  const k2x_profile *profile;
  const k2x_regions *regions;
  k2x_report *report;
  k2x_section *section;
  const k2x_profile_section *psection;
  k2x_table *table;
  k2x_item *item;
  GString *item_text;   /* text of item while it grows; it goes into item when it closes */
  k2x_flow flow;
  int last_page;        /* where the last item line stood */
  double last_bottom;
  char *title;          /* last title line seen */
  int title_page;
  char *pending_label;  /* a label printed above the report it belongs to */
  k2x_span pending_label_span;
  k2x_segmenter_report_fn report_done; /* takes each report once it is complete */
  gpointer report_done_data;
};

k2x_segmenter *k2x_segmenter_new(k2x_doc *doc, const k2x_profile *profile,
                                 const k2x_regions *regions) {
  k2x_segmenter *seg = g_new0(k2x_segmenter, 1);
  seg->doc = doc;
  seg->profile = profile;
  seg->regions = regions;
  return seg;
}

void k2x_segmenter_set_report_fn(k2x_segmenter *seg, k2x_segmenter_report_fn fn,
                                 gpointer data) {
  seg->report_done = fn;
  seg->report_done_data = data;
}

void k2x_segmenter_free(k2x_segmenter *seg) {
  if (!seg)
    return;
  k2x_table_free(seg->table);
  if (seg->item_text)
    g_string_free(seg->item_text, TRUE);
  g_free(seg->title);
  g_free(seg->pending_label);
  g_free(seg);
}

/* The width of the first unbreakable piece of a line: opening brackets (which may not end a
 * line), then a Latin word or one character, then the punctuation that may not start a line. */
static double first_unit_width(const k2x_glyph *g, guint n) {
  if (n == 0)
    return 0;
  guint i = 0;
  while (i + 1 < n && k2x_text_no_line_end(g[i].c))
    i++;
  gunichar c = g[i].c;
  i++;
  if (c < 0x80 && g_ascii_isalnum((char)c)) {
    while (i < n && g[i].c < 0x80 && g_ascii_isgraph((char)g[i].c) &&
           g[i].x0 - g[i - 1].x1 < 0.15 * g[i].size)
      i++;
  }
  while (i < n && k2x_text_no_line_start(g[i].c))
    i++;
  return g[i - 1].x1 - g[0].x0;
}

gboolean k2x_flow_breaks(const k2x_flow *flow, const k2x_glyph *glyphs, guint n) {
  if (!flow->open || n == 0)
    return FALSE;
  if (k2x_text_no_line_start(glyphs[0].c))
    return FALSE;
  /* The right edge is measured from the longest lines, so it can only be short of the real
   * one: room enough for the next word means the line was ended on purpose. Half a point of
   * slack for rounding. */
  return flow->room >= first_unit_width(glyphs, n) - 0.5;
}

static void touch(k2x_report *r, int page) {
  if (!r || page <= 0)
    return;
  if (r->page_first == 0 || page < r->page_first)
    r->page_first = page;
  r->page_last = MAX(r->page_last, page);
}

/* Text grows in a GString, so that a long item costs linear time. */
static void close_item(k2x_segmenter *seg) {
  if (seg->item_text) {
    g_free(seg->item->text);
    seg->item->text = g_string_free(seg->item_text, FALSE);
    seg->item_text = NULL;
  }
  seg->item = NULL;
}

static void close_section(k2x_segmenter *seg) {
  close_item(seg);
  if (seg->table)
    k2x_table_finish(seg->table);
  k2x_table_free(seg->table);
  seg->table = NULL;
  memset(&seg->flow, 0, sizeof seg->flow);
}

static void set_label(k2x_report *r, const char *label, k2x_span span) {
  if (r->label) {
    k2x_report_add_warning(r, "label_extra", span.page,
                           "second region label 「%s」 ignored; the report keeps 「%s」", label,
                           r->label);
    return;
  }
  r->label = g_strdup(label);
  r->label_span = span;
  touch(r, span.page);
}

static void close_report(k2x_segmenter *seg);

static void start_report(k2x_segmenter *seg, int page) {
  close_section(seg);
  close_report(seg);
  seg->report = k2x_doc_add_report(seg->doc);
  seg->section = NULL;
  seg->psection = NULL;
  /* The title printed before a report is its own; a report without one gets none. */
  if (seg->title) {
    seg->report->title = g_steal_pointer(&seg->title);
    touch(seg->report, seg->title_page);
  }
  touch(seg->report, page);
  if (seg->pending_label) {
    set_label(seg->report, seg->pending_label, seg->pending_label_span);
    g_clear_pointer(&seg->pending_label, g_free);
  }
}

static void start_section(k2x_segmenter *seg, const k2x_profile_section *ps, const char *heading,
                          const k2x_page *page, k2x_line *l) {
  if (!seg->report || !seg->section || ps->number <= seg->section->number)
    start_report(seg, page->number);
  close_section(seg);
  seg->section = k2x_report_add_section(seg->report, ps->number, heading, ps->is_table);
  seg->section->page = page->number;
  seg->section->box = l->box;
  seg->psection = ps;
  if (ps->is_table)
    seg->table = k2x_table_new(seg->report, seg->section, ps, seg->profile);
  l->role = K2X_ROLE_HEADING;
  seg->last_page = page->number;
  seg->last_bottom = l->box.y1;
  touch(seg->report, page->number);
}

static void unassigned(k2x_segmenter *seg, const k2x_page *page, k2x_line *l) {
  l->role = K2X_ROLE_UNASSIGNED;
  if (seg->section)
    k2x_report_add_warning(seg->report, "text_unassigned", page->number,
                           "text standing apart from section %d: 「%s」", seg->section->number,
                           l->text)
        ->box = l->box;
  else if (seg->report)
    k2x_report_add_warning(seg->report, "text_unassigned", page->number,
                           "text before the first section: 「%s」", l->text)
        ->box = l->box;
  else
    k2x_doc_add_warning(seg->doc, "text_unassigned", page->number,
                        "text before the first report: 「%s」", l->text)
        ->box = l->box;
}

/* Text standing apart from the flow — well right of the left edge and far below the line
 * before it — is no part of an item: a stamp, a note pasted on the page. */
static gboolean stands_apart(const k2x_segmenter *seg, const k2x_page *page, const k2x_line *l) {
  double width = page->text_right - page->text_left;
  if (l->box.x0 < page->text_left + STRAY_INDENT * width)
    return FALSE;
  if (seg->last_page != page->number)
    return seg->item == NULL;
  return l->box.y0 - seg->last_bottom > STRAY_GAP * (l->box.y1 - l->box.y0);
}

static void add_item_line(k2x_segmenter *seg, const k2x_page *page, k2x_line *l) {
  if (!seg->section || stands_apart(seg, page, l)) {
    unassigned(seg, page, l);
    return;
  }
  const k2x_glyph *g = &g_array_index(l->glyphs, k2x_glyph, 0);
  gboolean strong = FALSE;
  gsize marker = k2x_profile_marker_length(seg->profile, l->text, &strong);
  gboolean breaks = k2x_flow_breaks(&seg->flow, g, l->glyphs->len);
  if (!seg->item || breaks || strong) {
    close_item(seg);
    g_autofree char *m = g_strndup(l->text, marker);
    seg->item = k2x_section_add_item(seg->section, k2x_text_strip(m), l->text, page->number);
    seg->item_text = g_string_new(l->text);
  } else {
    k2x_text_append_line(seg->item_text, l->text, FALSE);
  }
  k2x_spans_add(seg->item->spans, page->number, l->box);
  l->role = K2X_ROLE_ITEM;
  seg->flow.open = TRUE;
  seg->flow.room = page->text_right - l->box.x1;
  /* In text, widths are known by the character, and lines vary by one. */
  seg->flow.room -= page->grid;
  seg->last_page = page->number;
  seg->last_bottom = l->box.y1;
  touch(seg->report, page->number);
}

static gboolean is_content(k2x_role r) {
  return r == K2X_ROLE_HEADING || r == K2X_ROLE_CELL || r == K2X_ROLE_ITEM ||
         r == K2X_ROLE_TABLE_HEADER;
}

/* Where read_label stands on a page: lines [0, scanned) are read, in_head tells whether the
 * last title or content line among them is a title (or there is none), and next is the first
 * line after the last label that clean left unclaimed. Both only move forward, so a page
 * costs linear time however many labels it holds. */
typedef struct {
  guint scanned;
  gboolean in_head;
  guint next;
} label_scan;

/* A label in a report's head (nothing but furniture above it on the page, or a title between
 * it and the content above) belongs to the report that the next heading opens; anywhere else
 * it closes the report before it. Labels come out before or after the body in content order,
 * so we look both ways. */
static void read_label(k2x_segmenter *seg, const k2x_page *page, guint i, label_scan *scan) {
  k2x_line *l = g_ptr_array_index(page->lines, i);
  k2x_span span = {page->number, l->box};
  for (; scan->scanned < i; scan->scanned++) {
    k2x_role r = ((k2x_line *)g_ptr_array_index(page->lines, scan->scanned))->role;
    if (r == K2X_ROLE_TITLE)
      scan->in_head = TRUE;
    else if (is_content(r))
      scan->in_head = FALSE;
  }
  gboolean in_head = scan->in_head;
  gboolean opens_report = FALSE;
  /* Lines after this one still have the roles clean gave them. */
  scan->next = MAX(scan->next, i + 1);
  while (in_head && scan->next < page->lines->len &&
         ((k2x_line *)g_ptr_array_index(page->lines, scan->next))->role != K2X_ROLE_NONE)
    scan->next++;
  if (in_head && scan->next < page->lines->len) {
    const k2x_line *n = g_ptr_array_index(page->lines, scan->next);
    const k2x_profile_section *ps =
        k2x_profile_match_heading(seg->profile, n->text, n->norm, NULL);
    opens_report = ps && (!seg->section || ps->number <= seg->section->number);
  }
  if (!seg->report || (in_head && opens_report)) {
    if (seg->pending_label)
      k2x_doc_add_warning(seg->doc, "label_extra", span.page,
                          "region label 「%s」 ignored: 「%s」 follows it before any report",
                          seg->pending_label, l->text);
    g_free(seg->pending_label);
    seg->pending_label = g_strdup(l->text);
    seg->pending_label_span = span;
  } else {
    set_label(seg->report, l->text, span);
    /* A title printed with a label after the body is that report's too. */
    if (seg->title && !seg->report->title) {
      seg->report->title = g_steal_pointer(&seg->title);
      touch(seg->report, seg->title_page);
    }
  }
}

static void flush_table(k2x_segmenter *seg, const k2x_page *page, GPtrArray *batch) {
  if (batch->len == 0)
    return;
  g_autoptr(GPtrArray) outside = g_ptr_array_new();
  k2x_table_add_lines(seg->table, page, batch, outside);
  for (guint i = 0; i < outside->len; i++)
    add_item_line(seg, page, g_ptr_array_index(outside, i));
  g_ptr_array_set_size(batch, 0);
  touch(seg->report, page->number);
}

static gboolean heading_position(const k2x_page *page, const k2x_line *l) {
  double width = page->text_right - page->text_left;
  return l->box.x0 <= page->text_left + HEADING_INDENT * width;
}

/* The normalised text of line l joined with the wrapped line n after it, when it is the two
 * normalised texts end to end: so when n starts with a simple character, which nothing before
 * it composes with (text.h). NULL otherwise. */
static char *joined_norm(const k2x_line *l, const k2x_line *n) {
  gunichar form;
  if (!k2x_text_nfkc_simple(g_utf8_get_char(n->text), &form))
    return NULL;
  return g_strconcat(l->norm, n->norm, NULL);
}

/* The section line i heads, if any. A heading may wrap onto the line right under it; then
 * *second is that line. */
static const k2x_profile_section *match_heading(k2x_segmenter *seg, const k2x_page *page,
                                                guint i, char **heading, k2x_line **second) {
  const k2x_line *l = g_ptr_array_index(page->lines, i);
  if (!heading_position(page, l))
    return NULL;
  const k2x_profile_section *ps =
      k2x_profile_match_heading(seg->profile, l->text, l->norm, heading);
  if (ps || i + 1 >= page->lines->len)
    return ps;
  k2x_line *n = g_ptr_array_index(page->lines, i + 1);
  if (n->role != K2X_ROLE_NONE || n->box.y0 - l->box.y1 > l->size)
    return NULL;
  g_autoptr(GString) joined = g_string_new(l->text);
  k2x_text_append_line(joined, n->text, FALSE);
  g_autofree char *norm = joined_norm(l, n);
  ps = k2x_profile_match_heading(seg->profile, joined->str, norm, heading);
  if (ps)
    *second = n;
  return ps;
}

void k2x_segmenter_add_page(k2x_segmenter *seg, k2x_page *page) {
  g_autoptr(GPtrArray) batch = g_ptr_array_new();
  label_scan scan = {0, TRUE, 0};
  for (guint i = 0; i < page->lines->len; i++) {
    k2x_line *l = g_ptr_array_index(page->lines, i);
    switch (l->role) {
    case K2X_ROLE_TITLE:
      /* A title wrapped over two lines comes as two title lines in a row. */
      if (i > 0 && seg->title &&
          ((k2x_line *)g_ptr_array_index(page->lines, i - 1))->role == K2X_ROLE_TITLE) {
        GString *joined = g_string_new(seg->title);
        k2x_text_append_line(joined, l->text, FALSE);
        g_free(seg->title);
        seg->title = g_string_free(joined, FALSE);
      } else {
        g_free(seg->title);
        seg->title = g_strdup(l->text);
      }
      seg->title_page = page->number;
      continue;
    case K2X_ROLE_LABEL:
      read_label(seg, page, i, &scan);
      continue;
    case K2X_ROLE_NONE:
      break;
    default:
      continue;
    }
    g_autofree char *heading = NULL;
    k2x_line *second = NULL;
    const k2x_profile_section *ps = match_heading(seg, page, i, &heading, &second);
    if (ps) {
      if (seg->table)
        flush_table(seg, page, batch);
      start_section(seg, ps, heading, page, l);
      if (second) {
        second->role = K2X_ROLE_HEADING;
        seg->section->box = k2x_box_union(seg->section->box, second->box);
        i++;
      }
    } else if (seg->table) {
      g_ptr_array_add(batch, l);
    } else {
      add_item_line(seg, page, l);
    }
  }
  if (seg->table)
    flush_table(seg, page, batch);

  for (guint i = 0; i < page->lines->len; i++) {
    k2x_line *l = g_ptr_array_index(page->lines, i);
    if (l->role == K2X_ROLE_NONE)
      unassigned(seg, page, l);
    seg->doc->line_roles[l->role]++;
    if (l->role != K2X_ROLE_HEADING && l->role != K2X_ROLE_CELL && l->role != K2X_ROLE_ITEM)
      k2x_doc_add_mark(seg->doc, l->role, page->number, l->box, l->text);
  }
}

static void append_body(GString *body, const k2x_report *r) {
  for (guint s = 0; s < r->sections->len; s++) {
    const k2x_section *sec = g_ptr_array_index(r->sections, s);
    for (guint i = 0; i < sec->rows->len; i++) {
      const k2x_row *row = g_ptr_array_index(sec->rows, i);
      for (guint c = 0; c < row->cells->len; c++)
        g_string_append_printf(body, "%s\n",
                               ((const k2x_cell *)g_ptr_array_index(row->cells, c))->text);
    }
    for (guint i = 0; i < sec->items->len; i++)
      g_string_append_printf(body, "%s\n", ((const k2x_item *)g_ptr_array_index(sec->items, i))->text);
  }
}

static void settle_region(k2x_segmenter *seg, k2x_report *r) {
  char *pref = NULL, *area = NULL;
  if (r->label && k2x_region_parse_label(seg->regions, r->label, &pref, &area)) {
    r->region.source = K2X_REGION_LABEL;
  } else {
    g_autoptr(GString) body = g_string_new(NULL);
    append_body(body, r);
    if (k2x_region_infer(seg->regions, body->str, &pref, &area)) {
      r->region.source = K2X_REGION_BODY;
      k2x_report_add_warning(r, "region_inferred", r->page_first,
                             "no region label printed; %s %s inferred from the places the body "
                             "names",
                             pref, area);
    } else {
      r->region.source = K2X_REGION_NONE;
      k2x_report_add_warning(r, "region_missing", r->page_first,
                             "no region label printed and the body names no known place");
    }
  }
  if (pref) {
    g_free(r->region.prefecture);
    g_free(r->region.area);
    r->region.prefecture = pref;
    r->region.area = area;
  }
}

static void check_sections(const k2x_segmenter *seg, k2x_report *r) {
  for (guint i = 0; i < seg->profile->sections->len; i++) {
    const k2x_profile_section *ps = g_ptr_array_index(seg->profile->sections, i);
    gboolean found = FALSE;
    for (guint s = 0; s < r->sections->len && !found; s++)
      found = ((const k2x_section *)g_ptr_array_index(r->sections, s))->number == ps->number;
    if (!found)
      k2x_report_add_warning(r, "section_missing", r->page_first,
                             "section %d was not found in this report", ps->number);
  }
}

/* Once the next report has started nothing can change a report any more (a label or title
 * seen from then on is the new one's), so it is settled and handed on. */
static void close_report(k2x_segmenter *seg) {
  k2x_report *r = g_steal_pointer(&seg->report);
  seg->section = NULL; /* it may be released with the report */
  seg->psection = NULL;
  if (!r)
    return;
  settle_region(seg, r);
  check_sections(seg, r);
  if (seg->report_done)
    seg->report_done(k2x_doc_take_report(seg->doc, r), seg->report_done_data);
}

void k2x_segmenter_finish(k2x_segmenter *seg) {
  close_section(seg);
  if (seg->pending_label && seg->report)
    set_label(seg->report, seg->pending_label, seg->pending_label_span);
  g_clear_pointer(&seg->pending_label, g_free);
  close_report(seg);
}
