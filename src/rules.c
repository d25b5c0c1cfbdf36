/* rules: pieces of paths → the page's ruling lines (joined, double borders made one). */
#include "rules.h"

#include <math.h>
#include <stdlib.h>

/* The character size assumed on a page without text: Japanese word processors' default body
 * size. Such a page has no table to read; its rules only show in the review. */
#define EM_WITHOUT_TEXT 10.5

/* A rule in the frame of its direction: along runs a..b at pos across, its ink spanning
 * lo..hi across (pos ± width / 2). */
typedef struct {
  double pos, a, b, lo, hi;
} piece;

static int compare_lo(const void *x, const void *y) {
  const piece *p = x, *q = y;
  return p->lo < q->lo ? -1 : p->lo > q->lo;
}

static int compare_a(const void *x, const void *y) {
  const piece *p = x, *q = y;
  return p->a < q->a ? -1 : p->a > q->a;
}

static int compare_double(const void *x, const void *y) {
  double a = *(const double *)x, b = *(const double *)y;
  return a < b ? -1 : a > b;
}

/* The page's character size: the median font size of its lines. */
static double page_em(const k2x_page *page) {
  guint n = page->lines->len;
  if (n == 0)
    return EM_WITHOUT_TEXT;
  g_autofree double *sizes = g_new(double, n);
  for (guint i = 0; i < n; i++)
    sizes[i] = ((const k2x_line *)g_ptr_array_index(page->lines, i))->size;
  qsort(sizes, n, sizeof *sizes, compare_double);
  return sizes[n / 2] > 0 ? sizes[n / 2] : EM_WITHOUT_TEXT;
}

static void add_rule(GArray *rules, k2x_rule_dir dir, const piece *p) {
  k2x_rule r = {dir, 0, 0, 0, 0, p->hi - p->lo};
  double pos = (p->lo + p->hi) / 2;
  if (dir == K2X_RULE_HORIZONTAL) {
    r.x0 = p->a, r.x1 = p->b, r.y0 = r.y1 = pos;
  } else {
    r.y0 = p->a, r.y1 = p->b, r.x0 = r.x1 = pos;
  }
  g_array_append_val(rules, r);
}

/* Joins the pieces of one direction (n of them, reordered) into rules. A cell needs room for a
 * character, so lines closer than half of one across have no row or column between them: they
 * are one border drawn twice (a double border, both edges of a thin filled rectangle, the
 * shared edge of two cell boxes); and a gap of less than half a character along a line is a
 * dash or a join, not the end of the line. A rule shorter than a character bounds no cell. */
static void join(piece *p, guint n, k2x_rule_dir dir, double em, GArray *rules) {
  qsort(p, n, sizeof *p, compare_lo);
  guint start = 0;
  while (start < n) {
    /* A band: pieces whose ink lies within half a character of the band's across. */
    double hi = p[start].hi;
    guint end = start + 1;
    while (end < n && p[end].lo <= hi + em / 2) {
      hi = MAX(hi, p[end].hi);
      end++;
    }
    /* Along the band, pieces that overlap or nearly meet are one rule. */
    qsort(p + start, end - start, sizeof *p, compare_a);
    piece cur = p[start];
    for (guint i = start + 1; i <= end; i++) {
      if (i < end && p[i].a <= cur.b + em / 2) {
        cur.b = MAX(cur.b, p[i].b);
        cur.lo = MIN(cur.lo, p[i].lo);
        cur.hi = MAX(cur.hi, p[i].hi);
        continue;
      }
      if (cur.b - cur.a >= em)
        add_rule(rules, dir, &cur);
      if (i < end)
        cur = p[i];
    }
    start = end;
  }
}

static int compare_rules(gconstpointer x, gconstpointer y) {
  const k2x_rule *r = x, *s = y;
  if (r->dir != s->dir)
    return r->dir == K2X_RULE_HORIZONTAL ? -1 : 1;
  double a = r->dir == K2X_RULE_HORIZONTAL ? r->y0 : r->x0;
  double b = s->dir == K2X_RULE_HORIZONTAL ? s->y0 : s->x0;
  if (a != b)
    return a < b ? -1 : 1;
  a = r->dir == K2X_RULE_HORIZONTAL ? r->x0 : r->y0;
  b = s->dir == K2X_RULE_HORIZONTAL ? s->x0 : s->y0;
  return a < b ? -1 : a > b;
}

void k2x_page_set_rules(k2x_page *page, GArray *pieces) {
  double em = page_em(page);
  g_autofree piece *horizontal = g_new(piece, pieces->len);
  g_autofree piece *vertical = g_new(piece, pieces->len);
  piece *across[2] = {horizontal, vertical};
  guint count[2] = {0, 0};
  for (guint i = 0; i < pieces->len; i++) {
    const k2x_rule *r = &g_array_index(pieces, k2x_rule, i);
    gboolean h = r->dir == K2X_RULE_HORIZONTAL;
    /* Cut to the page: what lies beyond it is not printed. */
    double pos = h ? r->y0 : r->x0, limit = h ? page->height : page->width;
    double a = h ? r->x0 : r->y0, b = h ? r->x1 : r->y1, end = h ? page->width : page->height;
    double w = isfinite(r->width) && r->width > 0 ? r->width : 0;
    if (!isfinite(pos) || !isfinite(a) || !isfinite(b) || pos < 0 || pos > limit)
      continue;
    a = MAX(a, 0);
    b = MIN(b, end);
    if (b <= a)
      continue;
    across[!h][count[!h]++] = (piece){pos, a, b, pos - w / 2, pos + w / 2};
  }
  g_array_set_size(page->rules, 0);
  join(across[0], count[0], K2X_RULE_HORIZONTAL, em, page->rules);
  join(across[1], count[1], K2X_RULE_VERTICAL, em, page->rules);
  g_array_sort(page->rules, compare_rules);
  g_array_unref(pieces);
}
