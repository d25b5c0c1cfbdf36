/* extract: a source (PDF via poppler-glib) → pages of lines of boxed glyphs, in reading order. */
#ifndef K2X_EXTRACT_H
#define K2X_EXTRACT_H

#include <glib.h>

#include "error.h"
#include "model.h"

/* One printed character with its box (points, origin top-left) and font size. */
typedef struct {
  gunichar c;
  float x0, y0, x1, y1;
  float size;
  float conf; /* read by OCR: how sure Tesseract is of it, 0..1; 0 from a text layer */
} k2x_glyph;

/* A horizontally continuous stretch of a line: glyphs [start, end) of the line. Runs are
 * split where glyphs stand far apart (table columns, tab stops). */
typedef struct {
  guint start, end;
  k2x_box box;
} k2x_run;

/* One printed line: glyphs sharing a baseline band, left to right. */
typedef struct {
  GArray *glyphs; /* k2x_glyph, sorted by x */
  GArray *runs;   /* k2x_run */
  k2x_box box;
  double size;    /* median font size */
  char *text;     /* runs joined with one space */
  char *norm;     /* text normalised (k2x_text_normalize), once for every stage that matches */
  k2x_role role;  /* set by clean and segment */
  char *read;     /* OCR: the text as read when a vocabulary corrected it (clean); else NULL */
} k2x_line;

/* A ruling line the page draws: a stroked line, or an edge of a thin filled rectangle or of
 * a filled cell box, or a long line found in a scanned page's image. Same coordinates as
 * the glyph boxes (points, origin top-left). A horizontal rule runs x0..x1 at y0 == y1, a
 * vertical one y0..y1 at x0 == x1. */
typedef enum { K2X_RULE_HORIZONTAL, K2X_RULE_VERTICAL } k2x_rule_dir;

typedef struct {
  k2x_rule_dir dir;
  double x0, y0, x1, y1;
  double width; /* drawn thickness, points */
} k2x_rule;

typedef struct {
  int number; /* 1-based */
  double width, height;
  GPtrArray *lines; /* k2x_line*, top to bottom */
  GArray *rules;    /* k2x_rule: horizontal ones top to bottom, then vertical ones left to
                       right; empty when the page draws none (or they are not read) */
  double text_left, text_right; /* body text area, set by clean */
  gsize body_columns; /* flow_only: display width of the widest line that is no furniture,
                         set by clean */
  gboolean has_images;          /* set only for a page without text: a scan, not a blank */
  gboolean flow_only; /* text input without layout: lines keep their order and their widths,
                         but a line's position on the page means nothing */
  double grid;        /* text input: positions are known to a character, this wide; 0 for PDF */
  guint dropped;      /* characters of a page over the glyph limit, which was then skipped */
  guint rules_dropped; /* path pieces of a page that draws more than the glyph limit of them:
                          its rules were not read */
  gboolean ocr;          /* read from its image (ocr.h): glyphs carry their confidence */
  double ocr_confidence; /* mean of the glyphs' */
  double ocr_skew;       /* degrees the image was turned to level it */
  char *ocr_error;       /* why the page image could not be read, or NULL */
  gboolean unreadable; /* poppler could not return the page: it comes back empty */
} k2x_page;

/* Builds a page from glyphs in any order: groups them into lines by vertical overlap, orders
 * lines top to bottom and glyphs left to right, drops duplicates drawn twice (fake bold), and
 * splits runs at wide gaps. Takes ownership of glyphs. */
k2x_page *k2x_page_new_from_glyphs(int number, double width, double height, GArray *glyphs);
void k2x_page_free(k2x_page *page);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(k2x_page, k2x_page_free)

/* Right edge of a line's ink, not counting final characters that cannot start a line (、。ー」),
 * which Japanese layout may hang past the margin. */
double k2x_line_right(const k2x_line *line);
/* The same for glyphs [start, end) of a line. */
double k2x_glyphs_right(const k2x_glyph *glyphs, guint n);

/* The box around glyphs [0, n); all zero when n is 0. */
k2x_box k2x_glyphs_box(const k2x_glyph *glyphs, guint n);

/* Text of glyphs [0, n): a space where two glyphs stand visibly apart, never between two
 * Japanese characters. Caller frees. */
char *k2x_glyphs_text(const k2x_glyph *glyphs, guint n);

/* Text input (extract_text.c). */

/* Decodes text input to UTF-8: from encoding when not NULL, else UTF-8 (a BOM is dropped),
 * else whichever of CP932 and EUC-JP decodes every byte and reads most like Japanese. Returns
 * K2X_ERR_ENCODING with the offset of the first undecodable byte in error. */
k2x_error k2x_text_decode(const char *data, gsize len, const char *encoding, char **out,
                          GError **error);
/* Splits text as pdftotext writes it into pages (GPtrArray of GPtrArray of char* lines): at
 * form feeds, else at page-opening lines (one leading space) and after bare page numbers. Sets *layout when the text is
 * pdftotext -layout output. */
GPtrArray *k2x_text_pages(const char *utf8, gboolean *layout);
/* A page of text lines with a stand-in geometry: a line per pitch, a glyph per column (per
 * display column without layout, which marks the page flow_only). */
k2x_page *k2x_page_new_from_text(int number, const GPtrArray *lines, gboolean layout);

/* An open input. Pages are read one at a time, so a long bundle never sits in memory. */
typedef struct k2x_source k2x_source;

/* Opens a PDF, or text when the file does not start like a PDF. password and encoding (of
 * text; NULL to detect it) may be NULL. Returns K2X_ERR_READ, K2X_ERR_PDF, K2X_ERR_ENCRYPTED
 * or K2X_ERR_ENCODING with error set on failure. */
k2x_error k2x_source_open(const char *path, const char *password, const char *encoding,
                          k2x_source **out, GError **error);
void k2x_source_free(k2x_source *source);
/* A second, independent reader of the same PDF, for another thread: a poppler document may
 * not be shared between threads. It reads the source's mapped bytes, the ones hashed, with
 * the source's password. NULL with error set for a text source or on failure. */
k2x_source *k2x_source_copy(const k2x_source *source, GError **error);
/* Which pages are read from their image, and how (ocr.h; by default K2X_OCR_AUTO; NULL:
 * never). A copy reads as its source does, with its own engine, loaded with the first page it
 * reads so. */
typedef struct k2x_ocr_options k2x_ocr_options;
void k2x_source_set_ocr(k2x_source *source, const k2x_ocr_options *options);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(k2x_source, k2x_source_free)

int k2x_source_page_count(const k2x_source *source);
const char *k2x_source_sha256(const k2x_source *source);
const char *k2x_source_kind(const k2x_source *source);
/* A table of a tagged PDF's structure tree (Table / TR / TD): the page (1-based) its first
 * content stands on, and how many of its rows hold data cells (the header row holds TH). */
typedef struct {
  int page;
  guint rows;
} k2x_tagged_table;

/* The tables of the PDF's structure tree, in its order; NULL when it has none (untagged, or
 * text input). Read from the document before its pages are read in threads. Caller frees. */
GArray *k2x_source_tagged_tables(k2x_source *source);

/* Extracts page index (0-based). Never NULL: a page without text has no lines. A page with
 * more than max_glyphs characters (0: no limit) comes back empty with dropped set, as a
 * hostile page could otherwise take the time and memory of thousands; one that draws more
 * than max_glyphs pieces of straight lines comes back without rules, rules_dropped set.
 * Caller frees. */
k2x_page *k2x_source_read_page(k2x_source *source, int index, guint max_glyphs);

#endif
