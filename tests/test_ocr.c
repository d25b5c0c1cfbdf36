/* Tests for ocr: image-only pages drawn here (text and a table grid rendered into a grey
 * image, the image alone put on a PDF page) read back as glyphs and rules. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include <cairo-pdf.h>
#include <glib/gstdio.h>
#include <math.h>
#include <pango/pangocairo.h>
#include <string.h>

#include "extract.h"
#include "ocr.h"
#include "testutil.h"

#define DPI 300.0
#define TEXT_X 72.0
#define TEXT_Y 100.0
#define GRID_TOP 200.0
#define GRID_BOTTOM 320.0
#define GRID_LEFT 60.0
#define GRID_MID 300.0
#define GRID_RIGHT 540.0

static const char *const line_text = "地域移行支援の理解促進と長期入院者の退院意欲向上";

static void show(cairo_t *cr, double x, double y, double size, const char *text) {
  PangoLayout *layout = pango_cairo_create_layout(cr);
  PangoFontDescription *fd = pango_font_description_from_string("IPAexMincho");
  pango_font_description_set_absolute_size(fd, size * PANGO_SCALE);
  pango_layout_set_font_description(layout, fd);
  pango_font_description_free(fd);
  pango_layout_set_text(layout, text, -1);
  cairo_move_to(cr, x, y);
  pango_cairo_show_layout(cr, layout);
  g_object_unref(layout);
}

/* A PDF of one A4 page that is one grey image: a line of text, a 2×2 table grid with a word
 * in each upper cell, and stray (when not NULL) as real text over it; the image turned by
 * tilt degrees. */
static char *scan_pdf(const char *dir, const char *name, double tilt, const char *stray) {
  int w = (int)ceil(TU_PAGE_WIDTH * DPI / 72), h = (int)ceil(TU_PAGE_HEIGHT * DPI / 72);
  cairo_surface_t *img = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
  cairo_t *cr = cairo_create(img);
  cairo_set_source_rgb(cr, 1, 1, 1);
  cairo_paint(cr);
  cairo_translate(cr, w / 2.0, h / 2.0);
  cairo_rotate(cr, tilt * G_PI / 180);
  cairo_translate(cr, -w / 2.0, -h / 2.0);
  cairo_scale(cr, DPI / 72, DPI / 72);
  cairo_set_source_rgb(cr, 0, 0, 0);
  show(cr, TEXT_X, TEXT_Y, 10.5, line_text);
  cairo_set_line_width(cr, 0.5);
  for (int i = 0; i < 3; i++) {
    double y = GRID_TOP + i * (GRID_BOTTOM - GRID_TOP) / 2;
    cairo_move_to(cr, GRID_LEFT, y);
    cairo_line_to(cr, GRID_RIGHT, y);
  }
  for (int i = 0; i < 3; i++) {
    double x = i == 0 ? GRID_LEFT : i == 1 ? GRID_MID : GRID_RIGHT;
    cairo_move_to(cr, x, GRID_TOP);
    cairo_line_to(cr, x, GRID_BOTTOM);
  }
  cairo_stroke(cr);
  show(cr, GRID_LEFT + 10, GRID_TOP + 20, 10.5, "保健所圏域");
  show(cr, GRID_MID + 10, GRID_TOP + 20, 10.5, "協議の場");
  cairo_destroy(cr);

  char *path = g_build_filename(dir, name, NULL);
  cairo_surface_t *pdf = cairo_pdf_surface_create(path, TU_PAGE_WIDTH, TU_PAGE_HEIGHT);
  cr = cairo_create(pdf);
  cairo_save(cr);
  cairo_scale(cr, 72 / DPI, 72 / DPI);
  cairo_set_source_surface(cr, img, 0, 0);
  cairo_paint(cr);
  cairo_restore(cr);
  if (stray) {
    cairo_set_source_rgb(cr, 0, 0, 0);
    show(cr, 500, 800, 8, stray);
  }
  cairo_destroy(cr);
  cairo_surface_finish(pdf);
  assert_int_equal(cairo_surface_status(pdf), CAIRO_STATUS_SUCCESS);
  cairo_surface_destroy(pdf);
  cairo_surface_destroy(img);
  return path;
}

static int setup(void **state) {
  *state = g_dir_make_tmp("k2x-ocr-XXXXXX", NULL);
  return *state ? 0 : -1;
}

static int teardown(void **state) {
  tu_remove_tree(*state);
  g_free(*state);
  return 0;
}

static k2x_page *read_scan(const char *path, const k2x_ocr_options *ocr) {
  k2x_source *src = NULL;
  g_autoptr(GError) error = NULL;
  assert_int_equal(k2x_source_open(path, NULL, NULL, &src, &error), K2X_OK);
  if (ocr)
    k2x_source_set_ocr(src, ocr);
  k2x_page *page = k2x_source_read_page(src, 0, 0);
  k2x_source_free(src);
  return page;
}

/* All the page's text, without spaces. */
static char *page_text(const k2x_page *page) {
  GString *s = g_string_new(NULL);
  for (guint i = 0; i < page->lines->len; i++)
    g_string_append(s, ((const k2x_line *)g_ptr_array_index(page->lines, i))->norm);
  return g_string_free(s, FALSE);
}

static void check_page(const k2x_page *page, double tilt) {
  assert_true(page->ocr);
  assert_null(page->ocr_error);
  assert_true(page->ocr_confidence > 0.8);
  assert_true(fabs(fabs(page->ocr_skew) - tilt) < 0.15);
  /* The line of text where it was drawn, its characters each in their cell. */
  const k2x_line *l = tu_find_line(page, "地域移行");
  assert_non_null(l);
  assert_true(fabs(l->box.x0 - TEXT_X) < 4);
  assert_true(l->box.y0 > TEXT_Y - 4 && l->box.y1 < TEXT_Y + 18);
  assert_int_equal(l->runs->len, 1);
  assert_int_equal(g_utf8_strlen(l->text, -1), g_utf8_strlen(line_text, -1));
  assert_true(l->size > 8 && l->size < 13);
  /* The grid: three horizontal rules and three vertical ones, at their places. */
  guint h = 0, v = 0;
  for (guint i = 0; i < page->rules->len; i++) {
    const k2x_rule *r = &g_array_index(page->rules, k2x_rule, i);
    if (r->dir == K2X_RULE_HORIZONTAL) {
      h++;
      assert_true(fabs(r->x0 - GRID_LEFT) < 3 && fabs(r->x1 - GRID_RIGHT) < 3);
    } else {
      v++;
      assert_true(fabs(r->y0 - GRID_TOP) < 3 && fabs(r->y1 - GRID_BOTTOM) < 3);
    }
  }
  assert_int_equal(h, 3);
  assert_int_equal(v, 3);
  /* The cells' words apart, in two runs of one line: the rule between them is erased, not
   * read as a character. */
  const k2x_line *cells = tu_find_line(page, "保健所");
  assert_non_null(cells);
  assert_int_equal(cells->runs->len, 2);
  assert_null(strchr(cells->text, '|'));
  /* OCR may slip on a character of a tilted scan, not on the count. */
  g_autofree char *all = page_text(page);
  if (!strstr(all, "協議の場") || g_utf8_strlen(cells->norm, -1) != 9)
    fail_msg("page text: %s", all);
}

static void test_ocr_reads_level_page(void **state) {
  g_autofree char *path = scan_pdf(*state, "level.pdf", 0, NULL);
  g_autoptr(k2x_page) page = read_scan(path, NULL);
  check_page(page, 0);
  assert_true(page->has_images);
}

/* A page fed askew is levelled before it is read: its lines and rules come out level. */
static void test_ocr_reads_tilted_page(void **state) {
  g_autofree char *path = scan_pdf(*state, "tilted.pdf", 0.5, NULL);
  g_autoptr(k2x_page) page = read_scan(path, NULL);
  check_page(page, 0.5);
  assert_true(fabs(page->ocr_skew) > 0.3);
}

/* A few stray characters of text (a stamp, a page number) over a full-page image: a scan. */
static void test_ocr_stray_text_over_image(void **state) {
  g_autofree char *path = scan_pdf(*state, "stray.pdf", 0, "12");
  g_autoptr(k2x_page) page = read_scan(path, NULL);
  assert_true(page->ocr);
  assert_non_null(tu_find_line(page, "地域移行"));
}

static void test_ocr_never(void **state) {
  g_autofree char *path = scan_pdf(*state, "never.pdf", 0, NULL);
  k2x_ocr_options never = {K2X_OCR_NEVER, 0, NULL};
  g_autoptr(k2x_page) page = read_scan(path, &never);
  assert_false(page->ocr);
  assert_int_equal(page->lines->len, 0);
  assert_true(page->has_images);
}

/* A language that is not installed: the page comes back unread, saying what to install. */
static void test_ocr_missing_language(void **state) {
  g_autofree char *path = scan_pdf(*state, "lang.pdf", 0, NULL);
  k2x_ocr_options klingon = {K2X_OCR_AUTO, 0, "tlh"};
  g_autoptr(k2x_page) page = read_scan(path, &klingon);
  assert_false(page->ocr);
  assert_non_null(page->ocr_error);
  assert_non_null(strstr(page->ocr_error, "tesseract-ocr-tlh"));
  assert_true(page->has_images);
}

static void test_ocr_mode_names(void **state) {
  (void)state;
  k2x_ocr_mode m = K2X_OCR_NEVER;
  assert_true(k2x_ocr_mode_from_name("auto", &m));
  assert_int_equal(m, K2X_OCR_AUTO);
  assert_true(k2x_ocr_mode_from_name("ALWAYS", &m));
  assert_int_equal(m, K2X_OCR_ALWAYS);
  assert_true(k2x_ocr_mode_from_name("never", &m));
  assert_int_equal(m, K2X_OCR_NEVER);
  assert_false(k2x_ocr_mode_from_name("sometimes", &m));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_ocr_reads_level_page),
      cmocka_unit_test(test_ocr_reads_tilted_page),
      cmocka_unit_test(test_ocr_stray_text_over_image),
      cmocka_unit_test(test_ocr_never),
      cmocka_unit_test(test_ocr_missing_language),
      cmocka_unit_test(test_ocr_mode_names),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
