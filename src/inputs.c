/* inputs: arguments → input files (directories scanned, sorted) → the names of their outputs. */
#include "inputs.h"

#include <string.h>

#include "text.h"

void k2x_input_free(k2x_input *input) {
  if (!input)
    return;
  g_free(input->path);
  g_free(input->dir);
  g_free(input->stem);
  g_free(input->below);
  g_free(input->collision);
  g_free(input);
}

char *k2x_input_output(const k2x_input *input, const char *suffix) {
  g_autofree char *name = g_strconcat(input->stem, suffix, NULL);
  return g_build_filename(input->dir, name, NULL);
}

static k2x_input *input_new(const char *path, const char *below) {
  k2x_input *in = g_new0(k2x_input, 1);
  in->path = g_strdup(path);
  in->below = below ? g_strdup(below) : g_path_get_basename(path);
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
      g_ptr_array_add(inputs, input_new(*a, NULL));
      continue;
    }
    g_autoptr(GPtrArray) found = g_ptr_array_new_with_free_func(g_free);
    scan_dir(*a, recursive, found);
    g_ptr_array_sort(found, compare_paths);
    gsize prefix = strlen(*a);
    for (guint i = 0; i < found->len; i++) {
      const char *path = g_ptr_array_index(found, i);
      const char *below = path + prefix;
      while (*below == G_DIR_SEPARATOR)
        below++;
      g_ptr_array_add(inputs, input_new(path, below));
    }
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

/* Names in, keeping its extension or not. */
static void name_input(k2x_input *in, const char *output_dir, gboolean extension) {
  g_autofree char *sub = g_path_get_dirname(in->below);
  g_free(in->dir);
  in->dir = strcmp(sub, ".") ? g_build_filename(output_dir, sub, NULL) : g_strdup(output_dir);
  g_free(in->stem);
  in->stem = g_path_get_basename(in->below);
  char *dot = strrchr(in->stem, '.');
  if (!extension && dot && dot != in->stem)
    *dot = '\0';
}

guint k2x_inputs_name(GPtrArray *inputs, const char *output_dir, char **suffixes) {
  /* Stems first: those two inputs would share keep their extensions. */
  g_autoptr(GHashTable) stems = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  for (guint i = 0; i < inputs->len; i++) {
    k2x_input *in = g_ptr_array_index(inputs, i);
    name_input(in, output_dir, FALSE);
    char *key = g_build_filename(in->dir, in->stem, NULL);
    g_hash_table_insert(stems, key,
                        GUINT_TO_POINTER(GPOINTER_TO_UINT(g_hash_table_lookup(stems, key)) + 1));
  }
  for (guint i = 0; i < inputs->len; i++) {
    k2x_input *in = g_ptr_array_index(inputs, i);
    g_autofree char *key = g_build_filename(in->dir, in->stem, NULL);
    if (GPOINTER_TO_UINT(g_hash_table_lookup(stems, key)) > 1)
      name_input(in, output_dir, TRUE);
  }
  /* Then every output path: what still meets another input's is refused, both sides. */
  g_autoptr(GHashTable) owner = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  guint refused = 0;
  for (guint i = 0; i < inputs->len; i++) {
    k2x_input *in = g_ptr_array_index(inputs, i);
    for (char **s = suffixes; *s && !in->collision; s++) {
      char *path = k2x_input_output(in, *s);
      k2x_input *other = g_hash_table_lookup(owner, path);
      if (!other) {
        g_hash_table_insert(owner, path, in);
        continue;
      }
      g_free(path);
      if (other == in)
        continue;
      g_autofree char *theirs = k2x_text_escape_name(other->path);
      in->collision = g_strdup_printf("same outputs as %s", theirs);
      refused++;
      if (!other->collision) {
        g_autofree char *ours = k2x_text_escape_name(in->path);
        other->collision = g_strdup_printf("same outputs as %s", ours);
        refused++;
      }
    }
  }
  return refused;
}
