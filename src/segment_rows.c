/* segment_rows: where the rows of a table page start — from the page's rules when it draws
 * them between rows, else from the text (the cells of one row start at the same height). */
#include <math.h>

#include "segment.h"

static int compare_double(gconstpointer a, gconstpointer b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

static guint all_columns(guint columns) {
  return (1u << columns) - 1;
}

/* The line opens a cell in every column at once, and none goes on a sentence above it: what
 * the first line of a row looks like in nearly every producer. */
static gboolean opens_every_cell(const k2x_row_line *l, guint columns) {
  return l->present == all_columns(columns) && l->continues == 0 && !l->refers_back;
}

/* Whether line i has a line of the table's body right above it on the page. */
static gboolean follows(const k2x_row_line *lines, guint i) {
  return i > 0 && !lines[i].after_break;
}

/* How far apart the lines of two rows stand on this page, when it spaces its rows (cell
 * padding, a rule's width): the widest step in the sorted pitches above at least two of them
 * (the lines inside cells), if it is clearly more than their jitter (twice their spread: a
 * line set lower by a taller fallback glyph makes one pitch short and the next long; and at
 * least a quarter point, as positions are rounded), and what lies above it includes a line
 * with text in every column, as a row's first line has. Paragraph spacing inside one cell is
 * a smaller step below it. 0 when the page does not tell rows apart by spacing. */
static double pitch_apart(const k2x_row_line *lines, guint n, guint columns) {
  g_autofree double *pitches = g_new(double, n);
  guint m = 0;
  for (guint i = 0; i < n; i++)
    if (follows(lines, i))
      pitches[m++] = lines[i].top - lines[i - 1].top;
  qsort(pitches, m, sizeof *pitches, compare_double);
  double best = 0, at = 0, jitter = 0;
  for (guint i = 1; i + 1 < m; i++) {
    if (pitches[i + 1] - pitches[i] > best) {
      best = pitches[i + 1] - pitches[i];
      at = (pitches[i + 1] + pitches[i]) / 2;
      jitter = pitches[i] - pitches[0];
    }
  }
  if (best <= 2 * jitter || best <= 0.25)
    return 0;
  for (guint i = 0; i < n; i++)
    if (follows(lines, i) && lines[i].top - lines[i - 1].top > at &&
        lines[i].present == all_columns(columns) && !lines[i].refers_back)
      return at;
  return 0;
}

/* Which columns a rule crosses: those whose text it spans for the most part. */
static guint crossed_columns(const k2x_rule *r, guint columns, const double *left,
                             const double *right) {
  guint mask = 0;
  for (guint k = 0; k < columns; k++) {
    if (right[k] <= left[k])
      continue;
    double overlap = MIN(r->x1, right[k]) - MAX(r->x0, left[k]);
    if (overlap >= (right[k] - left[k]) / 2)
      mask |= 1u << k;
  }
  return mask;
}

static double middle(const k2x_row_line *l) {
  return (l->top + l->bottom) / 2;
}

/* The columns in which a rule lies between lines a and b. */
static guint bound_between(const k2x_row_plan *plan, const k2x_row_line *a,
                           const k2x_row_line *b) {
  guint mask = 0;
  for (guint j = 0; j < plan->bounds->len; j++) {
    const k2x_row_bound *bd = &g_array_index(plan->bounds, k2x_row_bound, j);
    if (bd->y > middle(a) && bd->y < middle(b))
      mask |= bd->columns;
  }
  return mask;
}

void k2x_row_plan_init(k2x_row_plan *plan, const k2x_page *page, const k2x_row_line *lines,
                       guint n, guint columns, const double *left, const double *right,
                       gboolean vertical_rules) {
  plan->columns = columns;
  plan->bounds = g_array_new(FALSE, FALSE, sizeof(k2x_row_bound));
  plan->pitch_apart = 0;
  plan->layout = K2X_LAYOUT_TEXT;
  if (n == 0)
    return;
  double top = middle(&lines[0]), bottom = middle(&lines[n - 1]);
  gboolean above = FALSE, below = FALSE, inside = FALSE;
  for (guint i = 0; page->rules && i < page->rules->len; i++) {
    const k2x_rule *r = &g_array_index(page->rules, k2x_rule, i);
    if (r->dir != K2X_RULE_HORIZONTAL)
      continue;
    guint mask = crossed_columns(r, columns, left, right);
    if (mask == 0)
      continue;
    k2x_row_bound bd = {r->y0, mask};
    g_array_append_val(plan->bounds, bd);
    if (mask == all_columns(columns)) {
      above |= r->y0 < top;
      below |= r->y0 > bottom;
    }
  }
  for (guint i = 1; i < n && !inside; i++)
    inside = follows(lines, i) &&
             bound_between(plan, &lines[i - 1], &lines[i]) == all_columns(columns);
  /* Rules only at the top and foot of a page say nothing about the rows between: a table
   * ruled under its header alone is read from its text. A box closed above and below is one
   * row (or part of one), though. */
  if (inside || (above && below))
    plan->layout = vertical_rules ? K2X_LAYOUT_GRID : K2X_LAYOUT_RULES;
  else
    plan->pitch_apart = pitch_apart(lines, n, columns);
}

void k2x_row_plan_clear(k2x_row_plan *plan) {
  if (plan->bounds)
    g_array_unref(plan->bounds);
  plan->bounds = NULL;
}

guint k2x_row_plan_starts(const k2x_row_plan *plan, const k2x_row_line *lines, guint i) {
  const k2x_row_line *l = &lines[i];
  guint all = all_columns(plan->columns);
  gboolean above = follows(lines, i);
  if (above && plan->layout != K2X_LAYOUT_TEXT)
    return bound_between(plan, &lines[i - 1], l);
  /* A line whose first column is empty, or whose first column says what came of the text
   * above (→), continues the row above. */
  if (!(l->present & 1) || l->refers_back)
    return 0;
  if (above && plan->pitch_apart > 0)
    return l->top - lines[i - 1].top > plan->pitch_apart ? all : 0;
  /* Without spacing to go by, or at the head of a page or under a repeated header (a rule
   * there says nothing by itself: producers close the table at the foot of a page whether or
   * not the row goes on), a row
   * starts where every cell opens together and no sentence is left open: a cell empty on
   * one side of a page break, or a sentence that goes on, joins the row above. */
  return opens_every_cell(l, plan->columns) ? all : 0;
}
