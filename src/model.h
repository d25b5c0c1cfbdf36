/* model: the document model every writer reads: doc → report → section → row/item. */
#ifndef K2X_MODEL_H
#define K2X_MODEL_H

#include <glib.h>

/* A rectangle in PDF points, origin at the top-left of the page, y growing down. */
typedef struct {
  double x0, y0, x1, y1;
} k2x_box;

/* Where a piece of text was printed: 1-based page number and its box. */
typedef struct {
  int page;
  k2x_box box;
} k2x_span;

typedef enum {
  K2X_REGION_NONE = 0, /* nothing found: prefecture and area are empty */
  K2X_REGION_LABEL,    /* parsed from the printed label */
  K2X_REGION_BODY      /* inferred from places the body names */
} k2x_region_source;

typedef struct {
  char *prefecture; /* "青森県"; "" when unknown */
  char *area;       /* "津軽圏域"; "" for a whole prefecture */
  k2x_region_source source;
} k2x_region;

/* A warning is data: it is written out with the report (or the doc) it concerns. */
typedef struct {
  char *code;    /* "region_inferred", "text_unassigned", ... */
  int page;      /* 0 when it concerns no page */
  char *message;    /* English sentence, for tools (the JSON) and the command line */
  char *message_ja; /* the same in Japanese, for staff (the workbook and the review) */
  k2x_box box;   /* all zero when it concerns no place */
} k2x_warning;

/* One table cell or one list item: text plus the lines it came from. */
typedef struct {
  char *text;    /* wrapped lines joined; paragraphs joined with '\n' */
  GArray *spans; /* k2x_span, one per source line part */
} k2x_cell;

typedef struct {
  GPtrArray *cells; /* k2x_cell*, one per column */
  int page_first, page_last;
} k2x_row;

typedef struct {
  char *marker;  /* "・", "①", "（１）", ... or "" for a paragraph */
  char *text;    /* marker included, as printed */
  int page;      /* page of its first line */
  GArray *spans; /* k2x_span */
} k2x_item;

/* How a table's rows were told apart: by a grid of rules, by horizontal rules only, or by
 * the text alone. A table over several pages takes the most ruled of its pages. */
typedef enum { K2X_LAYOUT_TEXT = 0, K2X_LAYOUT_RULES, K2X_LAYOUT_GRID } k2x_layout;

typedef struct {
  int number;        /* as the profile numbers it */
  char *heading;     /* text without its number, as printed */
  int page;
  k2x_box box;       /* heading line */
  gboolean is_table; /* the profile makes this section a table */
  GPtrArray *header; /* char*, printed column headers (table only) */
  GPtrArray *rows;   /* k2x_row* (table only) */
  k2x_layout layout; /* table only */
  GPtrArray *items;  /* k2x_item*; for a table, text outside the table */
} k2x_section;

typedef struct {
  int index; /* 1-based, in document order */
  int page_first, page_last;
  char *title;       /* NULL when none was printed */
  char *label;       /* NULL when none was printed */
  k2x_span label_span;
  k2x_region region;
  GPtrArray *sections; /* k2x_section*, in printed order */
  GPtrArray *warnings; /* k2x_warning* */
} k2x_report;

/* What a source line was taken as. Every extracted line gets exactly one role. */
typedef enum {
  K2X_ROLE_NONE = 0,    /* not yet classified */
  K2X_ROLE_TITLE,       /* the document title line */
  K2X_ROLE_LABEL,       /* region label */
  K2X_ROLE_PAGE_NUMBER, /* page number */
  K2X_ROLE_REPEATED,    /* other header/footer text repeated across pages */
  K2X_ROLE_HEADING,     /* section heading */
  K2X_ROLE_TABLE_HEADER,/* table column headers */
  K2X_ROLE_CELL,        /* part of a table cell */
  K2X_ROLE_ITEM,        /* part of a list item or paragraph */
  K2X_ROLE_UNASSIGNED,  /* no rule claimed it: reported as text_unassigned */
  K2X_ROLE_RULE,        /* no text: a ruling line the page draws, kept as a mark for a review */
  K2X_ROLE_COUNT
} k2x_role;

/* Furniture and unassigned lines, kept so that a review can draw them. */
typedef struct {
  k2x_role role;
  k2x_span span;
  char *text;
} k2x_mark;

/* A line read by OCR, so that a review shows what to check against the page image. */
typedef struct {
  k2x_span span;
  double confidence; /* mean of its characters', 0..1 */
} k2x_ocr_line;

typedef struct {
  char *file;    /* base name of the source, as UTF-8 (k2x_text_escape_name) */
  char *file_bytes; /* the name's own bytes when file had to escape some; else NULL */
  char *sha256;  /* hex digest of the source bytes */
  int pages;
  char *kind;    /* "pdf", "pdf+ocr" (some pages read by OCR) or "text" */
  char *profile; /* profile name */
  GPtrArray *reports;  /* k2x_report*; while streaming, those not yet released */
  guint report_count;      /* reports added, the released ones included */
  guint released_warnings; /* warnings of the released reports */
  GPtrArray *warnings; /* k2x_warning* not tied to a report */
  GPtrArray *marks;    /* k2x_mark* */
  GArray *ocr_lines;   /* k2x_ocr_line; like marks, only a review draws them */
  int line_roles[K2X_ROLE_COUNT]; /* how many source lines took each role */
} k2x_doc;

/* Constructors return owned objects; each _free frees what it owns and accepts NULL.
 * The doc owns its reports, a report its sections and warnings, a section its rows
 * and items. */
k2x_doc *k2x_doc_new(void);
void k2x_doc_free(k2x_doc *doc);
k2x_report *k2x_doc_add_report(k2x_doc *doc);
k2x_section *k2x_report_add_section(k2x_report *report, int number, const char *heading,
                                    gboolean is_table);
k2x_row *k2x_section_add_row(k2x_section *section, guint columns);
k2x_item *k2x_section_add_item(k2x_section *section, const char *marker, const char *text,
                               int page);
/* A warning's format is its English message and the msgid of its Japanese one (po/ja.po). */
k2x_warning *k2x_report_add_warning(k2x_report *report, const char *code, int page,
                                    const char *format, ...) G_GNUC_PRINTF(4, 5);
k2x_warning *k2x_doc_add_warning(k2x_doc *doc, const char *code, int page,
                                 const char *format, ...) G_GNUC_PRINTF(4, 5);
void k2x_doc_add_mark(k2x_doc *doc, k2x_role role, int page, k2x_box box, const char *text);
void k2x_doc_add_ocr_line(k2x_doc *doc, int page, k2x_box box, double confidence);

/* Takes a complete report out of doc, which counts it and its warnings still, and returns it
 * owned by the caller (NULL when doc does not hold it): how a stage streams reports out, so
 * that a long document is converted in constant memory. */
k2x_report *k2x_doc_take_report(k2x_doc *doc, k2x_report *report);
/* Frees a report taken out of its doc. Accepts NULL. */
void k2x_report_free(k2x_report *report);

/* Appends a span to a cell's or item's span array. */
void k2x_spans_add(GArray *spans, int page, k2x_box box);

/* Counts over a report, as the summary sheet shows them. */
guint k2x_report_row_count(const k2x_report *report);
guint k2x_report_item_count(const k2x_report *report);
/* Total warnings of the doc, its own and its reports' (released ones included). */
guint k2x_doc_warning_count(const k2x_doc *doc);

const char *k2x_region_source_name(k2x_region_source source);
const char *k2x_role_name(k2x_role role);

/* Box helpers. */
gboolean k2x_box_is_empty(k2x_box b);
k2x_box k2x_box_union(k2x_box a, k2x_box b);

#endif
