/* segment: cleaned pages → reports → sections → table rows and items. */
#ifndef K2X_SEGMENT_H
#define K2X_SEGMENT_H

#include "extract.h"
#include "model.h"
#include "profile.h"
#include "region.h"

/* Reads pages in order and builds the doc's reports. Pages must be cleaned first. */
typedef struct k2x_segmenter k2x_segmenter;

/* The segmenter adds reports, warnings and marks to doc, which it does not own. */
k2x_segmenter *k2x_segmenter_new(k2x_doc *doc, const k2x_profile *profile,
                                 const k2x_regions *regions);
/* Takes each report as soon as it is complete (its region settled, missing sections noted):
 * when the next report starts, or at the end. The report is handed over taken out of the doc
 * (transfer full: fn frees it with k2x_report_free), and the segmenter keeps no pointer into
 * it. Without fn the doc keeps its reports. */
typedef void (*k2x_segmenter_report_fn)(k2x_report *report, gpointer data);
void k2x_segmenter_set_report_fn(k2x_segmenter *seg, k2x_segmenter_report_fn fn,
                                 gpointer data);
/* Consumes one page: every line gets a role, and the page can be freed afterwards. */
void k2x_segmenter_add_page(k2x_segmenter *seg, k2x_page *page);
/* Closes the last report. Every report's region is settled (label, else inferred from the
 * body) when it closes. */
void k2x_segmenter_finish(k2x_segmenter *seg);
void k2x_segmenter_free(k2x_segmenter *seg);

/* Shared by segment.c and segment_table.c. */

/* A run of text lines that may wrap: enough of the last line to tell whether the next line
 * continues its paragraph. */
typedef struct {
  gboolean open; /* a line was added */
  double room;   /* space left between the last line's end and the right edge */
} k2x_flow;

/* Whether the last line of flow ended its paragraph before the line starting with glyphs:
 * it stopped short although the next line's first word would have fitted. */
gboolean k2x_flow_breaks(const k2x_flow *flow, const k2x_glyph *glyphs, guint n);

/* State of the table section being read; it lives across pages. */
typedef struct k2x_table k2x_table;

/* Warnings about the table go to report. */
k2x_table *k2x_table_new(k2x_report *report, k2x_section *section,
                         const k2x_profile_section *psection, const k2x_profile *profile);
/* Ends the table: the text of the row being read goes into its cells. */
void k2x_table_finish(k2x_table *table);
void k2x_table_free(k2x_table *table);
/* Reads one page's lines of the table section (furniture already removed). Lines that cross
 * the columns, such as a note under the table, are not table text: they are appended to
 * outside for the caller to read as items. */
void k2x_table_add_lines(k2x_table *table, const k2x_page *page, GPtrArray *lines,
                         GPtrArray *outside);

/* One body line of a table page as the row strategies see it (segment_rows.c). */
typedef struct {
  double top, bottom;   /* where the line stands (median glyph top) and its foot (the
                           lowest of its cells' median glyph feet) */
  double size;
  guint present;        /* bit k: the line has text in column k */
  guint continues;      /* bit k: that text goes on a sentence its column left open above */
  gboolean refers_back; /* the first column opens with an arrow (→): what came of the above */
  gboolean after_break; /* a header row or text outside the table stands right above it */
} k2x_row_line;

/* A horizontal rule among a table page's lines, and the columns it crosses (bit k). */
typedef struct {
  double y;
  guint columns;
} k2x_row_bound;

/* How the rows of one table page are told apart: a strategy chosen per page. */
typedef struct {
  k2x_layout layout;  /* grid or rules: rows between rules; text: from the lines */
  guint columns;
  double row_gap;     /* text: the clear space that parts rows on this page (or the one it
                         was given), 0 when it does not space its rows */
  guint *starts;      /* per line, read from the text: every column where a row starts, else
                         0 (at the head of a page, the rules too go by it) */
  GArray *bounds;     /* k2x_row_bound */
  k2x_layout closed;  /* text: the layout of the box ruled above and below the page's lines,
                         which holds one row when the text finds none inside; else text */
} k2x_row_plan;

/* Chooses the strategy for a page's body lines (top to bottom, header and notes left out).
 * left and right: each column's text extent on the page; vertical_rules: the columns came
 * from the page's vertical rules; row_gap: the clear space that parted rows on an earlier
 * page of the table (0 if none did), which a page with too few lines to show its own goes
 * by. Clear the plan with k2x_row_plan_clear. */
void k2x_row_plan_init(k2x_row_plan *plan, const k2x_page *page, const k2x_row_line *lines,
                       guint n, guint columns, const double *left, const double *right,
                       gboolean vertical_rules, double row_gap);
void k2x_row_plan_clear(k2x_row_plan *plan);
/* The columns in which line i starts a new cell: every column for a new row, some when a
 * cell of the others spans the rule, 0 when the line goes on the row above. */
guint k2x_row_plan_starts(const k2x_row_plan *plan, const k2x_row_line *lines, guint i);

/* Where a line of a two-column table read without layout goes (segment_columns.c). */
typedef struct {
  guint column;           /* 0 or 1 */
  gboolean new_row;       /* the line starts a row */
  gboolean new_paragraph; /* the line starts a paragraph of its cell (or starts the cell) */
  gsize split;            /* > 0: bytes [0, split) of the line end the first cell, and the
                             rest after that space starts the second */
} k2x_line_place;

/* Places the lines of a table whose columns were written one after the other (texts in
 * reading order; markers: whether each line starts with an item marker; text_width: display
 * columns of the page's body, 0 when unknown). */
void k2x_columns_place(const char *const *texts, const gboolean *markers, guint n,
                       gsize text_width, k2x_line_place *out);

#endif
