/* segment_table: the table section — columns from the header, the vertical rules or white
 * space; rows as segment_rows.c finds them; cells that continue across pages. */
#include <math.h>
#include <string.h>

#include "segment.h"
#include "text.h"

typedef struct {
  guint start, end; /* glyph range of a line */
} piece;

struct k2x_table {
  k2x_report *report; /* for warnings */
  k2x_section *section;
  const k2x_profile_section *psection;
  const k2x_profile *profile;
  guint columns;
  double page_width;              /* page the splits and edges were measured on */
  double split[K2X_MAX_COLUMNS - 1];  /* x between column k and k+1 */
  double right[K2X_MAX_COLUMNS];      /* right edge of each column's text */
  gboolean have_splits;
  double centre[K2X_MAX_COLUMNS];     /* header text centres, 0 when no header was seen */
  k2x_row *row;                   /* row being read */
  k2x_row *cell_row[K2X_MAX_COLUMNS]; /* the row each column writes in: row, or an earlier
                                         one whose cell spans the rules below it */
  GString *text[K2X_MAX_COLUMNS]; /* the cells' text while they grow */
  k2x_flow flow[K2X_MAX_COLUMNS];
  gunichar last[K2X_MAX_COLUMNS]; /* last character of each column's last line */
  double divided_from, divided_to; /* this page: where vertical rules divide the columns */
  gboolean columns_guessed; /* the gutters were looked for in equal slices */
  gboolean warned_columns;
  k2x_layout ruled;  /* the most any page's rules between rows showed */
  k2x_layout closed; /* the most a page holding one row in a ruled box showed */
  gboolean text_shown; /* a page found rows in its text, without rules between them */
  double row_gap;    /* the clear space that parts rows, as the last page that spaced its
                        rows showed it; 0 until one did */
  GPtrArray *queued; /* queued_line: a table read without layout waits for its last line */
  gsize text_width;  /* display columns of the widest body line of its pages */
};

typedef struct {
  char *text;
  k2x_span span;
} queued_line;

static void queued_line_free(gpointer p) {
  queued_line *q = p;
  g_free(q->text);
  g_free(q);
}

k2x_table *k2x_table_new(k2x_report *report, k2x_section *section,
                         const k2x_profile_section *psection, const k2x_profile *profile) {
  k2x_table *t = g_new0(k2x_table, 1);
  t->report = report;
  t->section = section;
  t->psection = psection;
  t->profile = profile;
  t->columns = MIN(psection->columns->len, K2X_MAX_COLUMNS);
  t->queued = g_ptr_array_new_with_free_func(queued_line_free);
  return t;
}

/* A cell gets its text when its column moves on; growing it in a GString keeps a long cell
 * linear. */
static void close_cell(k2x_table *t, guint k) {
  if (!t->text[k])
    return;
  k2x_cell *cell = g_ptr_array_index(t->cell_row[k]->cells, k);
  g_free(cell->text);
  cell->text = g_string_free(t->text[k], FALSE);
  t->text[k] = NULL;
}

static void close_row(k2x_table *t) {
  for (guint k = 0; k < t->columns; k++)
    close_cell(t, k);
}

/* A new row, in which the columns of mask start their cells; the others go on writing in
 * the cell above, which spans the rule between (a merged cell). */
static void start_cells(k2x_table *t, int page, guint mask) {
  t->row = k2x_section_add_row(t->section, t->columns);
  t->row->page_first = t->row->page_last = page;
  for (guint k = 0; k < t->columns; k++) {
    if (!t->cell_row[k] || (mask & (1u << k))) {
      close_cell(t, k);
      t->cell_row[k] = t->row;
    }
  }
}

static void start_row(k2x_table *t, int page) {
  start_cells(t, page, (1u << t->columns) - 1);
}

static void add_text(k2x_table *t, guint k, const char *text, gboolean paragraph,
                     k2x_span span) {
  if (!t->text[k])
    t->text[k] = g_string_new(NULL);
  k2x_text_append_line(t->text[k], text, paragraph);
  k2x_row *row = t->cell_row[k];
  k2x_cell *cell = g_ptr_array_index(row->cells, k);
  k2x_spans_add(cell->spans, span.page, span.box);
  row->page_last = MAX(row->page_last, span.page);
}

/* The lines of a table read without layout, now all in: their columns and rows come from
 * their order and widths. With more or fewer than two columns, the lines stay in the first,
 * a row per paragraph. */
static void place_queued(k2x_table *t) {
  guint n = t->queued->len;
  g_autofree const char **texts = g_new(const char *, n);
  g_autofree gboolean *markers = g_new(gboolean, n);
  g_autofree k2x_line_place *places = g_new0(k2x_line_place, n);
  for (guint i = 0; i < n; i++) {
    texts[i] = ((const queued_line *)g_ptr_array_index(t->queued, i))->text;
    gboolean strong = FALSE;
    k2x_profile_marker_length(t->profile, texts[i], &strong);
    markers[i] = strong;
  }
  if (t->columns == 2) {
    k2x_columns_place(texts, markers, n, t->text_width, places);
  } else {
    for (guint i = 0; i < n; i++)
      places[i] = (k2x_line_place){0, i == 0 || markers[i], TRUE, 0};
  }
  for (guint i = 0; i < n; i++) {
    const queued_line *q = g_ptr_array_index(t->queued, i);
    const k2x_line_place *pl = &places[i];
    if (pl->new_row || !t->row)
      start_row(t, q->span.page);
    if (pl->split) {
      g_autofree char *first = g_strndup(q->text, pl->split);
      add_text(t, 0, first, pl->new_paragraph, q->span);
      add_text(t, 1, q->text + pl->split + 1, TRUE, q->span);
    } else {
      add_text(t, pl->column, q->text, pl->new_paragraph, q->span);
    }
  }
  g_ptr_array_set_size(t->queued, 0);
}

void k2x_table_finish(k2x_table *table) {
  if (table->queued->len > 0)
    place_queued(table);
  if (table->row)
    close_row(table);
  k2x_section *s = table->section;
  if (s->header->len == 0 && table->report)
    k2x_report_add_warning(table->report, "table_header_missing", s->page,
                           "no column headers found for the table of section %d; columns "
                           "taken from the text alone",
                           s->number);
}

void k2x_table_free(k2x_table *table) {
  if (!table)
    return;
  for (guint k = 0; k < table->columns; k++)
    if (table->text[k])
      g_string_free(table->text[k], TRUE);
  g_ptr_array_unref(table->queued);
  g_free(table);
}

/* Normalised text of a line with, for each glyph, where its part of that text ends, so that
 * a match on normalised text maps back to printed glyphs. Each glyph is normalised on its
 * own; a simple character (text.h) is its own form. */
static char *normalize_mapped(const k2x_line *l, gsize *ends) {
  GString *s = g_string_sized_new(l->glyphs->len * 3);
  for (guint i = 0; i < l->glyphs->len; i++) {
    gunichar c = g_array_index(l->glyphs, k2x_glyph, i).c, form;
    if (k2x_text_nfkc_simple(c, &form)) {
      if (!g_unichar_isspace(form))
        g_string_append_unichar(s, form);
    } else {
      char buf[8];
      k2x_text_normalize_append(s, buf, g_unichar_to_utf8(c, buf));
    }
    ends[i] = s->len;
  }
  return g_string_free(s, FALSE);
}

/* The glyph whose part of the normalised text holds byte b (ends as normalize_mapped sets). */
static guint glyph_of_byte(const gsize *ends, guint n, gsize b) {
  guint i = 0;
  while (i < n && ends[i] <= b)
    i++;
  return i;
}

/* Finds the header row among lines: sets its role, records the printed headers, and returns
 * the box of each column's header text in heads. */
static gboolean read_header(k2x_table *t, k2x_line *l, k2x_box *heads) {
  g_autofree gsize *glyph_ends = g_new(gsize, l->glyphs->len);
  g_autofree char *norm = normalize_mapped(l, glyph_ends);
  gint ends[K2X_MAX_COLUMNS];
  if (!k2x_profile_match_header(t->psection, norm, ends))
    return FALSE;
  /* Glyph ranges of the columns; NFKC may turn one glyph into several characters, and a
   * column that ends inside the glyph before it has no glyph of its own. */
  guint bounds[K2X_MAX_COLUMNS + 1] = {0};
  for (guint k = 0; k < t->columns; k++) {
    bounds[k + 1] = glyph_of_byte(glyph_ends, l->glyphs->len, (gsize)ends[k] - 1) + 1;
    if (bounds[k + 1] <= bounds[k])
      return FALSE;
  }
  l->role = K2X_ROLE_TABLE_HEADER;
  gboolean record = t->section->header->len == 0;
  for (guint k = 0; k < t->columns; k++) {
    const k2x_glyph *g = &g_array_index(l->glyphs, k2x_glyph, bounds[k]);
    guint n = bounds[k + 1] - bounds[k];
    heads[k] = k2x_glyphs_box(g, n);
    if (record)
      g_ptr_array_add(t->section->header, k2x_glyphs_text(g, n));
  }
  return TRUE;
}

/* The gutter between two columns: the widest x-interval in [lo, hi] that the fewest glyphs
 * cover, over the page's table lines. Glyphs, not runs: some producers leave only a few
 * points between the columns, less than a word space. A note across the table covers every x,
 * so it raises the count everywhere and leaves the gutter the minimum. */
static double find_split(const GPtrArray *lines, double lo, double hi) {
  if (!(hi - lo > 1.5 && hi - lo < 1e5))
    return (lo + hi) / 2;
  const double bin = 0.5;
  int n = (int)ceil((hi - lo) / bin);
  /* Each glyph adds one over its bins: marked at both ends, summed once, so that a wide glyph
   * costs no more than a narrow one. */
  g_autofree int *cover = g_new0(int, n + 1);
  for (guint i = 0; i < lines->len; i++) {
    const k2x_line *l = g_ptr_array_index(lines, i);
    if (l->role == K2X_ROLE_TABLE_HEADER)
      continue;
    for (guint j = 0; j < l->glyphs->len; j++) {
      const k2x_glyph *g = &g_array_index(l->glyphs, k2x_glyph, j);
      double a0 = CLAMP((g->x0 - lo) / bin, 0, n), b0 = CLAMP((g->x1 - lo) / bin, 0, n);
      int a = (int)floor(a0), b = (int)ceil(b0);
      if (a < b) {
        cover[a]++;
        cover[b]--;
      }
    }
  }
  for (int x = 1; x < n; x++)
    cover[x] += cover[x - 1];
  int min = G_MAXINT;
  for (int x = 0; x < n; x++)
    min = MIN(min, cover[x]);
  int best_start = 0, best_len = 0;
  for (int x = 0; x < n;) {
    if (cover[x] != min) {
      x++;
      continue;
    }
    int s = x;
    while (x < n && cover[x] == min)
      x++;
    if (x - s > best_len) {
      best_len = x - s;
      best_start = s;
    }
  }
  return lo + (best_start + best_len / 2.0) * bin;
}

/* A header stands inside its cell, centred or at its left, and a cell's text starts at the
 * cell's left: each gutter lies between the end of one header and the start of the next. */
static void find_splits(k2x_table *t, const GPtrArray *lines, const k2x_page *page,
                        const k2x_box *heads, gboolean have_heads) {
  if (!have_heads && t->have_splits && fabs(t->page_width - page->width) < 1)
    return;
  double lo = page->text_left, hi = page->text_right;
  for (guint k = 0; k + 1 < t->columns; k++) {
    double a, b;
    if (have_heads) {
      a = heads[k].x1;
      b = heads[k + 1].x0;
      if (a >= b) {
        a = (heads[k].x0 + heads[k].x1) / 2;
        b = (heads[k + 1].x0 + heads[k + 1].x1) / 2;
      }
    } else {
      /* Without a header, look for the gutters in equal slices of the text width. */
      t->columns_guessed = TRUE;
      double slice = (hi - lo) / t->columns;
      a = lo + slice * (k + 0.5);
      b = lo + slice * (k + 1.5);
    }
    t->split[k] = find_split(lines, a, b);
  }
  if (fabs(t->page_width - page->width) >= 1)
    memset(t->right, 0, sizeof t->right);
  for (guint k = 0; have_heads && k < t->columns; k++)
    t->centre[k] = (heads[k].x0 + heads[k].x1) / 2;
  t->page_width = page->width;
  t->have_splits = TRUE;
}

/* The gutters drawn: a vertical rule between each two columns' header centres (or within
 * the slices the gutter was looked for in) that runs beside the body lines [top, bottom]; the
 * one nearest the gutter found in the white space. Returns whether every gutter has one. */
static gboolean splits_from_rules(k2x_table *t, const k2x_page *page, double top,
                                  double bottom) {
  t->divided_from = t->divided_to = 0;
  if (!page->rules || t->columns < 2)
    return FALSE;
  double from = -G_MAXDOUBLE, to = G_MAXDOUBLE;
  double split[K2X_MAX_COLUMNS - 1];
  double lo = page->text_left, hi = page->text_right, slice = (hi - lo) / t->columns;
  for (guint k = 0; k + 1 < t->columns; k++) {
    double a = t->centre[k] > 0 ? t->centre[k] : lo + slice * (k + 0.5);
    double b = t->centre[k + 1] > 0 ? t->centre[k + 1] : lo + slice * (k + 1.5);
    double best = G_MAXDOUBLE, best_from = 0, best_to = 0;
    for (guint i = 0; i < page->rules->len; i++) {
      const k2x_rule *r = &g_array_index(page->rules, k2x_rule, i);
      if (r->dir != K2X_RULE_VERTICAL || r->x0 <= a || r->x0 >= b || r->y1 < top ||
          r->y0 > bottom)
        continue;
      if (fabs(r->x0 - t->split[k]) < fabs(best - t->split[k])) {
        best = r->x0;
        best_from = r->y0;
        best_to = r->y1;
      }
    }
    if (best == G_MAXDOUBLE)
      return FALSE;
    split[k] = best;
    from = MAX(from, best_from);
    to = MIN(to, best_to);
  }
  memcpy(t->split, split, sizeof split);
  t->divided_from = from;
  t->divided_to = to;
  return TRUE;
}

static guint column_of(const k2x_table *t, const k2x_glyph *g) {
  double xc = (g->x0 + g->x1) / 2;
  guint k = 0;
  while (k + 1 < t->columns && xc > t->split[k])
    k++;
  return k;
}

/* Whether a glyph straddles a gutter: the line then crosses the columns. Punctuation that
 * may not start a line can hang past its cell's edge (ぶら下げ); and beside a drawn divider
 * every line is in the grid, whatever hangs over it. */
static gboolean crosses(const k2x_table *t, const k2x_line *l) {
  if (t->divided_from < t->divided_to && l->box.y0 < t->divided_to &&
      l->box.y1 > t->divided_from)
    return FALSE;
  for (guint i = 0; i < l->glyphs->len; i++) {
    const k2x_glyph *g = &g_array_index(l->glyphs, k2x_glyph, i);
    if (k2x_text_no_line_start(g->c))
      continue;
    for (guint k = 0; k + 1 < t->columns; k++)
      if (g->x0 < t->split[k] - 1 && g->x1 > t->split[k] + 1)
        return TRUE;
  }
  return FALSE;
}

static void split_line(const k2x_table *t, const k2x_line *l, piece *pieces) {
  for (guint k = 0; k < t->columns; k++)
    pieces[k].start = pieces[k].end = 0;
  for (guint i = 0; i < l->glyphs->len; i++) {
    guint k = column_of(t, &g_array_index(l->glyphs, k2x_glyph, i));
    if (pieces[k].end == pieces[k].start)
      pieces[k].start = i;
    pieces[k].end = i + 1;
  }
}

static k2x_box piece_box(const k2x_line *l, piece p) {
  return k2x_glyphs_box(&g_array_index(l->glyphs, k2x_glyph, p.start), p.end - p.start);
}

/* A column whose lines are all short says nothing about where its lines wrap. Headers sit
 * centred over their cells, so the cell reaches as far right of the centre as its text starts
 * left of it; a character less, for the cell padding. */
static void widen_short_columns(k2x_table *t, const GPtrArray *lines, const GPtrArray *pieces) {
  for (guint k = 0; k < t->columns; k++) {
    if (t->centre[k] <= 0)
      continue;
    double left = G_MAXDOUBLE, size = 0;
    for (guint i = 0; i < lines->len; i++) {
      const piece *p = g_ptr_array_index(pieces, i);
      if (!p || p[k].end == p[k].start)
        continue;
      const k2x_line *l = g_ptr_array_index(lines, i);
      left = MIN(left, g_array_index(l->glyphs, k2x_glyph, p[k].start).x0);
      size = MAX(size, l->size);
    }
    if (left == G_MAXDOUBLE)
      continue;
    double estimate = 2 * t->centre[k] - left - size;
    if (t->right[k] < estimate - size)
      t->right[k] = estimate;
  }
}

static int compare_double(gconstpointer a, gconstpointer b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

/* Where a line stands: the median top of its glyphs, so that a Latin word in another font,
 * whose boxes sit a little higher, does not move it. Most lines have one top. */
static double line_top(const k2x_line *l) {
  guint n = l->glyphs->len;
  double first = g_array_index(l->glyphs, k2x_glyph, 0).y0;
  guint same = 1;
  while (same < n && g_array_index(l->glyphs, k2x_glyph, same).y0 == first)
    same++;
  if (same == n)
    return first;
  g_autofree double *tops = g_new(double, n);
  for (guint i = 0; i < n; i++)
    tops[i] = g_array_index(l->glyphs, k2x_glyph, i).y0;
  qsort(tops, n, sizeof *tops, compare_double);
  return tops[n / 2];
}

/* Where a run of glyphs ends below: the median foot of their boxes, so that one taller glyph
 * (a fallback font's) does not move it. */
static double glyphs_foot(const k2x_glyph *g, guint n) {
  g_autofree double *feet = g_new(double, n);
  for (guint i = 0; i < n; i++)
    feet[i] = g[i].y1;
  qsort(feet, n, sizeof *feet, compare_double);
  return feet[n / 2];
}

static gboolean starts_item(const k2x_profile *profile, const char *text) {
  gboolean strong = FALSE;
  k2x_profile_marker_length(profile, text, &strong);
  return strong;
}

/* A line opening with an arrow (→ ⇒ ↳) states what came of the text above it: it goes on
 * that cell, it never starts a row. */
static gboolean refers_back(const k2x_glyph *g) {
  return g->c == 0x2192 || g->c == 0x21D2 || g->c == 0x21B3 || g->c == 0x27A1;
}

static gboolean ends_sentence(gunichar c) {
  return c == 0x3002 || c == 0xFF0E || c == 0xFF01 || c == 0xFF1F || c == '.' || c == '!' ||
         c == '?';
}

/* A line ending in a comma or a particle left its sentence open, however short it is: the
 * producer broke it early (a character that may not start a line, or its own wrapping). */
static gboolean leaves_open(gunichar c) {
  return c == 0x3001 || c == 0xFF0C || c == ',' || k2x_text_is_particle(c);
}

static void add_piece(k2x_table *t, guint k, const k2x_line *l, piece p, gboolean paragraph,
                      const k2x_page *page) {
  const k2x_glyph *g = &g_array_index(l->glyphs, k2x_glyph, p.start);
  g_autofree char *text = k2x_glyphs_text(g, p.end - p.start);
  add_text(t, k, text, paragraph, (k2x_span){page->number, piece_box(l, p)});
}

/* How a body line reads against the column flows above it: which columns it has text in,
 * which of them start a paragraph and which go on a sentence left open. Moves the flows on;
 * they run across rows and pages, as a row may continue on the next page. */
static k2x_row_line read_flow(k2x_table *t, const k2x_line *l, const piece *p, double top,
                              const k2x_page *page, guint *paragraphs) {
  k2x_row_line rl = {top, top, l->size, 0, 0, FALSE, FALSE};
  *paragraphs = 0;
  for (guint k = 0; k < t->columns; k++) {
    if (p[k].end == p[k].start)
      continue;
    const k2x_glyph *g = &g_array_index(l->glyphs, k2x_glyph, p[k].start);
    guint n = p[k].end - p[k].start;
    rl.present |= 1u << k;
    /* A line may join cells set at different heights: its foot is the lowest of theirs. */
    rl.bottom = MAX(rl.bottom, glyphs_foot(g, n));
    if (t->flow[k].open) {
      g_autofree char *text = k2x_glyphs_text(g, n);
      if (starts_item(t->profile, text))
        *paragraphs |= 1u << k;
      else if (leaves_open(t->last[k]))
        rl.continues |= 1u << k;
      else if (k2x_flow_breaks(&t->flow[k], g, n))
        *paragraphs |= 1u << k;
      else if (!ends_sentence(t->last[k]))
        rl.continues |= 1u << k;
    }
    if (k == 0)
      rl.refers_back = refers_back(g);
    t->flow[k].open = TRUE;
    t->flow[k].room = t->right[k] - piece_box(l, p[k]).x1 - page->grid / 2;
    t->last[k] = g[n - 1].c;
  }
  return rl;
}

/* Text without layout may give each column header a line of its own: the number of lines
 * from i on that are the header row so, or 0. */
static guint header_lines(k2x_table *t, GPtrArray *lines, guint i) {
  if (i + t->columns > lines->len)
    return 0;
  GString *joined = g_string_new(NULL);
  gint ends[K2X_MAX_COLUMNS], line_ends[K2X_MAX_COLUMNS];
  for (guint k = 0; k < t->columns; k++) {
    g_string_append(joined, ((const k2x_line *)g_ptr_array_index(lines, i + k))->norm);
    line_ends[k] = (gint)joined->len;
  }
  gboolean match = k2x_profile_match_header(t->psection, joined->str, ends) &&
                   memcmp(ends, line_ends, t->columns * sizeof *ends) == 0;
  g_string_free(joined, TRUE);
  if (!match)
    return 0;
  for (guint k = 0; k < t->columns; k++) {
    k2x_line *l = g_ptr_array_index(lines, i + k);
    l->role = K2X_ROLE_TABLE_HEADER;
    if (t->section->header->len < t->columns)
      g_ptr_array_add(t->section->header, g_strdup(l->text));
  }
  return t->columns;
}

/* Text without layout: the lines wait for the end of the table, and the width of the page's
 * body (measured by clean) is noted, which the two columns share. */
static void queue_lines(k2x_table *t, const k2x_page *page, GPtrArray *lines) {
  k2x_box heads[K2X_MAX_COLUMNS];
  for (guint i = 0; i < lines->len; i++) {
    k2x_line *l = g_ptr_array_index(lines, i);
    if (read_header(t, l, heads))
      continue;
    guint header = header_lines(t, lines, i);
    if (header > 0) {
      i += header - 1;
      continue;
    }
    queued_line *q = g_new(queued_line, 1);
    q->text = g_strdup(l->text);
    q->span = (k2x_span){page->number, l->box};
    g_ptr_array_add(t->queued, q);
    l->role = K2X_ROLE_CELL;
  }
  t->text_width = MAX(t->text_width, page->body_columns);
}

void k2x_table_add_lines(k2x_table *t, const k2x_page *page, GPtrArray *lines,
                         GPtrArray *outside) {
  if (page->flow_only) {
    queue_lines(t, page, lines);
    return;
  }
  k2x_box heads[K2X_MAX_COLUMNS];
  gboolean have_heads = FALSE;
  for (guint i = 0; i < lines->len; i++) {
    k2x_line *l = g_ptr_array_index(lines, i);
    if (read_header(t, l, heads))
      have_heads = TRUE;
  }
  find_splits(t, lines, page, heads, have_heads);
  double body_top = G_MAXDOUBLE, body_bottom = -G_MAXDOUBLE;
  for (guint i = 0; i < lines->len; i++) {
    const k2x_line *l = g_ptr_array_index(lines, i);
    if (l->role != K2X_ROLE_TABLE_HEADER) {
      body_top = MIN(body_top, l->box.y0);
      body_bottom = MAX(body_bottom, l->box.y1);
    }
  }
  gboolean vertical = splits_from_rules(t, page, body_top, body_bottom);
  if (t->columns_guessed && !vertical && !t->warned_columns) {
    t->warned_columns = TRUE;
    k2x_report_add_warning(t->report, "table_columns_guessed", page->number,
                           "no column headers or vertical rules on this page: the table of "
                           "section %d was cut into columns at the widest white space",
                           t->section->number);
  }

  /* Split every line into its columns and measure each column's right edge. */
  g_autoptr(GPtrArray) pieces = g_ptr_array_new_with_free_func(g_free);
  for (guint i = 0; i < lines->len; i++) {
    k2x_line *l = g_ptr_array_index(lines, i);
    if (l->role == K2X_ROLE_TABLE_HEADER || crosses(t, l)) {
      g_ptr_array_add(pieces, NULL);
      continue;
    }
    piece *p = g_new0(piece, t->columns);
    split_line(t, l, p);
    for (guint k = 0; k < t->columns; k++) {
      if (p[k].end == p[k].start)
        continue;
      const k2x_glyph *g = &g_array_index(l->glyphs, k2x_glyph, p[k].start);
      t->right[k] = MAX(t->right[k], k2x_glyphs_right(g, p[k].end - p[k].start));
    }
    g_ptr_array_add(pieces, p);
  }

  widen_short_columns(t, lines, pieces);

  /* The body lines as the row strategy reads them, and each column's extent. */
  g_autofree k2x_row_line *rows = g_new(k2x_row_line, lines->len);
  g_autofree guint *paragraphs = g_new(guint, lines->len);
  double left[K2X_MAX_COLUMNS], right[K2X_MAX_COLUMNS];
  for (guint k = 0; k < t->columns; k++) {
    left[k] = G_MAXDOUBLE;
    right[k] = -G_MAXDOUBLE;
  }
  guint n = 0;
  gboolean after_break = FALSE;
  for (guint i = 0; i < lines->len; i++) {
    const k2x_line *l = g_ptr_array_index(lines, i);
    const piece *p = g_ptr_array_index(pieces, i);
    if (!p) {
      after_break = TRUE;
      continue;
    }
    for (guint k = 0; k < t->columns; k++) {
      if (p[k].end == p[k].start)
        continue;
      k2x_box box = piece_box(l, p[k]);
      left[k] = MIN(left[k], box.x0);
      right[k] = MAX(right[k], box.x1);
    }
    rows[n] = read_flow(t, l, p, line_top(l), page, &paragraphs[n]);
    rows[n].after_break = after_break && n > 0;
    after_break = FALSE;
    n++;
  }
  k2x_row_plan plan;
  k2x_row_plan_init(&plan, page, rows, n, t->columns, left, right, vertical, t->row_gap);
  t->row_gap = plan.row_gap;

  guint all = (1u << t->columns) - 1, b = 0, inner_starts = 0;
  for (guint i = 0; i < lines->len; i++) {
    k2x_line *l = g_ptr_array_index(lines, i);
    const piece *p = g_ptr_array_index(pieces, i);
    if (l->role == K2X_ROLE_TABLE_HEADER)
      continue;
    if (!p) {
      g_ptr_array_add(outside, l);
      continue;
    }
    l->role = K2X_ROLE_CELL;
    guint starts = k2x_row_plan_starts(&plan, rows, b);
    inner_starts += b > 0 && starts != 0;
    if (!t->row || starts == all) {
      start_row(t, page->number);
    } else if (starts) {
      start_cells(t, page->number, starts);
      k2x_report_add_warning(t->report, "cell_spans_rows", page->number,
                             "a cell of the table of section %d spans a rule between rows; "
                             "its text stays in the row where it starts",
                             t->section->number)
          ->box = l->box;
    }
    for (guint k = 0; k < t->columns; k++)
      if (p[k].end > p[k].start)
        add_piece(t, k, l, p[k], (paragraphs[b] >> k) & 1, page);
    b++;
  }
  /* A page that holds one row in a ruled box tells a ruled table, unless another page found
   * rows in such a box without rules between them: booktabs closes a table of text so. */
  if (inner_starts == 0)
    t->closed = MAX(t->closed, plan.closed);
  else if (plan.layout == K2X_LAYOUT_TEXT)
    t->text_shown = TRUE;
  t->ruled = MAX(t->ruled, plan.layout);
  t->section->layout = MAX(t->ruled, t->text_shown ? K2X_LAYOUT_TEXT : t->closed);
  k2x_row_plan_clear(&plan);
}
