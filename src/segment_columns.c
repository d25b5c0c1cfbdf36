/* segment_columns: a two-column table read back from text that lost its layout. pdftotext
 * writes each row as the lines of its first cell, then the lines of its second, and sometimes
 * a short first cell and the start of the second on one line. Lines wrapped inside a cell are
 * about as wide as the cell, so the reading that explains the widths best is taken: for each
 * pair of column widths, a shortest path over the lines, each line in the first column, the
 * second, or split between them. */
#include <string.h>

#include "segment.h"
#include "text.h"

/* Display columns a wrapped line may stop short of its cell (line-breaking rules, a Latin word
 * that did not fit) or run past it (a hanging 。). */
#define SLACK 2
/* Costs, in display columns of unexplained width. */
#define COST_PARAGRAPH 8 /* a new paragraph whose first line has no marker */
#define COST_EMPTY 12    /* a row whose second cell is empty */
#define COST_SPLIT 1     /* a line that ends one cell and starts the next */
#define COST_MIDWORD 10  /* a cell or paragraph that would start with 、。ー small kana ... */
#define COST_MIDPHRASE 3 /* ... or with kana after a line not ended by 。 */
#define COST_OPEN_END 10 /* a cell or paragraph that would end on 、 */
#define COST_PARTICLE 3  /* ... or on a particle (の を に ...) */
#define COST_CLOSED 2    /* a paragraph going on after a line that ends a sentence (。 た る) */
#define COST_CUT 9       /* a cell or paragraph that ends on a full line ending no sentence */
#define COST_ROW 1       /* a row: of two readings that explain the widths, the one with fewer */
/* Column widths tried, at most. */
#define MAX_WIDTHS 40

enum { FIRST, SECOND, SPLIT, STATES };
enum { CONTINUE, PARAGRAPH, CELL, ROW };

typedef struct {
  double cost;
  guint8 from, how;
} step;

typedef struct {
  gsize at;         /* byte offset of an ASCII space a split may take */
  gsize before, after; /* display widths of the parts it leaves */
} space;

typedef struct {
  gsize width;
  gboolean marker;
  double joins;   /* what it costs to read the line as a start rather than a continuation */
  double open;    /* what it costs to read the line as an end */
  double closed;  /* what it costs to read the line as going on */
  GArray *spaces; /* space */
} line_info;

typedef struct {
  const line_info *lines;
  guint n;
  gsize width[2];
  gsize text_width; /* of the page's body; the two columns share it */
  step *steps; /* n × STATES */
  const space **split; /* n: where the line splits, NULL when it cannot */
} path;

/* The leftmost space that leaves the second column no more than fits, if the first part
 * fits its column too. */
static const space *find_split(const line_info *l, const gsize *width) {
  for (guint i = 0; i < l->spaces->len; i++) {
    const space *sp = &g_array_index(l->spaces, space, i);
    if (sp->after <= width[1] + SLACK)
      return sp->before <= width[0] + SLACK ? sp : NULL;
  }
  return NULL;
}

/* Width of what line i leaves in its column in state s. */
static gsize tail_width(const path *p, guint i, int s) {
  return s == SPLIT ? p->split[i]->after : p->lines[i].width;
}

static double end_cost(const path *p, guint i, int s) {
  gsize w = tail_width(p, i, s), full = p->width[s == FIRST ? 0 : 1];
  gboolean cut = w + SLACK >= full && p->lines[i].closed == 0;
  return p->lines[i].open + (cut ? COST_CUT : 0);
}

static double continue_cost(const path *p, guint i, int s) {
  gsize w = tail_width(p, i, s), full = p->width[s == FIRST ? 0 : 1];
  return p->lines[i].closed + (w + SLACK >= full ? 0 : (double)(full - SLACK - w));
}

static void relax(step *to, double cost, int from, int how) {
  if (cost < to->cost) {
    to->cost = cost;
    to->from = (guint8)from;
    to->how = (guint8)how;
  }
}

/* Staying in the column of state s for line i + 1: the paragraph goes on, or a new one starts
 * (free before a marker). */
static void stay(const path *p, guint i, int s, step *to, double extra) {
  double base = p->steps[i * STATES + s].cost + extra;
  gboolean marker = p->lines[i + 1].marker;
  if (!marker)
    relax(to, base + continue_cost(p, i, s), s, CONTINUE);
  relax(to, base + end_cost(p, i, s) + p->lines[i + 1].joins + (marker ? 0 : COST_PARAGRAPH), s,
        PARAGRAPH);
}

/* Runs the shortest path for the widths in p; returns its cost. Every step costs something
 * or nothing, never less, so once each state costs bound or more the path cannot cost less
 * than bound: the run stops there and returns G_MAXDOUBLE. */
static double run(path *p, double bound) {
  if (p->text_width > 0 && p->width[0] + p->width[1] > p->text_width + SLACK)
    return G_MAXDOUBLE;
  for (guint i = 0; i < p->n * STATES; i++)
    p->steps[i] = (step){G_MAXDOUBLE, 0, 0};
  gboolean fits[2];
  for (guint i = 0; i < p->n; i++) {
    p->split[i] = find_split(&p->lines[i], p->width);
    if (i > 0) {
      const step *prev = &p->steps[(i - 1) * STATES];
      double least = MIN(prev[FIRST].cost, MIN(prev[SECOND].cost, prev[SPLIT].cost));
      if (least >= bound)
        return G_MAXDOUBLE;
    }
    step *to = &p->steps[i * STATES];
    for (int c = 0; c < 2; c++)
      fits[c] = p->lines[i].width <= p->width[c] + SLACK;
    if (i == 0) {
      if (fits[0])
        to[FIRST] = (step){0, FIRST, ROW};
      if (p->split[0])
        to[SPLIT] = (step){COST_SPLIT, FIRST, ROW};
      continue;
    }
    const step *from = &p->steps[(i - 1) * STATES];
    for (int s = 0; s < STATES; s++) {
      if (from[s].cost == G_MAXDOUBLE)
        continue;
      double ends = from[s].cost + end_cost(p, i - 1, s) + p->lines[i].joins;
      if (s == FIRST) {
        if (fits[0]) {
          stay(p, i - 1, s, &to[FIRST], 0);
          relax(&to[FIRST], ends + COST_EMPTY + COST_ROW, s, ROW);
        }
        if (fits[1])
          relax(&to[SECOND], ends, s, CELL);
        if (p->split[i])
          stay(p, i - 1, s, &to[SPLIT], COST_SPLIT);
      } else {
        if (fits[0])
          relax(&to[FIRST], ends + COST_ROW, s, ROW);
        if (fits[1])
          stay(p, i - 1, s, &to[SECOND], 0);
        if (p->split[i])
          relax(&to[SPLIT], ends + COST_SPLIT + COST_ROW, s, ROW);
      }
    }
  }
  const step *last = &p->steps[(p->n - 1) * STATES];
  double best = G_MAXDOUBLE;
  for (int s = 0; s < STATES; s++)
    if (last[s].cost < G_MAXDOUBLE)
      best = MIN(best, last[s].cost + end_cost(p, p->n - 1, s) + (s == FIRST ? COST_EMPTY : 0));
  return best;
}

static int compare_size(gconstpointer a, gconstpointer b) {
  gsize x = *(const gsize *)a, y = *(const gsize *)b;
  return x < y ? -1 : x > y;
}

/* The widths worth trying: those of whole lines and of the parts a split could leave. */
static GArray *candidate_widths(const line_info *lines, guint n) {
  GArray *all = g_array_new(FALSE, FALSE, sizeof(gsize));
  for (guint i = 0; i < n; i++) {
    g_array_append_val(all, lines[i].width);
    for (guint k = 0; k < lines[i].spaces->len; k++) {
      const space *sp = &g_array_index(lines[i].spaces, space, k);
      g_array_append_val(all, sp->before);
      g_array_append_val(all, sp->after);
    }
  }
  g_array_sort(all, compare_size);
  GArray *unique = g_array_new(FALSE, FALSE, sizeof(gsize));
  for (guint i = 0; i < all->len; i++)
    if (unique->len == 0 ||
        g_array_index(unique, gsize, unique->len - 1) != g_array_index(all, gsize, i))
      g_array_append_val(unique, g_array_index(all, gsize, i));
  g_array_unref(all);
  if (unique->len <= MAX_WIDTHS)
    return unique;
  /* Evenly spread, the widest kept: every line must fit some column. */
  GArray *some = g_array_new(FALSE, FALSE, sizeof(gsize));
  for (guint k = 1; k <= MAX_WIDTHS; k++)
    g_array_append_val(some, g_array_index(unique, gsize, k * (unique->len - 1) / MAX_WIDTHS));
  g_array_unref(unique);
  return some;
}

static gunichar last_char(const char *text) {
  gsize len = strlen(text);
  const char *end = len ? g_utf8_find_prev_char(text, text + len) : NULL;
  return end ? g_utf8_get_char(end) : 0;
}

/* Whether a line reads as unfinished: it ends on a comma or a particle. */
static double open_end(const char *text) {
  gunichar c = last_char(text);
  if (c == 0x3001 || c == 0xFF0C || c == ',')
    return COST_OPEN_END;
  return k2x_text_is_particle(c) ? COST_PARTICLE : 0;
}

/* Whether a line reads as finished: it ends a sentence. */
static double closed_end(const char *text) {
  gunichar c = last_char(text);
  return c && g_utf8_strchr("。たる", -1, c) ? COST_CLOSED : 0;
}

/* Whether a line reads as the continuation of the one before: it starts with a character no
 * line may start with, or with kana where the line before stopped mid-sentence. */
static double joins(const char *prev, const char *text) {
  gunichar c = g_utf8_get_char(text);
  if (k2x_text_no_line_start(c))
    return COST_MIDWORD;
  gsize len = strlen(prev);
  const char *end = len ? g_utf8_find_prev_char(prev, prev + len) : NULL;
  gboolean stopped = end && (g_utf8_get_char(end) == 0x3002 || g_utf8_get_char(end) == 0xFF0E);
  return c >= 0x3041 && c <= 0x309F && !stopped ? COST_MIDPHRASE : 0;
}

void k2x_columns_place(const char *const *texts, const gboolean *markers, guint n,
                       gsize text_width, k2x_line_place *out) {
  if (n == 0)
    return;
  line_info *lines = g_new0(line_info, n);
  for (guint i = 0; i < n; i++) {
    lines[i].width = k2x_text_display_width(texts[i]);
    lines[i].marker = markers[i];
    lines[i].joins = i > 0 && !markers[i] ? joins(texts[i - 1], texts[i]) : 0;
    lines[i].open = open_end(texts[i]);
    lines[i].closed = closed_end(texts[i]);
    lines[i].spaces = g_array_new(FALSE, FALSE, sizeof(space));
    /* The width before each space grows as the line is read, so a long line costs linear
     * time. */
    const char *measured = texts[i];
    gsize before = 0;
    for (const char *s = texts[i]; (s = strchr(s, ' ')); s++) {
      if (s == texts[i] || !s[1] || s[1] == ' ')
        continue;
      g_autofree char *piece = g_strndup(measured, (gsize)(s - measured));
      before += k2x_text_display_width(piece);
      measured = s;
      space sp = {(gsize)(s - texts[i]), before, 0};
      sp.after = lines[i].width - sp.before - 1;
      g_array_append_val(lines[i].spaces, sp);
    }
  }
  path p = {lines, n, {0, 0}, text_width, g_new(step, n * STATES), g_new0(const space *, n)};
  g_autoptr(GArray) widths = candidate_widths(lines, n);
  double best = G_MAXDOUBLE;
  gsize best_width[2] = {0, 0};
  for (guint a = 0; a < widths->len; a++)
    for (guint b = 0; b < widths->len; b++) {
      p.width[0] = g_array_index(widths, gsize, a);
      p.width[1] = g_array_index(widths, gsize, b);
      double cost = run(&p, best);
      if (cost < best) {
        best = cost;
        memcpy(best_width, p.width, sizeof best_width);
      }
    }

  if (best == G_MAXDOUBLE) {
    /* Nothing fits two columns: each line stays in the first, one row per paragraph. */
    for (guint i = 0; i < n; i++)
      out[i] = (k2x_line_place){0, i == 0 || markers[i], FALSE, 0};
  } else {
    memcpy(p.width, best_width, sizeof p.width);
    run(&p, G_MAXDOUBLE);
    const step *last = &p.steps[(n - 1) * STATES];
    int s = FIRST;
    double least = G_MAXDOUBLE;
    for (int k = 0; k < STATES; k++) {
      double c = last[k].cost + (last[k].cost < G_MAXDOUBLE ? end_cost(&p, n - 1, k) : 0) +
                 (k == FIRST ? COST_EMPTY : 0);
      if (last[k].cost < G_MAXDOUBLE && c < least) {
        least = c;
        s = k;
      }
    }
    for (guint i = n; i-- > 0;) {
      const step *st = &p.steps[i * STATES + s];
      out[i].column = s == SECOND ? 1 : 0;
      out[i].split = s == SPLIT ? p.split[i]->at : 0;
      out[i].new_row = st->how == ROW;
      out[i].new_paragraph = st->how == PARAGRAPH || st->how == CELL || st->how == ROW;
      s = st->from;
    }
  }
  for (guint i = 0; i < n; i++)
    g_array_unref(lines[i].spaces);
  g_free(lines);
  g_free(p.steps);
  g_free((gpointer)p.split);
}
