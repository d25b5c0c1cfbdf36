/* test_profile: the built-in profile, heading and item-marker matching, malformed profiles. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <glib/gstdio.h>

#include "profile.h"
#include "text.h"

/* The smallest profile that loads; error tests change one thing in it. */
#define MINIMAL_PROFILE                                                                    \
  "[profile]\n"                                                                            \
  "name = minimal\n"                                                                       \
  "page_number = ^\\d+$\n"                                                                 \
  "item_marker = ^・\n"

static int setup(void **state) {
  *state = k2x_profile_new_default();
  return *state ? 0 : -1;
}

static int teardown(void **state) {
  k2x_profile_free(*state);
  return 0;
}

/* Matches printed both ways: normalising it in the profile, and with the caller's norm. */
static const k2x_profile_section *match_heading(const k2x_profile *p, const char *printed,
                                                char **heading) {
  g_autofree char *norm = k2x_text_normalize(printed);
  g_autofree char *other = NULL;
  const k2x_profile_section *with_norm = k2x_profile_match_heading(p, printed, norm, &other);
  const k2x_profile_section *s = k2x_profile_match_heading(p, printed, NULL, heading);
  assert_ptr_equal(s, with_norm);
  assert_string_equal(other ? other : "", *heading ? *heading : "");
  return s;
}

static void check_heading(const k2x_profile *p, const char *printed, int want_number,
                          const char *want_heading) {
  char *heading = NULL;
  const k2x_profile_section *s = match_heading(p, printed, &heading);
  if (!s)
    fail_msg("not a heading: \"%s\"", printed);
  assert_int_equal(s->number, want_number);
  assert_string_equal(heading, want_heading);
  g_free(heading);
}

static void check_not_heading(const k2x_profile *p, const char *printed) {
  char *heading = NULL;
  const k2x_profile_section *s = match_heading(p, printed, &heading);
  if (s)
    fail_msg("taken as heading %d: \"%s\"", s->number, printed);
  assert_null(heading);
}

static void check_marker(const k2x_profile *p, const char *printed, const char *want_marker) {
  gsize got = k2x_profile_marker_length(p, printed, NULL);
  if (got != strlen(want_marker))
    fail_msg("marker of \"%s\": %zu bytes, want \"%s\"", printed, got, want_marker);
}

/* Loads data, expects failure, and returns the message (caller frees). */
static char *load_error(const char *data) {
  GError *error = NULL;
  k2x_profile *p = k2x_profile_new_from_data(data, strlen(data), &error);
  if (p) {
    k2x_profile_free(p);
    fail_msg("profile loaded:\n%s", data);
  }
  assert_non_null(error);
  char *message = g_strdup(error->message);
  g_error_free(error);
  return message;
}

static void assert_contains(const char *haystack, const char *needle) {
  if (!strstr(haystack, needle))
    fail_msg("\"%s\" not in \"%s\"", needle, haystack);
}

static void check_heading_fix(const k2x_profile *p, const char *read, const char *expected) {
  g_autofree char *got = k2x_profile_correct_heading(p, read);
  if (expected) {
    assert_non_null(got);
    assert_string_equal(got, expected);
  } else {
    assert_null(got);
  }
}

/* OCR slips in a heading: the pattern's literal characters come back, what it leaves open
 * (the year, the number) stays as read. */
static void test_profile_correct_heading_slips(void **state) {
  const k2x_profile *p = *state;
  check_heading_fix(p, "1.令和2年度の達成目標・取組伏況", "1.令和2年度の達成目標・取組状況");
  check_heading_fix(p, "２．支援事業の成杲", "２．支援事業の成果");
  check_heading_fix(p, "3.次年度に向けた課題", NULL); /* 等 is optional: a heading already */
  check_heading_fix(p, "3.次年度に句けた課題等", "3.次年度に向けた課題等");
  check_heading_fix(p, "4.課題の解決に向けた令和3年度の取組方針", NULL);
  check_heading_fix(p, "4.課題の解決に向けた平成30年度の取組方釘", "4.課題の解決に向けた平成30年度の取組方針");
}

static void test_profile_correct_heading_leaves_other_lines(void **state) {
  const k2x_profile *p = *state;
  /* Three slips in a short heading are too many; an item is no heading; nor is a sentence
   * that starts like one. */
  check_heading_fix(p, "2.支授事某の戌果", NULL);
  check_heading_fix(p, "・支援事業の成呆", NULL);
  check_heading_fix(p, "3.支援事業の成果について報告する", NULL);
  /* Unnumbered, as a table's header row that quotes the heading. */
  check_heading_fix(p, "令和2年度の達成目標取組状況", NULL);
  check_heading_fix(p, "", NULL);
}

static void test_profile_default_sections(void **state) {
  const k2x_profile *p = *state;
  const char *sheets[] = {"達成目標・取組状況", "成果", "課題", "取組方針"};
  assert_string_equal(p->name, "ad-jizenkadai");
  assert_non_null(p->title);
  assert_int_equal(p->sections->len, 4);
  for (int n = 1; n <= 4; n++) {
    const k2x_profile_section *s = k2x_profile_section_get(p, n);
    assert_non_null(s);
    assert_ptr_equal(s, g_ptr_array_index(p->sections, n - 1));
    assert_int_equal(s->number, n);
    assert_string_equal(s->sheet, sheets[n - 1]);
    assert_int_equal(s->is_table, n == 1);
  }
  assert_null(k2x_profile_section_get(p, 5));
}

static void test_profile_default_table_columns(void **state) {
  const k2x_profile_section *s = k2x_profile_section_get(*state, 1);
  assert_true(s->is_table);
  assert_int_equal(s->columns->len, 2);
  assert_int_equal(s->column_names->len, 2);
  assert_string_equal(g_ptr_array_index(s->column_names, 0), "達成目標");
  assert_string_equal(g_ptr_array_index(s->column_names, 1), "取組状況");
}

static void test_profile_default_title(void **state) {
  const k2x_profile *p = *state;
  assert_true(g_regex_match(p->title,
                            "令和2年度精神障害にも対応した地域包括ケアシステム構築支援事業"
                            "AD合同会議「事前課題」",
                            0, NULL));
  assert_true(g_regex_match(p->title,
                            "令和元年度精神障害にも対応した地域包括ケアシステム構築支援事業"
                            "事前課題",
                            0, NULL));
  assert_false(g_regex_match(p->title, "精神障害にも対応した地域包括ケアシステム構築支援事業",
                             0, NULL));
}

static void test_profile_heading_number_forms(void **state) {
  const k2x_profile *p = *state;
  check_heading(p, "１．令和２年度の達成目標・取組状況", 1, "令和２年度の達成目標・取組状況");
  check_heading(p, "1.令和3年度の達成目標・取組状況", 1, "令和3年度の達成目標・取組状況");
  check_heading(p, "（１）令和元年度の達成目標・取組状況", 1, "令和元年度の達成目標・取組状況");
  check_heading(p, "(1) 平成30年度の達成目標・取組状況", 1, "平成30年度の達成目標・取組状況");
  check_heading(p, "２．支援事業の成果", 2, "支援事業の成果");
  check_heading(p, "3．次年度に向けた課題", 3, "次年度に向けた課題");
  /* Blanks before the number, and a bracket of either width. */
  check_heading(p, "　２．支援事業の成果", 2, "支援事業の成果");
  check_heading(p, " \t(２) 支援事業の成果", 2, "支援事業の成果");
  check_heading(p, "\u3000（2）\u3000支援事業の成果", 2, "支援事業の成果");
  check_heading(p, "２ 支援事業の成果", 2, "支援事業の成果");
}

static void test_profile_heading_keeps_inner_space(void **state) {
  check_heading(*state, "４．課題の解決に向けた 令和３年度の取組方針", 4,
                "課題の解決に向けた 令和３年度の取組方針");
  check_heading(*state, "４．課題の解決に向けた　令和３年度の取組方針　", 4,
                "課題の解決に向けた　令和３年度の取組方針");
}

static void test_profile_heading_rejects_body(void **state) {
  const k2x_profile *p = *state;
  check_not_heading(p, "支援事業の成果について説明した。");
  check_not_heading(p, "２．支援事業の成果について説明した。");
  check_not_heading(p, "・支援事業の成果");
  check_not_heading(p, "１．");
  check_not_heading(p, "");
}

static void test_profile_marker_kinds(void **state) {
  const k2x_profile *p = *state;
  check_marker(p, "・研修会を開催した", "・");
  check_marker(p, "①協議の場の設置", "①");
  check_marker(p, "１．構築推進事業の実施", "１．");
  check_marker(p, "1. 構築推進事業", "1.");
  check_marker(p, "(1)協議の場", "(1)");
  check_marker(p, "（１）協議の場", "（１）");
  check_marker(p, "【入院患者の地域移行事業】病院訪問を行った", "【入院患者の地域移行事業】");
  check_marker(p, "※保健所単位で実施", "※");
  check_marker(p, "→3 件", "→");
  check_marker(p, "⇒次年度に継続", "⇒");
  check_marker(p, "3 か所で実施", "3");
}

static void test_profile_marker_none(void **state) {
  const k2x_profile *p = *state;
  check_marker(p, "R3.1.31 講演会", "");
  check_marker(p, "令和２年度", "");
  check_marker(p, "1.5倍に増加", "");
  check_marker(p, "研修会・講演会", "");
  check_marker(p, "", "");
}

static void test_profile_minimal_loads(void **state) {
  const char data[] = MINIMAL_PROFILE "[section 1]\nheading = 目標\n";
  GError *error = NULL;
  g_autoptr(k2x_profile) p = k2x_profile_new_from_data(data, strlen(data), &error);
  assert_null(error);
  assert_non_null(p);
  assert_string_equal(p->name, "minimal");
  assert_null(p->title);
  assert_int_equal(p->sections->len, 1);
  const k2x_profile_section *s = k2x_profile_section_get(p, 1);
  assert_false(s->is_table);
  assert_string_equal(s->sheet, "section1");
}

/* A pattern that backtracks deeply runs out of the JIT's stack over a long line: the
 * interpreter decides, and the line matches as it would without the JIT. */
static void test_profile_pattern_deep_backtracking(void **state) {
  (void)state;
  const char pattern[] = "^(?:目標(a|b|あ)*?$)";
  g_autoptr(GString) line = g_string_new("目標");
  for (int i = 0; i < 3000; i++)
    g_string_append(line, i % 3 ? "ab" : "あ");
  g_autoptr(GRegex) plain = g_regex_new(pattern, 0, 0, NULL);
  g_autoptr(GRegex) jit = g_regex_new(pattern, G_REGEX_OPTIMIZE, 0, NULL);
  assert_true(g_regex_match(plain, line->str, 0, NULL));
  g_autoptr(GMatchInfo) mi = NULL;
  assert_true(k2x_profile_pattern_match(jit, line->str, 0, 0, &mi));
  assert_true(g_match_info_matches(mi));
  assert_true(k2x_profile_pattern_match(plain, line->str, 0, 0, NULL));
  g_string_append(line, "。");
  assert_false(k2x_profile_pattern_match(jit, line->str, 0, 0, NULL));
  /* The same through a profile's heading. */
  const char data[] = MINIMAL_PROFILE "[section 1]\nheading = 目標(a|b|あ)*?$\n";
  g_autoptr(k2x_profile) p = k2x_profile_new_from_data(data, strlen(data), NULL);
  assert_non_null(p);
  assert_null(k2x_profile_match_heading(p, line->str, NULL, NULL));
  g_string_truncate(line, line->len - strlen("。"));
  const k2x_profile_section *s = k2x_profile_match_heading(p, line->str, NULL, NULL);
  assert_non_null(s);
  assert_int_equal(s->number, 1);
}

static const k2x_profile_section *heading_of(const k2x_profile *p, const char *line) {
  return k2x_profile_match_heading(p, line, NULL, NULL);
}

/* All headings are tried in one match first; each pattern keeps its meaning there (an inline
 * option stays its own), and a pattern that could mean something else among others (a back
 * reference, a verb) is tried on its own only. */
static void test_profile_any_heading(void **state) {
  const k2x_profile *def = *state;
  assert_non_null(def->any_heading);

  const char scoped[] = MINIMAL_PROFILE "[section 1]\nheading = (?i)abc\n"
                                        "[section 2]\nheading = DEF\n";
  g_autoptr(k2x_profile) p = k2x_profile_new_from_data(scoped, strlen(scoped), NULL);
  assert_non_null(p->any_heading);
  assert_int_equal(heading_of(p, "1. ABC")->number, 1);
  assert_int_equal(heading_of(p, "DEF")->number, 2);
  assert_null(heading_of(p, "def"));
  assert_null(heading_of(p, "xyz"));

  const char backref[] = MINIMAL_PROFILE "[section 1]\nheading = (甲)\n"
                                         "[section 2]\nheading = (乙)\\1\n";
  g_autoptr(k2x_profile) b = k2x_profile_new_from_data(backref, strlen(backref), NULL);
  assert_null(b->any_heading);
  assert_int_equal(heading_of(b, "２．乙乙")->number, 2);
  assert_null(heading_of(b, "乙甲"));

  const char verb[] = MINIMAL_PROFILE "[section 1]\nheading = 甲(*COMMIT)乙\n"
                                      "[section 2]\nheading = 甲丙\n";
  g_autoptr(k2x_profile) v = k2x_profile_new_from_data(verb, strlen(verb), NULL);
  assert_null(v->any_heading);
  assert_int_equal(heading_of(v, "甲丙")->number, 2);
  assert_int_equal(heading_of(v, "甲乙")->number, 1);
}

static void test_profile_error_malformed_line(void **state) {
  g_autofree char *message = load_error(MINIMAL_PROFILE "[section 1]\nheading = 目標\n"
                                                        "this is not a key\n");
  assert_contains(message, "this is not a key");
}

/* The malformed line is line 7; GLib's own message holds no digit. */
static void test_profile_error_malformed_line_number(void **state) {
  char *message = load_error(MINIMAL_PROFILE "[section 1]\nheading = 目標\n"
                                              "this is not a key\n");
  gboolean named = strchr(message, '7') != NULL;
  if (!named)
    print_error("line 7 not named in \"%s\"\n", message);
  g_free(message);
  assert_true(named);
}

/* Found by fuzz_profile: a byte that is not UTF-8 in a pattern crashed PCRE2 inside
 * g_regex_new (fuzz/crashes/profile/utf8-in-pattern.ini). */
static void test_profile_error_not_utf8(void **state) {
  g_autofree char *message = load_error("[profile]\nname = k\ntitle = ((\xff \xe3\x80\x80]+\\S))\n");
  assert_contains(message, "line 3");
  assert_contains(message, "UTF-8");
}

static void test_profile_error_bad_heading_regex(void **state) {
  g_autofree char *message = load_error(MINIMAL_PROFILE "[section 1]\nheading = (目標\n");
  assert_contains(message, "heading");
  assert_contains(message, "section 1");
}

static void test_profile_error_bad_column_regex(void **state) {
  g_autofree char *message = load_error(MINIMAL_PROFILE "[section 1]\nheading = 目標\n"
                                                        "table = true\ncolumns = 目標;[状況\n");
  assert_contains(message, "columns");
}

static void test_profile_error_one_column_table(void **state) {
  g_autofree char *message = load_error(MINIMAL_PROFILE "[section 1]\nheading = 目標\n"
                                                        "table = true\ncolumns = 目標\n");
  assert_contains(message, "columns");
}

static void test_profile_error_missing_heading(void **state) {
  g_autofree char *message = load_error(MINIMAL_PROFILE "[section 1]\nsheet = 目標\n");
  assert_contains(message, "heading");
}

static void test_profile_error_no_sections(void **state) {
  g_autofree char *message = load_error(MINIMAL_PROFILE);
  assert_contains(message, "section");
}

static void test_profile_error_bad_section_name(void **state) {
  g_autofree char *message = load_error(MINIMAL_PROFILE "[chapter 1]\nheading = 目標\n");
  assert_contains(message, "chapter 1");
}

static void test_profile_error_missing_name(void **state) {
  g_autofree char *message = load_error("[profile]\npage_number = ^\\d+$\nitem_marker = ^・\n"
                                        "[section 1]\nheading = 目標\n");
  assert_contains(message, "name");
}

/* Two group names that number the same section. */
static void test_profile_error_duplicate_number(void **state) {
  g_autofree char *message = load_error(MINIMAL_PROFILE "[section 1]\nheading = 目標\n"
                                                        "[section 01]\nheading = 成果\n");
  assert_contains(message, "section 1");
  assert_contains(message, "twice");
}

/* The same group written twice: a profile author's copy-paste slip, which must not silently
 * replace the first heading with the second. */
static void test_profile_error_duplicate_section(void **state) {
  g_autofree char *message = load_error(MINIMAL_PROFILE "[section 1]\nheading = 目標\n"
                                                        "[section 1]\nheading = 成果\n");
  assert_contains(message, "section 1");
}

/* A fresh directory per file test, removed with its files even when the test fails. */
static int dir_setup(void **state) {
  *state = g_dir_make_tmp("k2x-profile-XXXXXX", NULL);
  return *state ? 0 : -1;
}

static int dir_teardown(void **state) {
  const char *dir = *state;
  g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
  for (const char *name; d && (name = g_dir_read_name(d));) {
    g_autofree char *path = g_build_filename(dir, name, NULL);
    g_unlink(path);
  }
  g_rmdir(dir);
  g_free(*state);
  return 0;
}

static void test_profile_file_missing(void **state) {
  g_autofree char *path = g_build_filename(*state, "absent.ini", NULL);
  GError *error = NULL;
  k2x_profile *p = k2x_profile_new_from_file(path, &error);
  assert_null(p);
  assert_non_null(error);
  assert_contains(error->message, path);
  g_error_free(error);
}

static void test_profile_file_error_names_path(void **state) {
  g_autofree char *path = g_build_filename(*state, "bad.ini", NULL);
  const char data[] = MINIMAL_PROFILE "[section 1]\nheading = (目標\n";
  assert_true(g_file_set_contents(path, data, -1, NULL));
  GError *error = NULL;
  k2x_profile *p = k2x_profile_new_from_file(path, &error);
  assert_null(p);
  assert_non_null(error);
  assert_contains(error->message, path);
  assert_contains(error->message, "heading");
  g_error_free(error);
}

static void test_profile_file_loads(void **state) {
  g_autofree char *path = g_build_filename(*state, "good.ini", NULL);
  const char data[] = MINIMAL_PROFILE "[section 2]\nheading = 成果\n[section 1]\nheading = 目標\n";
  assert_true(g_file_set_contents(path, data, -1, NULL));
  GError *error = NULL;
  g_autoptr(k2x_profile) p = k2x_profile_new_from_file(path, &error);
  assert_null(error);
  assert_non_null(p);
  /* Sections come in number order whatever the file order. */
  assert_int_equal(p->sections->len, 2);
  assert_int_equal(((k2x_profile_section *)g_ptr_array_index(p->sections, 0))->number, 1);
  assert_int_equal(((k2x_profile_section *)g_ptr_array_index(p->sections, 1))->number, 2);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_profile_default_sections, setup, teardown),
      cmocka_unit_test_setup_teardown(test_profile_correct_heading_slips, setup, teardown),
      cmocka_unit_test_setup_teardown(test_profile_correct_heading_leaves_other_lines, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(test_profile_default_table_columns, setup, teardown),
      cmocka_unit_test_setup_teardown(test_profile_default_title, setup, teardown),
      cmocka_unit_test_setup_teardown(test_profile_heading_number_forms, setup, teardown),
      cmocka_unit_test_setup_teardown(test_profile_heading_keeps_inner_space, setup, teardown),
      cmocka_unit_test_setup_teardown(test_profile_heading_rejects_body, setup, teardown),
      cmocka_unit_test_setup_teardown(test_profile_marker_kinds, setup, teardown),
      cmocka_unit_test_setup_teardown(test_profile_marker_none, setup, teardown),
      cmocka_unit_test(test_profile_minimal_loads),
      cmocka_unit_test(test_profile_pattern_deep_backtracking),
      cmocka_unit_test_setup_teardown(test_profile_any_heading, setup, teardown),
      cmocka_unit_test(test_profile_error_malformed_line),
      cmocka_unit_test(test_profile_error_malformed_line_number),
      cmocka_unit_test(test_profile_error_not_utf8),
      cmocka_unit_test(test_profile_error_bad_heading_regex),
      cmocka_unit_test(test_profile_error_bad_column_regex),
      cmocka_unit_test(test_profile_error_one_column_table),
      cmocka_unit_test(test_profile_error_missing_heading),
      cmocka_unit_test(test_profile_error_no_sections),
      cmocka_unit_test(test_profile_error_bad_section_name),
      cmocka_unit_test(test_profile_error_missing_name),
      cmocka_unit_test(test_profile_error_duplicate_number),
      cmocka_unit_test(test_profile_error_duplicate_section),
      cmocka_unit_test_setup_teardown(test_profile_file_missing, dir_setup, dir_teardown),
      cmocka_unit_test_setup_teardown(test_profile_file_error_names_path, dir_setup, dir_teardown),
      cmocka_unit_test_setup_teardown(test_profile_file_loads, dir_setup, dir_teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
