/* inputs: arguments → input files (directories scanned, sorted) → the names of their outputs. */
#include "inputs.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include "text.h"

void k2x_input_free(k2x_input *input) {
  if (!input)
    return;
  g_free(input->path);
  g_free(input->dir);
  g_free(input->stem);
  g_free(input->below);
  g_free(input->error);
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

static int compare_inputs(gconstpointer a, gconstpointer b) {
  return strcmp((*(k2x_input *const *)a)->path, (*(k2x_input *const *)b)->path);
}

/* What a scan skips: the output directory (by device and inode, however it is spelled). */
typedef struct {
  gboolean recursive;
  gboolean have_output;
  struct stat output;
} scan;

static gboolean is_output_dir(const scan *sc, const struct stat *st) {
  return sc->have_output && st->st_dev == sc->output.st_dev && st->st_ino == sc->output.st_ino;
}

/* Adds the inputs in dir (path; below is its path below the argument, "" for the argument).
 * A folder that cannot be read is an input that fails, never a silent gap; inside the output
 * directory, the program's own reviews are not inputs. */
static void scan_dir(const scan *sc, const char *dir, const char *below, gboolean in_output,
                     GPtrArray *found) {
  errno = 0;
  GDir *d = g_dir_open(dir, 0, NULL);
  if (!d) {
    int saved = errno ? errno : EIO;
    k2x_input *in = input_new(dir, *below ? below : ".");
    in->error = g_strdup_printf("cannot read folder: %s", g_strerror(saved));
    g_ptr_array_add(found, in);
    return;
  }
  const char *name;
  while ((name = g_dir_read_name(d))) {
    g_autofree char *path = g_build_filename(dir, name, NULL);
    g_autofree char *sub = *below ? g_build_filename(below, name, NULL) : g_strdup(name);
    struct stat st, lst;
    gboolean is_dir = stat(path, &st) == 0 && S_ISDIR(st.st_mode);
    if (is_dir) {
      gboolean link = lstat(path, &lst) == 0 && S_ISLNK(lst.st_mode);
      /* The output directory inside an input directory holds only what we wrote. */
      if (sc->recursive && !link && !is_output_dir(sc, &st))
        scan_dir(sc, path, sub, in_output, found);
      continue;
    }
    g_autofree char *lower = g_ascii_strdown(name, -1);
    if (in_output && g_str_has_suffix(lower, ".review.pdf"))
      continue;
    if (g_str_has_suffix(lower, ".pdf") || g_str_has_suffix(lower, ".txt"))
      g_ptr_array_add(found, input_new(path, sub));
  }
  g_dir_close(d);
}

GPtrArray *k2x_inputs_collect(char **args, gboolean recursive, const char *output_dir) {
  GPtrArray *inputs = g_ptr_array_new_with_free_func((GDestroyNotify)k2x_input_free);
  scan sc = {.recursive = recursive};
  sc.have_output = output_dir && stat(output_dir, &sc.output) == 0;
  for (char **a = args; a && *a; a++) {
    struct stat st;
    if (stat(*a, &st) != 0 || !S_ISDIR(st.st_mode)) {
      g_ptr_array_add(inputs, input_new(*a, NULL));
      continue;
    }
    g_autoptr(GPtrArray) found = g_ptr_array_new_with_free_func((GDestroyNotify)k2x_input_free);
    scan_dir(&sc, *a, "", is_output_dir(&sc, &st), found);
    g_ptr_array_sort(found, compare_inputs);
    for (guint i = 0; i < found->len; i++)
      g_ptr_array_add(inputs, g_ptr_array_steal_index(found, i--));
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
    for (char **s = suffixes; *s && !in->error; s++) {
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
      in->error = g_strdup_printf("same outputs as %s", theirs);
      refused++;
      if (!other->error) {
        g_autofree char *ours = k2x_text_escape_name(in->path);
        other->error = g_strdup_printf("same outputs as %s", ours);
        refused++;
      }
    }
  }
  return refused;
}
