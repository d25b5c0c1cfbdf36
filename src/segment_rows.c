/* segment_rows: where the rows of a table page start — from the page's rules when it draws
 * them between rows, else from the text (the cells of one row start at the same height). */
#include "segment.h"

#include <string.h>

static int compare_double(gconstpointer a, gconstpointer b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

/* Positions differ by this much from rounding alone (a quarter point): nearer or further
 * by less is the same. */
#define ROUNDING 0.25

static guint all_columns(guint columns) {
  return (1u << columns) - 1;
}

/* Whether line i has a line of the table's body right above it on the page. */
static gboolean follows(const k2x_row_line *lines, guint i) {
  return i > 0 && !lines[i].after_break;
}

/* The lines of a page stand in blocks: a line starts one when it is clear of every line above
 * it (its top below the lowest foot above) by more than the page's spacing inside cells, or
 * when a header or text outside the table stands above it. Cells of one row overlap in height
 * whether the producer sets them at the top, the middle or the foot of the row, so a row is
 * one block or more, never part of one. */
typedef struct {
  guint first, end;     /* lines [first, end) */
  guint present;        /* bit k: some line of the block has text in column k */
  guint continues;      /* bit k: column k's first text goes on a sentence left open above */
  gboolean refers_back; /* the first column's first text refers back (→) */
  double gap;           /* clear space above the block; 0 at the head of a page or a break */
} block;

/* Each column's first text opens its cell: what the first block of a row looks like. */
static gboolean opens_every_cell(const block *b, guint columns) {
  return b->present == all_columns(columns) && b->continues == 0 && !b->refers_back;
}

/* The first column opens a cell, on a page that spaces its rows: the goal of a new row. */
static gboolean opens_first_cell(const block *b) {
  return (b->present & 1) && !b->refers_back;
}

/* The clear space above each line: its top less the lowest foot of the lines above it since
 * the head of the page or the last break (negative where they overlap); 0 where there is
 * none. */
static void clear_gaps(const k2x_row_line *lines, guint n, double *gap) {
  double foot = 0;
  for (guint i = 0; i < n; i++) {
    gap[i] = follows(lines, i) ? lines[i].top - foot : 0;
    foot = follows(lines, i) ? MAX(foot, lines[i].bottom) : lines[i].bottom;
  }
}

/* How much clear space stands between the rows of this page, when it spaces them (cell
 * padding, a rule's width). The sorted clear gaps rise in steps: the spacing of lines inside
 * a cell, paragraph spacing, the spacing of rows. A step counts when it is clearly more than
 * the jitter of the gaps (twice the widest step that did not count, and more than the
 * rounding of positions), and stands above at least two gaps; the rows part at the widest
 * step that counts. Only gaps under a line of a column the
 * line shares are measured: a goal set in the middle of its row stands between two status
 * lines, closer to each than any two lines of one cell. 0 when the page does not tell rows
 * apart by spacing; then every line clear of those above starts a block. */
static double gap_apart(const k2x_row_line *lines, const double *gap, guint n) {
  g_autofree double *sorted = g_new(double, n);
  guint m = 0;
  for (guint i = 0; i < n; i++)
    if (gap[i] > 0 && (lines[i].present & lines[i - 1].present))
      sorted[m++] = gap[i];
  qsort(sorted, m, sizeof *sorted, compare_double);
  double best = 0, at = 0, jitter = 0;
  for (guint i = 1; i < m; i++) {
    double step = sorted[i] - sorted[i - 1];
    if (i < 2 || step <= MAX(2 * jitter, ROUNDING))
      jitter = MAX(jitter, step);
    else if (i >= 2 && step > best + ROUNDING) { /* a tie goes to the lower */
      best = step;
      at = (sorted[i] + sorted[i - 1]) / 2;
    }
  }
  return at;
}

/* Cuts the lines into blocks where the clear space above a line exceeds apart. */
static GArray *find_blocks(const k2x_row_line *lines, guint n, const double *gap, double apart) {
  GArray *blocks = g_array_new(FALSE, FALSE, sizeof(block));
  for (guint i = 0; i < n; i++) {
    if (!follows(lines, i) || gap[i] > apart) {
      block b = {i, i, 0, 0, FALSE, follows(lines, i) ? gap[i] : 0};
      g_array_append_val(blocks, b);
    }
    block *b = &g_array_index(blocks, block, blocks->len - 1);
    const k2x_row_line *l = &lines[i];
    guint fresh = l->present & ~b->present;
    b->continues |= l->continues & fresh;
    b->refers_back |= (fresh & 1) && l->refers_back;
    b->present |= l->present;
    b->end = i + 1;
  }
  return blocks;
}

/* Where the page sets the cells of a row, by its blocks of text in every column: > 0 when
 * more of them end together on one line than start together (cells set at the foot of their
 * rows), < 0 when more start together (at the head), 0 when neither (in the middle). */
static int cells_align(const GArray *blocks, const k2x_row_line *lines, guint columns) {
  int votes = 0;
  for (guint j = 0; j < blocks->len; j++) {
    const block *b = &g_array_index(blocks, block, j);
    if (b->present != all_columns(columns))
      continue;
    votes += lines[b->end - 1].present == b->present;
    votes -= lines[b->first].present == b->present;
  }
  return votes;
}

/* Where the page's rows start, read from its text: per line, every column or none. A block
 * opens a row when it follows a step of clear space (on a page that spaces its rows) and has
 * text in the first column; a block of other columns alone (a cell's paragraph set apart)
 * joins the row whose cells it is aligned with: the row above where the cells of a row start
 * together, the row below where they end together, else the nearer. Without spacing to go by, and at the head of a page or
 * under a repeated header (a rule there says nothing by itself: producers close the table at
 * the foot of a page whether or not the row goes on), a row starts where every cell opens
 * together and no sentence is left open: a cell empty on one side of a page break, or a
 * sentence that goes on, joins the row above. */
static double text_starts(const k2x_row_line *lines, guint n, guint columns, double row_gap,
                          guint *starts) {
  g_autofree double *gap = g_new(double, n);
  clear_gaps(lines, n, gap);
  double apart = gap_apart(lines, gap, n);
  g_autoptr(GArray) blocks = find_blocks(lines, n, gap, apart);
  /* The step is the spacing of rows only if some block after it has text in every column
   * and opens a sentence in the first, as a row's first block does (a page that holds one
   * row cut by page breaks has only paragraph spacing, in cells that go on). */
  gboolean spaced = FALSE;
  for (guint j = 0; j < blocks->len && apart > 0; j++) {
    const block *b = &g_array_index(blocks, block, j);
    spaced |= b->gap > 0 && b->present == all_columns(columns) && opens_first_cell(b) &&
              !(b->continues & 1);
  }
  /* Else the page goes by the spacing an earlier page of the table showed (a table is spaced
   * alike on all its pages, and a page of a few lines shows no step), if any. */
  if (!spaced) {
    apart = row_gap;
    spaced = apart > 0;
    g_array_unref(g_steal_pointer(&blocks));
    blocks = find_blocks(lines, n, gap, apart);
  }
  memset(starts, 0, n * sizeof *starts);
  int foot = cells_align(blocks, lines, columns);
  for (guint j = 0; j < blocks->len; j++) {
    const block *b = &g_array_index(blocks, block, j);
    gboolean opens = opens_every_cell(b, columns);
    if (spaced && b->gap > 0) {
      opens = opens_first_cell(b);
      const block *next = j + 1 < blocks->len ? &g_array_index(blocks, block, j + 1) : NULL;
      gboolean below = foot != 0 ? foot > 0 : next && next->gap < b->gap - ROUNDING;
      if (!(b->present & 1) && below && next && next->gap > 0 && opens_first_cell(next)) {
        starts[b->first] = all_columns(columns);
        j++; /* the row goes on into the next block */
        continue;
      }
    }
    if (opens)
      starts[b->first] = all_columns(columns);
  }
  return apart;
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

static int compare_bound(gconstpointer a, gconstpointer b) {
  return compare_double(&((const k2x_row_bound *)a)->y, &((const k2x_row_bound *)b)->y);
}

/* The columns in which a rule lies between lines a and b. The bounds are sorted by height, so
 * a page of many rules and lines costs a search per line. */
static guint bound_between(const k2x_row_plan *plan, const k2x_row_line *a,
                           const k2x_row_line *b) {
  const k2x_row_bound *v = (const k2x_row_bound *)plan->bounds->data;
  guint lo = 0, hi = plan->bounds->len, mask = 0;
  while (lo < hi) {
    guint mid = lo + (hi - lo) / 2;
    if (v[mid].y <= middle(a))
      lo = mid + 1;
    else
      hi = mid;
  }
  for (guint j = lo; j < plan->bounds->len && v[j].y < middle(b); j++)
    mask |= v[j].columns;
  return mask;
}

void k2x_row_plan_init(k2x_row_plan *plan, const k2x_page *page, const k2x_row_line *lines,
                       guint n, guint columns, const double *left, const double *right,
                       gboolean vertical_rules, double row_gap) {
  plan->columns = columns;
  plan->bounds = g_array_new(FALSE, FALSE, sizeof(k2x_row_bound));
  plan->starts = n ? g_new(guint, n) : NULL;
  plan->row_gap = row_gap;
  plan->layout = plan->closed = K2X_LAYOUT_TEXT;
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
  g_array_sort(plan->bounds, compare_bound);
  for (guint i = 1; i < n && !inside; i++)
    inside = follows(lines, i) &&
             bound_between(plan, &lines[i - 1], &lines[i]) == all_columns(columns);
  /* Rules only at the top and foot of a page say nothing about the rows between: a table
   * ruled under its header alone, or under its header and its last row (booktabs), is read
   * from its text; so is the one row a ruled table carries onto a page, whose box the text
   * then confirms when it finds no row inside it. */
  if (inside)
    plan->layout = vertical_rules ? K2X_LAYOUT_GRID : K2X_LAYOUT_RULES;
  plan->row_gap = text_starts(lines, n, columns, row_gap, plan->starts);
  if (above && below)
    plan->closed = vertical_rules ? K2X_LAYOUT_GRID : K2X_LAYOUT_RULES;
}

void k2x_row_plan_clear(k2x_row_plan *plan) {
  if (plan->bounds)
    g_array_unref(plan->bounds);
  plan->bounds = NULL;
  g_clear_pointer(&plan->starts, g_free);
}

guint k2x_row_plan_starts(const k2x_row_plan *plan, const k2x_row_line *lines, guint i) {
  if (follows(lines, i) && plan->layout != K2X_LAYOUT_TEXT)
    return bound_between(plan, &lines[i - 1], &lines[i]);
  return plan->starts[i];
}
