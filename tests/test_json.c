/* Unit tests for the JSON: written whole or report by report, the same bytes; read back
 * (read_json), the doc that was written. */
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <setjmp.h>
#include <cmocka.h>
#include <glib/gstdio.h>

#include "kaigi.h"
#include "testutil.h"

/* A doc with every part the JSON holds: a labelled report with a table that spans pages, items
 * with and without markers, a report whose region was inferred, warnings of both kinds. */
static k2x_doc *doc_build(void) {
  k2x_doc *doc = k2x_doc_new();
  doc->file = g_strdup("bundle.pdf");
  doc->sha256 = g_strdup("ab12");
  doc->pages = 3;
  doc->profile = g_strdup("ad-jizenkadai");
  k2x_report *r = k2x_doc_add_report(doc);
  r->page_first = 1;
  r->page_last = 2;
  r->title = g_strdup("令和２年度 事前課題");
  r->label = g_strdup("青森県・津軽圏域");
  g_free(r->region.prefecture);
  g_free(r->region.area);
  r->region = (k2x_region){g_strdup("青森県"), g_strdup("津軽圏域"), K2X_REGION_LABEL};
  k2x_section *s = k2x_report_add_section(r, 1, "令和２年度の達成目標・取組状況", TRUE);
  s->page = 1;
  g_ptr_array_add(s->header, g_strdup("令和２年度の達成目標"));
  g_ptr_array_add(s->header, g_strdup("取組状況"));
  k2x_row *row = k2x_section_add_row(s, 2);
  row->page_first = 1;
  row->page_last = 2;
  for (guint c = 0; c < 2; c++) {
    k2x_cell *cell = g_ptr_array_index(row->cells, c);
    g_free(cell->text);
    cell->text = g_strdup(c == 0 ? "協議の場の設置" : "・一つ目\n・二つ目");
  }
  s = k2x_report_add_section(r, 2, "支援事業の成果", FALSE);
  s->page = 2;
  k2x_section_add_item(s, "①", "①研修を開催した。", 2);
  k2x_section_add_item(s, "", "段落の文。", 2);
  k2x_report_add_warning(r, "text_unassigned", 2, "text standing apart: 「%s」", "参考");
  r = k2x_doc_add_report(doc);
  r->page_first = r->page_last = 3;
  g_free(r->region.prefecture);
  g_free(r->region.area);
  r->region = (k2x_region){g_strdup("熊本県"), g_strdup("熊本市"), K2X_REGION_BODY};
  k2x_report_add_section(r, 4, "課題の解決に向けた 令和３年度の取組方針", FALSE)->page = 3;
  k2x_doc_add_warning(doc, "no_text_layer", 3, "page %d has no text layer", 3);
  return doc;
}

static char *write_to_string(const k2x_doc *doc, const char *path) {
  GError *error = NULL;
  assert_int_equal(k2x_write_json(doc, path, &error), K2X_OK);
  char *text = NULL;
  assert_true(g_file_get_contents(path, &text, NULL, NULL));
  return text;
}

static void test_json_round_trip(void **state) {
  (void)state;
  g_autofree char *dir = g_dir_make_tmp("k2x-json-XXXXXX", NULL);
  g_autofree char *a = g_build_filename(dir, "a.json", NULL);
  g_autofree char *b = g_build_filename(dir, "b.json", NULL);
  g_autoptr(k2x_profile) profile = k2x_profile_new_default();
  k2x_doc *doc = doc_build();
  g_autofree char *first = write_to_string(doc, a);
  k2x_doc_free(doc);

  k2x_doc *back = NULL;
  GError *error = NULL;
  assert_int_equal(k2x_read_json(a, profile, &back, &error), K2X_OK);
  g_autofree char *second = write_to_string(back, b);
  assert_string_equal(first, second);
  /* What the JSON does not hold, the profile gives back: the item markers. */
  const k2x_report *r = g_ptr_array_index(back->reports, 0);
  const k2x_section *s = g_ptr_array_index(r->sections, 1);
  assert_string_equal(((k2x_item *)g_ptr_array_index(s->items, 0))->marker, "①");
  assert_string_equal(((k2x_item *)g_ptr_array_index(s->items, 1))->marker, "");
  assert_int_equal(((k2x_report *)g_ptr_array_index(back->reports, 1))->region.source,
                   K2X_REGION_BODY);
  k2x_doc_free(back);
  g_unlink(a);
  g_unlink(b);
  g_rmdir(dir);
}

static void test_json_not_ours(void **state) {
  (void)state;
  g_autofree char *dir = g_dir_make_tmp("k2x-json-XXXXXX", NULL);
  g_autofree char *path = g_build_filename(dir, "x.json", NULL);
  g_autoptr(k2x_profile) profile = k2x_profile_new_default();
  const char *const bad[] = {"{\"schema\": \"other/1\"}", "[1, 2]", "{not json"};
  for (gsize i = 0; i < G_N_ELEMENTS(bad); i++) {
    assert_true(g_file_set_contents(path, bad[i], -1, NULL));
    k2x_doc *doc = (k2x_doc *)&doc;
    GError *error = NULL;
    assert_int_equal(k2x_read_json(path, profile, &doc, &error), K2X_ERR_READ);
    assert_null(doc);
    assert_non_null(error);
    g_error_free(error);
  }
  g_unlink(path);
  g_rmdir(dir);
}

/* Written report by report, each report freed at once and the doc's own warnings known only
 * at the end (as the converter does), the JSON is byte for byte the whole-doc call's. */
static void test_json_stream_same_bytes(void **state) {
  (void)state;
  g_autofree char *dir = g_dir_make_tmp("k2x-json-XXXXXX", NULL);
  g_autofree char *a = g_build_filename(dir, "a.json", NULL);
  g_autofree char *b = g_build_filename(dir, "b.json", NULL);
  k2x_doc *doc = doc_build();
  g_autofree char *whole = write_to_string(doc, a);
  k2x_doc_free(doc);

  doc = doc_build();
  g_ptr_array_set_size(doc->warnings, 0);
  GError *error = NULL;
  k2x_json_writer *w = k2x_json_writer_open(doc, b, &error);
  assert_non_null(w);
  while (doc->reports->len > 0) {
    assert_int_equal(k2x_json_writer_add_report(w, g_ptr_array_index(doc->reports, 0), &error),
                     K2X_OK);
    g_ptr_array_remove_index(doc->reports, 0);
  }
  k2x_doc_add_warning(doc, "no_text_layer", 3, "page %d has no text layer", 3);
  assert_int_equal(k2x_json_writer_close(w, doc, &error), K2X_OK);
  assert_null(error);
  k2x_doc_free(doc);
  g_autofree char *streamed = NULL;
  assert_true(g_file_get_contents(b, &streamed, NULL, NULL));
  assert_string_equal(streamed, whole);
  g_unlink(a);
  g_unlink(b);
  g_rmdir(dir);
}

/* The layout is json-glib's for the whole document, as before the JSON was streamed. */
static void test_json_layout(void **state) {
  (void)state;
  g_autofree char *dir = g_dir_make_tmp("k2x-json-XXXXXX", NULL);
  g_autofree char *path = g_build_filename(dir, "empty.json", NULL);
  k2x_doc *doc = k2x_doc_new();
  doc->file = g_strdup("empty.pdf");
  g_autofree char *text = write_to_string(doc, path);
  /* The source comes last: whether a page needed OCR is known only at the end. */
  assert_string_equal(text, "{\n"
                            " \"schema\" : \"kaigi2xlsx/1\",\n"
                            " \"profile\" : null,\n"
                            " \"reports\" : [],\n"
                            " \"source\" : {\n"
                            "  \"file\" : \"empty.pdf\",\n"
                            "  \"sha256\" : \"\",\n"
                            "  \"pages\" : 0,\n"
                            "  \"kind\" : \"pdf\"\n"
                            " },\n"
                            " \"warnings\" : []\n"
                            "}");
  k2x_report *r = k2x_doc_add_report(doc);
  r->page_first = r->page_last = 1;
  k2x_doc_add_warning(doc, "no_text_layer", 1, "page 1");
  g_free(text);
  text = write_to_string(doc, path);
  assert_non_null(strstr(text, " \"reports\" : [\n"
                               "  {\n"
                               "   \"index\" : 1,\n"
                               "   \"pages\" : [\n"
                               "    1,\n"
                               "    1\n"
                               "   ],\n"
                               "   \"title\" : null,\n"));
  assert_true(g_str_has_suffix(text, "   \"warnings\" : []\n"
                                     "  }\n"
                                     " ],\n"
                                     " \"source\" : {\n"
                                     "  \"file\" : \"empty.pdf\",\n"
                                     "  \"sha256\" : \"\",\n"
                                     "  \"pages\" : 0,\n"
                                     "  \"kind\" : \"pdf\"\n"
                                     " },\n"
                                     " \"warnings\" : [\n"
                                     "  {\n"
                                     "   \"code\" : \"no_text_layer\",\n"
                                     "   \"page\" : 1,\n"
                                     "   \"message\" : \"page 1\",\n"
                                     "   \"message_ja\" : \"page 1\"\n"
                                     "  }\n"
                                     " ]\n"
                                     "}"));
  k2x_doc_free(doc);
  g_unlink(path);
  g_rmdir(dir);
}

/* Aborted, or not created, the JSON leaves nothing behind. */
static void test_json_stream_abort(void **state) {
  (void)state;
  g_autofree char *dir = g_dir_make_tmp("k2x-json-XXXXXX", NULL);
  g_autofree char *path = g_build_filename(dir, "x.json", NULL);
  k2x_doc *doc = doc_build();
  GError *error = NULL;
  k2x_json_writer *w = k2x_json_writer_open(doc, path, &error);
  assert_non_null(w);
  assert_int_equal(k2x_json_writer_add_report(w, g_ptr_array_index(doc->reports, 0), &error),
                   K2X_OK);
  k2x_json_writer_abort(w);
  k2x_json_writer_abort(NULL);
  tu_assert_dir_empty(dir);
  g_autofree char *missing = g_build_filename(dir, "no-such-dir", "x.json", NULL);
  assert_null(k2x_json_writer_open(doc, missing, &error));
  assert_true(g_error_matches(error, K2X_ERROR, K2X_ERR_WRITE));
  assert_non_null(strstr(error->message, missing));
  g_error_free(error);
  tu_assert_dir_empty(dir);
  k2x_doc_free(doc);
  g_rmdir(dir);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_json_round_trip),
      cmocka_unit_test(test_json_not_ours),
      cmocka_unit_test(test_json_stream_same_bytes),
      cmocka_unit_test(test_json_layout),
      cmocka_unit_test(test_json_stream_abort),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
