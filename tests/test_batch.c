/* Tests of the batch's library units: the inputs and their output names, the manifest journal,
 * and the outputs of one input standing or falling together. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <glib/gstdio.h>
#include <string.h>

#include "inputs.h"
#include "kaigi.h"
#include "manifest.h"
#include "outputs.h"
#include "testutil.h"

static void touch(const char *dir, const char *name, const char *text) {
  g_autofree char *path = g_build_filename(dir, name, NULL);
  g_autofree char *parent = g_path_get_dirname(path);
  g_mkdir_with_parents(parent, 0755);
  assert_true(g_file_set_contents(path, text, -1, NULL));
}

static k2x_input *input_named(GPtrArray *inputs, const char *suffix) {
  for (guint i = 0; i < inputs->len; i++) {
    k2x_input *in = g_ptr_array_index(inputs, i);
    if (g_str_has_suffix(in->path, suffix))
      return in;
  }
  fail_msg("no input ending in %s", suffix);
  return NULL;
}

/* A folder's inputs keep their path below it; two of one stem keep their extensions. */
static void test_batch_inputs_names(void **state) {
  tu_fixture *f = *state;
  g_autofree char *in = g_build_filename(f->dir, "in", NULL);
  touch(in, "2020/資料.pdf", "a");
  touch(in, "2021/資料.pdf", "b");
  touch(in, "x.pdf", "c");
  touch(in, "x.txt", "d");
  touch(in, "y.PDF", "e");
  touch(in, "notes.md", "f");
  char *args[] = {in, NULL};
  char *suffixes[] = {".json", ".xlsx", NULL};
  g_autoptr(GPtrArray) inputs = k2x_inputs_collect(args, TRUE, NULL);
  assert_int_equal(inputs->len, 5);
  assert_int_equal(k2x_inputs_name(inputs, "out", suffixes), 0);
  k2x_input *y2020 = input_named(inputs, "2020/資料.pdf");
  g_autofree char *out2020 = k2x_input_output(y2020, ".json");
  assert_string_equal(out2020, "out/2020/資料.json");
  g_autofree char *x_pdf = k2x_input_output(input_named(inputs, "x.pdf"), ".json");
  g_autofree char *x_txt = k2x_input_output(input_named(inputs, "x.txt"), ".json");
  g_autofree char *y = k2x_input_output(input_named(inputs, "y.PDF"), ".json");
  assert_string_equal(x_pdf, "out/x.pdf.json");
  assert_string_equal(x_txt, "out/x.txt.json");
  assert_string_equal(y, "out/y.json");
}

/* Two files of one name given from two folders cannot both have outputs: both are refused. */
static void test_batch_inputs_collision(void **state) {
  tu_fixture *f = *state;
  touch(f->dir, "a/x.pdf", "a");
  touch(f->dir, "b/x.pdf", "b");
  g_autofree char *a = g_build_filename(f->dir, "a", "x.pdf", NULL);
  g_autofree char *b = g_build_filename(f->dir, "b", "x.pdf", NULL);
  char *args[] = {a, b, NULL};
  char *suffixes[] = {".json", NULL};
  g_autoptr(GPtrArray) inputs = k2x_inputs_collect(args, FALSE, NULL);
  assert_int_equal(k2x_inputs_name(inputs, "out", suffixes), 2);
  const k2x_input *first = g_ptr_array_index(inputs, 0), *second = g_ptr_array_index(inputs, 1);
  assert_non_null(strstr(first->error, "same outputs as"));
  assert_non_null(strstr(first->error, b));
  assert_non_null(strstr(second->error, a));
}

/* The output directory inside the input folder is not scanned. */
static void test_batch_inputs_skip_output(void **state) {
  tu_fixture *f = *state;
  touch(f->dir, "a.pdf", "a");
  touch(f->dir, "out/a.review.pdf", "r");
  touch(f->dir, "out/b.pdf", "b");
  g_autofree char *out = g_build_filename(f->dir, "out", NULL);
  char *args[] = {f->dir, NULL};
  g_autoptr(GPtrArray) inputs = k2x_inputs_collect(args, TRUE, out);
  assert_int_equal(inputs->len, 1);
  char *self[] = {out, NULL};
  g_autoptr(GPtrArray) own = k2x_inputs_collect(self, TRUE, out);
  assert_int_equal(own->len, 1); /* b.pdf, not the review */
  assert_true(g_str_has_suffix(((k2x_input *)g_ptr_array_index(own, 0))->path, "b.pdf"));
}

static k2x_result result_of(const char *path, const char *sha256) {
  k2x_result r = {.ok = TRUE, .sha256 = g_strdup(sha256)};
  k2x_identity id;
  assert_true(k2x_identity_of_path(path, &id));
  r.identity = k2x_identity_format(&id);
  return r;
}

/* What a run notes is current for the next, with the same settings only; a torn last line is
 * ignored; a name that is not UTF-8 survives. */
static void test_batch_manifest_journal(void **state) {
  tu_fixture *f = *state;
  g_autofree char *input = g_build_filename(f->dir, "caf\xe9.pdf", NULL);
  g_autofree char *output = g_build_filename(f->dir, "caf\xe9.json", NULL);
  assert_true(g_file_set_contents(input, "%PDF-1.4", -1, NULL));
  assert_true(g_file_set_contents(output, "{}", -1, NULL));
  g_autofree char *sha = g_compute_checksum_for_string(G_CHECKSUM_SHA256, "%PDF-1.4", -1);
  char *outputs[] = {output, NULL};
  g_autoptr(GError) error = NULL;
  k2x_manifest *m = k2x_manifest_open(f->dir, &error);
  assert_non_null(m);
  assert_false(k2x_manifest_is_current(m, input, "v1", outputs));
  k2x_result r = result_of(input, sha);
  assert_true(k2x_manifest_note(m, input, &r, "v1", outputs, NULL));
  k2x_result_clear(&r);
  assert_true(k2x_manifest_close(m, NULL));

  g_autofree char *path = g_build_filename(f->dir, K2X_MANIFEST_NAME, NULL);
  g_autofree char *text = NULL;
  assert_true(g_file_get_contents(path, &text, NULL, NULL));
  assert_true(g_utf8_validate(text, -1, NULL));
  assert_non_null(strstr(text, "input_base64"));
  /* A kill cut a line short. */
  g_autofree char *torn = g_strconcat(text, "{\"input\":\"x", NULL);
  assert_true(g_file_set_contents(path, torn, -1, NULL));

  m = k2x_manifest_open(f->dir, NULL);
  assert_true(k2x_manifest_is_current(m, input, "v1", outputs));
  assert_false(k2x_manifest_is_current(m, input, "v2", outputs));
  /* A failure takes the entry back. */
  k2x_result failed = {.ok = FALSE};
  assert_true(k2x_manifest_note(m, input, &failed, "v1", outputs, NULL));
  assert_false(k2x_manifest_is_current(m, input, "v1", outputs));
  assert_true(k2x_manifest_close(m, NULL));
  m = k2x_manifest_open(f->dir, NULL);
  assert_false(k2x_manifest_is_current(m, input, "v1", outputs));
  assert_true(k2x_manifest_close(m, NULL));
}

/* Formats are a set: any order and case spell one name. */
static void test_batch_formats_normalised(void **state) {
  (void)state;
  unsigned a = 0, b = 0;
  assert_true(k2x_formats_parse("json,xlsx", &a, NULL));
  assert_true(k2x_formats_parse(" XLSX , json,", &b, NULL));
  assert_int_equal(a, b);
  g_autofree char *name = k2x_formats_name(b);
  assert_string_equal(name, "json,xlsx");
  g_autoptr(GError) error = NULL;
  assert_false(k2x_formats_parse("json,pdf", &a, &error));
  assert_non_null(strstr(error->message, "\"pdf\""));
}

/* One input's outputs stand or fall together: a workbook that cannot be renamed into place
 * takes the JSON already in place with it. */
static void test_batch_outputs_all_or_none(void **state) {
  tu_fixture *f = *state;
  k2x_outputs_options o = {.formats = K2X_FORMAT_JSON | K2X_FORMAT_XLSX, .profile = f->profile};
  g_autofree char *blocker = g_build_filename(f->dir, "x.xlsx", NULL);
  g_mkdir(blocker, 0755); /* a directory where the workbook goes */
  k2x_doc *doc = k2x_doc_new();
  tu_set_string(&doc->file, "x.pdf");
  doc->pages = 1;
  k2x_report *r = k2x_doc_add_report(doc);
  r->page_first = r->page_last = 1;
  k2x_outputs *out = k2x_outputs_new(f->dir, "x", NULL, &o);
  assert_int_equal(k2x_outputs_add_report(out, doc, r, NULL), K2X_OK);
  assert_int_equal(k2x_outputs_end_doc(out, doc, NULL), K2X_OK);
  g_autofree char *json = g_build_filename(f->dir, "x.json", NULL);
  assert_true(g_file_test(json, G_FILE_TEST_IS_REGULAR)); /* in place once the doc ended */
  g_autoptr(GError) error = NULL;
  assert_int_equal(k2x_outputs_close(out, NULL, NULL, &error), K2X_ERR_WRITE);
  assert_false(g_file_test(json, G_FILE_TEST_EXISTS));
  g_rmdir(blocker);
  tu_assert_dir_empty(f->dir);
  k2x_doc_free(doc);
}

static int setup(void **state) { return tu_fixture_setup(state, "k2x-batch-XXXXXX"); }

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_batch_inputs_names, setup, tu_fixture_teardown),
      cmocka_unit_test_setup_teardown(test_batch_inputs_collision, setup, tu_fixture_teardown),
      cmocka_unit_test_setup_teardown(test_batch_inputs_skip_output, setup, tu_fixture_teardown),
      cmocka_unit_test_setup_teardown(test_batch_manifest_journal, setup, tu_fixture_teardown),
      cmocka_unit_test(test_batch_formats_normalised),
      cmocka_unit_test_setup_teardown(test_batch_outputs_all_or_none, setup,
                                      tu_fixture_teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
