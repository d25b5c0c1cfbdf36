/* test_text: normalisation, wrapped-line joining, line-start rules, widths and trimming. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <string.h>

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

/* The shortcuts for common characters agree with GLib everywhere. */
static void test_text_widths_like_glib(void **state) {
  (void)state;
  for (gunichar c = 1; c <= 0x10FFFF; c++) {
    if (c >= 0xD800 && c <= 0xDFFF)
      continue;
    gboolean wide = g_unichar_iswide_cjk(c);
    if (k2x_text_is_wide(c) != (wide && c >= 0x2000))
      fail_msg("U+%04X: is_wide differs from GLib", c);
    char buf[8] = {0};
    g_unichar_to_utf8(c, buf);
    if (k2x_text_display_width(buf) != (wide ? 2u : 1u))
      fail_msg("U+%04X: display width differs from GLib", c);
  }
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

/* What k2x_text_normalize must give: GLib's NFKC without white space. */
static char *reference_normalize(const char *s, gssize len) {
  g_autofree char *nfkc = g_utf8_normalize(s, len, G_NORMALIZE_NFKC);
  GString *out = g_string_new(NULL);
  for (const char *p = nfkc; p && *p; p = g_utf8_next_char(p))
    if (!g_unichar_isspace(g_utf8_get_char(p)))
      g_string_append_unichar(out, g_utf8_get_char(p));
  return g_string_free(out, FALSE);
}

/* k2x_text_nfkc, k2x_text_normalize and k2x_text_normalize_append against GLib. */
static void check_like_glib(const char *s, gssize len) {
  g_autofree char *want = g_utf8_normalize(s, len, G_NORMALIZE_NFKC);
  g_autofree char *got = k2x_text_nfkc(s, len);
  if (g_strcmp0(want, got) != 0)
    fail_msg("NFKC of %s: %s, GLib gives %s", s, got ? got : "NULL", want ? want : "NULL");
  g_autofree char *want_norm = reference_normalize(s, len);
  g_autoptr(GString) appended = g_string_new("<");
  k2x_text_normalize_append(appended, s, len);
  if (strcmp(appended->str + 1, want_norm) != 0)
    fail_msg("normalised %s: %s, want %s", s, appended->str + 1, want_norm);
  if (len < 0) {
    g_autofree char *norm = k2x_text_normalize(s);
    assert_string_equal(norm, want_norm);
  }
}

/* Every character that canonically composes with a character before it: the second halves of
 * GLib's pairs (Hangul vowels and trailing consonants among them). */
static GHashTable *second_halves(void) {
  GHashTable *set = g_hash_table_new(g_direct_hash, g_direct_equal);
  for (gunichar c = 0; c <= 0x10FFFF; c++) {
    gunichar a = 0, b = 0;
    if (g_unichar_decompose(c, &a, &b) && b != 0)
      g_hash_table_add(set, GUINT_TO_POINTER(b));
  }
  return set;
}

/* Each simple character alone is what GLib makes of it, and starts (decomposed) with a
 * starter that composes with nothing before it: the string may be cut in front of it. */
static void test_text_nfkc_simple_each_char(void **state) {
  (void)state;
  g_autoptr(GHashTable) seconds = second_halves();
  guint n = 0;
  for (gunichar c = 1; c <= 0x10FFFF; c++) {
    gunichar form = 0;
    if (!k2x_text_nfkc_simple(c, &form))
      continue;
    n++;
    assert_false(c >= 0xD800 && c <= 0xDFFF);
    char buf[8] = {0};
    g_unichar_to_utf8(c, buf);
    g_autofree char *want = g_utf8_normalize(buf, -1, G_NORMALIZE_NFKC);
    if (g_utf8_strlen(want, -1) != 1 || g_utf8_get_char(want) != form)
      fail_msg("U+%04X: NFKC %s, not U+%04X", c, want, form);
    gunichar first[G_UNICHAR_MAX_DECOMPOSITION_LENGTH];
    g_unichar_fully_decompose(c, TRUE, first, G_N_ELEMENTS(first));
    if (g_unichar_combining_class(first[0]) != 0 ||
        g_hash_table_contains(seconds, GUINT_TO_POINTER(first[0])))
      fail_msg("U+%04X may compose with the character before it", c);
    check_like_glib(buf, -1);
  }
  /* ASCII, kana, kanji and full-width forms at least. */
  assert_true(n > 20000);
  gunichar form = 0;
  assert_true(k2x_text_nfkc_simple(0xFF21, &form) && form == 'A');
  assert_true(k2x_text_nfkc_simple(0x3000, &form) && form == ' ');
  assert_false(k2x_text_nfkc_simple(0x3099, &form)); /* combining voiced mark */
  assert_false(k2x_text_nfkc_simple(0xFF9E, &form)); /* half-width voiced mark */
  assert_false(k2x_text_nfkc_simple(0x1161, &form)); /* Hangul vowel */
}

/* Characters worth trying next to one another: the simple ones that are no ideographs, and
 * those that compose or decompose (combining marks, half-width katakana and voiced marks,
 * Hangul jamo and syllables, compatibility forms). */
static GArray *tricky_chars(void) {
  static const gunichar ranges[][2] = {
      {0x0001, 0x007F}, {0x00A0, 0x00A0}, {0x00C0, 0x00C5}, {0x00E8, 0x00EB},
      {0x0300, 0x036F}, {0x1100, 0x1113}, {0x1160, 0x1176}, {0x11A7, 0x11C3},
      {0x2010, 0x203F}, {0x20D0, 0x20F0}, {0x2190, 0x21A0}, {0x2200, 0x2210},
      {0x225F, 0x2262}, {0x2460, 0x2474}, {0x24EA, 0x24EC}, {0x2500, 0x2503},
      {0x25A0, 0x25CF}, {0x2E80, 0x2E82}, {0x2F00, 0x2F02}, {0x3000, 0x30FF},
      {0x3131, 0x318E}, {0x3200, 0x3202}, {0x3300, 0x3302}, {0xAC00, 0xAC02},
      {0xAC1C, 0xAC1C}, {0xD7A3, 0xD7A3}, {0xF900, 0xF902}, {0xFF01, 0xFFDC},
      {0xFFE0, 0xFFEE}, {0x1D15E, 0x1D160}, {0x2F800, 0x2F801},
  };
  GArray *chars = g_array_new(FALSE, FALSE, sizeof(gunichar));
  for (gsize r = 0; r < G_N_ELEMENTS(ranges); r++)
    for (gunichar c = ranges[r][0]; c <= ranges[r][1]; c++)
      g_array_append_val(chars, c);
  return chars;
}

static void test_text_nfkc_pairs(void **state) {
  (void)state;
  g_autoptr(GArray) chars = tricky_chars();
  for (guint i = 0; i < chars->len; i++)
    for (guint j = 0; j < chars->len; j++) {
      char buf[16] = {0};
      gint n = g_unichar_to_utf8(g_array_index(chars, gunichar, i), buf);
      g_unichar_to_utf8(g_array_index(chars, gunichar, j), buf + n);
      check_like_glib(buf, -1);
    }
}

/* Mixed strings: tricky characters, ideographs and anything else, combining marks often. */
static void test_text_nfkc_random(void **state) {
  (void)state;
  g_autoptr(GArray) chars = tricky_chars();
  g_autoptr(GRand) rand = g_rand_new_with_seed(20240601);
  static const gunichar marks[] = {0x0300, 0x0301, 0x0308, 0x0323, 0x0338, 0x3099,
                                   0x309A, 0xFF9E, 0xFF9F, 0x1161, 0x11A8, 0x20DD};
  for (int t = 0; t < 30000; t++) {
    GString *s = g_string_new(NULL);
    int len = g_rand_int_range(rand, 0, 14);
    for (int k = 0; k < len; k++) {
      int kind = g_rand_int_range(rand, 0, 10);
      gunichar c;
      if (kind < 4)
        c = g_array_index(chars, gunichar, g_rand_int_range(rand, 0, (gint32)chars->len));
      else if (kind < 6)
        c = (gunichar)g_rand_int_range(rand, 0x4E00, 0xA000);
      else if (kind < 8)
        c = marks[g_rand_int_range(rand, 0, G_N_ELEMENTS(marks))];
      else
        c = (gunichar)g_rand_int_range(rand, 1, 0x30000);
      if (c >= 0xD800 && c <= 0xDFFF)
        c = 0x3042;
      g_string_append_unichar(s, c);
    }
    check_like_glib(s->str, -1);
    /* A prefix, cut at a character boundary. */
    gssize cut = g_utf8_offset_to_pointer(s->str, g_utf8_strlen(s->str, -1) / 2) - s->str;
    check_like_glib(s->str, cut);
    g_string_free(s, TRUE);
  }
}

/* Invalid UTF-8 is GLib's business, whatever it makes of it. */
static void test_text_nfkc_invalid(void **state) {
  (void)state;
  check_like_glib("\xff", -1);
  check_like_glib("abc\xe3\x81", -1);
  check_like_glib("\xed\xa0\x80", -1); /* a surrogate */
  check_like_glib("\xf4\x90\x80\x80", -1);
  check_like_glib("a\0b", 3);
  check_like_glib("", -1);
  check_normalize("ab\xff", "");
}

/* A file name's bytes become one line of valid UTF-8, and come back whole. */
static void test_text_escape_name(void **state) {
  (void)state;
  static const char *const names[] = {"資料.pdf", "caf\xe9.pdf", "a\nb.pdf", "back\\slash\\x41",
                                      "\xff\xfe", "tab\there\x7f", ""};
  static const char *const escaped[] = {"資料.pdf",         "caf\\xE9.pdf",        "a\\x0Ab.pdf",
                                        "back\\\\slash\\\\x41", "\\xFF\\xFE",
                                        "tab\\x09here\\x7F", ""};
  for (gsize i = 0; i < G_N_ELEMENTS(names); i++) {
    g_autofree char *e = k2x_text_escape_name(names[i]);
    assert_string_equal(e, escaped[i]);
    assert_true(g_utf8_validate(e, -1, NULL));
    assert_null(strchr(e, '\n'));
    g_autofree char *back = k2x_text_unescape_name(e);
    assert_string_equal(back, names[i]);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_text_normalize_full_width),
      cmocka_unit_test(test_text_normalize_removes_spaces),
      cmocka_unit_test(test_text_nfkc_simple_each_char),
      cmocka_unit_test(test_text_nfkc_pairs),
      cmocka_unit_test(test_text_nfkc_random),
      cmocka_unit_test(test_text_nfkc_invalid),
      cmocka_unit_test(test_text_join_wrapped_japanese),
      cmocka_unit_test(test_text_join_wrapped_latin),
      cmocka_unit_test(test_text_no_line_start),
      cmocka_unit_test(test_text_is_wide),
      cmocka_unit_test(test_text_display_width),
      cmocka_unit_test(test_text_widths_like_glib),
      cmocka_unit_test(test_text_strip),
      cmocka_unit_test(test_text_canonical_char),
      cmocka_unit_test(test_text_escape_name),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
