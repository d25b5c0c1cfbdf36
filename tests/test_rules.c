/* test_rules: the page's ruling lines, from PDFs drawn here with cairo (and one written by
 * hand, for /Rotate and an offset crop box), and the joining of pieces into rules. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cairo-pdf.h>
#include <cmocka.h>
#include <glib/gstdio.h>
#include <pango/pangocairo.h>

#include "extract.h"
#include "rules.h"
#include "testutil.h"

#define SIZE 10.5

/* Fontconfig keeps its parsed configuration until exit; that is not ours to free. Read only
 * when built with a sanitizer. */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_options(void);
const char *__lsan_default_suppressions(void) {
  return "leak:libfontconfig.so\n";
}
const char *__lsan_default_options(void) {
  return "print_suppressions=0";
}

typedef void (*draw_fn)(cairo_t *cr);

static char *tmp_dir;

/* Body text, so that the page has a character size (SIZE) as a real page does. */
static void draw_text(cairo_t *cr, double x, double y, const char *text) {
  PangoLayout *layout = pango_cairo_create_layout(cr);
  pango_cairo_context_set_resolution(pango_layout_get_context(layout), 72);
  pango_layout_context_changed(layout);
  PangoFontDescription *fd = pango_font_description_from_string("IPAexMincho 10.5");
  pango_layout_set_font_description(layout, fd);
  pango_font_description_free(fd);
  pango_layout_set_text(layout, text, -1);
  cairo_set_source_rgb(cr, 0, 0, 0);
  cairo_move_to(cr, x, y);
  pango_cairo_show_layout(cr, layout);
  g_object_unref(layout);
}

/* Writes a one-page PDF that draw paints over an A4 page with a line of text at the bottom;
 * returns its path. */
static char *write_drawn_pdf(draw_fn draw) {
  char *pdf = g_build_filename(tmp_dir, "drawn.pdf", NULL);
  cairo_surface_t *surface = cairo_pdf_surface_create(pdf, TU_PAGE_WIDTH, TU_PAGE_HEIGHT);
  cairo_t *cr = cairo_create(surface);
  draw_text(cr, 72, 780, "罫線の試験ページ");
  cairo_set_source_rgb(cr, 0, 0, 0);
  cairo_set_line_width(cr, 0.5);
  draw(cr);
  cairo_show_page(cr);
  cairo_destroy(cr);
  cairo_surface_finish(surface);
  assert_int_equal(cairo_surface_status(surface), CAIRO_STATUS_SUCCESS);
  cairo_surface_destroy(surface);
  pango_cairo_font_map_set_default(NULL);
  return pdf;
}

/* The page of the PDF that draw paints (write_drawn_pdf), extracted. */
static k2x_page *page_drawn(draw_fn draw) {
  g_autofree char *pdf = write_drawn_pdf(draw);
  g_autoptr(k2x_source) src = NULL;
  g_autoptr(GError) error = NULL;
  assert_int_equal(k2x_source_open(pdf, NULL, NULL, &src, &error), K2X_OK);
  k2x_page *page = k2x_source_read_page(src, 0, 0);
  g_unlink(pdf);
  return page;
}

static guint count_dir(const k2x_page *page, k2x_rule_dir dir) {
  guint n = 0;
  for (guint i = 0; i < page->rules->len; i++)
    n += g_array_index(page->rules, k2x_rule, i).dir == dir;
  return n;
}

/* The rule of direction dir at pos across (within 0.3 pt), or NULL. */
static const k2x_rule *rule_at(const k2x_page *page, k2x_rule_dir dir, double pos) {
  for (guint i = 0; i < page->rules->len; i++) {
    const k2x_rule *r = &g_array_index(page->rules, k2x_rule, i);
    if (r->dir == dir && fabs((dir == K2X_RULE_HORIZONTAL ? r->y0 : r->x0) - pos) <= 0.3)
      return r;
  }
  return NULL;
}

static void assert_rule(const k2x_page *page, k2x_rule_dir dir, double pos, double a, double b) {
  const k2x_rule *r = rule_at(page, dir, pos);
  if (!r)
    fail_msg("no %s rule at %.2f", dir == K2X_RULE_HORIZONTAL ? "horizontal" : "vertical", pos);
  assert_float_equal(dir == K2X_RULE_HORIZONTAL ? r->x0 : r->y0, a, 0.3);
  assert_float_equal(dir == K2X_RULE_HORIZONTAL ? r->x1 : r->y1, b, 0.3);
  if (dir == K2X_RULE_HORIZONTAL)
    assert_float_equal(r->y0, r->y1, 0);
  else
    assert_float_equal(r->x0, r->x1, 0);
}

/* Horizontal ones top to bottom, then vertical ones left to right. */
static void assert_sorted(const k2x_page *page) {
  for (guint i = 1; i < page->rules->len; i++) {
    const k2x_rule *a = &g_array_index(page->rules, k2x_rule, i - 1);
    const k2x_rule *b = &g_array_index(page->rules, k2x_rule, i);
    assert_true(a->dir <= b->dir);
    if (a->dir == b->dir)
      assert_true(a->dir == K2X_RULE_HORIZONTAL ? a->y0 <= b->y0 : a->x0 <= b->x0);
  }
}

static void line(cairo_t *cr, double x0, double y0, double x1, double y1) {
  cairo_move_to(cr, x0, y0);
  cairo_line_to(cr, x1, y1);
  cairo_stroke(cr);
}

static void draw_strokes(cairo_t *cr) {
  line(cr, 100, 200, 400, 200);
  line(cr, 150, 100, 150, 300);
}

static void test_rules_stroked_lines(void **state) {
  g_autoptr(k2x_page) page = page_drawn(draw_strokes);
  assert_int_equal(page->rules->len, 2);
  assert_rule(page, K2X_RULE_HORIZONTAL, 200, 100, 400);
  assert_rule(page, K2X_RULE_VERTICAL, 150, 100, 300);
  assert_float_equal(rule_at(page, K2X_RULE_HORIZONTAL, 200)->width, 0.5, 0.01);
  assert_sorted(page);
}

/* Word and Chromium draw borders as thin filled rectangles: a 3 x 2 grid of cells. */
static void draw_filled_grid(cairo_t *cr) {
  for (int r = 0; r <= 3; r++)
    cairo_rectangle(cr, 100, 100 + 30 * r - 0.375, 400, 0.75);
  for (int c = 0; c <= 2; c++)
    cairo_rectangle(cr, 100 + 200 * c - 0.375, 100 - 0.375, 0.75, 90.75);
  cairo_fill(cr);
}

static void test_rules_filled_grid(void **state) {
  g_autoptr(k2x_page) page = page_drawn(draw_filled_grid);
  assert_int_equal(count_dir(page, K2X_RULE_HORIZONTAL), 4);
  assert_int_equal(count_dir(page, K2X_RULE_VERTICAL), 3);
  for (int r = 0; r <= 3; r++) {
    /* The top and bottom borders reach over the outer side of the verticals. */
    double out = r == 0 || r == 3 ? 0.375 : 0;
    assert_rule(page, K2X_RULE_HORIZONTAL, 100 + 30 * r, 100 - out, 500 + out);
    assert_float_equal(rule_at(page, K2X_RULE_HORIZONTAL, 100 + 30 * r)->width, 0.75, 0.01);
  }
  for (int c = 0; c <= 2; c++)
    assert_rule(page, K2X_RULE_VERTICAL, 100 + 200 * c, 99.625, 190.375);
  assert_sorted(page);
}

/* A shaded cell box gives its four edges; so do two boxes side by side, with the edge they
 * share once. */
static void draw_cell_boxes(cairo_t *cr) {
  cairo_set_source_rgb(cr, 0.85, 0.85, 0.85);
  cairo_rectangle(cr, 100, 100, 200, 40);
  cairo_rectangle(cr, 300, 100, 150, 40);
  cairo_fill(cr);
}

static void test_rules_filled_cell_box(void **state) {
  g_autoptr(k2x_page) page = page_drawn(draw_cell_boxes);
  assert_int_equal(count_dir(page, K2X_RULE_HORIZONTAL), 2);
  assert_int_equal(count_dir(page, K2X_RULE_VERTICAL), 3);
  assert_rule(page, K2X_RULE_HORIZONTAL, 100, 100, 450);
  assert_rule(page, K2X_RULE_HORIZONTAL, 140, 100, 450);
  assert_rule(page, K2X_RULE_VERTICAL, 100, 100, 140);
  assert_rule(page, K2X_RULE_VERTICAL, 300, 100, 140);
  assert_rule(page, K2X_RULE_VERTICAL, 450, 100, 140);
}

/* A border drawn cell by cell, in strokes that meet or overlap, is one rule. */
static void draw_pieces(cairo_t *cr) {
  line(cr, 100, 200, 200, 200);
  line(cr, 200, 200, 320, 200);
  line(cr, 310, 200, 400, 200);
  line(cr, 100, 400, 200, 400); /* apart by more than a character: two rules */
  line(cr, 220, 400, 300, 400);
}

static void test_rules_collinear_joined(void **state) {
  g_autoptr(k2x_page) page = page_drawn(draw_pieces);
  assert_int_equal(count_dir(page, K2X_RULE_HORIZONTAL), 3);
  assert_rule(page, K2X_RULE_HORIZONTAL, 200, 100, 400);
  const k2x_rule *r = &g_array_index(page->rules, k2x_rule, 1);
  assert_float_equal(r->x0, 100, 0.3);
  assert_float_equal(r->x1, 200, 0.3);
  r = &g_array_index(page->rules, k2x_rule, 2);
  assert_float_equal(r->x0, 220, 0.3);
  assert_float_equal(r->x1, 300, 0.3);
}

/* A double border (two 0.5 pt lines 2 pt apart) is one rule as thick as both. */
static void draw_double_border(cairo_t *cr) {
  line(cr, 100, 200, 400, 200);
  line(cr, 100, 202, 400, 202);
  line(cr, 100, 300, 100, 500);
  line(cr, 101.5, 300, 101.5, 500);
}

static void test_rules_double_border(void **state) {
  g_autoptr(k2x_page) page = page_drawn(draw_double_border);
  assert_int_equal(page->rules->len, 2);
  assert_rule(page, K2X_RULE_HORIZONTAL, 201, 100, 400);
  assert_float_equal(rule_at(page, K2X_RULE_HORIZONTAL, 201)->width, 2.5, 0.01);
  assert_rule(page, K2X_RULE_VERTICAL, 100.75, 300, 500);
}

/* A dashed line, as a dash pattern or as dashes drawn one by one, is one rule. */
static void draw_dashes(cairo_t *cr) {
  double dash[] = {3, 2};
  cairo_set_dash(cr, dash, 2, 0);
  line(cr, 100, 200, 400, 200);
  cairo_set_dash(cr, NULL, 0, 0);
  for (double x = 100; x < 400; x += 4)
    line(cr, x, 300, x + 2, 300);
  for (double y = 100; y < 400; y += 3)
    line(cr, 500, y, 500, y + 1);
}

static void test_rules_dashed_line(void **state) {
  g_autoptr(k2x_page) page = page_drawn(draw_dashes);
  assert_int_equal(page->rules->len, 3);
  assert_rule(page, K2X_RULE_HORIZONTAL, 200, 100, 400);
  assert_rule(page, K2X_RULE_HORIZONTAL, 300, 100, 398);
  assert_rule(page, K2X_RULE_VERTICAL, 500, 100, 398);
}

/* What lies off the page or outside the clip path is not printed. */
static void draw_clipped(cairo_t *cr) {
  line(cr, -50, 200, 700, 200);
  line(cr, 300, -20, 300, 900);
  line(cr, 100, -5, 400, -5);
  cairo_save(cr);
  cairo_rectangle(cr, 100, 400, 200, 100);
  cairo_clip(cr);
  line(cr, 0, 450, 595, 450);
  line(cr, 50, 600, 500, 600);
  cairo_restore(cr);
}

static void test_rules_clipped(void **state) {
  g_autoptr(k2x_page) page = page_drawn(draw_clipped);
  assert_int_equal(page->rules->len, 3);
  assert_rule(page, K2X_RULE_HORIZONTAL, 200, 0, TU_PAGE_WIDTH);
  assert_rule(page, K2X_RULE_VERTICAL, 300, 0, TU_PAGE_HEIGHT);
  assert_rule(page, K2X_RULE_HORIZONTAL, 450, 100, 300);
}

/* Diagonals and curves are no rules; the straight sides of a rounded box are. */
static void draw_curves(cairo_t *cr) {
  line(cr, 100, 100, 300, 200);
  line(cr, 100, 300, 400, 306); /* a slope of 2 %: not a border */
  cairo_arc(cr, 300, 500, 80, 0, 2 * G_PI);
  cairo_stroke(cr);
  cairo_move_to(cr, 100, 650);
  cairo_curve_to(cr, 200, 600, 300, 700, 400, 650);
  cairo_stroke(cr);
  cairo_new_sub_path(cr);
  cairo_arc(cr, 110, 410, 10, G_PI, 1.5 * G_PI);
  cairo_arc(cr, 390, 410, 10, 1.5 * G_PI, 2 * G_PI);
  cairo_arc(cr, 390, 490, 10, 0, 0.5 * G_PI);
  cairo_arc(cr, 110, 490, 10, 0.5 * G_PI, G_PI);
  cairo_close_path(cr);
  cairo_stroke(cr);
}

static void test_rules_curves_and_diagonals_ignored(void **state) {
  g_autoptr(k2x_page) page = page_drawn(draw_curves);
  assert_int_equal(page->rules->len, 4);
  assert_rule(page, K2X_RULE_HORIZONTAL, 400, 110, 390);
  assert_rule(page, K2X_RULE_HORIZONTAL, 500, 110, 390);
  assert_rule(page, K2X_RULE_VERTICAL, 100, 410, 490);
  assert_rule(page, K2X_RULE_VERTICAL, 400, 410, 490);
}

/* Chromium paints the page white first, and cells are often filled white: paint that does not
 * show on the paper draws no rule; a pale grey one does. */
static void draw_white(cairo_t *cr) {
  cairo_set_source_rgb(cr, 1, 1, 1);
  cairo_rectangle(cr, 0, 0, TU_PAGE_WIDTH, TU_PAGE_HEIGHT);
  cairo_fill(cr);
  cairo_rectangle(cr, 100, 100, 300, 50);
  cairo_fill(cr);
  line(cr, 100, 300, 400, 300);
  cairo_set_source_rgba(cr, 0, 0, 0, 0.01);
  line(cr, 100, 350, 400, 350);
  cairo_set_source_rgb(cr, 0.93, 0.93, 0.93);
  cairo_rectangle(cr, 100, 400, 300, 50);
  cairo_fill(cr);
}

static void test_rules_invisible_paint_ignored(void **state) {
  g_autoptr(k2x_page) page = page_drawn(draw_white);
  assert_int_equal(count_dir(page, K2X_RULE_HORIZONTAL), 2);
  assert_int_equal(count_dir(page, K2X_RULE_VERTICAL), 2);
  assert_rule(page, K2X_RULE_HORIZONTAL, 400, 100, 400);
  assert_rule(page, K2X_RULE_HORIZONTAL, 450, 100, 400);
}

/* Rule widths from a 0.1 pt hairline to 1.5 pt, stroked and as thin filled rectangles. */
static const double widths[] = {0.1, 0.25, 0.4, 0.5, 0.75, 1.0, 1.5};

static void draw_widths(cairo_t *cr) {
  for (gsize i = 0; i < G_N_ELEMENTS(widths); i++) {
    cairo_set_line_width(cr, widths[i]);
    line(cr, 100, 100 + 40 * i, 400, 100 + 40 * i);
    cairo_rectangle(cr, 100, 120 + 40 * i - widths[i] / 2, 300, widths[i]);
    cairo_fill(cr);
  }
}

static void test_rules_widths(void **state) {
  g_autoptr(k2x_page) page = page_drawn(draw_widths);
  assert_int_equal(page->rules->len, 2 * G_N_ELEMENTS(widths));
  for (gsize i = 0; i < G_N_ELEMENTS(widths); i++) {
    for (int filled = 0; filled < 2; filled++) {
      double y = 100 + 40 * i + 20 * filled;
      assert_rule(page, K2X_RULE_HORIZONTAL, y, 100, 400);
      assert_float_equal(rule_at(page, K2X_RULE_HORIZONTAL, y)->width, widths[i], 0.01);
    }
  }
}

/* A PDF written by hand, as cairo writes neither /Rotate nor a crop box: a media box, a crop
 * box inside it, rotate, "RULE" in Helvetica with a rule under it and one left of it, and
 * above it a word whose /ActualText replaces what it shows (Chromium writes those). */
#define CROP_X0 50.0
#define CROP_Y0 100.0
#define CROP_X1 550.0
#define CROP_Y1 700.0

static char *write_rotated_pdf(int rotate) {
  static const char content[] = "BT /F1 12 Tf 100 600 Td (RULE) Tj ET\n"
                                "0 0 0 RG 1 w 100 594 m 300 594 l S 90 590 m 90 640 l S\n"
                                "/Span << /ActualText (ABC) >> BDC\n"
                                "BT /F1 12 Tf 100 650 Td (XYZ) Tj ET EMC\n";
  g_autofree char *page = g_strdup_printf(
      "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 600 800] /CropBox [%g %g %g %g] "
      "/Rotate %d /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
      CROP_X0, CROP_Y0, CROP_X1, CROP_Y1, rotate);
  g_autofree char *stream =
      g_strdup_printf("<< /Length %zu >>\nstream\n%sendstream", strlen(content), content);
  const char *objects[] = {"<< /Type /Catalog /Pages 2 0 R >>",
                           "<< /Type /Pages /Kids [3 0 R] /Count 1 >>", page,
                           "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>", stream};
  GString *pdf = g_string_new("%PDF-1.4\n");
  gsize offsets[G_N_ELEMENTS(objects)];
  for (gsize i = 0; i < G_N_ELEMENTS(objects); i++) {
    offsets[i] = pdf->len;
    g_string_append_printf(pdf, "%zu 0 obj\n%s\nendobj\n", i + 1, objects[i]);
  }
  gsize xref = pdf->len;
  g_string_append_printf(pdf, "xref\n0 %zu\n0000000000 65535 f \n", G_N_ELEMENTS(objects) + 1);
  for (gsize i = 0; i < G_N_ELEMENTS(objects); i++)
    g_string_append_printf(pdf, "%010zu 00000 n \n", offsets[i]);
  g_string_append_printf(pdf, "trailer\n<< /Size %zu /Root 1 0 R >>\nstartxref\n%zu\n%%%%EOF\n",
                         G_N_ELEMENTS(objects) + 1, xref);
  g_autofree char *name = g_strdup_printf("rotate-%d.pdf", rotate);
  char *path = g_build_filename(tmp_dir, name, NULL);
  assert_true(g_file_set_contents(path, pdf->str, (gssize)pdf->len, NULL));
  g_string_free(pdf, TRUE);
  return path;
}

/* Where a point of PDF user space shows on the page as displayed: crop box at the top left,
 * turned clockwise by rotate. */
static void displayed(int rotate, double x, double y, double *dx, double *dy) {
  switch (rotate) {
  case 90:
    *dx = y - CROP_Y0, *dy = x - CROP_X0;
    break;
  case 180:
    *dx = CROP_X1 - x, *dy = y - CROP_Y0;
    break;
  case 270:
    *dx = CROP_Y1 - y, *dy = CROP_X1 - x;
    break;
  default:
    *dx = x - CROP_X0, *dy = CROP_Y1 - y;
  }
}

/* The rule from (x0, y0) to (x1, y1) in user space is on the page where it shows. */
static void assert_displayed_rule(const k2x_page *page, int rotate, double x0, double y0,
                                  double x1, double y1) {
  double a0, b0, a1, b1;
  displayed(rotate, x0, y0, &a0, &b0);
  displayed(rotate, x1, y1, &a1, &b1);
  if (fabs(b0 - b1) < 0.01)
    assert_rule(page, K2X_RULE_HORIZONTAL, b0, MIN(a0, a1), MAX(a0, a1));
  else
    assert_rule(page, K2X_RULE_VERTICAL, a0, MIN(b0, b1), MAX(b0, b1));
}

/* Rules share the glyph boxes' coordinates on every /Rotate and with a crop box that does not
 * start at the origin: the rule under the word is under its glyphs, as displayed. */
static void test_rules_rotated_page_and_crop_box(void **state) {
  const int rotations[] = {0, 90, 180, 270};
  for (gsize k = 0; k < G_N_ELEMENTS(rotations); k++) {
    int rotate = rotations[k];
    g_autofree char *pdf = write_rotated_pdf(rotate);
    g_autoptr(k2x_source) src = NULL;
    g_autoptr(GError) error = NULL;
    assert_int_equal(k2x_source_open(pdf, NULL, NULL, &src, &error), K2X_OK);
    g_autoptr(k2x_page) page = k2x_source_read_page(src, 0, 0);
    gboolean turned = rotate == 90 || rotate == 270;
    assert_float_equal(page->width, turned ? 600 : 500, 0.01);
    assert_float_equal(page->height, turned ? 500 : 600, 0.01);
    assert_int_equal(page->rules->len, 2);
    assert_displayed_rule(page, rotate, 100, 594, 300, 594);
    assert_displayed_rule(page, rotate, 90, 590, 90, 640);

    /* The glyphs, from poppler-glib, lie where the same transform puts the word: inside the
     * box from the baseline up, never across the rule under them. */
    k2x_box glyphs = {0};
    for (guint i = 0; i < page->lines->len; i++)
      glyphs = k2x_box_union(glyphs, ((k2x_line *)g_ptr_array_index(page->lines, i))->box);
    double mx, my, bx, by;
    displayed(rotate, 110, 604, &mx, &my); /* inside the R */
    assert_true(glyphs.x0 <= mx && mx <= glyphs.x1 && glyphs.y0 <= my && my <= glyphs.y1);
    displayed(rotate, 110, 594, &bx, &by); /* on the rule */
    assert_false(glyphs.x0 < bx && bx < glyphs.x1 && glyphs.y0 < by && by < glyphs.y1);
    g_unlink(pdf);
  }
}

/* Each copy of a source (one per thread) reads the same rules. */
static void test_rules_source_copy(void **state) {
  g_autofree char *pdf = write_rotated_pdf(90);
  g_autoptr(k2x_source) src = NULL;
  g_autoptr(GError) error = NULL;
  assert_int_equal(k2x_source_open(pdf, NULL, NULL, &src, &error), K2X_OK);
  g_autoptr(k2x_source) copy = k2x_source_copy(src, &error);
  assert_non_null(copy);
  g_autoptr(k2x_page) a = k2x_source_read_page(src, 0, 0);
  g_clear_pointer(&src, k2x_source_free); /* the copy outlives its source */
  g_autoptr(k2x_page) b = k2x_source_read_page(copy, 0, 0);
  assert_int_equal(a->rules->len, 2);
  assert_int_equal(b->rules->len, a->rules->len);
  assert_memory_equal(a->rules->data, b->rules->data, a->rules->len * sizeof(k2x_rule));
  g_unlink(pdf);
}

/* The pages of pdf as poppler-glib reads them alone (K2X_NO_RULES) and as the page reader's
 * one pass reads them with their rules: glyph for glyph the same. */
static void assert_text_as_poppler_glib(const char *pdf) {
  g_autoptr(GError) error = NULL;
  g_autoptr(k2x_source) glib = NULL, reader = NULL;
  g_setenv("K2X_NO_RULES", "1", TRUE);
  assert_int_equal(k2x_source_open(pdf, NULL, NULL, &glib, &error), K2X_OK);
  g_unsetenv("K2X_NO_RULES");
  assert_int_equal(k2x_source_open(pdf, NULL, NULL, &reader, &error), K2X_OK);
  for (int i = 0; i < k2x_source_page_count(glib); i++) {
    g_autoptr(k2x_page) a = k2x_source_read_page(glib, i, 0);
    g_autoptr(k2x_page) b = k2x_source_read_page(reader, i, 0);
    assert_int_equal(a->rules->len, 0);
    assert_true(b->rules->len > 0);
    assert_true(a->lines->len > 0);
    assert_int_equal(a->lines->len, b->lines->len);
    for (guint l = 0; l < a->lines->len; l++) {
      const k2x_line *x = g_ptr_array_index(a->lines, l), *y = g_ptr_array_index(b->lines, l);
      assert_string_equal(x->text, y->text);
      assert_int_equal(x->glyphs->len, y->glyphs->len);
      assert_memory_equal(x->glyphs->data, y->glyphs->data,
                          x->glyphs->len * sizeof(k2x_glyph));
    }
  }
}

static void test_rules_text_as_poppler_glib(void **state) {
  g_autofree char *drawn = write_drawn_pdf(draw_filled_grid);
  assert_text_as_poppler_glib(drawn);
  g_unlink(drawn);
  for (int rotate = 0; rotate < 360; rotate += 90) {
    g_autofree char *pdf = write_rotated_pdf(rotate);
    assert_text_as_poppler_glib(pdf);
    g_unlink(pdf);
  }
}

/* Joining by the page's character size, at three sizes: a rule shorter than a character is
 * dropped; lines closer than half a character are one; a gap along a line of less than half
 * a character is bridged. */
static void add_piece(GArray *pieces, k2x_rule_dir dir, double pos, double a, double b) {
  k2x_rule r = {dir, a, pos, b, pos, 0.5};
  if (dir == K2X_RULE_VERTICAL)
    r = (k2x_rule){dir, pos, a, pos, b, 0.5};
  g_array_append_val(pieces, r);
}

static void test_rules_thresholds_follow_character_size(void **state) {
  const double sizes[] = {7, 10.5, 16};
  for (gsize k = 0; k < G_N_ELEMENTS(sizes); k++) {
    double em = sizes[k];
    GArray *glyphs = tu_glyphs_new();
    tu_add_text(glyphs, 60, 40, em, "本文の文字の大きさ");
    g_autoptr(k2x_page) page = tu_page(1, glyphs);
    GArray *pieces = g_array_new(FALSE, FALSE, sizeof(k2x_rule));
    add_piece(pieces, K2X_RULE_HORIZONTAL, 100, 100, 100 + 0.9 * em); /* too short */
    add_piece(pieces, K2X_RULE_HORIZONTAL, 200, 100, 100 + 1.1 * em);
    add_piece(pieces, K2X_RULE_HORIZONTAL, 300, 100, 400); /* two lines: one border */
    add_piece(pieces, K2X_RULE_HORIZONTAL, 300 + 0.4 * em, 100, 400);
    add_piece(pieces, K2X_RULE_HORIZONTAL, 400, 100, 400); /* two borders */
    add_piece(pieces, K2X_RULE_HORIZONTAL, 400 + 0.6 * em, 100, 400);
    add_piece(pieces, K2X_RULE_VERTICAL, 100, 500, 600); /* bridged */
    add_piece(pieces, K2X_RULE_VERTICAL, 100, 600 + 0.4 * em, 700);
    add_piece(pieces, K2X_RULE_VERTICAL, 200, 500, 600); /* two rules */
    add_piece(pieces, K2X_RULE_VERTICAL, 200, 600 + 0.6 * em, 700);
    k2x_page_set_rules(page, pieces);
    assert_int_equal(count_dir(page, K2X_RULE_HORIZONTAL), 4);
    assert_null(rule_at(page, K2X_RULE_HORIZONTAL, 100));
    assert_non_null(rule_at(page, K2X_RULE_HORIZONTAL, 200));
    assert_rule(page, K2X_RULE_HORIZONTAL, 300 + 0.2 * em, 100, 400);
    assert_float_equal(rule_at(page, K2X_RULE_HORIZONTAL, 300 + 0.2 * em)->width, 0.4 * em + 0.5,
                       1e-9);
    assert_non_null(rule_at(page, K2X_RULE_HORIZONTAL, 400));
    assert_non_null(rule_at(page, K2X_RULE_HORIZONTAL, 400 + 0.6 * em));
    assert_int_equal(count_dir(page, K2X_RULE_VERTICAL), 3);
    assert_rule(page, K2X_RULE_VERTICAL, 100, 500, 700);
    assert_sorted(page);
  }
}

/* Pieces at NaN, off the page or of no length are dropped, not joined into rules. */
static void test_rules_broken_pieces_dropped(void **state) {
  g_autoptr(k2x_page) page = tu_page(1, tu_glyphs_new());
  GArray *pieces = g_array_new(FALSE, FALSE, sizeof(k2x_rule));
  add_piece(pieces, K2X_RULE_HORIZONTAL, NAN, 100, 400);
  add_piece(pieces, K2X_RULE_HORIZONTAL, 100, NAN, 400);
  add_piece(pieces, K2X_RULE_HORIZONTAL, -3, 100, 400);
  add_piece(pieces, K2X_RULE_VERTICAL, TU_PAGE_WIDTH + 1, 100, 400);
  add_piece(pieces, K2X_RULE_VERTICAL, 100, 300, 300);
  add_piece(pieces, K2X_RULE_VERTICAL, 100, 2000, 3000);
  k2x_rule infinite = {K2X_RULE_HORIZONTAL, 100, 500, 400, 500, INFINITY};
  g_array_append_val(pieces, infinite);
  k2x_page_set_rules(page, pieces);
  assert_int_equal(page->rules->len, 1);
  assert_rule(page, K2X_RULE_HORIZONTAL, 500, 100, 400);
  assert_float_equal(g_array_index(page->rules, k2x_rule, 0).width, 0, 0);
}

static int setup(void **state) {
  tmp_dir = g_dir_make_tmp("k2x-rules-XXXXXX", NULL);
  return tmp_dir ? 0 : -1;
}

static int teardown(void **state) {
  tu_remove_tree(tmp_dir);
  g_free(tmp_dir);
  return 0;
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_rules_stroked_lines),
      cmocka_unit_test(test_rules_filled_grid),
      cmocka_unit_test(test_rules_filled_cell_box),
      cmocka_unit_test(test_rules_collinear_joined),
      cmocka_unit_test(test_rules_double_border),
      cmocka_unit_test(test_rules_dashed_line),
      cmocka_unit_test(test_rules_clipped),
      cmocka_unit_test(test_rules_curves_and_diagonals_ignored),
      cmocka_unit_test(test_rules_invisible_paint_ignored),
      cmocka_unit_test(test_rules_widths),
      cmocka_unit_test(test_rules_rotated_page_and_crop_box),
      cmocka_unit_test(test_rules_source_copy),
      cmocka_unit_test(test_rules_text_as_poppler_glib),
      cmocka_unit_test(test_rules_thresholds_follow_character_size),
      cmocka_unit_test(test_rules_broken_pieces_dropped),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
