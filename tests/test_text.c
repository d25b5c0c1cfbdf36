/* test_text: normalisation, wrapped-line joining, line-start rules, widths and trimming. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "text.h"

static void check_normalize(const char *in, const char *want) {
  g_autofree char *got = k2x_text_normalize(in);
  assert_string_equal(got, want);
}

static void check_join(const char *first, const char *next, const char *want) {
  g_autoptr(GString) out = g_string_new(first);
  k2x_text_join_wrapped(out, next);
  assert_string_equal(out->str, want);
}

static void check_strip(const char *in, const char *want) {
  g_autofree char *s = g_strdup(in);
  assert_ptr_equal(k2x_text_strip(s), s);
  assert_string_equal(s, want);
}

static void test_text_normalize_full_width(void **state) {
  check_normalize("令和２年度", "令和2年度");
  check_normalize("１２３ＡＢＣ", "123ABC");
  check_normalize("（１）", "(1)");
}

static void test_text_normalize_removes_spaces(void **state) {
  check_normalize("AD 合同会議", "AD合同会議");
  check_normalize("課題の解決に向けた　令和３年度", "課題の解決に向けた令和3年度");
  check_normalize(" a\tb\nc ", "abc");
  check_normalize("", "");
  check_normalize(NULL, "");
}

static void test_text_join_wrapped_japanese(void **state) {
  check_join("精神障害にも", "対応した", "精神障害にも対応した");
  check_join("PSW", "が訪問した", "PSWが訪問した");
  check_join("相談支援の", "PSW", "相談支援のPSW");
}

static void test_text_join_wrapped_latin(void **state) {
  check_join("the", "word", "the word");
  check_join("2020", "年", "2020年");
  check_join("case 3", "4 times", "case 3 4 times");
  check_join("", "first", "first");
  check_join("kept", "", "kept");
}

static void test_text_no_line_start(void **state) {
  const char *yes[] = {"、", "。", "ー", "」", "っ", "）", "ャ"};
  for (gsize i = 0; i < G_N_ELEMENTS(yes); i++)
    if (!k2x_text_no_line_start(g_utf8_get_char(yes[i])))
      fail_msg("%s may start a line", yes[i]);
  const char *no[] = {"あ", "漢", "・", "「", "A"};
  for (gsize i = 0; i < G_N_ELEMENTS(no); i++)
    if (k2x_text_no_line_start(g_utf8_get_char(no[i])))
      fail_msg("%s may not start a line", no[i]);
}

static void test_text_is_wide(void **state) {
  assert_true(k2x_text_is_wide(g_utf8_get_char("あ")));
  assert_true(k2x_text_is_wide(g_utf8_get_char("漢")));
  assert_true(k2x_text_is_wide(g_utf8_get_char("２")));
  assert_true(k2x_text_is_wide(g_utf8_get_char("。")));
  assert_false(k2x_text_is_wide('A'));
  assert_false(k2x_text_is_wide('2'));
  /* Ambiguous width: symbols Japanese fonts draw full width, but not accented Latin. */
  assert_true(k2x_text_is_wide(g_utf8_get_char("→")));
  assert_true(k2x_text_is_wide(g_utf8_get_char("※")));
  assert_false(k2x_text_is_wide(g_utf8_get_char("é")));
  assert_false(k2x_text_is_wide(g_utf8_get_char("×")));
}

static void test_text_display_width(void **state) {
  assert_int_equal(k2x_text_display_width("ab"), 2);
  assert_int_equal(k2x_text_display_width("日本"), 4);
  assert_int_equal(k2x_text_display_width("AD合同"), 6);
  assert_int_equal(k2x_text_display_width(""), 0);
}

static void test_text_strip(void **state) {
  check_strip("  abc  ", "abc");
  check_strip("\u3000日本\u3000", "日本");
  check_strip(" \u3000 令和 ２年度\t\u3000", "令和 ２年度");
  check_strip("\u3000 \u3000", "");
  check_strip("", "");
}

/* Kangxi radicals and compatibility ideographs that some fonts map glyphs to read as the
 * ideographs they stand for; full-width forms and kana stay as printed. */
static void test_text_canonical_char(void **state) {
  (void)state;
  assert_int_equal(k2x_text_canonical_char(0x2F8F), 0x884C); /* ⾏ → 行 */
  assert_int_equal(k2x_text_canonical_char(0x2F00), 0x4E00); /* ⼀ → 一 */
  assert_int_equal(k2x_text_canonical_char(0xF9DC), 0x9686); /* 隆 (compat) → 隆 */
  assert_int_equal(k2x_text_canonical_char(0xFF11), 0xFF11); /* １ stays */
  assert_int_equal(k2x_text_canonical_char(0x2460), 0x2460); /* ① stays */
  assert_int_equal(k2x_text_canonical_char(0x884C), 0x884C);
  assert_int_equal(k2x_text_canonical_char('A'), 'A');
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_text_normalize_full_width),
      cmocka_unit_test(test_text_normalize_removes_spaces),
      cmocka_unit_test(test_text_join_wrapped_japanese),
      cmocka_unit_test(test_text_join_wrapped_latin),
      cmocka_unit_test(test_text_no_line_start),
      cmocka_unit_test(test_text_is_wide),
      cmocka_unit_test(test_text_display_width),
      cmocka_unit_test(test_text_strip),
      cmocka_unit_test(test_text_canonical_char),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
