/* rules: the ruling lines a PDF page draws, read from its vector graphics with its text. */
#ifndef K2X_RULES_H
#define K2X_RULES_H

#include <glib.h>

#include "extract.h"

G_BEGIN_DECLS

/* A reader of a PDF's pages over poppler's core API (extract_rules.cc), as poppler-glib has no
 * path API: one pass over a page's content stream gives its text, exactly as poppler-glib's,
 * and the pieces of its rules. It holds its own poppler document, so it belongs to one thread
 * as a PopplerDocument does. */
typedef struct k2x_page_reader k2x_page_reader;

/* Opens data (a PDF of len bytes, which must outlive the reader) with password (NULL for
 * none). NULL when poppler cannot open it. Free with k2x_page_reader_free (NULL is fine). */
k2x_page_reader *k2x_page_reader_new(const char *data, gsize len, const char *password);
void k2x_page_reader_free(k2x_page_reader *reader);

/* A character of a page's text, as poppler-glib's text layout boxes it, with the font size
 * of its word. */
typedef struct {
  double x1, y1, x2, y2;
  double size;
} k2x_char_box;

/* Reads page index (0-based). Sets *text (g_malloc'd) to the text poppler_page_get_text gives
 * and appends to boxes one k2x_char_box per character of it (poppler_page_get_text_layout's
 * box, poppler_page_get_text_attributes' font size); width and height are the page's size as
 * poppler_page_get_size gives it. Appends to pieces (GArray of k2x_rule; NULL: none are
 * recorded) the straight, axis-parallel pieces the page strokes or fills, in the same
 * coordinates (points, origin at the top left of the crop box, the page's /Rotate applied),
 * cut to the clip path's box: a stroked segment with its line width, an edge of a filled shape
 * with width 0. Pieces are not joined yet (k2x_page_set_rules). Curves, diagonals, paint that
 * does not show on white paper and what soft masks, patterns and Type 3 glyphs draw are left
 * out. Returns FALSE (text NULL) when the page cannot be read. */
gboolean k2x_page_reader_read(k2x_page_reader *reader, int index, double width, double height,
                              char **text, GArray *boxes, GArray *pieces);

/* Sets page->rules from pieces (as k2x_page_reader_read gives them, taken): cut to the
 * page, pieces along one line joined, parallel lines closer than half a character (a double
 * border, both edges of a thin filled rectangle) made one, rules shorter than a character
 * dropped, then sorted as k2x_page says. A character is the page's median font size. */
void k2x_page_set_rules(k2x_page *page, GArray *pieces);

G_END_DECLS

#endif
