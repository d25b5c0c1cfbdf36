/* rules: the ruling lines a PDF page draws, read from its vector graphics. */
#ifndef K2X_RULES_H
#define K2X_RULES_H

#include <glib.h>

#include "extract.h"

G_BEGIN_DECLS

/* A reader of the paths a PDF's pages draw, over poppler's core API (extract_rules.cc), as
 * poppler-glib has no path API. It holds its own poppler document, so it belongs to one thread
 * as a PopplerDocument does. */
typedef struct k2x_rule_reader k2x_rule_reader;

/* Opens data (a PDF of len bytes, which must outlive the reader) with password (NULL for
 * none). NULL when poppler cannot open it. Free with k2x_rule_reader_free. */
k2x_rule_reader *k2x_rule_reader_new(const char *data, gsize len, const char *password);
void k2x_rule_reader_free(k2x_rule_reader *reader);

/* Appends to pieces (GArray of k2x_rule) the straight, axis-parallel pieces page index
 * (0-based) strokes or fills, in the coordinates of poppler-glib's text boxes (points, origin
 * at the top left of the crop box, the page's /Rotate applied), cut to the clip path's box: a
 * stroked segment with its line width, an edge of a filled shape with width 0. Pieces are not
 * joined yet (k2x_page_set_rules). Curves, diagonals, paint that does not show on white paper
 * and the content of soft masks, patterns and Type 3 glyphs are left out. Returns FALSE when
 * the page cannot be read. */
gboolean k2x_rule_reader_read_page(k2x_rule_reader *reader, int index, GArray *pieces);

/* Sets page->rules from pieces (as k2x_rule_reader_read_page gives them, taken): cut to the
 * page, pieces along one line joined, parallel lines closer than half a character (a double
 * border, both edges of a thin filled rectangle) made one, rules shorter than a character
 * dropped, then sorted as k2x_page says. A character is the page's median font size. */
void k2x_page_set_rules(k2x_page *page, GArray *pieces);

G_END_DECLS

#endif
