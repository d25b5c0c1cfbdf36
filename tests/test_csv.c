/* test_csv: the CSV writer — the workbook's sheets as files, RFC 4180 quoting and CRLF, the
 * BOM, formulas neutralised, CP932 (read back, unmappable characters), one input's files
 * written all or none, the same bytes written whole or report by report — and the sheets
 * both spreadsheet writers share. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <glib/gstdio.h>

#include "profile.h"
#include "sheets.h"
#include "testutil.h"
#include "writer.h"

#define PYTHON "/usr/bin/python3"
#define BOM "\xEF\xBB\xBF"
#define TABLE_SHEET "達成目標・取組状況"

typedef tu_fixture fixture;

static int setup(void **state) {
  return tu_fixture_setup(state, "k2x-csv-XXXXXX");
}

/* One report whose texts hold what CSV must take care of: commas, quotes, line ends, text a
 * spreadsheet would run as a formula, a control character. The 成果 items come third in
 * the list sheets (row 2 onwards: 成果 rows 2–7). */
static k2x_doc *doc_build(const char *file) {
  k2x_doc *doc = k2x_doc_new();
  doc->file = g_strdup(file);
  doc->profile = g_strdup("ad-jizenkadai");
  doc->pages = 2;
  k2x_doc_add_warning(doc, "page_no_text", 2, "%d 頁に文字がありません", 2);

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
  k2x_row *row = k2x_section_add_row(s, 2);
  tu_set_string(&((k2x_cell *)g_ptr_array_index(row->cells, 0))->text, "協議の場を設置する");
  tu_set_string(&((k2x_cell *)g_ptr_array_index(row->cells, 1))->text,
             "年４回開催した。\n２回目から「当事者」が参加した。");
  row->page_first = row->page_last = 1;
  s = k2x_report_add_section(r, 2, "支援事業の成果", FALSE);
  k2x_section_add_item(s, "", "市町村, 保健所, 病院が集まった", 1);
  k2x_section_add_item(s, "", "\"ピア\"の声を聞いた", 1);
  k2x_section_add_item(s, "", "=1+1", 2);
  k2x_section_add_item(s, "", "-減った件数\r\n+増えた件数", 2);
  k2x_section_add_item(s, "", "@SUM(A1)\t①髙～", 2);
  k2x_section_add_item(s, "", "制御\x01文字", 0);
  s = k2x_report_add_section(r, 3, "次年度に向けた課題", FALSE);
  k2x_section_add_item(s, "・", "・人材の確保", 2);
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

static void write_csv_ok(const k2x_doc *doc, const k2x_profile *profile, const char *dir,
                         const char *stem, const k2x_csv_options *options,
                         GPtrArray *warnings) {
  GError *error = NULL;
  g_autoptr(GPtrArray) written = g_ptr_array_new_with_free_func(g_free);
  k2x_error rc = k2x_write_csv(&doc, doc ? 1 : 0, profile, dir, stem, options, written,
                               warnings, &error);
  if (rc != K2X_OK)
    fail_msg("k2x_write_csv: %s", error ? error->message : "no message");
  assert_null(error);
  for (guint i = 0; i < written->len; i++)
    assert_true(g_file_test(g_ptr_array_index(written, i), G_FILE_TEST_IS_REGULAR));
}

static char *read_file(const char *dir, const char *name, gsize *len) {
  g_autofree char *path = g_build_filename(dir, name, NULL);
  char *data = NULL;
  GError *error = NULL;
  if (!g_file_get_contents(path, &data, len, &error))
    fail_msg("%s", error->message);
  return data;
}

/* Runs check_xlsx.py on xlsx against the CSV files in dir; skips the test when python3 or
 * the script is missing. */
static void check_csv_dir(const char *xlsx, const char *dir, const char *stem,
                          const char *encoding) {
  g_autofree char *here = g_path_get_dirname(__FILE__);
  g_autofree char *script = g_build_filename(here, "check_xlsx.py", NULL);
  if (!g_file_test(script, G_FILE_TEST_IS_REGULAR) ||
      !g_file_test(PYTHON, G_FILE_TEST_IS_EXECUTABLE)) {
    print_message("check_xlsx.py or " PYTHON " not found: CSV not compared\n");
    skip();
  }
  const char *argv[] = {PYTHON, script,       xlsx, "--no-json",      "--csv-dir", dir,
                        "--csv-stem", stem, "--csv-encoding", encoding, NULL};
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int status = 0;
  GError *error = NULL;
  if (!g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status,
                    &error))
    fail_msg("cannot run %s: %s", PYTHON, error->message);
  if (!g_spawn_check_wait_status(status, NULL))
    fail_msg("check_xlsx.py failed:\n%s%s", out, err);
}

/* The sheets of the default profile as k2x_csv_suffixes names their files. */
static void test_csv_suffixes(void **state) {
  fixture *f = *state;
  g_auto(GStrv) suffixes = k2x_csv_suffixes(f->profile);
  const char *want[] = {".報告一覧.csv", "." TABLE_SHEET ".csv", ".成果.csv", ".課題.csv",
                        ".取組方針.csv", ".全項目.csv", ".警告.csv"};
  assert_int_equal(g_strv_length(suffixes), G_N_ELEMENTS(want));
  for (guint i = 0; i < G_N_ELEMENTS(want); i++)
    assert_string_equal(suffixes[i], want[i]);
}

/* The bytes of one file: BOM, CRLF after every record, quoting, formulas neutralised. */
static void test_csv_quoting_crlf_bom(void **state) {
  fixture *f = *state;
  k2x_doc *d = doc_build("R2.pdf");
  write_csv_ok(d, f->profile, f->dir, "R2", NULL, NULL);
  k2x_doc_free(d);
  gsize len = 0;
  g_autofree char *got = read_file(f->dir, "R2.成果.csv", &len);
  const char *want = BOM "ファイル,報告No,都道府県,圏域等,項目No,内容,頁\r\n"
                         "R2.pdf,1,青森県,津軽圏域,1,\"市町村, 保健所, 病院が集まった\",1\r\n"
                         "R2.pdf,1,青森県,津軽圏域,2,\"\"\"ピア\"\"の声を聞いた\",1\r\n"
                         "R2.pdf,1,青森県,津軽圏域,3,'=1+1,2\r\n"
                         "R2.pdf,1,青森県,津軽圏域,4,\"'-減った件数\r\n+増えた件数\",2\r\n"
                         "R2.pdf,1,青森県,津軽圏域,5,'@SUM(A1)\t①髙～,2\r\n"
                         "R2.pdf,1,青森県,津軽圏域,6,制御文字,\r\n";
  assert_int_equal(len, strlen(want));
  assert_string_equal(got, want);
  /* A paragraph break inside a cell stays LF, inside quotes. */
  g_autofree char *table = read_file(f->dir, "R2." TABLE_SHEET ".csv", NULL);
  assert_non_null(strstr(table, ",\"年４回開催した。\n２回目から「当事者」が参加した。\",1,1\r\n"));
  /* The report's warning count holds the control_removed notice, as in the workbook. */
  g_autofree char *reports = read_file(f->dir, "R2.報告一覧.csv", NULL);
  assert_non_null(strstr(reports, "\r\nR2.pdf,1,青森県,津軽圏域,青森県（津軽圏域）,ラベル,1,2,1,7,1\r\n"));
  g_autofree char *warnings = read_file(f->dir, "R2.警告.csv", NULL);
  assert_non_null(strstr(warnings, "\r\nR2.pdf,,2,page_no_text,2 頁に文字がありません\r\n"));
  assert_non_null(strstr(warnings, "\r\nR2.pdf,1,,control_removed,節2 項目6: "));
}

/* Every sheet's CSV holds what openpyxl reads from the workbook of the same doc: in UTF-8,
 * in CP932, and with sheets continued past a row limit. */
static void test_csv_same_as_xlsx(void **state) {
  fixture *f = *state;
  k2x_doc *d = doc_build("same.pdf");
  const k2x_doc *docs[] = {d};
  GError *error = NULL;
  g_autofree char *xlsx = g_build_filename(f->dir, "same.xlsx", NULL);
  assert_int_equal(k2x_write_xlsx(docs, 1, f->profile, xlsx, &error), K2X_OK);
  write_csv_ok(d, f->profile, f->dir, "same", NULL, NULL);
  g_autofree char *sjis = g_build_filename(f->dir, "sjis", NULL);
  g_mkdir(sjis, 0700);
  k2x_csv_options cp932 = {.encoding = K2X_CSV_CP932};
  write_csv_ok(d, f->profile, sjis, "same", &cp932, NULL);

  g_autofree char *parts = g_build_filename(f->dir, "parts", NULL);
  g_mkdir(parts, 0700);
  g_autofree char *xlsx3 = g_build_filename(parts, "rows3.xlsx", NULL);
  k2x_xlsx_options xopt = {.sheet_rows = 3};
  assert_int_equal(k2x_write_xlsx_opt(docs, 1, f->profile, xlsx3, &xopt, &error), K2X_OK);
  k2x_csv_options copt = {.sheet_rows = 3};
  write_csv_ok(d, f->profile, parts, "rows3", &copt, NULL);
  k2x_doc_free(d);

  check_csv_dir(xlsx, f->dir, "same", "utf-8-bom");
  check_csv_dir(xlsx, sjis, "same", "cp932");
  check_csv_dir(xlsx3, parts, "rows3", "utf-8-bom");
  g_autofree char *part = g_build_filename(parts, "rows3.成果 (3).csv", NULL);
  assert_true(g_file_test(part, G_FILE_TEST_IS_REGULAR));
}

/* CP932 files, converted back to UTF-8, are the UTF-8 files without their BOM. */
static void test_csv_cp932_read_back(void **state) {
  fixture *f = *state;
  k2x_doc *d = doc_build("sjis.pdf");
  g_autofree char *utf8_dir = g_build_filename(f->dir, "utf8", NULL);
  g_autofree char *sjis_dir = g_build_filename(f->dir, "sjis", NULL);
  g_mkdir(utf8_dir, 0700);
  g_mkdir(sjis_dir, 0700);
  write_csv_ok(d, f->profile, utf8_dir, "sjis", NULL, NULL);
  k2x_csv_options opt = {.encoding = K2X_CSV_CP932};
  write_csv_ok(d, f->profile, sjis_dir, "sjis", &opt, NULL);
  k2x_doc_free(d);
  g_auto(GStrv) suffixes = k2x_csv_suffixes(f->profile);
  for (char **s = suffixes; *s; s++) {
    g_autofree char *name = g_strconcat("sjis", *s, NULL);
    gsize utf8_len = 0, sjis_len = 0, back_len = 0;
    g_autofree char *utf8 = read_file(utf8_dir, name, &utf8_len);
    g_autofree char *sjis = read_file(sjis_dir, name, &sjis_len);
    assert_true(g_str_has_prefix(utf8, BOM));
    assert_false(g_str_has_prefix(sjis, BOM));
    GError *error = NULL;
    g_autofree char *back =
        g_convert(sjis, (gssize)sjis_len, "UTF-8", "CP932", NULL, &back_len, &error);
    if (!back)
      fail_msg("%s is not CP932: %s", name, error->message);
    assert_int_equal(back_len, utf8_len - strlen(BOM));
    assert_string_equal(back, utf8 + strlen(BOM));
  }
}

/* A doc whose 成果 item 2 holds 𠮷, which CP932 lacks; it shows on 成果 and 全項目. */
static k2x_doc *doc_unmappable(void) {
  k2x_doc *d = doc_build("kanji.pdf");
  k2x_report *r = g_ptr_array_index(d->reports, 0);
  k2x_item *it = g_ptr_array_index(((k2x_section *)g_ptr_array_index(r->sections, 1))->items, 1);
  tu_set_string(&it->text, "𠮷野家の前で¦会った");
  return d;
}

/* With strict, a character CP932 cannot hold fails the input, naming the file, sheet,
 * row, column and character, and no file is left, not even the sheets written before. */
static void test_csv_cp932_unmappable(void **state) {
  fixture *f = *state;
  k2x_doc *d = doc_unmappable();
  k2x_csv_options opt = {.encoding = K2X_CSV_CP932, .strict = TRUE};
  GError *error = NULL;
  g_autoptr(GPtrArray) written = g_ptr_array_new_with_free_func(g_free);
  assert_int_equal(k2x_write_csv((const k2x_doc *const *)&d, 1, f->profile, f->dir, "kanji",
                                 &opt, written, NULL, &error),
                   K2X_ERR_WRITE);
  k2x_doc_free(d);
  assert_true(g_error_matches(error, K2X_ERROR, K2X_ERR_WRITE));
  const char *needles[] = {"kanji.成果.csv", "sheet 成果", "row 3", "column 6 (内容)",
                           "U+20BB7", "「𠮷」"};
  for (guint i = 0; i < G_N_ELEMENTS(needles); i++)
    if (!strstr(error->message, needles[i]))
      fail_msg("message lacks \"%s\": %s", needles[i], error->message);
  g_error_free(error);
  assert_int_equal(written->len, 0);
  assert_dir_holds(f->dir, NULL);
}

/* By default each such character is written as its look-alike (𠮷 as 吉) or 〓, and one
 * warning names every place, whatever the number of files. */
static void test_csv_cp932_standins(void **state) {
  fixture *f = *state;
  k2x_doc *d = doc_unmappable();
  k2x_csv_options opt = {.encoding = K2X_CSV_CP932};
  g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func(g_free);
  write_csv_ok(d, f->profile, f->dir, "kanji", &opt, warnings);
  k2x_doc_free(d);
  assert_int_equal(warnings->len, 1);
  const char *w = g_ptr_array_index(warnings, 0);
  if (!strstr(w, "4 characters that CP932 cannot hold") ||
      !strstr(w, "sheet 成果 row 3 U+20BB7 「𠮷」→「吉」") || !strstr(w, "sheet 全項目 row "))
    fail_msg("warning: %s", w);
  gsize len = 0;
  g_autofree char *sjis = read_file(f->dir, "kanji.成果.csv", &len);
  g_autofree char *back = g_convert(sjis, (gssize)len, "UTF-8", "CP932", NULL, NULL, NULL);
  assert_non_null(back);
  if (!strstr(back, ",2,吉野家の前で￤会った,1\r\n"))
    fail_msg("成果.csv: %s", back);
}

/* A character with no look-alike becomes 〓. */
static void test_csv_cp932_geta(void **state) {
  fixture *f = *state;
  k2x_doc *d = doc_build("geta.pdf");
  k2x_section *s = g_ptr_array_index(((k2x_report *)g_ptr_array_index(d->reports, 0))->sections,
                                     1);
  k2x_section_add_item(s, "", "\xF0\x9F\x98\x80と↳と¦", 1); /* 😀 */
  k2x_csv_options opt = {.encoding = K2X_CSV_CP932};
  g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func(g_free);
  write_csv_ok(d, f->profile, f->dir, "geta", &opt, warnings);
  k2x_doc_free(d);
  assert_int_equal(warnings->len, 1);
  gsize len = 0;
  g_autofree char *sjis = read_file(f->dir, "geta.成果.csv", &len);
  g_autofree char *back = g_convert(sjis, (gssize)len, "UTF-8", "CP932", NULL, NULL, NULL);
  assert_non_null(back);
  if (!strstr(back, "〓と→と￤"))
    fail_msg("成果.csv: %s", back);
}

/* All of an input's files or none: a file that cannot take its name takes the others with
 * it, and no temporary file stays. */
static void test_csv_rename_fails(void **state) {
  fixture *f = *state;
  k2x_doc *d = doc_build("taken.pdf");
  g_autofree char *last = g_build_filename(f->dir, "taken.警告.csv", NULL);
  g_autofree char *inside = g_build_filename(last, "keep", NULL);
  assert_int_equal(g_mkdir(last, 0700), 0);
  assert_true(g_file_set_contents(inside, "x", 1, NULL));
  GError *error = NULL;
  assert_int_equal(k2x_write_csv((const k2x_doc *const *)&d, 1, f->profile, f->dir, "taken",
                                 NULL, NULL, NULL, &error),
                   K2X_ERR_WRITE);
  k2x_doc_free(d);
  if (!strstr(error->message, last))
    fail_msg("message does not name %s: %s", last, error->message);
  g_error_free(error);
  assert_dir_holds(f->dir, "taken.警告.csv", NULL);
}

static void test_csv_missing_dir(void **state) {
  fixture *f = *state;
  k2x_doc *d = doc_build("a.pdf");
  g_autofree char *dir = g_build_filename(f->dir, "no-such-dir", NULL);
  GError *error = NULL;
  assert_int_equal(k2x_write_csv((const k2x_doc *const *)&d, 1, f->profile, dir, "a", NULL,
                                 NULL, NULL, &error),
                   K2X_ERR_WRITE);
  k2x_doc_free(d);
  assert_non_null(strstr(error->message, dir));
  g_error_free(error);
  assert_dir_holds(f->dir, NULL);
}

/* Sheet names become file names: what Windows refuses goes to '_', and names that then
 * match (ignoring case) get " (2)". */
static void test_csv_file_names(void **state) {
  fixture *f = *state;
  const char *ini = "[profile]\nname = names\npage_number = ^\\d+$\nitem_marker = ^・\n"
                    "[section 1]\nheading = 見出し1\nsheet = a<b>\"c|d\n"
                    "[section 2]\nheading = 見出し2\nsheet = A_b__c_d\n";
  GError *error = NULL;
  g_autoptr(k2x_profile) profile = k2x_profile_new_from_data(ini, strlen(ini), &error);
  if (!profile)
    fail_msg("test profile: %s", error->message);
  g_auto(GStrv) suffixes = k2x_csv_suffixes(profile);
  const char *want[] = {".報告一覧.csv", ".a_b__c_d.csv", ".A_b__c_d (2).csv", ".全項目.csv",
                        ".警告.csv"};
  assert_int_equal(g_strv_length(suffixes), G_N_ELEMENTS(want));
  for (guint i = 0; i < G_N_ELEMENTS(want); i++)
    assert_string_equal(suffixes[i], want[i]);
  write_csv_ok(NULL, profile, f->dir, "n", NULL, NULL);
  assert_dir_holds(f->dir, "n.報告一覧.csv", "n.a_b__c_d.csv", "n.A_b__c_d (2).csv",
                   "n.全項目.csv", "n.警告.csv", NULL);
  /* No docs: the header alone. */
  g_autofree char *header = read_file(f->dir, "n.a_b__c_d.csv", NULL);
  assert_string_equal(header, BOM "ファイル,報告No,都道府県,圏域等,項目No,内容,頁\r\n");
}

static void test_csv_encoding_names(void **state) {
  k2x_csv_encoding e = K2X_CSV_CP932;
  assert_true(k2x_csv_encoding_from_name("UTF-8-BOM", &e));
  assert_int_equal(e, K2X_CSV_UTF8_BOM);
  assert_true(k2x_csv_encoding_from_name("cp932", &e));
  assert_int_equal(e, K2X_CSV_CP932);
  assert_false(k2x_csv_encoding_from_name("shift_jis", &e));
  assert_false(k2x_csv_encoding_from_name("", &e));
}

/* The shared sheets, a batch per report: blank cells for "" and page 0, numbers as numbers,
 * fitted text; a table sheet's header waits for its first table, or the end. */
static void test_csv_sheets_values(void **state) {
  fixture *f = *state;
  k2x_doc *d = doc_build("book.pdf");
  k2x_report *r = g_ptr_array_index(d->reports, 0);
  k2x_sheets *sheets = k2x_sheets_new(f->profile, 0);
  assert_int_equal(k2x_sheets_count(sheets), 7);
  assert_null(k2x_sheets_sheet(sheets, 1)->header);
  assert_int_equal(k2x_sheets_sheet(sheets, 2)->header->len, 7);

  k2x_sheets_add_report(sheets, d, r);
  assert_int_equal(k2x_sheets_count(sheets), 7);
  const k2x_sheet *sh = k2x_sheets_sheet(sheets, 2);
  assert_string_equal(sh->name, "成果");
  assert_string_equal(sh->base, "成果");
  assert_int_equal(sh->header->len, 7);
  assert_int_equal(sh->n_rows, 6);
  assert_int_equal(sh->n_new, 6);
  const k2x_value *v = k2x_sheet_value(sh, 5, 5);
  assert_int_equal(v->kind, K2X_VALUE_TEXT);
  assert_string_equal(v->text, "制御文字");
  assert_int_equal(k2x_sheet_value(sh, 5, 6)->kind, K2X_VALUE_BLANK);
  v = k2x_sheet_value(sh, 5, 4);
  assert_int_equal(v->kind, K2X_VALUE_NUMBER);
  assert_true(v->number == 6);
  assert_string_equal(k2x_sheet_value(k2x_sheets_sheet(sheets, 0), 0, 3)->text, "津軽圏域");
  /* The printed header fixed the table's columns. */
  const GPtrArray *header = k2x_sheets_sheet(sheets, 1)->header;
  assert_int_equal(header->len, 9);
  assert_string_equal(g_ptr_array_index(header, 5), "令和２年度の達成目標");
  /* The report's warning (the control character) is in the batch; the doc's comes at its
   * end. */
  const k2x_sheet *warnings = k2x_sheets_sheet(sheets, 6);
  assert_int_equal(warnings->n_new, 1);
  assert_string_equal(k2x_sheet_value(warnings, 0, 3)->text, "control_removed");

  k2x_sheets_end_doc(sheets, d);
  assert_int_equal(sh->n_new, 0);
  assert_int_equal(sh->n_rows, 6);
  assert_int_equal(warnings->n_new, 1);
  assert_int_equal(warnings->n_rows, 2);
  assert_string_equal(k2x_sheet_value(warnings, 0, 3)->text, "page_no_text");
  assert_int_equal(k2x_sheet_value(warnings, 0, 1)->kind, K2X_VALUE_BLANK);
  k2x_sheets_clear(sheets);
  assert_int_equal(warnings->n_new, 0);
  k2x_sheets_free(sheets);

  /* With no table anywhere, the end gives the table sheet the profile's names. */
  sheets = k2x_sheets_new(f->profile, 0);
  k2x_sheets_end_doc(sheets, d);
  k2x_sheets_finish(sheets);
  header = k2x_sheets_sheet(sheets, 1)->header;
  assert_int_equal(header->len, 9);
  assert_string_equal(g_ptr_array_index(header, 5), "達成目標");
  k2x_sheets_free(sheets);

  /* A report without an area leaves 圏域等 blank. Two rows a sheet, the header and one row:
   * 成果's six rows take six sheets, added after the profile's. */
  tu_set_string(&r->region.area, "");
  sheets = k2x_sheets_new(f->profile, 2);
  k2x_sheets_add_report(sheets, d, r);
  assert_int_equal(k2x_sheet_value(k2x_sheets_sheet(sheets, 0), 0, 3)->kind, K2X_VALUE_BLANK);
  guint parts = 0;
  for (guint i = 0; i < k2x_sheets_count(sheets); i++) {
    const k2x_sheet *p = k2x_sheets_sheet(sheets, i);
    if (strcmp(p->base, "成果") == 0) {
      assert_true(i == 2 || i >= 7);
      parts++;
      assert_int_equal(p->n_rows, 1);
      assert_int_equal(p->n_new, 1);
    }
  }
  assert_int_equal(parts, 6);
  k2x_sheets_free(sheets);
  k2x_doc_free(d);
}

/* Writes docs (n of them) into dir report by report, freeing each report as soon as it is
 * written and giving each doc's own warnings at its end, as the converter does. */
static void stream_docs(k2x_doc **docs, guint n, const k2x_profile *profile, const char *dir,
                        const char *stem, const k2x_csv_options *options, GPtrArray *written,
                        GPtrArray *warnings) {
  GError *error = NULL;
  k2x_csv_writer *w = k2x_csv_writer_open(dir, stem, profile, options, &error);
  if (!w)
    fail_msg("k2x_csv_writer_open: %s", error->message);
  for (guint d = 0; d < n; d++) {
    k2x_doc *doc = docs[d];
    while (doc->reports->len > 0) {
      if (k2x_csv_writer_add_report(w, doc, g_ptr_array_index(doc->reports, 0), &error))
        fail_msg("k2x_csv_writer_add_report: %s", error->message);
      g_ptr_array_remove_index(doc->reports, 0);
    }
    if (k2x_csv_writer_end_doc(w, doc, &error))
      fail_msg("k2x_csv_writer_end_doc: %s", error->message);
  }
  if (k2x_csv_writer_close(w, written, warnings, &error))
    fail_msg("k2x_csv_writer_close: %s", error->message);
}

/* Fails unless dirs a and b hold the same files, byte for byte. */
static void assert_same_files(const char *a, const char *b) {
  g_autoptr(GDir) da = g_dir_open(a, 0, NULL);
  guint n = 0;
  for (const char *name; (name = g_dir_read_name(da)); n++) {
    gsize la = 0, lb = 0;
    g_autofree char *x = read_file(a, name, &la);
    g_autofree char *y = read_file(b, name, &lb);
    if (la != lb || memcmp(x, y, la) != 0)
      fail_msg("%s differs between %s and %s", name, a, b);
  }
  g_autoptr(GDir) db = g_dir_open(b, 0, NULL);
  guint m = 0;
  while (g_dir_read_name(db))
    m++;
  assert_int_equal(n, m);
}

/* Two docs in CP932 with replacements, sheets of three rows: written report by report, the
 * files are byte for byte those of the whole-doc call, with the same warnings. */
static void test_csv_stream_same_bytes(void **state) {
  fixture *f = *state;
  k2x_csv_options opt = {.encoding = K2X_CSV_CP932, .sheet_rows = 3};
  g_autofree char *whole = g_build_filename(f->dir, "whole", NULL);
  g_autofree char *stream = g_build_filename(f->dir, "stream", NULL);
  g_mkdir(whole, 0700);
  g_mkdir(stream, 0700);
  GPtrArray *written[2], *warnings[2];
  for (int i = 0; i < 2; i++) {
    written[i] = g_ptr_array_new_with_free_func(g_free);
    warnings[i] = g_ptr_array_new_with_free_func(g_free);
  }
  for (int pass = 0; pass < 2; pass++) {
    k2x_doc *docs[] = {doc_unmappable(), doc_build("b.pdf")};
    if (pass == 0) {
      GError *error = NULL;
      assert_int_equal(k2x_write_csv((const k2x_doc *const *)docs, 2, f->profile, whole, "x",
                                     &opt, written[0], warnings[0], &error),
                       K2X_OK);
    } else {
      stream_docs(docs, 2, f->profile, stream, "x", &opt, written[1], warnings[1]);
    }
    k2x_doc_free(docs[0]);
    k2x_doc_free(docs[1]);
  }
  assert_same_files(whole, stream);
  assert_int_equal(written[0]->len, written[1]->len);
  assert_true(written[0]->len > 7);
  assert_int_equal(warnings[0]->len, warnings[1]->len);
  assert_true(warnings[0]->len > 0);
  for (guint i = 0; i < warnings[0]->len; i++) {
    const char *w0 = g_ptr_array_index(warnings[0], i), *w1 = g_ptr_array_index(warnings[1], i);
    assert_string_equal(w0, w1);
  }
  for (int i = 0; i < 2; i++) {
    g_ptr_array_unref(written[i]);
    g_ptr_array_unref(warnings[i]);
  }
}

/* Aborted, or failing half way, the writer leaves no file; nor does one not created. */
static void test_csv_stream_abort(void **state) {
  fixture *f = *state;
  k2x_doc *d = doc_build("a.pdf");
  GError *error = NULL;
  k2x_csv_writer *w = k2x_csv_writer_open(f->dir, "a", f->profile, NULL, &error);
  assert_non_null(w);
  assert_int_equal(k2x_csv_writer_add_report(w, d, g_ptr_array_index(d->reports, 0), &error),
                   K2X_OK);
  k2x_csv_writer_abort(w);
  k2x_csv_writer_abort(NULL);
  assert_dir_holds(f->dir, NULL);
  k2x_doc_free(d);

  /* A failure keeps the writer to be closed, which fails again and removes everything. */
  d = doc_unmappable();
  k2x_csv_options opt = {.encoding = K2X_CSV_CP932, .strict = TRUE};
  w = k2x_csv_writer_open(f->dir, "kanji", f->profile, &opt, &error);
  assert_non_null(w);
  assert_int_equal(k2x_csv_writer_add_report(w, d, g_ptr_array_index(d->reports, 0), &error),
                   K2X_ERR_WRITE);
  g_clear_error(&error);
  assert_int_equal(k2x_csv_writer_end_doc(w, d, &error), K2X_ERR_WRITE);
  g_clear_error(&error);
  g_autoptr(GPtrArray) written = g_ptr_array_new_with_free_func(g_free);
  assert_int_equal(k2x_csv_writer_close(w, written, NULL, &error), K2X_ERR_WRITE);
  assert_non_null(strstr(error->message, "U+20BB7"));
  g_clear_error(&error);
  assert_int_equal(written->len, 0);
  assert_dir_holds(f->dir, NULL);
  k2x_doc_free(d);

  g_autofree char *missing = g_build_filename(f->dir, "no-such-dir", NULL);
  assert_null(k2x_csv_writer_open(missing, "a", f->profile, NULL, &error));
  assert_non_null(strstr(error->message, missing));
  g_error_free(error);
  assert_dir_holds(f->dir, NULL);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_csv_suffixes, setup, tu_fixture_teardown),
      cmocka_unit_test_setup_teardown(test_csv_quoting_crlf_bom, setup, tu_fixture_teardown),
      cmocka_unit_test_setup_teardown(test_csv_same_as_xlsx, setup, tu_fixture_teardown),
      cmocka_unit_test_setup_teardown(test_csv_cp932_read_back, setup, tu_fixture_teardown),
      cmocka_unit_test_setup_teardown(test_csv_cp932_unmappable, setup, tu_fixture_teardown),
      cmocka_unit_test_setup_teardown(test_csv_cp932_standins, setup, tu_fixture_teardown),
      cmocka_unit_test_setup_teardown(test_csv_cp932_geta, setup, tu_fixture_teardown),
      cmocka_unit_test_setup_teardown(test_csv_rename_fails, setup, tu_fixture_teardown),
      cmocka_unit_test_setup_teardown(test_csv_missing_dir, setup, tu_fixture_teardown),
      cmocka_unit_test_setup_teardown(test_csv_file_names, setup, tu_fixture_teardown),
      cmocka_unit_test(test_csv_encoding_names),
      cmocka_unit_test_setup_teardown(test_csv_sheets_values, setup, tu_fixture_teardown),
      cmocka_unit_test_setup_teardown(test_csv_stream_same_bytes, setup, tu_fixture_teardown),
      cmocka_unit_test_setup_teardown(test_csv_stream_abort, setup, tu_fixture_teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
