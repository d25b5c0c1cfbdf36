/* test_extract: glyphs → lines (order, duplicates, runs, spacing), reading PDFs with poppler,
 * and text input (decoding, pages, stand-in geometry). */
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
#include "text.h"
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

/* Pages built from the same glyphs agree line by line: text, glyphs, runs, box and size. */
static void assert_same_page(const k2x_page *a, const k2x_page *b) {
  assert_int_equal(a->lines->len, b->lines->len);
  for (guint i = 0; i < a->lines->len; i++) {
    const k2x_line *x = line_at(a, i), *y = line_at(b, i);
    assert_string_equal(x->text, y->text);
    assert_string_equal(x->norm, y->norm);
    assert_int_equal(x->glyphs->len, y->glyphs->len);
    assert_memory_equal(x->glyphs->data, y->glyphs->data, x->glyphs->len * sizeof(k2x_glyph));
    assert_int_equal(x->runs->len, y->runs->len);
    assert_memory_equal(x->runs->data, y->runs->data, x->runs->len * sizeof(k2x_run));
    assert_memory_equal(&x->box, &y->box, sizeof x->box);
    assert_float_equal(x->size, y->size, 0);
  }
}

/* Columns drawn one after the other, bottom to top, interleaved or at random: glyphs come as
 * any number of ascending runs, and the page is the same. */
static void test_extract_glyph_order_any(void **state) {
  static const char *const cells[] = {"協議の場の設置", "研修会を開催した", "ピアサポーター",
                                      "AD 合同会議", "（１）地域移行"};
  GArray *sorted = tu_glyphs_new();
  for (int row = 0; row < 12; row++)
    for (int col = 0; col < 5; col++)
      tu_add_text(sorted, 40 + 110 * col, 100 + row * 1.5 * SIZE, SIZE, cells[(row + col) % 5]);
  g_autoptr(k2x_page) want = tu_page(1, g_array_copy(sorted));
  assert_int_equal(want->lines->len, 12);

  GArray *by_column = tu_glyphs_new(), *reversed = tu_glyphs_new();
  for (int col = 4; col >= 0; col--)
    for (int row = 0; row < 12; row++)
      tu_add_text(by_column, 40 + 110 * col, 100 + row * 1.5 * SIZE, SIZE,
                  cells[(row + col) % 5]);
  for (guint i = sorted->len; i > 0; i--)
    g_array_append_val(reversed, g_array_index(sorted, k2x_glyph, i - 1));
  GArray *shuffled = g_array_copy(sorted);
  shuffle(shuffled);
  GArray *orders[] = {by_column, reversed, shuffled};
  for (gsize k = 0; k < G_N_ELEMENTS(orders); k++) {
    g_autoptr(k2x_page) page = tu_page(1, orders[k]);
    assert_same_page(want, page);
  }
  g_array_unref(sorted);
}

/* Two glyphs at the very same place keep the order they were drawn in. */
static void test_extract_same_place_keeps_order(void **state) {
  const char *orders[] = {"AB", "BA"};
  for (gsize k = 0; k < G_N_ELEMENTS(orders); k++) {
    GArray *g = tu_glyphs_new();
    tu_add_text(g, 60, 100, SIZE, (char[]){orders[k][0], 0});
    tu_add_text(g, 60, 100, SIZE, (char[]){orders[k][1], 0});
    g_autoptr(k2x_page) page = tu_page(1, g);
    assert_int_equal(page->lines->len, 1);
    assert_string_equal(line_at(page, 0)->text, orders[k]);
  }
}

/* Each line carries its text normalised once, for the stages that match patterns. */
static void test_extract_line_norm(void **state) {
  GArray *g = tu_glyphs_new();
  tu_add_text(g, 60, 100, SIZE, "（１）令和２年度  AD 合同会議");
  tu_add_text(g, 60, 130, SIZE, "ｶﾞｲﾄﾞ・①が\u3099");
  g_autoptr(k2x_page) page = tu_page(1, g);
  assert_int_equal(page->lines->len, 2);
  assert_string_equal(line_at(page, 0)->norm, "(1)令和2年度AD合同会議");
  for (guint i = 0; i < page->lines->len; i++) {
    g_autofree char *want = k2x_text_normalize(line_at(page, i)->text);
    assert_string_equal(line_at(page, i)->norm, want);
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
  k2x_glyph bad[] = {{'x', NAN, 100, 70, 110, 10.5f, 0},
                     {'y', 60, 100, 70, INFINITY, 10.5f, 0},
                     {'z', 1e9f, 100, 1e9f + 10, 110, 10.5f, 0},
                     {'w', 80, 100, 90, 110, 0, 0}};
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
  tu_remove_tree(f->dir);
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
  g_autoptr(k2x_page) page = k2x_source_read_page(src, 0, 0);
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
  g_autoptr(k2x_page) page = k2x_source_read_page(src, 1, 0);
  assert_int_equal(page->number, 2);
  assert_int_equal(page->lines->len, 0);
  assert_true(page->has_images);
}

/* A page over the glyph limit comes back empty, saying how many characters it held. */
static void test_extract_pdf_glyph_limit(void **state) {
  g_autoptr(k2x_source) src = open_fixture(*state);
  g_autoptr(k2x_page) page = k2x_source_read_page(src, 0, 5);
  assert_int_equal(page->lines->len, 0);
  assert_true(page->dropped > 5);
  assert_false(page->has_images);
  g_autoptr(k2x_page) fits = k2x_source_read_page(src, 0, 10000);
  assert_int_equal(fits->lines->len, 2);
  assert_int_equal(fits->dropped, 0);
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

/* A copy reads the same pages as the source, even after the source is gone (threads each
 * have one); a text source has none. */
static void test_extract_pdf_copy(void **state) {
  const fixture *f = *state;
  k2x_source *src = open_fixture(f);
  g_autoptr(GError) error = NULL;
  g_autoptr(k2x_source) copy = k2x_source_copy(src, &error);
  assert_non_null(copy);
  assert_string_equal(k2x_source_sha256(copy), k2x_source_sha256(src));
  assert_int_equal(k2x_source_page_count(copy), k2x_source_page_count(src));
  g_autoptr(k2x_page) a = k2x_source_read_page(src, 0, 0);
  k2x_source_free(src);
  g_autoptr(k2x_page) b = k2x_source_read_page(copy, 0, 0);
  assert_int_equal(a->lines->len, b->lines->len);
  for (guint i = 0; i < a->lines->len; i++)
    assert_string_equal(line_at(a, i)->text, line_at(b, i)->text);

  g_autofree char *txt = g_build_filename(f->dir, "copy.txt", NULL);
  assert_true(g_file_set_contents(txt, "１．成果\n", -1, NULL));
  g_autoptr(k2x_source) text = NULL;
  assert_int_equal(k2x_source_open(txt, NULL, NULL, &text, NULL), K2X_OK);
  assert_null(k2x_source_copy(text, &error));
  assert_non_null(error);
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

/* Text input: decoding. The encoded bytes are made with g_convert from UTF-8, so every
 * encoding must decode back to the very same text. */
static const char jp_text[] = "令和２年度の達成目標・取組状況\n"
                              "・協議の場を設置し、年３回開催した。\n"
                              "精神障害にも対応した地域包括ケアシステム\n";

static char *encode(const char *utf8, const char *charset, gsize *len) {
  GError *error = NULL;
  char *out = g_convert(utf8, -1, charset, "UTF-8", NULL, len, &error);
  if (!out)
    fail_msg("%s: %s", charset, error->message);
  return out;
}

static void check_decodes(const char *data, gsize len, const char *encoding, const char *want) {
  char *out = (char *)&out;
  GError *error = NULL;
  k2x_error err = k2x_text_decode(data, len, encoding, &out, &error);
  if (err != K2X_OK)
    fail_msg("%s: %s", encoding ? encoding : "detected",
             error ? error->message : k2x_strerror(err));
  assert_null(error);
  assert_string_equal(out, want);
  g_free(out);
}

/* Decodes what must fail; returns the message (caller frees). */
static char *decode_error(const char *data, gsize len, const char *encoding) {
  char *out = (char *)&out;
  GError *error = NULL;
  assert_int_equal(k2x_text_decode(data, len, encoding, &out, &error), K2X_ERR_ENCODING);
  assert_null(out);
  assert_non_null(error);
  assert_true(g_error_matches(error, K2X_ERROR, K2X_ERR_ENCODING));
  char *message = g_strdup(error->message);
  g_error_free(error);
  return message;
}

static void assert_contains(const char *haystack, const char *needle) {
  if (!strstr(haystack, needle))
    fail_msg("\"%s\" does not contain \"%s\"", haystack, needle);
}

static void test_extract_text_decode_utf8(void **state) {
  check_decodes(jp_text, strlen(jp_text), NULL, jp_text);
  g_autofree char *bom = g_strconcat("\xEF\xBB\xBF", jp_text, NULL);
  check_decodes(bom, strlen(bom), NULL, jp_text);
  check_decodes("", 0, NULL, "");
}

static void test_extract_text_decode_shift_jis_and_euc(void **state) {
  const char *charsets[] = {"CP932", "EUC-JP"};
  for (gsize i = 0; i < G_N_ELEMENTS(charsets); i++) {
    gsize len = 0;
    g_autofree char *bytes = encode(jp_text, charsets[i], &len);
    /* Not UTF-8 any more, so the detection has something to do. */
    assert_false(g_utf8_validate(bytes, (gssize)len, NULL));
    check_decodes(bytes, len, NULL, jp_text);
    check_decodes(bytes, len, charsets[i], jp_text);
  }
}

/* A named encoding is used as named, even for bytes that read as UTF-8 or that no detected
 * encoding would decode. */
static void test_extract_text_decode_explicit_encoding(void **state) {
  check_decodes("caf\xE9 au lait", 12, "ISO-8859-1", "café au lait");
  g_free(decode_error("caf\xE9 au lait", 12, NULL));
  /* UTF-8 "é" is C3 A9: two half-width katakana in CP932. */
  check_decodes("café", strlen("café"), "CP932", "caf\uFF83\uFF69");
  check_decodes("café", strlen("café"), NULL, "café");
}

/* The message names the first byte no encoding could decode, and its offset. */
static void test_extract_text_decode_error_offset(void **state) {
  /* 0xFF starts nothing in any of the encodings. */
  const char mixed[] = "令和\xFF\xFF年度";
  g_autofree char *m1 = decode_error(mixed, strlen(mixed), NULL);
  assert_contains(m1, "0xFF");
  assert_contains(m1, "offset 6");
  /* A named encoding names itself. */
  gsize len = 0;
  g_autofree char *euc = encode("達成目標", "EUC-JP", &len);
  assert_int_equal(len, 8);
  g_autofree char *bad = g_strconcat(euc, "\xFF", "取組", NULL);
  g_autofree char *m2 = decode_error(bad, strlen(bad), "EUC-JP");
  assert_contains(m2, "offset 8");
  assert_contains(m2, "EUC-JP");
}

/* A lead byte with nothing after it, at the end of Shift_JIS text, is undecodable too: it
 * must not be dropped. */
static void test_extract_text_decode_error_at_end(void **state) {
  gsize len = 0;
  g_autofree char *sjis = encode("令和２年度", "CP932", &len);
  assert_int_equal(len, 10);
  g_autofree char *cut = g_strconcat(sjis, "\x82", NULL);
  g_autofree char *m1 = decode_error(cut, len + 1, NULL);
  assert_contains(m1, "0x82");
  assert_contains(m1, "offset 10");
  g_autofree char *m2 = decode_error(cut, len + 1, "CP932");
  assert_contains(m2, "offset 10");
}

static void test_extract_text_decode_unknown_encoding(void **state) {
  g_autofree char *m = decode_error(jp_text, strlen(jp_text), "BOGUS-CHARSET");
  assert_contains(m, "unknown encoding");
  assert_contains(m, "BOGUS-CHARSET");
}

/* Text input: pages. Each page is written back as its lines joined with \n, and pages are
 * joined with \f, so that one string shows the whole split. */
static char *pages_text(GPtrArray *pages) {
  GString *s = g_string_new(NULL);
  for (guint i = 0; i < pages->len; i++) {
    if (i > 0)
      g_string_append_c(s, '\f');
    GPtrArray *lines = g_ptr_array_index(pages, i);
    for (guint j = 0; j < lines->len; j++) {
      if (j > 0)
        g_string_append_c(s, '\n');
      g_string_append(s, g_ptr_array_index(lines, j));
    }
  }
  return g_string_free(s, FALSE);
}

static void check_pages(const char *text, gboolean want_layout, const char *want) {
  gboolean layout = !want_layout;
  g_autoptr(GPtrArray) pages = k2x_text_pages(text, &layout);
  assert_int_equal(layout, want_layout);
  g_autofree char *got = pages_text(pages);
  assert_string_equal(got, want);
}

/* pdftotext ends every page with a form feed; with form feeds, a leading space opens no
 * page. */
static void test_extract_text_pages_form_feeds(void **state) {
  check_pages("令和２年度 事前課題\n\n１．達成目標\n 続きの行\n\f２．成果\n・項目\n\f", FALSE,
              "令和２年度 事前課題\n１．達成目標\n 続きの行\f２．成果\n・項目");
  /* An empty page stays a page; the form feed after the last one adds none. */
  check_pages("一頁\f\f三頁\f", FALSE, "一頁\f\f三頁");
  check_pages("一頁\r\n二行目\r\n\f", FALSE, "一頁\n二行目");
}

/* Without form feeds (a copy of pdftotext's output, as the real sample is): a line with one
 * leading space opens a page; blank lines carry nothing. */
static void test_extract_text_pages_opening_line(void **state) {
  check_pages(" 令和２年度 事前課題\n\n青森県・津軽圏域\n\n本文一\n"
              " １．令和２年度の達成目標・取組状況\n\n本文二\n\n  二つの空白\n\n",
              FALSE,
              " 令和２年度 事前課題\n青森県・津軽圏域\n本文一\f"
              " １．令和２年度の達成目標・取組状況\n本文二\n  二つの空白");
}

static void test_extract_text_pages_page_number(void **state) {
  check_pages("本文一\n\n9\n\n本文二\n\n- 10 -\n\n本文三\n", FALSE,
              "本文一\n9\f本文二\n- 10 -\f本文三");
  /* A number inside the text is no page number. */
  check_pages("本文一\n9 月に開催\n本文二\n", FALSE, "本文一\n9 月に開催\n本文二");
}

/* A page number on the last line ends the last page: no empty page after it. */
static void test_extract_text_pages_page_number_at_end(void **state) {
  check_pages("本文一\n\n9\n\n本文二\n\n10\n\n", FALSE, "本文一\n9\f本文二\n10");
}

/* pdftotext -layout keeps columns apart with runs of spaces; then blank lines are kept and a
 * leading space opens no page. */
static void test_extract_text_pages_layout(void **state) {
  const char *want =
      "          令和２年度 精神障害にも対応した地域包括ケアシステム構築支援事業\n"
      "                                                  青森県・津軽圏域\n"
      "\n"
      " １．令和２年度の達成目標・取組状況\n"
      "       令和２年度の達成目標                取組状況\n"
      " 病院管理部門関係者等の地域移行に   精神保健福祉審議会等において";
  g_autofree char *laid_out = g_strconcat(want, "\n", NULL);
  gboolean layout = FALSE;
  g_autoptr(GPtrArray) laid_pages = k2x_text_pages(laid_out, &layout);
  assert_true(layout);
  g_autofree char *got = pages_text(laid_pages);
  /* The final newline may leave an empty last line, which carries nothing. */
  while (g_str_has_suffix(got, "\n"))
    got[strlen(got) - 1] = '\0';
  assert_string_equal(got, want);
  /* One stray gap in a long plain text does not make it laid out. */
  GString *plain = g_string_new("本文   の中の空白\n");
  for (int i = 0; i < 40; i++)
    g_string_append(plain, "地域移行に関わる支援関係者が事例を共有した。\n");
  layout = TRUE;
  g_autoptr(GPtrArray) pages = k2x_text_pages(plain->str, &layout);
  assert_false(layout);
  assert_int_equal(pages->len, 1);
  assert_int_equal(((GPtrArray *)g_ptr_array_index(pages, 0))->len, 41);
  g_string_free(plain, TRUE);
}

/* Text input: the stand-in geometry. */
static k2x_page *text_page(gboolean layout, const char *const *lines, guint n) {
  g_autoptr(GPtrArray) a = g_ptr_array_new();
  for (guint i = 0; i < n; i++)
    g_ptr_array_add(a, (gpointer)lines[i]);
  return k2x_page_new_from_text(4, a, layout);
}

static double glyph_width(const k2x_line *l, guint i) {
  assert_true(i < l->glyphs->len);
  const k2x_glyph *g = &g_array_index(l->glyphs, k2x_glyph, i);
  return g->x1 - g->x0;
}

static void test_extract_text_page_wide_characters(void **state) {
  const char *lines[] = {"あいう", "abc"};
  g_autoptr(k2x_page) flow = text_page(FALSE, lines, 2);
  assert_int_equal(flow->number, 4);
  assert_int_equal(flow->lines->len, 2);
  const k2x_line *wide = line_at(flow, 0), *narrow = line_at(flow, 1);
  assert_string_equal(wide->text, "あいう");
  assert_string_equal(narrow->text, "abc");
  assert_true(glyph_width(narrow, 0) > 0);
  assert_float_equal(glyph_width(wide, 0), 2 * glyph_width(narrow, 0), 1e-6);
  assert_float_equal(wide->box.x1 - wide->box.x0, 2 * (narrow->box.x1 - narrow->box.x0), 1e-6);
  assert_true(wide->box.y1 <= narrow->box.y0);
  /* With layout a character is one column, whatever its width. */
  g_autoptr(k2x_page) laid = text_page(TRUE, lines, 2);
  assert_float_equal(glyph_width(line_at(laid, 0), 0), glyph_width(line_at(laid, 1), 0), 1e-6);
}

/* Without layout a space is all that is left of a gap between table columns: it stays in
 * the line's text, between Japanese characters too, and parts runs. */
static void test_extract_text_page_space_kept(void **state) {
  const char *lines[] = {"令和２年度の達成目標 取組状況", "令和２年度の達成目標取組状況",
                         "AD 合同会議", "9 月のチーム会議において、事例担当ナースや PSW が参"};
  g_autoptr(k2x_page) page = text_page(FALSE, lines, G_N_ELEMENTS(lines));
  assert_int_equal(page->lines->len, 4);
  for (guint i = 0; i < G_N_ELEMENTS(lines); i++)
    assert_string_equal(line_at(page, i)->text, lines[i]);
  assert_int_equal(line_at(page, 0)->runs->len, 2);
  assert_int_equal(line_at(page, 1)->runs->len, 1);
}

/* Only text without layout is flow only; its leading spaces (pdftotext's page opening)
 * mean nothing, while with layout they are a position. */
static void test_extract_text_page_flow_only(void **state) {
  const char *lines[] = {" １．令和２年度の達成目標・取組状況", "１．令和２年度の達成目標・取組状況"};
  g_autoptr(k2x_page) flow = text_page(FALSE, lines, 2);
  assert_true(flow->flow_only);
  assert_float_equal(line_at(flow, 0)->box.x0, line_at(flow, 1)->box.x0, 1e-6);
  assert_string_equal(line_at(flow, 0)->text, lines[1]);
  g_autoptr(k2x_page) laid = text_page(TRUE, lines, 2);
  assert_false(laid->flow_only);
  assert_true(line_at(laid, 0)->box.x0 > line_at(laid, 1)->box.x0);
  g_autoptr(k2x_page) empty = text_page(FALSE, NULL, 0);
  assert_int_equal(empty->lines->len, 0);
}

/* Text files: any name but .pdf, unless the file starts like a PDF. */
static char *write_file(const fixture *f, const char *name, const char *data, gsize len) {
  char *path = g_build_filename(f->dir, name, NULL);
  if (!g_file_set_contents(path, data, (gssize)len, NULL))
    fail_msg("cannot write %s", path);
  return path;
}

static void test_extract_text_source(void **state) {
  const fixture *f = *state;
  gsize len = 0;
  g_autofree char *sjis = encode("１．令和２年度の達成目標・取組状況\n本文\n\f"
                                 "２．支援事業の成果\n・研修を開催した。\n\f",
                                 "CP932", &len);
  g_autofree char *path = write_file(f, "report.txt", sjis, len);
  k2x_source *src = NULL;
  GError *error = NULL;
  assert_int_equal(k2x_source_open(path, NULL, NULL, &src, &error), K2X_OK);
  assert_null(error);
  assert_string_equal(k2x_source_kind(src), "text");
  assert_int_equal(k2x_source_page_count(src), 2);
  g_autofree char *want = g_compute_checksum_for_data(G_CHECKSUM_SHA256, (const guchar *)sjis, len);
  assert_string_equal(k2x_source_sha256(src), want);
  g_autoptr(k2x_page) page = k2x_source_read_page(src, 1, 0);
  assert_int_equal(page->number, 2);
  assert_true(page->flow_only);
  assert_int_equal(page->lines->len, 2);
  assert_string_equal(line_at(page, 0)->text, "２．支援事業の成果");
  assert_string_equal(line_at(page, 1)->text, "・研修を開催した。");
  k2x_source_free(src);

  /* The named encoding reaches the decoder. */
  g_autofree char *euc = encode("２．支援事業の成果\n", "EUC-JP", &len);
  g_autofree char *euc_path = write_file(f, "notes", euc, len);
  assert_int_equal(k2x_source_open(euc_path, NULL, "EUC-JP", &src, &error), K2X_OK);
  g_autoptr(k2x_page) euc_page = k2x_source_read_page(src, 0, 0);
  assert_string_equal(line_at(euc_page, 0)->text, "２．支援事業の成果");
  k2x_source_free(src);
}

static void test_extract_text_source_errors(void **state) {
  const fixture *f = *state;
  const char bad[] = "２．支援事業の成果\n\xFF\xFF\n";
  g_autofree char *path = write_file(f, "bad.txt", bad, sizeof bad - 1);
  k2x_source *src = (k2x_source *)&src;
  GError *error = NULL;
  assert_int_equal(k2x_source_open(path, NULL, NULL, &src, &error), K2X_ERR_ENCODING);
  assert_null(src);
  assert_non_null(error);
  assert_contains(error->message, "offset 28");
  g_clear_error(&error);
  /* A file that starts like a PDF is one, whatever its name. */
  const char pdf[] = "%PDF-1.4\nnot really a PDF\n";
  g_autofree char *fake = write_file(f, "fake.txt", pdf, sizeof pdf - 1);
  src = (k2x_source *)&src;
  assert_int_equal(k2x_source_open(fake, NULL, NULL, &src, &error), K2X_ERR_PDF);
  assert_null(src);
  g_clear_error(&error);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_extract_lines_from_shuffled_glyphs),
      cmocka_unit_test(test_extract_glyph_order_any),
      cmocka_unit_test(test_extract_same_place_keeps_order),
      cmocka_unit_test(test_extract_line_norm),
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
      cmocka_unit_test(test_extract_pdf_glyph_limit),
      cmocka_unit_test(test_extract_pdf_sha256),
      cmocka_unit_test(test_extract_pdf_copy),
      cmocka_unit_test(test_extract_error_missing_file),
      cmocka_unit_test(test_extract_error_not_pdf),
      cmocka_unit_test(test_extract_text_decode_utf8),
      cmocka_unit_test(test_extract_text_decode_shift_jis_and_euc),
      cmocka_unit_test(test_extract_text_decode_explicit_encoding),
      cmocka_unit_test(test_extract_text_decode_error_offset),
      cmocka_unit_test(test_extract_text_decode_error_at_end),
      cmocka_unit_test(test_extract_text_decode_unknown_encoding),
      cmocka_unit_test(test_extract_text_pages_form_feeds),
      cmocka_unit_test(test_extract_text_pages_opening_line),
      cmocka_unit_test(test_extract_text_pages_page_number),
      cmocka_unit_test(test_extract_text_pages_page_number_at_end),
      cmocka_unit_test(test_extract_text_pages_layout),
      cmocka_unit_test(test_extract_text_page_wide_characters),
      cmocka_unit_test(test_extract_text_page_space_kept),
      cmocka_unit_test(test_extract_text_page_flow_only),
      cmocka_unit_test(test_extract_text_source),
      cmocka_unit_test(test_extract_text_source_errors),
  };
  return cmocka_run_group_tests(tests, pdf_setup, pdf_teardown);
}
