/* testutil: glyphs laid out in C, for the stage tests that start from extracted pages; the
 * temporary directories tests write into (removed, checked empty); fixture PDFs rendered from
 * specs. Included after cmocka.h. */
#ifndef K2X_TESTUTIL_H
#define K2X_TESTUTIL_H

#include <glib.h>
#include <glib/gstdio.h>

#include "extract.h"
#include "profile.h"

/* A4 in points, the page size of every report. */
#define TU_PAGE_WIDTH 595.28
#define TU_PAGE_HEIGHT 841.89

/* Appends one glyph per character of utf8, left to right from x with its top at y: wide
 * characters are size wide, others size / 2, all size * 1.3 high. Spaces only advance x. */
static inline void tu_add_text(GArray *glyphs, double x, double y, double size,
                               const char *utf8) {
  for (const char *p = utf8; *p; p = g_utf8_next_char(p)) {
    gunichar c = g_utf8_get_char(p);
    /* East Asian Wide and Fullwidth: kana, kanji, CJK punctuation, full-width forms. */
    double advance = g_unichar_iswide(c) ? size : size / 2;
    if (!g_unichar_isspace(c) && c != 0x3000) {
      k2x_glyph g = {c, (float)x, (float)y, (float)(x + advance), (float)(y + size * 1.3),
                     (float)size, 0};
      g_array_append_val(glyphs, g);
    }
    x += advance;
  }
}

/* Width of utf8 as tu_add_text lays it out. */
static inline double tu_text_width(double size, const char *utf8) {
  double w = 0;
  for (const char *p = utf8; *p; p = g_utf8_next_char(p))
    w += g_unichar_iswide(g_utf8_get_char(p)) ? size : size / 2;
  return w;
}

static inline GArray *tu_glyphs_new(void) {
  return g_array_new(FALSE, FALSE, sizeof(k2x_glyph));
}

/* An A4 page built from glyphs (taken). */
static inline k2x_page *tu_page(int number, GArray *glyphs) {
  return k2x_page_new_from_glyphs(number, TU_PAGE_WIDTH, TU_PAGE_HEIGHT, glyphs);
}

/* The first line whose text starts with prefix, or NULL (lent). */
static inline k2x_line *tu_find_line(const k2x_page *page, const char *prefix) {
  for (guint i = 0; i < page->lines->len; i++) {
    k2x_line *l = g_ptr_array_index(page->lines, i);
    if (g_str_has_prefix(l->text, prefix))
      return l;
  }
  return NULL;
}

/* Removes dir and everything in it (made writable first: a test may have locked it). */
static inline void tu_remove_tree(const char *dir) {
  g_chmod(dir, 0700);
  g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
  for (const char *name; d && (name = g_dir_read_name(d));) {
    g_autofree char *path = g_build_filename(dir, name, NULL);
    if (g_file_test(path, G_FILE_TEST_IS_DIR) && !g_file_test(path, G_FILE_TEST_IS_SYMLINK))
      tu_remove_tree(path);
    else
      g_unlink(path);
  }
  g_rmdir(dir);
}

/* Fails the test (cmocka, included first) if dir holds any file: what a failed write must
 * not leave behind. */
static inline void tu_assert_dir_empty(const char *dir) {
  g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
  assert_non_null(d);
  const char *name = g_dir_read_name(d);
  if (name)
    fail_msg("unexpected file left in %s: %s", dir, name);
}

/* A temporary directory and the default profile: the fixture of the writer tests. */
typedef struct {
  char *dir;
  k2x_profile *profile;
} tu_fixture;

static inline int tu_fixture_setup(void **state, const char *dir_template) {
  tu_fixture *f = g_new0(tu_fixture, 1);
  f->dir = g_dir_make_tmp(dir_template, NULL);
  f->profile = k2x_profile_new_default();
  *state = f;
  return f->dir ? 0 : -1;
}

static inline int tu_fixture_teardown(void **state) {
  tu_fixture *f = *state;
  tu_remove_tree(f->dir);
  k2x_profile_free(f->profile);
  g_free(f->dir);
  g_free(f);
  return 0;
}

/* Replaces a g_malloc'd string field of a model object. */
static inline void tu_set_string(char **field, const char *value) {
  g_free(*field);
  *field = g_strdup(value);
}

#ifdef K2X_GEN_FIXTURES
/* Renders tests/fixtures/specs/NAME.spec with gen_fixtures into dir; returns the PDF path
 * (g_malloc'd), or NULL with a message on stderr. */
static inline char *tu_fixture_pdf(const char *dir, const char *name) {
  g_autofree char *here = g_path_get_dirname(__FILE__);
  g_autofree char *spec_name = g_strconcat(name, ".spec", NULL);
  g_autofree char *spec = g_build_filename(here, "fixtures", "specs", spec_name, NULL);
  g_autofree char *pdf_name = g_strconcat(name, ".pdf", NULL);
  g_autofree char *exp_name = g_strconcat(name, ".expected.json", NULL);
  char *pdf = g_build_filename(dir, pdf_name, NULL);
  g_autofree char *expected = g_build_filename(dir, exp_name, NULL);
  char *argv[] = {K2X_GEN_FIXTURES, spec, pdf, expected, NULL};
  g_autoptr(GError) error = NULL;
  int status = 0;
  if (!g_spawn_sync(NULL, argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, NULL, NULL, &status,
                    &error) ||
      !g_spawn_check_wait_status(status, &error)) {
    g_printerr("gen_fixtures %s: %s\n", spec, error->message);
    g_free(pdf);
    return NULL;
  }
  return pdf;
}
#endif

#endif
