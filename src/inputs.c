/* inputs: arguments → input files (directories scanned, sorted) → the names of their outputs. */
#include "inputs.h"

#include <string.h>

void k2x_input_free(k2x_input *input) {
  if (!input)
    return;
  g_free(input->path);
  g_free(input->dir);
  g_free(input->stem);
  g_free(input);
}

char *k2x_input_output(const k2x_input *input, const char *suffix) {
  g_autofree char *name = g_strconcat(input->stem, suffix, NULL);
  return g_build_filename(input->dir, name, NULL);
}

static k2x_input *input_new(const char *path) {
  k2x_input *in = g_new0(k2x_input, 1);
  in->path = g_strdup(path);
  return in;
}

static int compare_paths(gconstpointer a, gconstpointer b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static void scan_dir(const char *dir, gboolean recursive, GPtrArray *found) {
  g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
  const char *name;
  while (d && (name = g_dir_read_name(d))) {
    g_autofree char *path = g_build_filename(dir, name, NULL);
    if (g_file_test(path, G_FILE_TEST_IS_DIR)) {
      if (recursive && !g_file_test(path, G_FILE_TEST_IS_SYMLINK))
        scan_dir(path, recursive, found);
      continue;
    }
    g_autofree char *lower = g_ascii_strdown(name, -1);
    if (g_str_has_suffix(lower, ".pdf") || g_str_has_suffix(lower, ".txt"))
      g_ptr_array_add(found, g_steal_pointer(&path));
  }
}

GPtrArray *k2x_inputs_collect(char **args, gboolean recursive, GPtrArray *errors) {
  GPtrArray *inputs = g_ptr_array_new_with_free_func((GDestroyNotify)k2x_input_free);
  for (char **a = args; a && *a; a++) {
    if (!g_file_test(*a, G_FILE_TEST_IS_DIR)) {
      g_ptr_array_add(inputs, input_new(*a));
      continue;
    }
    g_autoptr(GPtrArray) found = g_ptr_array_new_with_free_func(g_free);
    scan_dir(*a, recursive, found);
    g_ptr_array_sort(found, compare_paths);
    for (guint i = 0; i < found->len; i++)
      g_ptr_array_add(inputs, input_new(g_ptr_array_index(found, i)));
  }
  return inputs;
}

gboolean k2x_input_in_shard(const k2x_input *input, int shard, int shards) {
  if (shards <= 1)
    return TRUE;
  g_autofree char *sum = g_compute_checksum_for_string(G_CHECKSUM_SHA256, input->path, -1);
  guint64 h = g_ascii_strtoull(sum + 48, NULL, 16); /* the last 16 hex digits */
  return (int)(h % (guint64)shards) == shard - 1;
}

void k2x_inputs_name(GPtrArray *inputs, const char *output_dir) {
  for (guint i = 0; i < inputs->len; i++) {
    k2x_input *in = g_ptr_array_index(inputs, i);
    g_autofree char *base = g_path_get_basename(in->path);
    char *dot = strrchr(base, '.');
    if (dot && dot != base)
      *dot = '\0';
    g_free(in->stem);
    g_free(in->dir);
    in->stem = g_steal_pointer(&base);
    in->dir = g_strdup(output_dir);
  }
}
