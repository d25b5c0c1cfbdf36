/* test_region: region table, label parsing and region inference. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "error.h"
#include "region.h"

/* The compiled-in table, read directly to check the data itself. */
#include "regions.inc"

static int setup(void **state) {
  *state = k2x_regions_new_default();
  return *state ? 0 : -1;
}

static int teardown(void **state) {
  k2x_regions_free(*state);
  return 0;
}

static void check_label(const k2x_regions *r, const char *label, const char *want_prefecture,
                        const char *want_area) {
  char *prefecture = NULL, *area = NULL;
  if (!k2x_region_parse_label(r, label, &prefecture, &area))
    fail_msg("label not parsed: \"%s\"", label);
  assert_string_equal(prefecture, want_prefecture);
  assert_string_equal(area, want_area);
  g_free(prefecture);
  g_free(area);
}

static void check_not_label(const k2x_regions *r, const char *label) {
  char *prefecture = (char *)"unset", *area = (char *)"unset";
  if (k2x_region_parse_label(r, label, &prefecture, &area))
    fail_msg("parsed as a label: \"%s\" → %s / %s", label, prefecture, area);
  assert_null(prefecture);
  assert_null(area);
  assert_false(k2x_region_is_label(r, label));
}

static void check_infer(const k2x_regions *r, const char *body, const char *want_prefecture,
                        const char *want_area) {
  char *prefecture = NULL, *area = NULL;
  if (!k2x_region_infer(r, body, &prefecture, &area))
    fail_msg("nothing inferred from \"%s\"", body);
  assert_string_equal(prefecture, want_prefecture);
  assert_string_equal(area, want_area);
  g_free(prefecture);
  g_free(area);
}

static void check_infer_nothing(const k2x_regions *r, const char *body) {
  char *prefecture = NULL, *area = NULL;
  if (k2x_region_infer(r, body, &prefecture, &area))
    fail_msg("inferred %s / %s from \"%s\"", prefecture, area, body);
  assert_null(prefecture);
  assert_null(area);
}

/* Asserts that data is rejected with a K2X_ERR_DATA error naming want_line. */
static void check_malformed(const char *data, const char *want_line) {
  GError *error = NULL;
  k2x_regions *r = k2x_regions_new_from_data(data, strlen(data), &error);
  assert_null(r);
  assert_non_null(error);
  assert_int_equal(error->domain, K2X_ERROR);
  assert_int_equal(error->code, K2X_ERR_DATA);
  if (!strstr(error->message, want_line))
    fail_msg("error \"%s\" does not name \"%s\"", error->message, want_line);
  g_error_free(error);
}

/* ---- the compiled-in data ---- */

static void test_region_data_has_47_prefectures_and_known_parents(void **state) {
  const k2x_regions *r = *state;
  char **lines = g_strsplit((const char *)k2x_regions_tsv, "\n", -1);
  GHashTable *prefs = g_hash_table_new(g_str_hash, g_str_equal);
  GPtrArray *munis = g_ptr_array_new(); /* char ** rows, owned by rows */
  GPtrArray *rows = g_ptr_array_new_with_free_func((GDestroyNotify)g_strfreev);
  guint header = 0, designated = 0, core = 0, other = 0, ward = 0;
  assert_int_equal(strlen((const char *)k2x_regions_tsv), k2x_regions_tsv_len);
  for (guint i = 0; lines[i]; i++) {
    if (lines[i][0] == '#' || lines[i][0] == '\0')
      continue;
    char **cols = g_strsplit(lines[i], "\t", -1);
    g_ptr_array_add(rows, cols);
    assert_int_equal(g_strv_length(cols), 3);
    if (!header++) {
      assert_string_equal(cols[0], "name");
      continue;
    }
    if (strcmp(cols[2], "prefecture") == 0) {
      assert_string_equal(cols[0], cols[1]);
      g_hash_table_add(prefs, cols[0]);
      continue;
    }
    designated += strcmp(cols[2], "designated") == 0;
    core += strcmp(cols[2], "core") == 0;
    other += strcmp(cols[2], "other") == 0;
    ward += strcmp(cols[2], "ward") == 0;
    g_ptr_array_add(munis, cols);
  }
  assert_int_equal(g_hash_table_size(prefs), 47);
  assert_int_equal(designated, 20);
  assert_int_equal(ward, 23);
  assert_int_equal(other, 5);
  /* Changes when a city becomes a core city; update together with the data. */
  assert_int_equal(core, 62);
  assert_int_equal(munis->len, designated + core + other + ward);
  for (guint i = 0; i < munis->len; i++) {
    char **cols = g_ptr_array_index(munis, i);
    if (!g_hash_table_contains(prefs, cols[1]))
      fail_msg("%s: prefecture %s is not one of the 47", cols[0], cols[1]);
    /* Each name on its own is a label of its own prefecture. */
    check_label(r, cols[0], cols[1], cols[0]);
    assert_true(k2x_region_is_label(r, cols[0]));
  }
  g_ptr_array_unref(munis);
  g_ptr_array_unref(rows);
  g_hash_table_unref(prefs);
  g_strfreev(lines);
}

static void test_region_data_spot_checks(void **state) {
  const k2x_regions *r = *state;
  check_label(r, "川崎市", "神奈川県", "川崎市");
  check_label(r, "相模原市", "神奈川県", "相模原市");
  check_label(r, "倉敷市", "岡山県", "倉敷市");
  check_label(r, "尼崎市", "兵庫県", "尼崎市");
  check_label(r, "久留米市", "福岡県", "久留米市");
  check_label(r, "八戸市", "青森県", "八戸市");
  check_label(r, "茅ヶ崎市", "神奈川県", "茅ヶ崎市");
  check_label(r, "四日市市", "三重県", "四日市市");
  check_label(r, "八王子市", "東京都", "八王子市");
  check_label(r, "京都府", "京都府", "");
  check_label(r, "大阪府", "大阪府", "");
}

/* ---- correct_label (OCR) ---- */

static void check_corrected(const k2x_regions *r, const char *read, const char *expected) {
  g_autofree char *got = k2x_region_correct_label(r, read);
  if (expected) {
    assert_non_null(got);
    assert_string_equal(got, expected);
  } else {
    assert_null(got);
  }
}

static void test_region_correct_label_slips(void **state) {
  const k2x_regions *r = *state;
  check_corrected(r, "青森杲・津軽圏域", "青森県・津軽圏域");
  check_corrected(r, "茨域県", "茨城県");
  check_corrected(r, "神奈用県・相模原市相模原圏域", "神奈川県・相模原市相模原圏域");
  check_corrected(r, "東京部 江戸川区", "東京都 江戸川区");
  /* One slip in three characters is a fifth and more: allowed; two are not. */
  check_corrected(r, "青柿杲", NULL);
}

static void test_region_correct_label_leaves_labels_and_text(void **state) {
  const k2x_regions *r = *state;
  check_corrected(r, "青森県・津軽圏域", NULL);
  check_corrected(r, "葛飾区", NULL);
  /* A two-character name takes no slip: 界市 could be any city. */
  check_corrected(r, "界市", NULL);
  check_corrected(r, "地域移行支援への理解を深め、取り組む", NULL);
  check_corrected(r, "", NULL);
}

/* ---- parse_label ---- */

static void test_region_parse_label_prefecture_and_area(void **state) {
  const k2x_regions *r = *state;
  check_label(r, "青森県・津軽圏域", "青森県", "津軽圏域");
  check_label(r, "愛知県・名古屋市（東ブロック）", "愛知県", "名古屋市（東ブロック）");
  check_label(r, "神奈川県・相模原市相模原圏域", "神奈川県", "相模原市相模原圏域");
  check_label(r, "東京都・台東区圏域", "東京都", "台東区圏域");
  check_label(r, "北海道・札幌圏域", "北海道", "札幌圏域");
  check_label(r, "東京都江戸川区", "東京都", "江戸川区");
}

static void test_region_parse_label_whole_prefecture(void **state) {
  const k2x_regions *r = *state;
  check_label(r, "茨城県", "茨城県", "");
  check_label(r, "  茨城県　", "茨城県", "");
  check_label(r, "茨城県・", "茨城県", "");
}

static void test_region_parse_label_space_separators(void **state) {
  const k2x_regions *r = *state;
  check_label(r, "東京都 江戸川区", "東京都", "江戸川区");
  check_label(r, "石川県 南加賀圏域", "石川県", "南加賀圏域");
  check_label(r, "石川県\u3000南加賀圏域", "石川県", "南加賀圏域");
  check_label(r, "香川県・高松圏域  ", "香川県", "高松圏域");
  check_label(r, "\u3000香川県・高松圏域\u3000\t", "香川県", "高松圏域");
  check_label(r, "東京都 ・ 江戸川区", "東京都", "江戸川区");
}

static void test_region_parse_label_municipality(void **state) {
  const k2x_regions *r = *state;
  check_label(r, "葛飾区", "東京都", "葛飾区");
  check_label(r, "千葉市圏域", "千葉県", "千葉市圏域");
  check_label(r, "川崎市北部・中部圏域", "神奈川県", "川崎市北部・中部圏域");
  check_label(r, "京都市", "京都府", "京都市");
  /* 東大阪市 is not 大阪市 (same prefecture, different area). */
  check_label(r, "東大阪市", "大阪府", "東大阪市");
}

static void test_region_parse_label_longest_municipality(void **state) {
  (void)state;
  const char *data = "name\tprefecture\tkind\n"
                     "甲県\t甲県\tprefecture\n"
                     "乙県\t乙県\tprefecture\n"
                     "山田市\t甲県\tcore\n"
                     "山田市場町\t乙県\tother\n";
  GError *error = NULL;
  k2x_regions *r = k2x_regions_new_from_data(data, strlen(data), &error);
  assert_non_null(r);
  check_label(r, "山田市場町圏域", "乙県", "山田市場町圏域");
  check_label(r, "山田市圏域", "甲県", "山田市圏域");
  k2x_regions_free(r);
}

static void test_region_parse_label_width_variants(void **state) {
  const k2x_regions *r = *state;
  /* Half-width middle dot, full-width slash and hyphen, half-width brackets. */
  check_label(r, "香川県\uFF65高松圏域", "香川県", "高松圏域");
  check_label(r, "東京都／江戸川区", "東京都", "江戸川区");
  check_label(r, "東京都－江戸川区", "東京都", "江戸川区");
  check_label(r, "愛知県:名古屋市(東ブロック)", "愛知県", "名古屋市(東ブロック)");
  /* Kangxi radical ⾧ (U+2FA7), common in PDF text, stands for 長; the area keeps it. */
  check_label(r, "\u2FA7野県・北信圏域", "長野県", "北信圏域");
  check_label(r, "\u2FA7崎市", "長崎県", "\u2FA7崎市");
  /* Half-width katakana with a voiced mark keeps its printed form in the area. */
  check_label(r, "北海道・ｸﾞﾙｰﾌﾟ圏域", "北海道", "ｸﾞﾙｰﾌﾟ圏域");
}

static void test_region_parse_label_rejects_non_labels(void **state) {
  const k2x_regions *r = *state;
  check_not_label(r, "支援事業の成果");
  check_not_label(r, "令和２年度の達成目標");
  check_not_label(r, "");
  check_not_label(r, "   ");
  check_not_label(r, "9");
  check_not_label(r, NULL);
  check_not_label(r, "広島国際大学"); /* 広島 alone is not a place name */
  check_not_label(r, "・東京都");
}

/* ---- is_label ---- */

static void test_region_is_label_accepts_labels(void **state) {
  const k2x_regions *r = *state;
  const char *labels[] = {"青森県・津軽圏域",
                          "茨城県",
                          "東京都 江戸川区",
                          "葛飾区",
                          "千葉市圏域",
                          "川崎市北部・中部圏域",
                          "愛知県・名古屋市（東ブロック）",
                          "神奈川県・相模原市相模原圏域",
                          "石川県 南加賀圏域",
                          "東京都・台東区圏域",
                          "北海道・札幌圏域",
                          "香川県・高松圏域  ",
                          "石川県\u3000南加賀圏域",
                          "北海道・ｵﾎｰﾂｸ地域",
                          "大阪府・府内全域",
                          "奈良県・南和圏",
                          "長野県・北安曇郡",
                          "兵庫県「但馬」"};
  for (gsize i = 0; i < G_N_ELEMENTS(labels); i++)
    if (!k2x_region_is_label(r, labels[i]))
      fail_msg("not a label: \"%s\"", labels[i]);
}

static void test_region_is_label_rejects_phrases(void **state) {
  const k2x_regions *r = *state;
  const char *texts[] = {"富山県・高岡圏域の取組み紹介等",
                         "富山市の取組",
                         "参加者：富山市、高岡市",
                         "富山市：参加者",
                         "富山市: 参加者",
                         "東京都では、区市町村と連携した。",
                         "東京都、江戸川区",
                         "東京都。",
                         "東京都，江戸川区",
                         "東京都．江戸川区",
                         "北海道大学",
                         "支援事業の成果",
                         ""};
  for (gsize i = 0; i < G_N_ELEMENTS(texts); i++)
    if (k2x_region_is_label(r, texts[i]))
      fail_msg("taken for a label: \"%s\"", texts[i]);
  assert_false(k2x_region_is_label(r, NULL));
}

static void test_region_is_label_length_limit(void **state) {
  const k2x_regions *r = *state;
  GString *s = g_string_new("東京都・");
  while (g_utf8_strlen(s->str, -1) < 38)
    g_string_append(s, "北");
  g_string_append(s, "圏域"); /* exactly 40 characters */
  assert_true(k2x_region_is_label(r, s->str));
  g_string_insert(s, strlen("東京都・"), "北");
  assert_false(k2x_region_is_label(r, s->str));
  /* Surrounding blanks do not count. */
  g_string_erase(s, strlen("東京都・"), strlen("北"));
  g_string_append(s, "\u3000\u3000  ");
  assert_true(k2x_region_is_label(r, s->str));
  g_string_free(s, TRUE);
}

/* A label starts with a place: after its blanks, in its normalised form, which may differ
 * from the character printed; a mark that joins the first character makes it another. */
static void test_region_is_label_first_character(void **state) {
  const k2x_regions *r = *state;
  assert_true(k2x_region_is_label(r, " \u3000青森県・津軽圏域"));
  assert_true(k2x_region_is_label(r, "\uFA19奈川県・相模原市相模原圏域")); /* 神 compatibility form */
  assert_false(k2x_region_is_label(r, "・青森県・津軽圏域"));
  assert_false(k2x_region_is_label(r, "（青森県）"));
  assert_false(k2x_region_is_label(r, "青\u0301森県・津軽圏域"));
  assert_false(k2x_region_is_label(r, "A青森県"));
}

static void test_region_is_label_area_naming_a_municipality(void **state) {
  (void)state;
  /* A municipality name that does not end like a place still makes a label. */
  const char *data = "name\tprefecture\tkind\n"
                     "架空県\t架空県\tprefecture\n"
                     "みどり\t架空県\tother\n";
  k2x_regions *r = k2x_regions_new_from_data(data, strlen(data), NULL);
  assert_non_null(r);
  assert_true(k2x_region_is_label(r, "架空県・みどり"));
  assert_true(k2x_region_is_label(r, "みどり"));
  assert_false(k2x_region_is_label(r, "架空県・あお"));
  k2x_regions_free(r);
}

/* ---- infer ---- */

static void test_region_infer_municipality_beats_prefecture(void **state) {
  const k2x_regions *r = *state;
  check_infer(r, "熊本市では相談窓口を設置した。熊本市の保健所と連携している。", "熊本県",
              "熊本市");
  check_infer(r, "東京都の方針に基づき、世田谷区では世田谷区の区民に向けて世田谷区が実施。",
              "東京都", "世田谷区");
  check_infer(r, "大阪府、大阪府、大阪府、そして豊中市。", "大阪府", "豊中市");
}

static void test_region_infer_prefecture_only(void **state) {
  const k2x_regions *r = *state;
  check_infer(r, "広島県における取組について報告する。", "広島県", "");
  check_infer(r, "福岡県と佐賀県、佐賀県の連携。", "佐賀県", "");
  check_infer(r, "福岡県と佐賀県の連携。", "福岡県", ""); /* tie → first */
}

static void test_region_infer_nothing(void **state) {
  const k2x_regions *r = *state;
  check_infer_nothing(r, "広島国際大学との連携");
  check_infer_nothing(r, "支援事業の成果");
  check_infer_nothing(r, "");
  check_infer_nothing(r, NULL);
}

static void test_region_infer_most_frequent_then_first(void **state) {
  const k2x_regions *r = *state;
  check_infer(r, "船橋市と柏市、柏市の事例。", "千葉県", "柏市");
  check_infer(r, "船橋市と柏市の事例。", "千葉県", "船橋市");
  check_infer(r, "柏市と船橋市の事例。", "千葉県", "柏市");
}

static void test_region_infer_skips_past_match(void **state) {
  const k2x_regions *r = *state;
  /* 東京都府中市 contains 京都府; only 東京都 may count. */
  check_infer(r, "東京都府中市での事例", "東京都", "");
  /* 東大阪市 contains 大阪市; it counts once, as itself. */
  check_infer(r, "東大阪市と東大阪市、大阪市", "大阪府", "東大阪市");
  check_infer(r, "神奈川県相模原市", "神奈川県", "相模原市");
}

static void test_region_infer_ward_after_designated_city(void **state) {
  const k2x_regions *r = *state;
  /* Counted as Tokyo's wards, 北区 would win here with two mentions. */
  check_infer(r, "大阪市北区と神戸市北区", "大阪府", "大阪市");
  check_infer(r, "札幌市\u3000中央区、札幌市中央区、中央区", "北海道", "札幌市");
  /* A ward on its own is Tokyo's. */
  check_infer(r, "中央区の事業、中央区の", "東京都", "中央区");
  check_infer(r, "札幌市の報告。中央区、中央区", "東京都", "中央区");
}

static void test_region_infer_width_variants(void **state) {
  const k2x_regions *r = *state;
  check_infer(r, "東京都\u3000世田谷区\u3000ｾﾝﾀｰ", "東京都", "世田谷区");
  check_infer(r, "\u2FA7崎市と\u2FA7崎県", "長崎県", "長崎市");
  check_infer(r, "（仮称）\u2FA7野県ﾓﾃﾞﾙ事業", "長野県", "");
  /* Invalid UTF-8 does not stop the scan. */
  check_infer(r, "\xff\xfe熊本県", "熊本県", "");
}

/* ---- loading ---- */

static void test_region_custom_table_loads(void **state) {
  (void)state;
  const char *data = "# a comment\r\n"
                     "\n"
                     "name\tprefecture\tkind\r\n"
                     "# municipalities may come before their prefecture\n"
                     "甲市\t甲県\tcore\n"
                     "甲県\t甲県\tprefecture"; /* no final newline */
  GError *error = NULL;
  k2x_regions *r = k2x_regions_new_from_data(data, strlen(data), &error);
  assert_null(error);
  assert_non_null(r);
  check_label(r, "甲市", "甲県", "甲市");
  check_label(r, "甲県・甲市", "甲県", "甲市");
  check_not_label(r, "東京都");
  k2x_regions_free(r);
  k2x_regions_free(NULL);
}

static void test_region_malformed_table_names_line(void **state) {
  (void)state;
  check_malformed("name\tprefecture\tkind\n"
                  "甲県\t甲県\tprefecture\n"
                  "# comment\n"
                  "甲市\t甲県\n",
                  "line 4");
  check_malformed("name\tprefecture\tkind\n"
                  "甲県\t甲県\tprefecture\n"
                  "甲市\t甲県\tcity\n",
                  "line 3");
  check_malformed("name\tprefecture\tkind\n"
                  "甲県\t甲県\tprefecture\n"
                  "甲市\t乙県\tcore\n",
                  "line 3");
  check_malformed("name\tprefecture\tkind\n"
                  "甲県\t甲県\tprefecture\n"
                  "甲県\t甲県\tprefecture\n",
                  "line 3");
  check_malformed("甲県\t甲県\tprefecture\n", "line 1");
  check_malformed("name\tprefecture\tkind\n"
                  "甲県\t甲県\tprefecture\textra\n",
                  "line 2");
  check_malformed("name\tprefecture\tkind\n"
                  "甲県\t乙県\tprefecture\n",
                  "line 2");
  check_malformed("name\tprefecture\tkind\n"
                  "甲\xff県\t甲県\tprefecture\n",
                  "line 2");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_region_data_has_47_prefectures_and_known_parents),
      cmocka_unit_test(test_region_data_spot_checks),
      cmocka_unit_test(test_region_parse_label_prefecture_and_area),
      cmocka_unit_test(test_region_parse_label_whole_prefecture),
      cmocka_unit_test(test_region_parse_label_space_separators),
      cmocka_unit_test(test_region_parse_label_municipality),
      cmocka_unit_test(test_region_parse_label_longest_municipality),
      cmocka_unit_test(test_region_parse_label_width_variants),
      cmocka_unit_test(test_region_parse_label_rejects_non_labels),
      cmocka_unit_test(test_region_is_label_accepts_labels),
      cmocka_unit_test(test_region_is_label_rejects_phrases),
      cmocka_unit_test(test_region_is_label_length_limit),
      cmocka_unit_test(test_region_is_label_first_character),
      cmocka_unit_test(test_region_is_label_area_naming_a_municipality),
      cmocka_unit_test(test_region_infer_municipality_beats_prefecture),
      cmocka_unit_test(test_region_infer_prefecture_only),
      cmocka_unit_test(test_region_infer_nothing),
      cmocka_unit_test(test_region_infer_most_frequent_then_first),
      cmocka_unit_test(test_region_infer_skips_past_match),
      cmocka_unit_test(test_region_infer_ward_after_designated_city),
      cmocka_unit_test(test_region_infer_width_variants),
      cmocka_unit_test(test_region_custom_table_loads),
      cmocka_unit_test(test_region_correct_label_slips),
      cmocka_unit_test(test_region_correct_label_leaves_labels_and_text),
      cmocka_unit_test(test_region_malformed_table_names_line),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
