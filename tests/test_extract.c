/* test_extract: glyphs → lines (order, duplicates, runs, spacing) and reading PDFs with poppler. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <cairo-pdf.h>
#include <glib/gstdio.h>
#include <pango/pangocairo.h>

#include "extract.h"
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

/* Reorders glyphs with a fixed seed, as a content stream may draw them in any order. */
static void shuffle(GArray *glyphs) {
  g_autoptr(GRand) rand = g_rand_new_with_seed(2021);
  for (guint i = glyphs->len; i > 1; i--) {
    guint j = (guint)g_rand_int_range(rand, 0, (gint32)i);
    k2x_glyph t = g_array_index(glyphs, k2x_glyph, i - 1);
    g_array_index(glyphs, k2x_glyph, i - 1) = g_array_index(glyphs, k2x_glyph, j);
    g_array_index(glyphs, k2x_glyph, j) = t;
  }
}

static const k2x_line *line_at(const k2x_page *page, guint i) {
  assert_true(i < page->lines->len);
  return g_ptr_array_index(page->lines, i);
}

/* Set solid: glyph boxes (1.3 em) of neighbouring lines overlap a little at 1.2 em leading. */
static void test_extract_lines_from_shuffled_glyphs(void **state) {
  GArray *g = tu_glyphs_new();
  tu_add_text(g, 60, 100, SIZE, "精神障害にも対応した地域包括ケア");
  tu_add_text(g, 60, 100 + 1.2 * SIZE, SIZE, "AD 合同会議「事前課題」");
  shuffle(g);
  g_autoptr(k2x_page) page = tu_page(1, g);
  assert_int_equal(page->number, 1);
  assert_int_equal(page->lines->len, 2);
  assert_string_equal(line_at(page, 0)->text, "精神障害にも対応した地域包括ケア");
  assert_string_equal(line_at(page, 1)->text, "AD 合同会議「事前課題」");
  assert_true(line_at(page, 0)->box.y0 < line_at(page, 1)->box.y0);
  assert_float_equal(line_at(page, 0)->size, SIZE, 1e-3);
  assert_float_equal(line_at(page, 0)->box.x0, 60, 1e-3);
  for (guint i = 0; i < page->lines->len; i++) {
    const GArray *glyphs = line_at(page, i)->glyphs;
    for (guint j = 1; j < glyphs->len; j++)
      assert_true(g_array_index(glyphs, k2x_glyph, j - 1).x0 <
                  g_array_index(glyphs, k2x_glyph, j).x0);
  }
}

/* A raised note mark overlaps its line's band only in part; it still joins the line. */
static void test_extract_raised_glyph_same_line(void **state) {
  GArray *g = tu_glyphs_new();
  tu_add_text(g, 60, 100, SIZE, "研修会を開催した");
  tu_add_text(g, 60 + 8 * SIZE, 97, 7, "※");
  tu_add_text(g, 60, 100 + 1.7 * SIZE, SIZE, "次の行");
  shuffle(g);
  g_autoptr(k2x_page) page = tu_page(1, g);
  assert_int_equal(page->lines->len, 2);
  assert_string_equal(line_at(page, 0)->text, "研修会を開催した※");
  assert_float_equal(line_at(page, 0)->box.y0, 97, 1e-3);
  assert_float_equal(line_at(page, 0)->size, SIZE, 1e-3);
  assert_string_equal(line_at(page, 1)->text, "次の行");
}

/* A table row whose second column the content stream draws first. */
static void test_extract_two_columns_one_line(void **state) {
  GArray *g = tu_glyphs_new();
  tu_add_text(g, 300, 200, SIZE, "研修会を開催した");
  tu_add_text(g, 60, 200, SIZE, "協議の場の設置");
  tu_add_text(g, 60, 200 + 1.5 * SIZE, SIZE, "次の行");
  g_autoptr(k2x_page) page = tu_page(1, g);
  assert_int_equal(page->lines->len, 2);
  const k2x_line *row = line_at(page, 0);
  assert_string_equal(row->text, "協議の場の設置 研修会を開催した");
  assert_int_equal(row->runs->len, 2);
  const k2x_run *first = &g_array_index(row->runs, k2x_run, 0);
  const k2x_run *second = &g_array_index(row->runs, k2x_run, 1);
  assert_int_equal(first->start, 0);
  assert_int_equal(first->end, 7);
  assert_int_equal(second->start, 7);
  assert_int_equal(second->end, 15);
  assert_float_equal(first->box.x0, 60, 1e-3);
  assert_float_equal(first->box.x1, 60 + 7 * SIZE, 1e-3);
  assert_float_equal(second->box.x0, 300, 1e-3);
  assert_string_equal(line_at(page, 1)->text, "次の行");
}

/* Fake bold: the same text drawn again a fraction of a point to the right. */
static void test_extract_duplicates_dropped(void **state) {
  GArray *g = tu_glyphs_new();
  tu_add_text(g, 60, 100, SIZE, "１．支援事業の成果");
  tu_add_text(g, 60.4, 100, SIZE, "１．支援事業の成果");
  shuffle(g);
  g_autoptr(k2x_page) page = tu_page(1, g);
  assert_int_equal(page->lines->len, 1);
  assert_string_equal(line_at(page, 0)->text, "１．支援事業の成果");
  assert_int_equal(line_at(page, 0)->glyphs->len, 9);
}

/* Repeated characters printed side by side are text, not duplicates. */
static void test_extract_repeated_characters_kept(void **state) {
  GArray *g = tu_glyphs_new();
  tu_add_text(g, 60, 100, SIZE, "々々ーー 11");
  g_autoptr(k2x_page) page = tu_page(1, g);
  assert_string_equal(line_at(page, 0)->text, "々々ーー 11");
  assert_int_equal(line_at(page, 0)->glyphs->len, 6);
}

static void test_extract_run_split_at_wide_gap(void **state) {
  GArray *g = tu_glyphs_new();
  tu_add_text(g, 60, 100, SIZE, "達成目標");
  tu_add_text(g, 60 + 4 * SIZE + 1.0 * SIZE, 100, SIZE, "取組状況");
  tu_add_text(g, 60, 130, SIZE, "the word is");
  g_autoptr(k2x_page) page = tu_page(1, g);
  assert_int_equal(page->lines->len, 2);
  assert_int_equal(line_at(page, 0)->runs->len, 2);
  assert_string_equal(line_at(page, 0)->text, "達成目標 取組状況");
  /* A word space is half an em: one run, with its space. */
  assert_int_equal(line_at(page, 1)->runs->len, 1);
  assert_string_equal(line_at(page, 1)->text, "the word is");
}

static void test_extract_spacing_latin_japanese(void **state) {
  GArray *g = tu_glyphs_new();
  tu_add_text(g, 60, 100, SIZE, "AD");
  tu_add_text(g, 60 + SIZE + 0.3 * SIZE, 100, SIZE, "合同会議");
  tu_add_text(g, 60, 130, SIZE, "合同");
  tu_add_text(g, 60 + 2 * SIZE + 0.3 * SIZE, 130, SIZE, "会議");
  tu_add_text(g, 60, 160, SIZE, "ADの");
  g_autoptr(k2x_page) page = tu_page(1, g);
  assert_int_equal(page->lines->len, 3);
  assert_string_equal(line_at(page, 0)->text, "AD 合同会議");
  assert_string_equal(line_at(page, 1)->text, "合同会議");
  assert_string_equal(line_at(page, 2)->text, "ADの");
}

static void test_extract_glyphs_text(void **state) {
  g_autoptr(GArray) g = tu_glyphs_new();
  tu_add_text(g, 0, 0, 10, "PSW");
  tu_add_text(g, 15 + 1, 0, 10, "が"); /* 0.1 em: no space */
  tu_add_text(g, 26 + 2, 0, 10, "2"); /* 0.2 em: a space */
  tu_add_text(g, 33 + 2, 0, 10, "件"); /* 0.2 em: a space */
  g_autofree char *text = k2x_glyphs_text((const k2x_glyph *)g->data, g->len);
  assert_string_equal(text, "PSWが 2 件");
  g_autofree char *none = k2x_glyphs_text(NULL, 0);
  assert_string_equal(none, "");
}

/* Japanese layout hangs a final "。" past the right margin; it stays on its line and does not
 * count for the line's right edge. */
static void test_extract_hanging_punctuation(void **state) {
  const double right = 60 + 20 * SIZE;
  GArray *g = tu_glyphs_new();
  tu_add_text(g, 60, 100, SIZE, "地域の支援者を対象とした研修会を開催した");
  tu_add_text(g, right + 0.5, 100 + 0.4, SIZE * 0.9, "。");
  tu_add_text(g, 60, 100 + 1.7 * SIZE, SIZE, "次の行");
  shuffle(g);
  g_autoptr(k2x_page) page = tu_page(1, g);
  assert_int_equal(page->lines->len, 2);
  const k2x_line *l = line_at(page, 0);
  assert_string_equal(l->text, "地域の支援者を対象とした研修会を開催した。");
  assert_int_equal(l->runs->len, 1);
  assert_float_equal(k2x_line_right(l), right, 1e-3);
  assert_true(l->box.x1 > right);
}

/* Glyphs at NaN, infinity or far off the page are not printed: they make no line. */
static void test_extract_invisible_glyphs_dropped(void **state) {
  GArray *g = tu_glyphs_new();
  tu_add_text(g, 60, 100, 10.5, "本文");
  k2x_glyph bad[] = {{'x', NAN, 100, 70, 110, 10.5f},
                     {'y', 60, 100, 70, INFINITY, 10.5f},
                     {'z', 1e9f, 100, 1e9f + 10, 110, 10.5f},
                     {'w', 80, 100, 90, 110, 0}};
  g_array_append_vals(g, bad, G_N_ELEMENTS(bad));
  g_autoptr(k2x_page) page = tu_page(1, g);
  assert_int_equal(page->lines->len, 1);
  assert_string_equal(((const k2x_line *)g_ptr_array_index(page->lines, 0))->text, "本文");
}

static void test_extract_empty_page(void **state) {
  g_autoptr(k2x_page) page = tu_page(3, tu_glyphs_new());
  assert_int_equal(page->number, 3);
  assert_int_equal(page->lines->len, 0);
  assert_false(page->has_images);
  assert_float_equal(page->width, TU_PAGE_WIDTH, 1e-6);
  assert_float_equal(page->height, TU_PAGE_HEIGHT, 1e-6);
}

/* A PDF written in the test: page 1 has two lines of Japanese text, page 2 only an image. */
typedef struct {
  char *dir;
  char *pdf;
} fixture;

static const char *const pdf_lines[] = {"令和２年度の達成目標・取組状況", "協議の場を設置した。"};

static void draw_text(cairo_t *cr, double x, double y, const char *text) {
  PangoLayout *layout = pango_cairo_create_layout(cr);
  pango_cairo_context_set_resolution(pango_layout_get_context(layout), 72);
  pango_layout_context_changed(layout);
  PangoFontDescription *fd = pango_font_description_from_string("IPAexMincho 10.5");
  pango_layout_set_font_description(layout, fd);
  pango_font_description_free(fd);
  pango_layout_set_text(layout, text, -1);
  cairo_move_to(cr, x, y);
  pango_cairo_show_layout(cr, layout);
  g_object_unref(layout);
}

static void draw_image(cairo_t *cr, double x, double y) {
  cairo_surface_t *img = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 64, 48);
  cairo_t *ic = cairo_create(img);
  for (int i = 0; i < 8; i++) {
    cairo_set_source_rgb(ic, i / 8.0, 0.5, 1 - i / 8.0);
    cairo_rectangle(ic, i * 8, 0, 8, 48);
    cairo_fill(ic);
  }
  cairo_destroy(ic);
  cairo_set_source_surface(cr, img, x, y);
  cairo_paint(cr);
  cairo_surface_destroy(img);
}

static int pdf_setup(void **state) {
  fixture *f = g_new0(fixture, 1);
  f->dir = g_dir_make_tmp("k2x-extract-XXXXXX", NULL);
  if (!f->dir)
    return -1;
  f->pdf = g_build_filename(f->dir, "two-pages.pdf", NULL);
  cairo_surface_t *surface = cairo_pdf_surface_create(f->pdf, TU_PAGE_WIDTH, TU_PAGE_HEIGHT);
  cairo_t *cr = cairo_create(surface);
  cairo_set_source_rgb(cr, 0, 0, 0);
  draw_text(cr, 72, 72, pdf_lines[0]);
  draw_text(cr, 72, 72 + 18, pdf_lines[1]);
  cairo_show_page(cr);
  draw_image(cr, 200, 300);
  cairo_show_page(cr);
  cairo_destroy(cr);
  cairo_surface_finish(surface);
  cairo_status_t status = cairo_surface_status(surface);
  cairo_surface_destroy(surface);
  /* Drops pango's font caches, which would otherwise show as leaks under a sanitizer. */
  pango_cairo_font_map_set_default(NULL);
  *state = f;
  return status == CAIRO_STATUS_SUCCESS ? 0 : -1;
}

static int pdf_teardown(void **state) {
  fixture *f = *state;
  if (!f)
    return 0;
  g_autoptr(GDir) d = g_dir_open(f->dir, 0, NULL);
  for (const char *name; d && (name = g_dir_read_name(d));) {
    g_autofree char *path = g_build_filename(f->dir, name, NULL);
    g_unlink(path);
  }
  g_rmdir(f->dir);
  g_free(f->pdf);
  g_free(f->dir);
  g_free(f);
  return 0;
}

static k2x_source *open_fixture(const fixture *f) {
  k2x_source *src = NULL;
  GError *error = NULL;
  k2x_error err = k2x_source_open(f->pdf, NULL, NULL, &src, &error);
  if (err != K2X_OK)
    fail_msg("%s: %s", f->pdf, error ? error->message : k2x_strerror(err));
  assert_null(error);
  assert_non_null(src);
  return src;
}

static void test_extract_pdf_text_page(void **state) {
  g_autoptr(k2x_source) src = open_fixture(*state);
  assert_int_equal(k2x_source_page_count(src), 2);
  assert_string_equal(k2x_source_kind(src), "pdf");
  g_autoptr(k2x_page) page = k2x_source_read_page(src, 0);
  assert_int_equal(page->number, 1);
  assert_float_equal(page->width, TU_PAGE_WIDTH, 0.01);
  assert_float_equal(page->height, TU_PAGE_HEIGHT, 0.01);
  assert_false(page->has_images);
  assert_int_equal(page->lines->len, 2);
  for (guint i = 0; i < 2; i++) {
    const k2x_line *l = line_at(page, i);
    assert_string_equal(l->text, pdf_lines[i]);
    assert_float_equal(l->size, 10.5, 0.5);
    assert_float_equal(l->box.x0, 72, 1);
  }
  assert_true(line_at(page, 0)->box.y1 < line_at(page, 1)->box.y0);
  assert_true(line_at(page, 0)->box.y0 >= 72);
}

static void test_extract_pdf_image_page(void **state) {
  g_autoptr(k2x_source) src = open_fixture(*state);
  g_autoptr(k2x_page) page = k2x_source_read_page(src, 1);
  assert_int_equal(page->number, 2);
  assert_int_equal(page->lines->len, 0);
  assert_true(page->has_images);
}

static void test_extract_pdf_sha256(void **state) {
  const fixture *f = *state;
  g_autoptr(k2x_source) src = open_fixture(f);
  const char *sha = k2x_source_sha256(src);
  assert_non_null(sha);
  assert_int_equal(strlen(sha), 64);
  for (const char *p = sha; *p; p++)
    assert_true(g_ascii_isxdigit(*p) && !g_ascii_isupper(*p));
  g_autofree char *data = NULL;
  gsize len = 0;
  assert_true(g_file_get_contents(f->pdf, &data, &len, NULL));
  g_autofree char *want = g_compute_checksum_for_data(G_CHECKSUM_SHA256, (const guchar *)data, len);
  assert_string_equal(sha, want);
}

static void test_extract_error_missing_file(void **state) {
  const fixture *f = *state;
  g_autofree char *path = g_build_filename(f->dir, "absent.pdf", NULL);
  k2x_source *src = (k2x_source *)&src;
  GError *error = NULL;
  assert_int_equal(k2x_source_open(path, NULL, NULL, &src, &error), K2X_ERR_READ);
  assert_null(src);
  assert_non_null(error);
  g_error_free(error);
}

static void test_extract_error_not_pdf(void **state) {
  const fixture *f = *state;
  g_autofree char *path = g_build_filename(f->dir, "notes.pdf", NULL);
  assert_true(g_file_set_contents(path, "令和２年度の達成目標・取組状況\n", -1, NULL));
  k2x_source *src = (k2x_source *)&src;
  GError *error = NULL;
  assert_int_equal(k2x_source_open(path, NULL, NULL, &src, &error), K2X_ERR_PDF);
  assert_null(src);
  assert_non_null(error);
  g_error_free(error);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_extract_lines_from_shuffled_glyphs),
      cmocka_unit_test(test_extract_raised_glyph_same_line),
      cmocka_unit_test(test_extract_two_columns_one_line),
      cmocka_unit_test(test_extract_duplicates_dropped),
      cmocka_unit_test(test_extract_repeated_characters_kept),
      cmocka_unit_test(test_extract_run_split_at_wide_gap),
      cmocka_unit_test(test_extract_spacing_latin_japanese),
      cmocka_unit_test(test_extract_glyphs_text),
      cmocka_unit_test(test_extract_hanging_punctuation),
      cmocka_unit_test(test_extract_empty_page),
      cmocka_unit_test(test_extract_invisible_glyphs_dropped),
      cmocka_unit_test(test_extract_pdf_text_page),
      cmocka_unit_test(test_extract_pdf_image_page),
      cmocka_unit_test(test_extract_pdf_sha256),
      cmocka_unit_test(test_extract_error_missing_file),
      cmocka_unit_test(test_extract_error_not_pdf),
  };
  return cmocka_run_group_tests(tests, pdf_setup, pdf_teardown);
}
