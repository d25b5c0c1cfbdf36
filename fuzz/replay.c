/* replay: runs a fuzz target over saved inputs without a fuzzing engine, for ctest and for
 * checking a crash by hand. Usage: fuzz_replay_TARGET FILE|DIR... (a directory's files, sorted,
 * skipping dot files). A crashing input stops it with the sanitizer's report. */
#include "fuzz.h"

#include <stdlib.h>
#include <string.h>

static int replay_file(const char *path) {
  g_autofree char *data = NULL;
  gsize len = 0;
  g_autoptr(GError) error = NULL;
  if (!g_file_get_contents(path, &data, &len, &error)) {
    fprintf(stderr, "replay: %s\n", error->message);
    return 1;
  }
  /* libFuzzer passes a buffer of exactly the input's size; a copy of that size lets ASan see
   * a read past its end, which the NUL g_file_get_contents adds would hide. */
  uint8_t *copy = g_memdup2(data, len ? len : 1);
  LLVMFuzzerTestOneInput(copy, len);
  g_free(copy);
  return 0;
}

static int compare_names(const void *a, const void *b) {
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int replay_dir(const char *path, int *count) {
  g_autoptr(GError) error = NULL;
  GDir *dir = g_dir_open(path, 0, &error);
  if (!dir) {
    fprintf(stderr, "replay: %s\n", error->message);
    return 1;
  }
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
  for (const char *name; (name = g_dir_read_name(dir));)
    if (name[0] != '.')
      g_ptr_array_add(names, g_strdup(name));
  g_dir_close(dir);
  g_ptr_array_sort(names, compare_names);
  int failed = 0;
  for (guint i = 0; i < names->len; i++) {
    g_autofree char *file = g_build_filename(path, g_ptr_array_index(names, i), NULL);
    if (g_file_test(file, G_FILE_TEST_IS_REGULAR)) {
      failed |= replay_file(file);
      (*count)++;
    }
  }
  return failed;
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: %s FILE|DIR...\n", argv[0]);
    return 2;
  }
  int failed = 0, count = 0;
  for (int i = 1; i < argc; i++) {
    if (g_file_test(argv[i], G_FILE_TEST_IS_DIR)) {
      failed |= replay_dir(argv[i], &count);
    } else {
      failed |= replay_file(argv[i]);
      count++;
    }
  }
  g_autofree char *name = g_path_get_basename(argv[0]);
  printf("%s: replayed %d inputs\n", name, count);
  return failed;
}
