/* test_convert: the conversion of a whole input — reports handed on as they complete (and
 * released, so memory stays flat), an error of the taker stopping it, and page threads that
 * change nothing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "kaigi.h"
#include "testutil.h"

typedef struct {
  char *dir;
  char *pdf; /* sample.spec: 4 reports over several pages, two labels printed after the body */
  k2x_profile *profile;
  k2x_regions *regions;
} fixture;

static int setup(void **state) {
  fixture *f = g_new0(fixture, 1);
  f->dir = g_dir_make_tmp("k2x-convert-XXXXXX", NULL);
  f->profile = k2x_profile_new_default();
  f->regions = k2x_regions_new_default();
  f->pdf = f->dir ? tu_fixture_pdf(f->dir, "sample") : NULL;
  *state = f;
  return f->pdf ? 0 : -1;
}

static int teardown(void **state) {
  fixture *f = *state;
  tu_remove_tree(f->dir);
  k2x_profile_free(f->profile);
  k2x_regions_free(f->regions);
  g_free(f->pdf);
  g_free(f->dir);
  g_free(f);
  return 0;
}

static char *read_file(const char *path) {
  char *text = NULL;
  assert_true(g_file_get_contents(path, &text, NULL, NULL));
  return text;
}

/* The whole doc converted with threads, then written as JSON; returns the JSON text. */
static char *whole_json(const fixture *f, int threads, guint *reports) {
  k2x_convert_options o = {.profile = f->profile, .regions = f->regions, .threads = threads};
  k2x_doc *doc = NULL;
  g_autoptr(GError) error = NULL;
  assert_int_equal(k2x_convert_file(f->pdf, &o, &doc, &error), K2X_OK);
  *reports = doc->reports->len;
  g_autofree char *path = g_build_filename(f->dir, "whole.json", NULL);
  assert_int_equal(k2x_write_json(doc, path, &error), K2X_OK);
  k2x_doc_free(doc);
  return read_file(path);
}

/* A taker that writes each report to JSON, and fails at report fail_at (1-based; 0: never). */
typedef struct {
  char *path;
  k2x_json_writer *json;
  int taken;
  int last_index;
  int fail_at;
} taker;

static k2x_error take(const k2x_doc *doc, const k2x_report *report, gpointer data,
                      GError **error) {
  taker *t = data;
  t->taken++;
  /* Reports come complete and in document order. */
  assert_int_equal(report->index, t->last_index + 1);
  t->last_index = report->index;
  assert_non_null(report->region.prefecture);
  if (report->index == t->fail_at) {
    g_set_error(error, K2X_ERROR, K2X_ERR_WRITE, "disk full (test)");
    return K2X_ERR_WRITE;
  }
  if (!t->json && !(t->json = k2x_json_writer_open(doc, t->path, error)))
    return K2X_ERR_WRITE;
  return k2x_json_writer_add_report(t->json, report, error);
}

static void test_streamed_equals_whole(void **state) {
  fixture *f = *state;
  guint reports = 0;
  g_autofree char *whole = whole_json(f, 0, &reports);
  assert_true(reports >= 4);

  for (int threads = 0; threads <= 3; threads += 3) {
    taker t = {.path = g_build_filename(f->dir, "streamed.json", NULL)};
    k2x_convert_options o = {.profile = f->profile, .regions = f->regions, .threads = threads,
                             .on_report = take, .on_report_data = &t};
    k2x_doc *doc = NULL;
    g_autoptr(GError) error = NULL;
    assert_int_equal(k2x_convert_file(f->pdf, &o, &doc, &error), K2X_OK);
    /* Every report was handed on and released; the doc still counts them. */
    assert_int_equal(t.taken, (int)reports);
    assert_int_equal(doc->reports->len, 0);
    assert_int_equal(doc->report_count, reports);
    assert_int_equal(doc->marks->len, 0);
    assert_int_equal(k2x_json_writer_close(t.json, doc, &error), K2X_OK);
    g_autofree char *streamed = read_file(t.path);
    assert_string_equal(streamed, whole);
    k2x_doc_free(doc);
    g_free(t.path);
  }
}

static void test_taker_error_stops(void **state) {
  fixture *f = *state;
  taker t = {.path = g_build_filename(f->dir, "failed.json", NULL), .fail_at = 2};
  k2x_convert_options o = {.profile = f->profile, .regions = f->regions, .on_report = take,
                           .on_report_data = &t};
  k2x_doc *doc = NULL;
  g_autoptr(GError) error = NULL;
  assert_int_equal(k2x_convert_file(f->pdf, &o, &doc, &error), K2X_ERR_WRITE);
  assert_null(doc);
  assert_non_null(error);
  assert_string_equal(error->message, "disk full (test)");
  /* The reports after the failure were not offered. */
  assert_int_equal(t.taken, 2);
  k2x_json_writer_abort(t.json);
  assert_false(g_file_test(t.path, G_FILE_TEST_EXISTS));
  g_free(t.path);
}

static void test_threads_change_nothing(void **state) {
  fixture *f = *state;
  guint one = 0, four = 0;
  g_autofree char *a = whole_json(f, 1, &one);
  g_autofree char *b = whole_json(f, 4, &four);
  assert_int_equal(one, four);
  assert_string_equal(a, b);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_streamed_equals_whole),
      cmocka_unit_test(test_taker_error_stops),
      cmocka_unit_test(test_threads_change_nothing),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
