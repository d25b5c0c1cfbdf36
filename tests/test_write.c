/* test_write: the workbook writer — atomic output, sheet names, Excel's limits, shape read
 * back by openpyxl. With K2X_KEEP_XLSX=DIR every workbook read back is also copied into DIR,
 * for the xlsx_office test to open with LibreOffice. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "profile.h"
#include "testutil.h"
#include "writer.h"
#include "xlsx_limits.h"

#define PYTHON "/usr/bin/python3"
#define TABLE_SHEET "達成目標・取組状況"

/* The default profile's sheets, in workbook order. */
#define DEFAULT_SHEETS "報告一覧", TABLE_SHEET, "成果", "課題", "取組方針", "全項目", "警告"

typedef tu_fixture fixture;

static int setup(void **state) {
  return tu_fixture_setup(state, "k2x-write-XXXXXX");
}

static void row_fill(k2x_row *row, int first, int last, const char *goal, const char *status) {
  tu_set_string(&((k2x_cell *)g_ptr_array_index(row->cells, 0))->text, goal);
  tu_set_string(&((k2x_cell *)g_ptr_array_index(row->cells, 1))->text, status);
  row->page_first = first;
  row->page_last = last;
}

/* Two reports: the first labelled, with a two-row table and every list section; the second
 * unlabelled, its region inferred from the body, with a section the profile does not know.
 * Sheet rows: 報告一覧 2, table 2, 成果 3, 課題 1, 取組方針 3, 全項目 13, 警告 2. */
#define DOC_ROWS "報告一覧=2," TABLE_SHEET "=2,成果=3,課題=1,取組方針=3,全項目=13,警告=2"
static k2x_doc *doc_build(const char *file) {
  k2x_doc *doc = k2x_doc_new();
  doc->file = g_strdup(file);
  doc->profile = g_strdup("ad-jizenkadai");
  doc->pages = 4;
  k2x_doc_add_warning(doc, "page_no_text", 4, "%d 頁に文字がありません", 4);

  k2x_report *r = k2x_doc_add_report(doc);
  r->page_first = 1;
  r->page_last = 2;
  r->label = g_strdup("青森県（津軽圏域）");
  tu_set_string(&r->region.prefecture, "青森県");
  tu_set_string(&r->region.area, "津軽圏域");
  r->region.source = K2X_REGION_LABEL;
  k2x_section *s = k2x_report_add_section(r, 1, "令和２年度の達成目標・取組状況", TRUE);
  g_ptr_array_add(s->header, g_strdup("令和２年度の達成目標"));
  g_ptr_array_add(s->header, g_strdup("取組状況"));
  row_fill(k2x_section_add_row(s, 2), 1, 1, "協議の場を設置する",
           "年４回開催した。\n２回目から当事者が参加した。");
  row_fill(k2x_section_add_row(s, 2), 1, 2, "ピアサポーターを養成する", "");
  k2x_section_add_item(s, "※", "※ 表の外の注記", 2);
  s = k2x_report_add_section(r, 2, "支援事業の成果", FALSE);
  k2x_section_add_item(s, "・", "・関係者の顔の見える関係ができた", 2);
  k2x_section_add_item(s, "・", "・退院者が増えた", 2);
  s = k2x_report_add_section(r, 3, "次年度に向けた課題", FALSE);
  k2x_section_add_item(s, "", "人材の確保", 2);
  s = k2x_report_add_section(r, 4, "課題の解決に向けた令和３年度の取組方針", FALSE);
  k2x_section_add_item(s, "①", "①研修を続ける", 2);
  k2x_section_add_item(s, "②", "②圏域で検討会を開く", 0);

  r = k2x_doc_add_report(doc);
  r->page_first = 3;
  r->page_last = 4;
  tu_set_string(&r->region.prefecture, "岩手県");
  r->region.source = K2X_REGION_BODY;
  k2x_report_add_warning(r, "region_inferred", 3, "地域を本文から推定しました（%s）", "岩手県");
  s = k2x_report_add_section(r, 2, "支援事業の成果", FALSE);
  k2x_section_add_item(s, "", "アドバイザーの助言で計画ができた", 3);
  s = k2x_report_add_section(r, 4, "取組方針", FALSE);
  k2x_section_add_item(s, "", "市町村と連携する", 3);
  s = k2x_report_add_section(r, 7, "その他", FALSE);
  k2x_section_add_item(s, "", "プロファイルにない節", 4);
  return doc;
}

/* Fails if dir holds anything but the names given (NULL-terminated). */
static void assert_dir_holds(const char *dir, ...) G_GNUC_NULL_TERMINATED;
static void assert_dir_holds(const char *dir, ...) {
  g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
  assert_non_null(d);
  for (const char *name; (name = g_dir_read_name(d));) {
    gboolean wanted = FALSE;
    va_list ap;
    va_start(ap, dir);
    for (const char *w; (w = va_arg(ap, const char *));)
      wanted = wanted || strcmp(name, w) == 0;
    va_end(ap);
    if (!wanted)
      fail_msg("unexpected file left in %s: %s", dir, name);
  }
}

/* The reader script: $K2X_CHECK_XLSX, else next to this source file. NULL when absent. */
static char *checker_path(void) {
  const char *env = g_getenv("K2X_CHECK_XLSX");
  g_autofree char *dir = g_path_get_dirname(__FILE__);
  char *path = env ? g_strdup(env) : g_build_filename(dir, "check_xlsx.py", NULL);
  if (!g_file_test(path, G_FILE_TEST_IS_REGULAR) ||
      !g_file_test(PYTHON, G_FILE_TEST_IS_EXECUTABLE)) {
    g_free(path);
    return NULL;
  }
  return path;
}

/* Copies xlsx into $K2X_KEEP_XLSX, when set, under its own name. */
static void keep_xlsx(const char *xlsx) {
  const char *keep = g_getenv("K2X_KEEP_XLSX");
  if (!keep)
    return;
  g_autofree char *data = NULL;
  gsize len = 0;
  g_autofree char *base = g_path_get_basename(xlsx);
  g_autofree char *copy = g_build_filename(keep, base, NULL);
  GError *error = NULL;
  if (!g_file_get_contents(xlsx, &data, &len, &error) ||
      !g_file_set_contents(copy, data, (gssize)len, &error))
    fail_msg("cannot keep %s in %s: %s", xlsx, keep, error->message);
}

/* Runs check_xlsx.py on xlsx with args (NULL-terminated, taken); skips the test when
 * python3 or the script is missing. */
static void run_checker(const char *xlsx, GPtrArray *args) {
  keep_xlsx(xlsx);
  g_autoptr(GPtrArray) own = args;
  g_autofree char *script = checker_path();
  if (!script) {
    print_message("check_xlsx.py or " PYTHON " not found: workbook not read back\n");
    skip();
  }
  g_ptr_array_insert(args, 0, script);
  g_ptr_array_insert(args, 0, PYTHON);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int status = 0;
  GError *error = NULL;
  if (!g_spawn_sync(NULL, (char **)args->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err,
                    &status, &error))
    fail_msg("cannot run %s: %s", PYTHON, error->message);
  if (!g_spawn_check_wait_status(status, NULL))
    fail_msg("check_xlsx.py failed:\n%s%s", out, err);
}

/* Runs check_xlsx.py --no-json on xlsx with the given extra arguments (NULL-terminated). */
static void check_xlsx(const char *xlsx, ...) G_GNUC_NULL_TERMINATED;
static void check_xlsx(const char *xlsx, ...) {
  GPtrArray *args = g_ptr_array_new();
  g_ptr_array_add(args, (gpointer)xlsx);
  g_ptr_array_add(args, "--no-json");
  va_list ap;
  va_start(ap, xlsx);
  for (const char *a; (a = va_arg(ap, const char *));)
    g_ptr_array_add(args, (gpointer)a);
  va_end(ap);
  g_ptr_array_add(args, NULL);
  run_checker(xlsx, args);
}

/* Runs check_xlsx.py on xlsx against the JSON of the same doc, as e2e does. */
static void check_xlsx_json(const char *xlsx, const char *json) {
  GPtrArray *args = g_ptr_array_new();
  g_ptr_array_add(args, (gpointer)xlsx);
  g_ptr_array_add(args, (gpointer)json);
  g_ptr_array_add(args, NULL);
  run_checker(xlsx, args);
}

/* Writes with options (NULL for the defaults), expecting success. */
static void write_opt_ok(const k2x_doc *const *docs, guint n, const k2x_profile *profile,
                         const char *path, const k2x_xlsx_options *options) {
  GError *error = NULL;
  k2x_error rc = k2x_write_xlsx_opt(docs, n, profile, path, options, &error);
  if (rc != K2X_OK)
    fail_msg("k2x_write_xlsx_opt: %s", error ? error->message : "no message");
  assert_null(error);
}

static void write_ok(const k2x_doc *const *docs, guint n, const k2x_profile *profile,
                     const char *path) {
  GError *error = NULL;
  k2x_error rc = k2x_write_xlsx(docs, n, profile, path, &error);
  if (rc != K2X_OK)
    fail_msg("k2x_write_xlsx: %s", error ? error->message : "no message");
  assert_null(error);
}

/* Expects K2X_ERR_WRITE with an error that names path. */
static void write_fails(const k2x_doc *const *docs, const k2x_profile *profile,
                        const char *path) {
  GError *error = NULL;
  assert_int_equal(k2x_write_xlsx(docs, 1, profile, path, &error), K2X_ERR_WRITE);
  assert_non_null(error);
  assert_true(g_error_matches(error, K2X_ERROR, K2X_ERR_WRITE));
  if (!strstr(error->message, path))
    fail_msg("message does not name %s: %s", path, error->message);
  g_error_free(error);
}

static void test_write_workbook_read_back(void **state) {
  fixture *f = *state;
  k2x_doc *d = doc_build("R2_jizenkadai.pdf");
  const k2x_doc *docs[] = {d};
  g_autofree char *path = g_build_filename(f->dir, "R2_jizenkadai.xlsx", NULL);
  write_ok(docs, 1, f->profile, path);
  assert_true(g_file_test(path, G_FILE_TEST_IS_REGULAR));
  assert_dir_holds(f->dir, "R2_jizenkadai.xlsx", NULL);
  k2x_doc_free(d);
  check_xlsx(path, "--expect-sheets", DEFAULT_SHEETS, "--expect-rows", DOC_ROWS,
             "--expect-header",
             TABLE_SHEET "=ファイル,報告No,都道府県,圏域等,行No,令和２年度の達成目標,取組状況,"
                         "頁,終了頁",
             "--expect-property", "title=kaigi2xlsx: R2_jizenkadai.pdf", "--expect-property",
             "subject=R2_jizenkadai.pdf", "--expect-property", "creator=kaigi2xlsx", NULL);
}

static void test_write_combined_docs(void **state) {
  fixture *f = *state;
  k2x_doc *a = doc_build("R2.pdf"), *b = doc_build("R3.pdf"), *c = doc_build("R4.pdf");
  const k2x_doc *docs[] = {a, b, c};
  g_autofree char *path = g_build_filename(f->dir, "all.xlsx", NULL);
  write_ok(docs, 3, f->profile, path);
  k2x_doc_free(a);
  k2x_doc_free(b);
  k2x_doc_free(c);
  check_xlsx(path, "--expect-rows",
             "報告一覧=6," TABLE_SHEET "=6,成果=9,課題=3,取組方針=9,全項目=39,警告=6",
             "--expect-property", "title=kaigi2xlsx: R2.pdf ほか 2 件", "--expect-property",
             "subject=R2.pdf, R3.pdf, R4.pdf", NULL);
}

static void test_write_no_docs(void **state) {
  fixture *f = *state;
  g_autofree char *path = g_build_filename(f->dir, "empty.xlsx", NULL);
  write_ok(NULL, 0, f->profile, path);
  /* Header-only sheets still get the filter and the profile's column names. */
  check_xlsx(path, "--expect-sheets", DEFAULT_SHEETS, "--expect-rows",
             "報告一覧=0," TABLE_SHEET "=0,成果=0,全項目=0,警告=0", "--expect-header",
             TABLE_SHEET "=ファイル,報告No,都道府県,圏域等,行No,達成目標,取組状況,頁,終了頁",
             NULL);
}

static void test_write_temp_path(void **state) {
  fixture *f = *state;
  g_autofree char *path = g_build_filename(f->dir, "out.xlsx", NULL);
  GError *error = NULL;
  g_autofree char *tmp = k2x_writer_temp_path(path, &error);
  assert_non_null(tmp);
  assert_null(error);
  g_autofree char *dir = g_path_get_dirname(tmp);
  g_autofree char *base = g_path_get_basename(tmp);
  assert_string_equal(dir, f->dir);
  assert_true(g_str_has_prefix(base, ".out.xlsx."));
  assert_int_equal(strlen(base), strlen(".out.xlsx.XXXXXX"));
  GStatBuf st;
  assert_int_equal(g_stat(tmp, &st), 0);
  /* The usual mode of a new file: 0666 less the umask. */
  mode_t mask = umask(0);
  umask(mask);
  assert_int_equal(st.st_mode & 0777, 0666 & ~mask);
  assert_int_equal(st.st_size, 0);
  g_unlink(tmp);
}

static void test_write_missing_dir(void **state) {
  fixture *f = *state;
  k2x_doc *d = doc_build("a.pdf");
  const k2x_doc *docs[] = {d};
  g_autofree char *path = g_build_filename(f->dir, "no-such-dir", "out.xlsx", NULL);
  write_fails(docs, f->profile, path);
  assert_dir_holds(f->dir, NULL);
  k2x_doc_free(d);
}

static void test_write_unwritable_dir(void **state) {
  fixture *f = *state;
  k2x_doc *d = doc_build("a.pdf");
  const k2x_doc *docs[] = {d};
  /* A regular file where the directory should be stops even root. */
  g_autofree char *file = g_build_filename(f->dir, "file", NULL);
  assert_true(g_file_set_contents(file, "x", 1, NULL));
  g_autofree char *under_file = g_build_filename(file, "out.xlsx", NULL);
  write_fails(docs, f->profile, under_file);
  assert_dir_holds(f->dir, "file", NULL);
  /* Permissions stop everyone else. */
  if (geteuid() != 0) {
    g_autofree char *ro = g_build_filename(f->dir, "ro", NULL);
    assert_int_equal(g_mkdir(ro, 0500), 0);
    g_autofree char *path = g_build_filename(ro, "out.xlsx", NULL);
    write_fails(docs, f->profile, path);
    assert_dir_holds(ro, NULL);
  }
  k2x_doc_free(d);
}

static void test_write_rename_fails(void **state) {
  fixture *f = *state;
  k2x_doc *d = doc_build("a.pdf");
  const k2x_doc *docs[] = {d};
  /* The workbook is complete but cannot replace a directory: the temporary file goes. */
  g_autofree char *path = g_build_filename(f->dir, "taken.xlsx", NULL);
  g_autofree char *inside = g_build_filename(path, "keep", NULL);
  assert_int_equal(g_mkdir(path, 0700), 0);
  assert_true(g_file_set_contents(inside, "x", 1, NULL));
  write_fails(docs, f->profile, path);
  assert_dir_holds(f->dir, "taken.xlsx", NULL);
  assert_true(g_file_test(path, G_FILE_TEST_IS_DIR));
  k2x_doc_free(d);
}

/* A section group of a test profile. */
static void profile_add_section(GString *ini, int number, gboolean table, const char *sheet) {
  g_string_append_printf(ini, "[section %d]\nheading = 見出し%d\nsheet = %s\n", number, number,
                         sheet);
  if (table)
    g_string_append(ini, "table = true\ncolumns = 目標;状況\n");
}

static void test_write_sheet_names_sanitised(void **state) {
  fixture *f = *state;
  const char *long_name =
      "精神障害にも対応した地域包括ケアシステム構築支援事業における達成目標と取組状況等";
  assert_int_equal(g_utf8_strlen(long_name, -1), 40);
  g_autoptr(GString) ini = g_string_new("[profile]\nname = names\npage_number = ^\\d+$\n"
                                        "item_marker = ^・\n");
  profile_add_section(ini, 1, TRUE, "a/b:c*d?[e]");
  profile_add_section(ini, 2, FALSE, long_name);
  profile_add_section(ini, 3, FALSE, long_name);
  profile_add_section(ini, 4, FALSE, "成果");
  profile_add_section(ini, 5, FALSE, "成果");
  profile_add_section(ini, 6, FALSE, "全項目");
  profile_add_section(ini, 7, FALSE, "Notes");
  profile_add_section(ini, 8, FALSE, "NOTES");
  profile_add_section(ini, 9, FALSE, "'quoted'");
  /* Japanese Excel takes full-width forms for the ASCII ones and compares names without
   * width; it reserves 履歴 as English Excel reserves History. */
  profile_add_section(ini, 10, FALSE, "ｎｏｔｅｓ");
  profile_add_section(ini, 11, FALSE, "history");
  profile_add_section(ini, 12, FALSE, "履歴");
  profile_add_section(ini, 13, FALSE, "成果／課題：＊？");
  profile_add_section(ini, 14, FALSE, "’引用’");
  profile_add_section(ini, 15, FALSE, "tab\\there");
  /* Sixteen characters outside the BMP are 32 units: the name keeps 15. */
  profile_add_section(ini, 16, FALSE, "𠮷𠮷𠮷𠮷𠮷𠮷𠮷𠮷𠮷𠮷𠮷𠮷𠮷𠮷𠮷𠮷");
  profile_add_section(ini, 17, FALSE, "");
  GError *error = NULL;
  g_autoptr(k2x_profile) profile = k2x_profile_new_from_data(ini->str, ini->len, &error);
  if (!profile)
    fail_msg("test profile: %s", error->message);

  g_autofree char *path = g_build_filename(f->dir, "names.xlsx", NULL);
  write_ok(NULL, 0, profile, path);
  g_autofree char *cut31 = g_utf8_substring(long_name, 0, 31);
  g_autofree char *cut27 = g_utf8_substring(long_name, 0, 27);
  g_autofree char *second = g_strconcat(cut27, " (2)", NULL);
  check_xlsx(path, "--expect-sheets", "報告一覧", "a_b_c_d__e_", cut31, second, "成果",
             "成果 (2)", "全項目 (2)", "Notes", "NOTES (2)", "_quoted_", "ｎｏｔｅｓ (3)",
             "history (2)", "履歴 (2)", "成果_課題___", "_引用_", "tab_here",
             "𠮷𠮷𠮷𠮷𠮷𠮷𠮷𠮷𠮷𠮷𠮷𠮷𠮷𠮷𠮷", "section17", "全項目", "警告",
             "--expect-header", "a_b_c_d__e_=ファイル,報告No,都道府県,圏域等,行No,目標,状況,頁,終了頁",
             NULL);
}

/* Fails unless the JSON at path holds want as the text of reports[r].sections[s].items[i]. */
static void assert_json_item(const char *path, guint r, guint s, guint i, const char *want) {
  g_autoptr(JsonParser) parser = json_parser_new();
  assert_true(json_parser_load_from_file(parser, path, NULL));
  JsonObject *root = json_node_get_object(json_parser_get_root(parser));
  JsonArray *a = json_object_get_array_member(root, "reports");
  a = json_object_get_array_member(json_array_get_object_element(a, r), "sections");
  a = json_object_get_array_member(json_array_get_object_element(a, s), "items");
  assert_string_equal(json_object_get_string_member(json_array_get_object_element(a, i), "text"),
                      want);
}

static void test_write_long_cell_truncated(void **state) {
  fixture *f = *state;
  k2x_doc *d = doc_build("long.pdf");
  k2x_report *r = g_ptr_array_index(d->reports, 0);
  k2x_section *s = g_ptr_array_index(r->sections, 1);
  /* Three-byte characters, then one outside the BMP astride the limit. */
  GString *text = g_string_new(NULL);
  for (int i = 0; i < 32766; i++)
    g_string_append(text, "あ");
  g_string_append(text, "𠮷");
  for (int i = 0; i < 5000; i++)
    g_string_append(text, "い");
  k2x_section_add_item(s, "", text->str, 2);
  const k2x_doc *docs[] = {d};
  g_autofree char *path = g_build_filename(f->dir, "long.xlsx", NULL);
  write_ok(docs, 1, f->profile, path);
  g_autofree char *json = g_build_filename(f->dir, "long.json", NULL);
  GError *error = NULL;
  assert_int_equal(k2x_write_json(d, json, &error), K2X_OK);
  k2x_doc_free(d);

  /* The cell keeps 32,760 units and the marker: 32,767. */
  GString *want = g_string_new("成果!F4=");
  for (int i = 0; i < 32760; i++)
    g_string_append(want, "あ");
  g_string_append(want, K2X_XLSX_CUT_MARKER);
  /* One warning for the item, although both 成果 and 全項目 show it; the first report's
   * warnings come first. */
  check_xlsx(path, "--expect-rows", "成果=4,全項目=14,警告=3", "--expect-cell", want->str,
             "--expect-cell", "警告!D2=cell_truncated", "--expect-cell",
             "警告!E2=節2 項目3: 37768 文字あり、Excel のセルの上限 32767 文字を超えるため、"
             "末尾を「…（以下省略）」としました（JSON には全文があります）",
             "--expect-cell", "警告!B2=1", "--expect-cell", "警告!C2=2",
             "--expect-cell", "報告一覧!K2=1", "--expect-cell", "報告一覧!K3=1", NULL);
  g_string_free(want, TRUE);
  check_xlsx_json(path, json);

  /* The JSON keeps the text whole. */
  assert_json_item(json, 0, 1, 2, text->str);
  g_string_free(text, TRUE);
}

static void assert_fit(const char *text, k2x_xlsx_fit want, const char *want_text,
                       guint want_removed) {
  char *fitted = NULL;
  guint removed = 99;
  assert_int_equal(k2x_xlsx_text_fit(text, &fitted, &removed), want);
  if (want_text)
    assert_string_equal(fitted, want_text);
  else
    assert_null(fitted);
  assert_int_equal(removed, want_removed);
  g_free(fitted);
}

/* n copies of unit, then tail. Caller frees. */
static char *repeat(const char *unit, int n, const char *tail) {
  GString *s = g_string_new(NULL);
  for (int i = 0; i < n; i++)
    g_string_append(s, unit);
  g_string_append(s, tail);
  return g_string_free(s, FALSE);
}

static void test_write_text_fit(void **state) {
  assert_fit("協議の場", K2X_XLSX_FIT_NONE, NULL, 0);
  /* What XML 1.0 forbids goes; tab, newline, CR and DEL stay. */
  assert_fit("a\x01" "b\tc\nd\re\x0b\x0c\x1f\x7f\xef\xbf\xbe\xef\xbf\xbf\xef\xbf\xbd!",
             K2X_XLSX_FIT_CONTROL, "ab\tc\nd\re\x7f\xef\xbf\xbd!", 6);
  /* A bad byte is repaired without a flag. */
  assert_fit("a\xff" "b", K2X_XLSX_FIT_NONE, "a\xef\xbf\xbd" "b", 0);

  /* Exactly the limit stays. */
  g_autofree char *full = repeat("あ", K2X_XLSX_CELL_MAX, "");
  assert_fit(full, K2X_XLSX_FIT_NONE, NULL, 0);
  /* One unit more: 32,760 units and the marker. */
  g_autofree char *over = repeat("あ", K2X_XLSX_CELL_MAX - 1, "𠮷");
  g_autofree char *cut = repeat("あ", 32760, K2X_XLSX_CUT_MARKER);
  assert_fit(over, K2X_XLSX_FIT_CUT, cut, 0);
  assert_int_equal(k2x_xlsx_units(cut), K2X_XLSX_CELL_MAX);
  /* A pair of units astride the cut goes whole. */
  g_autofree char *astral = repeat("あ", 32759, "𠮷いいいいいいいいいいいい");
  g_autofree char *astral_cut = repeat("あ", 32759, K2X_XLSX_CUT_MARKER);
  assert_fit(astral, K2X_XLSX_FIT_CUT, astral_cut, 0);
  /* か and its combining dakuten go together; so do a kanji and its variation selector. */
  g_autofree char *mark = repeat("あ", 32759, "か\xe3\x82\x99いいいいいいいいいい");
  assert_fit(mark, K2X_XLSX_FIT_CUT, astral_cut, 0);
  g_autofree char *ivs = repeat("あ", 32759, "葛\xf3\xa0\x84\x80いいいいいいいいいい");
  assert_fit(ivs, K2X_XLSX_FIT_CUT, astral_cut, 0);
  /* Both at once: the control characters go first, then the cut. */
  g_autofree char *both = repeat("\x01あ", 40000, "");
  char *fitted = NULL;
  guint removed = 0;
  assert_int_equal(k2x_xlsx_text_fit(both, &fitted, &removed),
                   K2X_XLSX_FIT_CONTROL | K2X_XLSX_FIT_CUT);
  assert_int_equal(removed, 40000);
  assert_string_equal(fitted, cut);
  g_free(fitted);
}

/* Control characters in the file name, a label, an item and a table cell are removed from the
 * workbook (each with a control_removed warning on its doc or report) and kept by the JSON. */
static void test_write_control_removed(void **state) {
  fixture *f = *state;
  k2x_doc *d = doc_build("ctl\x01.pdf");
  k2x_report *r = g_ptr_array_index(d->reports, 0);
  tu_set_string(&r->label, "青森県\x0b（津軽圏域）");
  k2x_section *s = g_ptr_array_index(r->sections, 0);
  k2x_row *row = g_ptr_array_index(s->rows, 0);
  tu_set_string(&((k2x_cell *)g_ptr_array_index(row->cells, 1))->text, "年４回\x1b開催した。");
  s = g_ptr_array_index(r->sections, 1);
  const char *item = "・改\x02行\tと\n\xef\xbf\xbf改行";
  k2x_section_add_item(s, "・", item, 2);
  const k2x_doc *docs[] = {d};
  g_autofree char *path = g_build_filename(f->dir, "control.xlsx", NULL);
  write_ok(docs, 1, f->profile, path);
  g_autofree char *json = g_build_filename(f->dir, "control.json", NULL);
  GError *error = NULL;
  assert_int_equal(k2x_write_json(d, json, &error), K2X_OK);
  k2x_doc_free(d);

  check_xlsx(path, "--expect-rows", "成果=4,警告=6", "--expect-property",
             "title=kaigi2xlsx: ctl.pdf", "--expect-cell", "報告一覧!A2=ctl.pdf",
             "--expect-cell", "報告一覧!E2=青森県（津軽圏域）", "--expect-cell",
             "報告一覧!K2=3", "--expect-cell", TABLE_SHEET "!G2=年４回開催した。",
             "--expect-cell", "成果!F4=・改行\tと\n改行",
             /* Each report's warnings, then (known at its end) the doc's own and the file
              * name's. */
             "--expect-cell", "警告!E2=地域ラベル: XML で使えない制御文字 1 個をセルから除きました"
             "（JSON には残っています）",
             "--expect-cell", "警告!E3=節1 行1 列2: XML で使えない制御文字 1 個をセルから除きました"
             "（JSON には残っています）",
             "--expect-cell", "警告!E4=節2 項目3: XML で使えない制御文字 2 個をセルから除きました"
             "（JSON には残っています）",
             "--expect-cell", "警告!C4=2", "--expect-cell", "警告!D5=region_inferred",
             "--expect-cell", "警告!D6=page_no_text", "--expect-cell", "警告!D7=control_removed",
             "--expect-cell", "警告!B7=", "--expect-cell",
             "警告!E7=ファイル名: XML で使えない制御文字 1 個をセルから除きました"
             "（JSON には残っています）",
             NULL);
  check_xlsx_json(path, json);

  /* The JSON escapes what it must and keeps every character. */
  g_autofree char *text = NULL;
  assert_true(g_file_get_contents(json, &text, NULL, NULL));
  assert_non_null(strstr(text, "ctl\\u0001.pdf"));
  assert_json_item(json, 0, 1, 2, item);
}

/* Sheets of three rows: the rest of a sheet continues on "NAME (2)", "NAME (3)" ... with the
 * same header, filter and frozen row, added after the sheets there are by then (rows are
 * written as they come); a sheet that its rows fill exactly does not continue. */
static void test_write_rows_continue(void **state) {
  fixture *f = *state;
  k2x_doc *d = doc_build("rows.pdf");
  const k2x_doc *docs[] = {d};
  g_autofree char *path = g_build_filename(f->dir, "rows3.xlsx", NULL);
  k2x_xlsx_options options = {.sheet_rows = 3};
  write_opt_ok(docs, 1, f->profile, path, &options);
  g_autofree char *json = g_build_filename(f->dir, "rows3.json", NULL);
  GError *error = NULL;
  assert_int_equal(k2x_write_json(d, json, &error), K2X_OK);
  k2x_doc_free(d);
  /* Report 1 fills 全項目 to its fifth part, report 2 continues 成果, 取組方針 and 全項目. */
  check_xlsx(path, "--expect-sheets", DEFAULT_SHEETS, "全項目 (2)", "全項目 (3)", "全項目 (4)",
             "全項目 (5)", "成果 (2)", "取組方針 (2)", "全項目 (6)", "全項目 (7)", "--expect-rows",
             "報告一覧=2," TABLE_SHEET "=2,成果=2,成果 (2)=1,課題=1,取組方針=2,取組方針 (2)=1,"
             "全項目=2,全項目 (2)=2,全項目 (6)=2,全項目 (7)=1,警告=2",
             "--expect-header", "成果 (2)=ファイル,報告No,都道府県,圏域等,項目No,内容,頁",
             "--expect-cell", "成果 (2)!B2=2", "--expect-cell",
             "成果 (2)!F2=アドバイザーの助言で計画ができた", "--expect-cell",
             "全項目 (7)!I2=プロファイルにない節", NULL);
  /* Read as one sheet each, the parts hold what the JSON holds. */
  check_xlsx_json(path, json);

  /* Out of range takes Excel's limit: nothing continues. */
  d = doc_build("rows.pdf");
  docs[0] = d;
  options.sheet_rows = 1;
  g_autofree char *path1 = g_build_filename(f->dir, "rows1.xlsx", NULL);
  write_opt_ok(docs, 1, f->profile, path1, &options);
  k2x_doc_free(d);
  check_xlsx(path1, "--expect-sheets", DEFAULT_SHEETS, "--expect-rows", DOC_ROWS, NULL);
}

/* Hands every report of doc to w, then ends the doc, freeing each report as soon as it is
 * written, as the converter does: nothing the writer keeps may point into a report. The doc's
 * own warnings come last, as a converter knows them only at the end. */
static void stream_doc(k2x_xlsx_writer *w, k2x_doc *doc) {
  GError *error = NULL;
  g_autoptr(GPtrArray) late = g_ptr_array_new_with_free_func(g_free);
  for (guint i = 0; i < doc->warnings->len; i++) {
    const k2x_warning *wn = g_ptr_array_index(doc->warnings, i);
    g_ptr_array_add(late, g_strdup_printf("%s\t%d\t%s", wn->code, wn->page, wn->message));
  }
  g_ptr_array_set_size(doc->warnings, 0);
  while (doc->reports->len > 0) {
    if (k2x_xlsx_writer_add_report(w, doc, g_ptr_array_index(doc->reports, 0), &error))
      fail_msg("k2x_xlsx_writer_add_report: %s", error->message);
    g_ptr_array_remove_index(doc->reports, 0);
  }
  for (guint i = 0; i < late->len; i++) {
    g_auto(GStrv) parts = g_strsplit(g_ptr_array_index(late, i), "\t", 3);
    k2x_doc_add_warning(doc, parts[0], atoi(parts[1]), "%s", parts[2]);
  }
  if (k2x_xlsx_writer_end_doc(w, doc, &error))
    fail_msg("k2x_xlsx_writer_end_doc: %s", error->message);
}

/* doc_build with what fitting must change: control characters in the file name, the label and
 * an item, and an item over a cell's limit. */
static k2x_doc *doc_fitted(const char *file) {
  k2x_doc *d = doc_build(file);
  k2x_report *r = g_ptr_array_index(d->reports, 0);
  tu_set_string(&r->label, "青森県\x0b（津軽圏域）");
  k2x_section *s = g_ptr_array_index(r->sections, 1);
  k2x_section_add_item(s, "・", "・改\x02行", 2);
  g_autofree char *long_text = repeat("あ", K2X_XLSX_CELL_MAX + 10, "");
  k2x_section_add_item(s, "", long_text, 2);
  return d;
}

/* Three docs (one without reports), sheets of four rows: written report by report, each
 * report freed at once, the workbook holds what the whole-doc call writes. */
static void test_write_stream_same_as_whole(void **state) {
  fixture *f = *state;
  k2x_xlsx_options options = {.sheet_rows = 4};
  k2x_doc *docs[3];
  for (int pass = 0; pass < 2; pass++) {
    docs[0] = doc_fitted("ctl\x01.pdf");
    docs[1] = k2x_doc_new();
    docs[1]->file = g_strdup("none.pdf");
    k2x_doc_add_warning(docs[1], "no_report", 0, "報告がありません");
    docs[2] = doc_build("R3.pdf");
    g_autofree char *path =
        g_build_filename(f->dir, pass == 0 ? "whole.xlsx" : "stream.xlsx", NULL);
    if (pass == 0) {
      write_opt_ok((const k2x_doc *const *)docs, 3, f->profile, path, &options);
    } else {
      GError *error = NULL;
      k2x_xlsx_writer *w = k2x_xlsx_writer_open(path, f->profile, &options, &error);
      assert_non_null(w);
      for (int d = 0; d < 3; d++)
        stream_doc(w, docs[d]);
      if (k2x_xlsx_writer_close(w, &error))
        fail_msg("k2x_xlsx_writer_close: %s", error->message);
    }
    for (int d = 0; d < 3; d++)
      k2x_doc_free(docs[d]);
  }
  g_autofree char *whole = g_build_filename(f->dir, "whole.xlsx", NULL);
  g_autofree char *stream = g_build_filename(f->dir, "stream.xlsx", NULL);
  check_xlsx(stream, "--same-as", whole, "--expect-property",
             "title=kaigi2xlsx: ctl.pdf ほか 2 件", "--expect-property",
             "subject=ctl.pdf, none.pdf, R3.pdf", "--expect-cell", "警告!E2=地域ラベル: "
             "XML で使えない制御文字 1 個をセルから除きました（JSON には残っています）",
             NULL);
}

/* An aborted workbook leaves nothing, whether rows were written or not. */
static void test_write_stream_abort(void **state) {
  fixture *f = *state;
  g_autofree char *path = g_build_filename(f->dir, "aborted.xlsx", NULL);
  GError *error = NULL;
  k2x_xlsx_writer_abort(k2x_xlsx_writer_open(path, f->profile, NULL, &error));
  assert_null(error);
  assert_dir_holds(f->dir, NULL);
  k2x_doc *d = doc_build("a.pdf");
  k2x_xlsx_writer *w = k2x_xlsx_writer_open(path, f->profile, NULL, &error);
  assert_non_null(w);
  assert_int_equal(k2x_xlsx_writer_add_report(w, d, g_ptr_array_index(d->reports, 0), &error),
                   K2X_OK);
  k2x_xlsx_writer_abort(w);
  k2x_xlsx_writer_abort(NULL);
  k2x_doc_free(d);
  assert_dir_holds(f->dir, NULL);
  /* One that cannot be created says so and leaves nothing either. */
  g_autofree char *missing = g_build_filename(f->dir, "no-such-dir", "x.xlsx", NULL);
  assert_null(k2x_xlsx_writer_open(missing, f->profile, NULL, &error));
  assert_true(g_error_matches(error, K2X_ERROR, K2X_ERR_WRITE));
  assert_non_null(strstr(error->message, missing));
  g_error_free(error);
  assert_dir_holds(f->dir, NULL);
}

/* The table's columns are fixed by the first report with a table; a later report's wider
 * rows (a JSON of another profile) continue the sheet with the wider header, named after that
 * report's printed header. */
static void test_write_table_widens(void **state) {
  fixture *f = *state;
  k2x_doc *d = doc_build("wide.pdf");
  k2x_report *r = g_ptr_array_index(d->reports, 1);
  k2x_section *s = k2x_report_add_section(r, 1, "令和３年度の達成目標・取組状況", TRUE);
  const char *const printed[] = {"目標", "状況", "評価"};
  for (guint i = 0; i < G_N_ELEMENTS(printed); i++)
    g_ptr_array_add(s->header, g_strdup(printed[i]));
  k2x_row *row = k2x_section_add_row(s, 3);
  row_fill(row, 3, 3, "相談体制を整える", "整えた");
  tu_set_string(&((k2x_cell *)g_ptr_array_index(row->cells, 2))->text, "達成");
  const k2x_doc *docs[] = {d};
  g_autofree char *path = g_build_filename(f->dir, "wide.xlsx", NULL);
  write_ok(docs, 1, f->profile, path);
  g_autofree char *json = g_build_filename(f->dir, "wide.json", NULL);
  GError *error = NULL;
  assert_int_equal(k2x_write_json(d, json, &error), K2X_OK);
  k2x_doc_free(d);
  check_xlsx(path, "--expect-sheets", DEFAULT_SHEETS, TABLE_SHEET " (2)", "--expect-rows",
             TABLE_SHEET "=2," TABLE_SHEET " (2)=1,全項目=16", "--expect-header",
             TABLE_SHEET "=ファイル,報告No,都道府県,圏域等,行No,令和２年度の達成目標,取組状況,"
                         "頁,終了頁",
             "--expect-header",
             TABLE_SHEET " (2)=ファイル,報告No,都道府県,圏域等,行No,令和２年度の達成目標,"
                         "取組状況,評価,頁,終了頁",
             "--expect-cell", TABLE_SHEET " (2)!H2=達成", "--expect-cell", "全項目!H17=評価",
             NULL);
  check_xlsx_json(path, json);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_write_workbook_read_back, setup, tu_fixture_teardown),
      cmocka_unit_test_setup_teardown(test_write_combined_docs, setup, tu_fixture_teardown),
      cmocka_unit_test_setup_teardown(test_write_no_docs, setup, tu_fixture_teardown),
      cmocka_unit_test_setup_teardown(test_write_temp_path, setup, tu_fixture_teardown),
      cmocka_unit_test_setup_teardown(test_write_missing_dir, setup, tu_fixture_teardown),
      cmocka_unit_test_setup_teardown(test_write_unwritable_dir, setup, tu_fixture_teardown),
      cmocka_unit_test_setup_teardown(test_write_rename_fails, setup, tu_fixture_teardown),
      cmocka_unit_test_setup_teardown(test_write_sheet_names_sanitised, setup, tu_fixture_teardown),
      cmocka_unit_test_setup_teardown(test_write_long_cell_truncated, setup, tu_fixture_teardown),
      cmocka_unit_test(test_write_text_fit),
      cmocka_unit_test_setup_teardown(test_write_control_removed, setup, tu_fixture_teardown),
      cmocka_unit_test_setup_teardown(test_write_rows_continue, setup, tu_fixture_teardown),
      cmocka_unit_test_setup_teardown(test_write_stream_same_as_whole, setup, tu_fixture_teardown),
      cmocka_unit_test_setup_teardown(test_write_stream_abort, setup, tu_fixture_teardown),
      cmocka_unit_test_setup_teardown(test_write_table_widens, setup, tu_fixture_teardown),
  };
  /* Workbooks kept from an earlier run would be opened again as if this run wrote them. */
  const char *keep = g_getenv("K2X_KEEP_XLSX");
  if (keep) {
    g_mkdir_with_parents(keep, 0777);
    g_autoptr(GDir) dir = g_dir_open(keep, 0, NULL);
    for (const char *name; dir && (name = g_dir_read_name(dir));) {
      g_autofree char *old = g_build_filename(keep, name, NULL);
      if (g_str_has_suffix(name, ".xlsx"))
        g_unlink(old);
    }
  }
  return cmocka_run_group_tests(tests, NULL, NULL);
}
