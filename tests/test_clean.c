/* test_clean: furniture — title, region label, page number, repeated header — and text area. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "clean.h"
#include "region.h"
#include "text.h"
#include "testutil.h"

#define SIZE 10.5
#define LEFT 60.0
/* Baseline-to-baseline distance of body text. */
#define LEADING (1.6 * SIZE)

static const char title[] =
    "令和２年度 精神障害にも対応した地域包括ケアシステム構築支援事業 AD合同会議「事前課題」";
static const char label[] = "青森県・津軽圏域";
static const char heading[] = "１．令和２年度の達成目標・取組状況";
/* A full body line: 45 characters from the left to the right margin. */
static const char body_full[] =
    "管内の精神科病院と連携し、長期入院者の退院意向を把握するための面接を実施して個別支援につな";
static const char body_short[] = "関係機関と情報を共有した。";
static const char body_place[] = "富山県・高岡圏域の取組み紹介等";

typedef struct {
  k2x_profile *profile;
  k2x_regions *regions;
} fixture;

static int setup(void **state) {
  fixture *f = g_new0(fixture, 1);
  f->profile = k2x_profile_new_default();
  f->regions = k2x_regions_new_default();
  *state = f;
  return f->profile && f->regions ? 0 : -1;
}

static int teardown(void **state) {
  fixture *f = *state;
  k2x_profile_free(f->profile);
  k2x_regions_free(f->regions);
  g_free(f);
  return 0;
}

static double body_right(void) {
  return LEFT + tu_text_width(SIZE, body_full);
}

static k2x_line *find(const k2x_page *page, const char *prefix) {
  k2x_line *l = tu_find_line(page, prefix);
  if (!l)
    fail_msg("no line starts with \"%s\"", prefix);
  return l;
}

static void assert_role(const k2x_page *page, const char *prefix, k2x_role want) {
  const k2x_line *l = find(page, prefix);
  if (l->role != want)
    fail_msg("\"%s\": role %s, want %s", l->text, k2x_role_name(l->role), k2x_role_name(want));
}

static guint count_role(const k2x_page *page, k2x_role role) {
  guint n = 0;
  for (guint i = 0; i < page->lines->len; i++)
    n += ((const k2x_line *)g_ptr_array_index(page->lines, i))->role == role;
  return n;
}

/* The title centred at the top y; returns the y of the line below. */
static double add_title(GArray *g, double y) {
  tu_add_text(g, (TU_PAGE_WIDTH - tu_text_width(SIZE, title)) / 2, y, SIZE, title);
  return y + LEADING;
}

/* Heading and body lines from y down. */
static void add_body(GArray *g, double y) {
  tu_add_text(g, LEFT, y, SIZE, heading);
  y += 2 * LEADING;
  for (int i = 0; i < 3; i++, y += LEADING)
    tu_add_text(g, LEFT, y, SIZE, body_full);
  tu_add_text(g, LEFT, y, SIZE, body_short);
  y += LEADING;
  tu_add_text(g, LEFT, y, SIZE, body_place);
  y += LEADING;
  for (int i = 0; i < 2; i++, y += LEADING)
    tu_add_text(g, LEFT, y, SIZE, body_full);
  /* A full line whose final "。" hangs past the right margin. */
  tu_add_text(g, LEFT, y, SIZE, body_full);
  tu_add_text(g, body_right(), y, SIZE, "。");
}

/* A report's first page: title, right-aligned label ending label_right, body, page number. */
static k2x_page *first_page(double label_right) {
  GArray *g = tu_glyphs_new();
  double y = add_title(g, 40);
  tu_add_text(g, label_right - tu_text_width(SIZE, label), y, SIZE, label);
  add_body(g, 110);
  tu_add_text(g, (TU_PAGE_WIDTH - SIZE / 2) / 2, 800, SIZE, "3");
  return tu_page(3, g);
}

static void test_clean_first_page_roles(void **state) {
  const fixture *f = *state;
  g_autoptr(k2x_page) page = first_page(body_right());
  k2x_clean_page(page, NULL, NULL, f->profile, f->regions);
  assert_role(page, "令和２年度精神障害", K2X_ROLE_TITLE);
  assert_role(page, label, K2X_ROLE_LABEL);
  assert_role(page, heading, K2X_ROLE_NONE);
  assert_role(page, body_full, K2X_ROLE_NONE);
  assert_role(page, body_short, K2X_ROLE_NONE);
  assert_role(page, "3", K2X_ROLE_PAGE_NUMBER);
  /* Everything else is left for segmentation. */
  assert_int_equal(count_role(page, K2X_ROLE_NONE), page->lines->len - 3);
}

/* A place name starting a body line is text, not a label; so is a label-like line flush left
 * in the body, away from the title. */
static void test_clean_place_in_body_not_label(void **state) {
  const fixture *f = *state;
  g_autoptr(k2x_page) page = first_page(body_right());
  k2x_clean_page(page, NULL, NULL, f->profile, f->regions);
  assert_role(page, body_place, K2X_ROLE_NONE);

  GArray *g = tu_glyphs_new();
  add_title(g, 40);
  add_body(g, 110);
  tu_add_text(g, LEFT, 400, SIZE, label);
  tu_add_text(g, LEFT, 400 + LEADING, SIZE, body_full);
  g_autoptr(k2x_page) other = tu_page(1, g);
  k2x_clean_page(other, NULL, NULL, f->profile, f->regions);
  assert_role(other, label, K2X_ROLE_NONE);
}

static void test_clean_label_flush_left_under_title(void **state) {
  const fixture *f = *state;
  GArray *g = tu_glyphs_new();
  double y = add_title(g, 40);
  tu_add_text(g, LEFT, y, SIZE, label);
  add_body(g, 110);
  g_autoptr(k2x_page) page = tu_page(1, g);
  k2x_clean_page(page, NULL, NULL, f->profile, f->regions);
  assert_role(page, "令和２年度精神障害", K2X_ROLE_TITLE);
  assert_role(page, label, K2X_ROLE_LABEL);
  assert_role(page, heading, K2X_ROLE_NONE);
}

/* With the title in the page's foot, a label flush left heads the page, right above the first
 * heading; a place name flush left at the head of a page that goes on with body text is not
 * one. */
static void test_clean_label_flush_left_title_in_foot(void **state) {
  const fixture *f = *state;
  GArray *g = tu_glyphs_new();
  tu_add_text(g, LEFT, 40, SIZE, label);
  add_body(g, 40 + LEADING);
  add_title(g, 800);
  g_autoptr(k2x_page) page = tu_page(1, g);
  k2x_clean_page(page, NULL, NULL, f->profile, f->regions);
  assert_role(page, "令和２年度精神障害", K2X_ROLE_TITLE);
  assert_role(page, label, K2X_ROLE_LABEL);
  assert_role(page, heading, K2X_ROLE_NONE);

  g = tu_glyphs_new();
  tu_add_text(g, LEFT, 40, SIZE, label);
  tu_add_text(g, LEFT, 40 + LEADING, SIZE, body_full);
  add_title(g, 800);
  g_autoptr(k2x_page) other = tu_page(2, g);
  k2x_clean_page(other, NULL, NULL, f->profile, f->regions);
  assert_role(other, label, K2X_ROLE_NONE);
}

/* The label may stand past the body's right margin; the text area is the body's. */
static void test_clean_text_area_ignores_label(void **state) {
  const fixture *f = *state;
  g_autoptr(k2x_page) page = first_page(body_right() + 12);
  k2x_clean_page(page, NULL, NULL, f->profile, f->regions);
  assert_role(page, label, K2X_ROLE_LABEL);
  assert_float_equal(page->text_left, LEFT, 1e-3);
  assert_float_equal(page->text_right, body_right(), 1e-3);
}

static void test_clean_text_area_body_only(void **state) {
  const fixture *f = *state;
  g_autoptr(k2x_page) page = first_page(body_right());
  k2x_clean_page(page, NULL, NULL, f->profile, f->regions);
  assert_float_equal(page->text_left, LEFT, 1e-3);
  assert_float_equal(page->text_right, body_right(), 1e-3);
}

/* A continuation page: a header at the top right, then heading, table header and body at the
 * top, a footer carrying the page's number, and a note mid-page. */
static k2x_page *continuation_page(int number) {
  GArray *g = tu_glyphs_new();
  tu_add_text(g, body_right() - 2 * SIZE, 30, SIZE, "資料");
  tu_add_text(g, LEFT, 55, SIZE, "２．支援事業の成果");
  tu_add_text(g, LEFT, 75, SIZE, "令和２年度の達成目標");
  tu_add_text(g, 320, 75, SIZE, "取組状況");
  for (int i = 0; i < 3; i++)
    tu_add_text(g, LEFT, 130 + i * LEADING, SIZE, body_full);
  tu_add_text(g, LEFT, 400, SIZE, "（再掲）");
  g_autofree char *footer = g_strdup_printf("AD合同会議 資料%d", number);
  tu_add_text(g, LEFT, 790, SIZE, footer);
  return tu_page(number, g);
}

static void test_clean_repeated_header(void **state) {
  const fixture *f = *state;
  g_autoptr(k2x_page) prev = continuation_page(2);
  g_autoptr(k2x_page) page = continuation_page(3);
  g_autoptr(k2x_page) next = continuation_page(4);
  k2x_clean_page(prev, NULL, page, f->profile, f->regions);
  k2x_clean_page(page, prev, next, f->profile, f->regions);
  assert_role(page, "資料", K2X_ROLE_REPEATED);
  /* Digits are masked: 資料3 repeats 資料2 and 資料4. */
  assert_role(page, "AD合同会議資料", K2X_ROLE_REPEATED);
  /* The first and the last page each have one neighbour. */
  k2x_clean_page(next, page, NULL, f->profile, f->regions);
  assert_role(prev, "資料", K2X_ROLE_REPEATED);
  assert_role(next, "資料", K2X_ROLE_REPEATED);
}

/* Body text that happens to sit in the bottom margin at the same place on two pages, at the
 * usual distance from the line above it, is body text: furniture stands apart. */
static k2x_page *page_ending_with(int number, const char *last) {
  GArray *g = tu_glyphs_new();
  double y = 660;
  for (int i = 0; i < 8; i++, y += LEADING)
    tu_add_text(g, LEFT, y, SIZE, body_full);
  /* The last line stands in the bottom 12% of the page. */
  assert_true(y > TU_PAGE_HEIGHT * 0.88);
  tu_add_text(g, LEFT, y, SIZE, last);
  return tu_page(number, g);
}

static void test_clean_body_in_margin_kept(void **state) {
  const fixture *f = *state;
  g_autoptr(k2x_page) a = page_ending_with(1, "・特になし");
  g_autoptr(k2x_page) b = page_ending_with(2, "・特になし");
  g_autoptr(k2x_page) c = page_ending_with(3, "12");
  k2x_clean_page(a, NULL, b, f->profile, f->regions);
  k2x_clean_page(b, a, c, f->profile, f->regions);
  k2x_clean_page(c, b, NULL, f->profile, f->regions);
  assert_role(a, "・特になし", K2X_ROLE_NONE);
  assert_role(b, "・特になし", K2X_ROLE_NONE);
  /* A number in the body's flow is not a page number, in the margin or not. */
  assert_role(c, "12", K2X_ROLE_NONE);
}

static void test_clean_repeated_structure_kept(void **state) {
  const fixture *f = *state;
  g_autoptr(k2x_page) prev = continuation_page(2);
  g_autoptr(k2x_page) page = continuation_page(3);
  g_autoptr(k2x_page) next = continuation_page(4);
  k2x_clean_page(prev, NULL, page, f->profile, f->regions);
  k2x_clean_page(page, prev, next, f->profile, f->regions);
  assert_role(page, "２．支援事業の成果", K2X_ROLE_NONE);
  assert_role(page, "令和２年度の達成目標", K2X_ROLE_NONE);
  /* Outside the top and bottom margins repetition means nothing. */
  assert_role(page, "（再掲）", K2X_ROLE_NONE);
  assert_int_equal(count_role(page, K2X_ROLE_REPEATED), 2);
}

static void test_clean_not_repeated_alone(void **state) {
  const fixture *f = *state;
  g_autoptr(k2x_page) page = continuation_page(3);
  k2x_clean_page(page, NULL, NULL, f->profile, f->regions);
  assert_role(page, "資料", K2X_ROLE_NONE);
  assert_role(page, "AD合同会議資料", K2X_ROLE_NONE);
}

/* The same header text at another height on the neighbour is not a running header. */
static void test_clean_repeated_needs_same_place(void **state) {
  const fixture *f = *state;
  GArray *g = tu_glyphs_new();
  tu_add_text(g, body_right() - 2 * SIZE, 60, SIZE, "資料");
  tu_add_text(g, LEFT, 130, SIZE, body_full);
  g_autoptr(k2x_page) prev = tu_page(2, g);
  g_autoptr(k2x_page) page = continuation_page(3);
  k2x_clean_page(prev, NULL, page, f->profile, f->regions);
  k2x_clean_page(page, prev, NULL, f->profile, f->regions);
  assert_role(page, "資料", K2X_ROLE_NONE);
}

/* A number alone at the bottom in any printed form; a number within the body is text. */
static void test_clean_page_number_forms(void **state) {
  const fixture *f = *state;
  const char *forms[] = {"- 12 -", "１２", "3/10", "P.4"};
  for (gsize i = 0; i < G_N_ELEMENTS(forms); i++) {
    GArray *g = tu_glyphs_new();
    add_body(g, 110);
    tu_add_text(g, 280, 810, SIZE, forms[i]);
    g_autoptr(k2x_page) page = tu_page(1, g);
    k2x_clean_page(page, NULL, NULL, f->profile, f->regions);
    assert_role(page, forms[i], K2X_ROLE_PAGE_NUMBER);
  }
  /* At the top, right above the title. */
  GArray *top = tu_glyphs_new();
  tu_add_text(top, 280, 30, SIZE, "- 3 -");
  add_title(top, 30 + LEADING);
  add_body(top, 110);
  g_autoptr(k2x_page) numbered = tu_page(1, top);
  k2x_clean_page(numbered, NULL, NULL, f->profile, f->regions);
  assert_role(numbered, "- 3 -", K2X_ROLE_PAGE_NUMBER);

  GArray *g = tu_glyphs_new();
  add_body(g, 110);
  tu_add_text(g, LEFT, 400, SIZE, "12");
  tu_add_text(g, LEFT, 400 + LEADING, SIZE, body_full);
  g_autoptr(k2x_page) page = tu_page(1, g);
  k2x_clean_page(page, NULL, NULL, f->profile, f->regions);
  assert_role(page, "12", K2X_ROLE_NONE);
}

/* Text without layout: clean measures the widest line that is no furniture, in display
 * columns, which a table read from such text shares between its columns. */
static void test_clean_body_columns_text(void **state) {
  const fixture *f = *state;
  g_autoptr(GPtrArray) lines = g_ptr_array_new();
  const char *texts[] = {title, label, heading, body_short, "3"};
  for (gsize i = 0; i < G_N_ELEMENTS(texts); i++)
    g_ptr_array_add(lines, (gpointer)texts[i]);
  g_autoptr(k2x_page) page = k2x_page_new_from_text(1, lines, FALSE);
  assert_true(page->flow_only);
  k2x_clean_page(page, NULL, NULL, f->profile, f->regions);
  assert_role(page, "令和", K2X_ROLE_TITLE);
  assert_role(page, label, K2X_ROLE_LABEL);
  assert_int_equal(page->body_columns, k2x_text_display_width(heading));
  assert_true(k2x_text_display_width(title) > page->body_columns);

  g_autoptr(k2x_page) pdf = first_page(body_right());
  k2x_clean_page(pdf, NULL, NULL, f->profile, f->regions);
  assert_int_equal(pdf->body_columns, 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_clean_first_page_roles),
      cmocka_unit_test(test_clean_place_in_body_not_label),
      cmocka_unit_test(test_clean_label_flush_left_under_title),
      cmocka_unit_test(test_clean_label_flush_left_title_in_foot),
      cmocka_unit_test(test_clean_text_area_ignores_label),
      cmocka_unit_test(test_clean_text_area_body_only),
      cmocka_unit_test(test_clean_repeated_header),
      cmocka_unit_test(test_clean_body_in_margin_kept),
      cmocka_unit_test(test_clean_repeated_structure_kept),
      cmocka_unit_test(test_clean_not_repeated_alone),
      cmocka_unit_test(test_clean_repeated_needs_same_place),
      cmocka_unit_test(test_clean_page_number_forms),
      cmocka_unit_test(test_clean_body_columns_text),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
