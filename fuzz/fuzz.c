/* fuzz: the scratch directory and the pipeline shared by the fuzz targets. */
#include "fuzz.h"

#include <glib/gstdio.h>
#include <stdlib.h>

/* Process-wide on purpose: a fuzz target has no other place to keep what lives across runs. */
static char *scratch;
static k2x_profile *profile_default;
static k2x_regions *regions_default;

static void scratch_remove(void) {
  GDir *dir = g_dir_open(scratch, 0, NULL);
  for (const char *name; dir && (name = g_dir_read_name(dir));) {
    g_autofree char *path = g_build_filename(scratch, name, NULL);
    g_unlink(path);
  }
  if (dir)
    g_dir_close(dir);
  g_rmdir(scratch);
  g_clear_pointer(&scratch, g_free);
}

static const char *scratch_dir(void) {
  if (scratch)
    return scratch;
  g_autoptr(GError) error = NULL;
  scratch = g_dir_make_tmp("k2x-fuzz-XXXXXX", &error);
  if (!scratch) {
    fprintf(stderr, "fuzz: %s\n", error->message);
    abort();
  }
  atexit(scratch_remove);
  /* A failed g_return_if_fail is a bug in the caller, so it should stop the run. */
  g_log_set_always_fatal(G_LOG_LEVEL_CRITICAL);
  return scratch;
}

char *fuzz_write_input(const char *name, const uint8_t *data, size_t size) {
  char *path = g_build_filename(scratch_dir(), name, NULL);
  g_autoptr(GError) error = NULL;
  /* Not g_file_set_contents: it syncs a file it replaces, which would slow every run. */
  if (!g_file_set_contents_full(path, (const char *)data, (gssize)size,
                                G_FILE_SET_CONTENTS_NONE, 0600, &error)) {
    fprintf(stderr, "fuzz: %s\n", error->message);
    abort();
  }
  return path;
}

const k2x_profile *fuzz_default_profile(void) {
  if (!profile_default)
    profile_default = k2x_profile_new_default();
  return profile_default;
}

const k2x_regions *fuzz_default_regions(void) {
  if (!regions_default)
    regions_default = k2x_regions_new_default();
  return regions_default;
}

static void written(k2x_error err, GError *error, const char *path) {
  if (err) {
    fprintf(stderr, "fuzz: writing %s failed: %s\n", path, error ? error->message : "?");
    abort();
  }
  g_unlink(path);
}

void fuzz_convert(const char *path, const k2x_profile *profile) {
  /* Pages without text go through OCR as by default, at a low resolution, so that a run
   * takes a fraction of a second and not one per page. */
  k2x_convert_options options = {.profile = profile,
                                 .regions = fuzz_default_regions(),
                                 .ocr = {K2X_OCR_AUTO, 72, NULL}};
  k2x_doc *doc = NULL;
  g_autoptr(GError) error = NULL;
  if (k2x_convert_file(path, &options, &doc, &error))
    return;

  g_autofree char *json = g_build_filename(scratch_dir(), "out.json", NULL);
  g_autofree char *xlsx = g_build_filename(scratch_dir(), "out.xlsx", NULL);
  k2x_error err = k2x_write_json(doc, json, &error);
  written(err, error, json);
  g_clear_error(&error);
  err = k2x_write_xlsx((const k2x_doc *const *)&doc, 1, profile, xlsx, &error);
  written(err, error, xlsx);
  k2x_doc_free(doc);
}
