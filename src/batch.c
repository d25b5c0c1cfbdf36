/* batch: the run over many inputs — lock, inputs, manifest, the worker pool, and the lines
 * printed in input order with progress and a closing summary. */
#include "batch.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "inputs.h"
#include "manifest.h"
#include "pool.h"
#include "text.h"

#define LOCK_NAME ".kaigi2xlsx.lock"

#ifdef K2X_TEST_HOOKS
/* For tests only: K2X_TEST_FAULT="crash:NAME,hang:NAME" makes the worker converting the input
 * whose base name is NAME crash or hang, to prove that the batch survives it. */
static void test_fault(const char *input) {
  const char *spec = g_getenv("K2X_TEST_FAULT");
  if (!spec)
    return;
  g_autofree char *base = g_path_get_basename(input);
  g_auto(GStrv) faults = g_strsplit(spec, ",", -1);
  for (char **f = faults; *f; f++) {
    if (g_str_has_prefix(*f, "crash:") && strcmp(*f + 6, base) == 0) {
      signal(SIGSEGV, SIG_DFL); /* a sanitizer's handler would turn it into an exit */
      raise(SIGSEGV);
    }
    if (g_str_has_prefix(*f, "hang:") && strcmp(*f + 5, base) == 0)
      for (;;)
        pause();
  }
}

/* K2X_TEST_PAUSE=NAME: the worker converting NAME waits 2 s after opening it, so that a test
 * can replace the file mid-conversion. */
static void test_pause(const char *input) {
  g_autofree char *base = g_path_get_basename(input);
  if (g_strcmp0(g_getenv("K2X_TEST_PAUSE"), base) == 0)
    g_usleep(2 * G_USEC_PER_SEC);
}
#else
#define test_fault(input) ((void)0)
#define test_pause(input) ((void)0)
#endif

/* k2x_report_fn, after the outputs took the report: the progress line's pages. */
static k2x_error pages_done(const k2x_doc *doc, const k2x_report *report, gpointer data,
                            GError **error) {
  k2x_pool_pages_done((guint)report->page_last, (guint)doc->pages);
  return K2X_OK;
}

/* Converts input (args[0]) once: result filled and the files written
 * appended to written on success, error set on failure. */
static k2x_error convert_open(const k2x_batch *b, char **args, int threads,
                              k2x_result *result, GPtrArray *written, GError **error) {
  const char *input = args[0], *source = input;
  g_autofree char *name = g_path_get_basename(input);
  k2x_convert_options copt = *b->convert;
  copt.threads = threads;
  copt.on_report = pages_done;
  copt.name = name;
  k2x_outputs *out = k2x_outputs_new(args[1], args[2], source, b->outputs);
  k2x_doc *doc = NULL;
  g_autoptr(GPtrArray) csv_warnings = g_ptr_array_new_with_free_func(g_free);
  k2x_error err = k2x_outputs_convert_file(out, source, &copt, &doc, error);
  if (err)
    k2x_outputs_abort(out);
  else
    err = k2x_outputs_close(out, written, csv_warnings, error);
  if (err) {
    k2x_doc_free(doc);
    return err;
  }
  k2x_result_clear(result);
  GString *names = g_string_new(NULL);
  for (guint i = 0; i < written->len; i++) {
    g_autofree char *escaped = k2x_text_escape_name(g_ptr_array_index(written, i));
    g_string_append_printf(names, "%s%s", i ? ", " : "", escaped);
  }
  result->ok = TRUE;
  result->reports = doc->report_count;
  /* CP932 replacements are warnings too, though only the CSV shows them. */
  result->warnings = k2x_doc_warning_count(doc) + csv_warnings->len;
  result->pages = (guint)doc->pages;
  result->sha256 = g_strdup(doc->sha256);
  GString *msg = g_string_new(NULL);
  g_string_printf(msg, "%u reports, %u warnings → %s", result->reports, result->warnings,
                  names->str);
  g_string_free(names, TRUE);
  for (guint i = 0; i < csv_warnings->len; i++) {
    g_autofree char *warning = k2x_text_escape_name(g_ptr_array_index(csv_warnings, i));
    g_string_append_printf(msg, "\nwarning: %s", warning);
  }
  result->message = g_string_free(msg, FALSE);
  k2x_doc_free(doc);
  return K2X_OK;
}

/* Whether error says memory (or address space) ran out. */
static gboolean out_of_memory(const GError *error) {
  return error && ((error->domain == G_FILE_ERROR && error->code == G_FILE_ERROR_NOMEM) ||
                   strstr(error->message, g_strerror(ENOMEM)));
}

/* An input changed while it was converted is converted again, this many times at most. */
#define CONVERT_ATTEMPTS 2

/* k2x_pool_work_fn: converts one input (args: path, output directory, stem) and writes its
 * outputs, in a worker process. The file's identity is taken from a descriptor opened first
 * and held to the end (the conversion reads the name, whose extension says PDF); if by then
 * the descriptor's file changed or the name points to another file, the bytes converted may
 * not be the ones identified, and the conversion is done again, or fails. The message leaves out the
 * input's name, which the parent puts in front of each of its lines. */
static void convert_input(char **args, int threads, k2x_result *result, gpointer data) {
  const k2x_batch *b = data;
  const char *input = args[0];
  test_fault(input);
  for (int attempt = 1; attempt <= CONVERT_ATTEMPTS; attempt++) {
    int fd = open(input, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    k2x_identity before, after, named;
    if (fd < 0 || !k2x_identity_of_fd(fd, &before)) {
      result->message = g_strdup_printf("%s: %s", k2x_strerror(K2X_ERR_READ), g_strerror(errno));
      if (fd >= 0)
        close(fd);
      return;
    }
    test_pause(input);
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) written = g_ptr_array_new_with_free_func(g_free);
    k2x_error err = convert_open(b, args, threads, result, written, &error);
    gboolean same = k2x_identity_of_fd(fd, &after) && k2x_identity_equal(&before, &after) &&
                    k2x_identity_of_path(input, &named) && k2x_identity_equal(&before, &named);
    close(fd);
    if (err && same && b->memory_limit > 0 && out_of_memory(error)) {
      g_autofree char *why = k2x_text_escape_name(error->message);
      result->message = g_strdup_printf("out of memory: converting it needs more than the %d MB "
                                        "--memory-limit allows (%s)", b->memory_limit, why);
      return;
    }
    if (err && same) {
      g_autofree char *why = error ? k2x_text_escape_name(error->message) : NULL;
      result->message = g_strdup_printf("%s%s%s", k2x_strerror(err), why ? ": " : "",
                                        why ? why : "");
      return;
    }
    if (same) {
      result->identity = k2x_identity_format(&before);
      return;
    }
    /* Outputs of bytes the file no longer holds are not kept, nor recorded. */
    for (guint i = 0; i < written->len; i++)
      g_unlink(g_ptr_array_index(written, i));
    k2x_result_clear(result);
    result->ok = FALSE;
    g_debug("%s changed while it was converted (attempt %d)", input, attempt);
  }
  result->message = g_strdup_printf("the file changed while it was converted, %d times; try "
                                    "again when it is no longer being written",
                                    CONVERT_ATTEMPTS);
}

/* ---- what is printed ---- */

typedef struct {
  const k2x_batch *b;
  FILE *log;
  gboolean tty;
  gint64 start;
  guint total, done, converted, skipped, failed, interrupted, warnings, pages;
  guint running_done, running_pages; /* pages done and in all of the inputs converting now */
  gint64 shown;                      /* when the progress line was last written */
} tally;

static void log_line(tally *t, const char *line) {
  if (!t->log)
    return;
  g_autoptr(GDateTime) now = g_date_time_new_now_local();
  g_autofree char *stamp = g_date_time_format(now, "%Y-%m-%dT%H:%M:%S%z");
  fprintf(t->log, "%s %s\n", stamp, line);
  fflush(t->log);
}

static void progress(tally *t) {
  gint64 now = g_get_monotonic_time();
  /* Ten times a second is as often as anyone reads it. */
  if (!t->tty || t->b->quiet || now - t->shown < G_USEC_PER_SEC / 10)
    return;
  t->shown = now;
  double secs = (double)(now - t->start) / G_USEC_PER_SEC;
  guint pages = t->pages + t->running_done;
  double rate = secs > 0 ? pages / secs : 0;
  /* By files once some are done; before that, by the pages of those converting (one large
   * bundle). */
  double eta = 0;
  if (t->done > 0)
    eta = secs / t->done * (t->total - t->done);
  else if (rate > 0 && t->running_pages > t->running_done)
    eta = (t->running_pages - t->running_done) / rate;
  fprintf(stderr, "\r\033[K%u/%u files, %u pages, %.1f pages/s, ETA %d:%02d", t->done,
          t->total, pages, rate, (int)eta / 60, (int)eta % 60);
  fflush(stderr);
}

/* Prints an input's result, every line of it after the input's name. */
static void report(tally *t, const k2x_input *in, const k2x_result *r) {
  if (t->tty && !t->b->quiet)
    fputs("\r\033[K", stderr);
  const char *msg = r->message ? r->message : "the conversion sent back no result";
  g_auto(GStrv) lines = g_strsplit(msg, "\n", -1);
  if (r->ok) {
    t->converted++;
    t->warnings += r->warnings;
    t->pages += r->pages;
  } else if (r->interrupted) {
    t->interrupted++;
  } else {
    t->failed++;
  }
  /* Names escaped (k2x_text_escape_name): a newline in one never breaks a line. */
  g_autofree char *name = k2x_text_escape_name(in->path);
  for (char **l = lines; *l; l++) {
    g_autofree char *line = g_strdup_printf("%s: %s", name, *l);
    if (!r->ok)
      fprintf(stderr, "%s\n", line);
    else if (!t->b->quiet)
      printf("%s\n", line);
    log_line(t, line);
  }
  fflush(stdout);
}

/* ---- the lock ---- */

/* Locks fd; FALSE with *held when another run holds it. */
static gboolean lock_fd(int fd, gboolean *held) {
  if (flock(fd, LOCK_EX | LOCK_NB) == 0)
    return TRUE;
  *held = errno == EWOULDBLOCK;
  return FALSE;
}

/* Takes the lock of the output directory: on the directory itself, which any user who can
 * read it can open, and on the lock file too when it can be opened (read-only will do: a file
 * another user made), so that runs of earlier versions, which locked the file only, are kept
 * out as well. lock[0..1] get the descriptors (-1 for none). Returns FALSE with *held when
 * another run holds the lock, else with errno set when the directory cannot be locked. */
static gboolean take_lock(const char *dir, int lock[2], gboolean *held) {
  *held = FALSE;
  lock[0] = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (lock[0] < 0 || !lock_fd(lock[0], held))
    return FALSE;
  g_autofree char *path = g_build_filename(dir, LOCK_NAME, NULL);
  lock[1] = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (lock[1] < 0)
    lock[1] = open(path, O_RDONLY | O_CLOEXEC);
  return lock[1] < 0 || lock_fd(lock[1], held);
}

static void release_lock(int lock[2]) {
  for (int i = 0; i < 2; i++)
    if (lock[i] >= 0)
      close(lock[i]);
}

/* take_lock, saying why not. */
static gboolean lock_output_dir(const char *dir, int lock[2]) {
  gboolean held = FALSE;
  if (take_lock(dir, lock, &held))
    return TRUE;
  int saved = errno;
  g_autofree char *name = k2x_text_escape_name(dir);
  if (held)
    g_printerr("kaigi2xlsx: %s is in use by another run (%s); try again when it ends\n", name,
               LOCK_NAME);
  else
    g_printerr("kaigi2xlsx: %s: cannot take the lock that keeps other runs out: %s\n", name,
               g_strerror(saved));
  release_lock(lock);
  return FALSE;
}

/* ---- the combined workbook ---- */

/* One workbook over the docs that JSON files hold: what --combined writes. */
static int write_combined(const k2x_batch *b, GPtrArray *jsons) {
  const k2x_outputs_options *o = b->outputs;
  g_autofree char *name = k2x_text_escape_name(b->combined);
  g_autofree char *dir = g_path_get_dirname(b->combined);
  g_autofree char *stem = g_path_get_basename(b->combined);
  char *dot = strrchr(stem, '.');
  if (dot && dot != stem)
    *dot = '\0';
  /* With csv among the formats, the combined sheets as CSV too: NAME.SHEET.csv beside it. */
  k2x_outputs_options co = *o;
  co.formats = K2X_FORMAT_XLSX | (o->formats & K2X_FORMAT_CSV);
  k2x_outputs *out = k2x_outputs_new(dir, stem, NULL, &co);
  g_autoptr(GPtrArray) failures = g_ptr_array_new_with_free_func(g_free);
  g_autoptr(GError) error = NULL;
  k2x_error err = K2X_OK;
  guint docs = k2x_outputs_add_json(out, jsons, o->profile, failures, &err, &error);
  for (guint i = 0; i < failures->len; i++) {
    g_autofree char *line = k2x_text_escape_name(g_ptr_array_index(failures, i));
    g_printerr("%s\n", line);
  }
  if (!err && docs == 0) {
    /* An empty workbook would pass for a night with no meetings. */
    g_printerr("kaigi2xlsx: %s: no JSON output to combine (of this program, schema "
               "kaigi2xlsx/1)\n", name);
    k2x_outputs_abort(out);
    return K2X_EXIT_SOME_FAILED;
  }
  g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func(g_free);
  if (err)
    k2x_outputs_abort(out);
  else
    err = k2x_outputs_close(out, NULL, warnings, &error);
  if (err) {
    g_autofree char *why = k2x_text_escape_name(error->message);
    g_printerr("%s: %s\n", name, why);
    return K2X_EXIT_SOME_FAILED;
  }
  for (guint i = 0; i < warnings->len; i++)
    g_printerr("%s: warning: %s\n", name, (char *)g_ptr_array_index(warnings, i));
  if (!b->quiet)
    g_print("%u inputs → %s%s\n", docs, name,
            co.formats & K2X_FORMAT_CSV ? " (and its sheets as CSV)" : "");
  return failures->len ? K2X_EXIT_SOME_FAILED : K2X_EXIT_OK;
}

/* A JSON output found below a --merge argument, and its path below it. */
typedef struct {
  char *path;
  const char *below;
} found_json;

static void found_json_free(gpointer p) {
  g_free(((found_json *)p)->path);
  g_free(p);
}

static int compare_below(gconstpointer a, gconstpointer b) {
  return strcmp((*(found_json *const *)a)->below, (*(found_json *const *)b)->below);
}

/* The JSON outputs below dir (in subdirectories too, as -r writes them). */
static void scan_json(const char *dir, gsize prefix, GPtrArray *found) {
  g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
  const char *name;
  while (d && (name = g_dir_read_name(d))) {
    if (name[0] == '.')
      continue;
    g_autofree char *path = g_build_filename(dir, name, NULL);
    if (g_file_test(path, G_FILE_TEST_IS_DIR) && !g_file_test(path, G_FILE_TEST_IS_SYMLINK)) {
      scan_json(path, prefix, found);
    } else if (g_str_has_suffix(name, ".json")) {
      found_json *f = g_new0(found_json, 1);
      f->path = g_steal_pointer(&path);
      f->below = f->path + prefix;
      while (*f->below == G_DIR_SEPARATOR)
        f->below++;
      g_ptr_array_add(found, f);
    }
  }
}

int k2x_batch_merge(const k2x_batch *b, char **dirs) {
  /* Sorted by the path below each argument, across all of them: the order a single run over
   * the same inputs has. */
  g_autoptr(GPtrArray) found = g_ptr_array_new_with_free_func(found_json_free);
  for (char **in = dirs; *in; in++) {
    if (g_file_test(*in, G_FILE_TEST_IS_DIR)) {
      scan_json(*in, strlen(*in), found);
      continue;
    }
    found_json *f = g_new0(found_json, 1);
    f->path = g_strdup(*in);
    f->below = strrchr(f->path, G_DIR_SEPARATOR) ? strrchr(f->path, G_DIR_SEPARATOR) + 1
                                                  : f->path;
    g_ptr_array_add(found, f);
  }
  g_ptr_array_sort(found, compare_below);
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func(g_free);
  for (guint i = 0; i < found->len; i++)
    g_ptr_array_add(files, g_strdup(((found_json *)g_ptr_array_index(found, i))->path));
  /* The workbook must not take the place of an input's own (NAME.json beside NAME.xlsx). */
  g_autofree char *own = g_canonicalize_filename(b->combined, NULL);
  char *dot = strrchr(own, '.');
  if (dot && !strchr(dot, G_DIR_SEPARATOR))
    *dot = '\0';
  for (guint i = 0; i < files->len; i++) {
    g_autofree char *json = g_canonicalize_filename(g_ptr_array_index(files, i), NULL);
    json[strlen(json) - strlen(".json")] = '\0';
    if (strcmp(json, own) == 0) {
      g_autofree char *name = k2x_text_escape_name(b->combined);
      g_autofree char *input = k2x_text_escape_name(g_ptr_array_index(files, i));
      g_printerr("kaigi2xlsx: --combined %s: %s is an input's output of that name; choose "
                 "another\n", name, input);
      return K2X_EXIT_USAGE;
    }
  }
  g_autofree char *dir = g_path_get_dirname(b->combined);
  if (g_mkdir_with_parents(dir, 0755) != 0) {
    g_autofree char *name = k2x_text_escape_name(dir);
    g_printerr("kaigi2xlsx: %s: cannot create output directory: %s\n", name, g_strerror(errno));
    return K2X_EXIT_SOME_FAILED;
  }
  /* The workbook's directory is the merge's output directory: locked, and cleared of what a
   * killed run left. */
  int lock[2] = {-1, -1};
  if (!lock_output_dir(dir, lock))
    return K2X_EXIT_LOCKED;
  k2x_outputs_remove_temps(dir, NULL);
  int status = write_combined(b, files);
  release_lock(lock);
  return status;
}

/* ---- the run ---- */

/* The stop signal received (SIGTERM, SIGINT, SIGHUP), 0 for none: what a signal handler may
 * set, read by the run's loop. */
static volatile sig_atomic_t stop_signal;

static void on_stop(int sig) {
  if (!stop_signal)
    stop_signal = sig;
}

static const int stop_signals[] = {SIGTERM, SIGINT, SIGHUP};

/* Catches the stop signals (saving the handlers before into old), or restores old. */
static void catch_stops(gboolean on, struct sigaction *old) {
  for (gsize i = 0; i < G_N_ELEMENTS(stop_signals); i++) {
    if (on) {
      struct sigaction sa = {0};
      sa.sa_handler = on_stop;
      sigemptyset(&sa.sa_mask);
      sigaction(stop_signals[i], &sa, &old[i]);
      /* A signal ignored from the start (nohup, a shell's background job) stays ignored. */
      if (old[i].sa_handler == SIG_IGN)
        sigaction(stop_signals[i], &old[i], NULL);
    } else {
      sigaction(stop_signals[i], &old[i], NULL);
    }
  }
}

/* Removes every stale temporary of ours in the directories of the run's outputs. */
static void remove_all_temps(const k2x_batch *b, GPtrArray *files) {
  g_autoptr(GHashTable) dirs = g_hash_table_new(g_str_hash, g_str_equal);
  g_hash_table_add(dirs, (gpointer)b->output_dir);
  for (guint i = 0; i < files->len; i++)
    g_hash_table_add(dirs, ((k2x_input *)g_ptr_array_index(files, i))->dir);
  GHashTableIter it;
  gpointer dir;
  g_hash_table_iter_init(&it, dirs);
  while (g_hash_table_iter_next(&it, &dir, NULL))
    k2x_outputs_remove_temps(dir, NULL);
}

/* Whether the combined workbook's name is free: no input's outputs have it, and its
 * directory can be written (found out now, not after the whole batch). */
static gboolean combined_free(const k2x_batch *b, GPtrArray *inputs) {
  g_autofree char *dir = g_path_get_dirname(b->combined);
  if (g_mkdir_with_parents(dir, 0755) != 0 || access(dir, W_OK) != 0) {
    g_printerr("kaigi2xlsx: --combined %s: cannot write in %s: %s\n", b->combined, dir,
               g_strerror(errno));
    return FALSE;
  }
  g_autofree char *path = g_canonicalize_filename(b->combined, NULL);
  char *dot = strrchr(path, '.');
  if (dot && strchr(dot, G_DIR_SEPARATOR) == NULL)
    *dot = '\0';
  for (guint i = 0; i < inputs->len; i++) {
    const k2x_input *in = g_ptr_array_index(inputs, i);
    g_autofree char *stem = g_build_filename(in->dir, in->stem, NULL);
    g_autofree char *own = g_canonicalize_filename(stem, NULL);
    if (strcmp(own, path) == 0) {
      g_printerr("kaigi2xlsx: --combined %s: %s has outputs of that name; choose another\n",
                 b->combined, in->path);
      return FALSE;
    }
  }
  return TRUE;
}

/* The paths of input's outputs, NULL-terminated (caller frees with g_strfreev). */
static char **outputs_of(const k2x_input *in, char **suffixes) {
  GPtrArray *paths = g_ptr_array_new();
  for (char **s = suffixes; *s; s++)
    g_ptr_array_add(paths, k2x_input_output(in, *s));
  g_ptr_array_add(paths, NULL);
  return (char **)g_ptr_array_free(paths, FALSE);
}

int k2x_batch_run(const k2x_batch *b, char **args) {
  if (g_mkdir_with_parents(b->output_dir, 0755) != 0) {
    g_printerr("kaigi2xlsx: %s: cannot create output directory: %s\n", b->output_dir,
               g_strerror(errno));
    return K2X_EXIT_SOME_FAILED;
  }
  int lock[2] = {-1, -1};
  if (!lock_output_dir(b->output_dir, lock))
    return K2X_EXIT_LOCKED;
  struct sigaction old_handlers[G_N_ELEMENTS(stop_signals)];
  stop_signal = 0;
  catch_stops(TRUE, old_handlers);
  g_autoptr(GPtrArray) files = k2x_inputs_collect(args, b->recursive, b->output_dir);
  gboolean none = files->len == 0; /* a shard may well be empty; the inputs may not */
  for (guint i = files->len; b->shards > 1 && i-- > 0;)
    if (!k2x_input_in_shard(g_ptr_array_index(files, i), b->shard, b->shards))
      g_ptr_array_remove_index(files, i);
  g_auto(GStrv) suffixes = k2x_outputs_suffixes(b->outputs);
  k2x_inputs_name(files, b->output_dir, suffixes);
  if (b->combined && !combined_free(b, files)) {
    release_lock(lock);
    catch_stops(FALSE, old_handlers);
    return K2X_EXIT_USAGE;
  }
  g_autofree char *settings = k2x_outputs_settings(b->outputs);
  /* Every run records what it wrote, so that an --incremental run after it knows. */
  g_autoptr(GError) manifest_error = NULL;
  k2x_manifest *manifest = k2x_manifest_open(b->output_dir, &manifest_error);
  if (!manifest)
    g_printerr("kaigi2xlsx: %s\n", manifest_error->message);
  tally t = {.b = b, .tty = isatty(STDERR_FILENO), .start = g_get_monotonic_time(),
             .total = files->len};
  if (b->log_path && !(t.log = fopen(b->log_path, "ae"))) {
    /* Found out now, before anything is converted. */
    g_autofree char *name = k2x_text_escape_name(b->log_path);
    g_printerr("kaigi2xlsx: %s: cannot open the log: %s\n", name, g_strerror(errno));
    k2x_manifest_close(manifest, NULL);
    release_lock(lock);
    catch_stops(FALSE, old_handlers);
    return K2X_EXIT_USAGE;
  }

  guint n = files->len, next = 0, printed = 0;
  int jobs = b->jobs > 0 ? b->jobs : (int)g_get_num_processors();
  k2x_result *results = g_new0(k2x_result, MAX(n, 1));
  gboolean *finished = g_new0(gboolean, MAX(n, 1)), *skip = g_new0(gboolean, MAX(n, 1));
  char ***outputs = g_new0(char **, MAX(n, 1));
  for (guint i = 0; i < n; i++)
    outputs[i] = outputs_of(g_ptr_array_index(files, i), suffixes);
  for (guint i = 0; i < n; i++) {
    const k2x_input *in = g_ptr_array_index(files, i);
    if (in->error) {
      results[i].message = g_strdup(in->error);
      finished[i] = TRUE;
    } else if (g_mkdir_with_parents(in->dir, 0755) != 0) {
      g_autofree char *dir = k2x_text_escape_name(in->dir);
      results[i].message =
          g_strdup_printf("cannot create output directory %s: %s", dir, g_strerror(errno));
      finished[i] = TRUE;
    }
  }
  for (guint i = 0; i < n && manifest && b->incremental && !b->force; i++)
    skip[i] = !finished[i] &&
              k2x_manifest_is_current(manifest, ((k2x_input *)g_ptr_array_index(files, i))->path,
                                      settings, outputs[i]);
  guint to_start = 0; /* inputs still to convert */
  for (guint i = 0; i < n; i++)
    to_start += !skip[i] && !finished[i];
  /* What a killed run left half written goes before anything is converted again, whatever is
   * skipped: under the lock, no temporary of ours is being written. */
  remove_all_temps(b, files);
  k2x_pool *pool = k2x_pool_new(jobs, b->timeout, b->memory_limit, convert_input, (gpointer)b);
  gboolean stopping = FALSE;
  guint not_converted = 0; /* inputs a stop left */
  while (printed < n) {
    if (stop_signal && !stopping) {
      stopping = TRUE;
      k2x_pool_kill(pool);
    }
    /* Stopped, once the workers are gone: what was never started is left, said below. */
    if (stopping && k2x_pool_jobs_held(pool) == 0) {
      for (; printed < n; printed++) {
        if (finished[printed])
          report(&t, g_ptr_array_index(files, printed), &results[printed]);
        else if (!skip[printed])
          not_converted++;
      }
      break;
    }
    while (!stopping && next < n && (skip[next] || k2x_pool_jobs_held(pool) < jobs)) {
      if (!skip[next] && !finished[next]) {
        /* The jobs no worker holds yet, shared among the inputs left: the last inputs of a
         * batch, or a lone one, get several. */
        int threads = MAX(1, (jobs - k2x_pool_jobs_held(pool)) / (int)to_start);
        /* A thread's malloc arena reserves up to 128 MB of address space, which
         * --memory-limit counts: threads get half of the limit at most. */
        if (b->memory_limit > 0)
          threads = MIN(threads, MAX(1, b->memory_limit / 2 / 128));
        const k2x_input *in = g_ptr_array_index(files, next);
        char *job[] = {in->path, in->dir, in->stem, NULL};
        if (!k2x_pool_give(pool, next, job, threads, outputs[next])) {
          if (errno == EAGAIN)
            break; /* the pool shrank: the input waits for a worker */
          results[next].message =
              g_strdup_printf("cannot start a process: %s", g_strerror(errno));
          finished[next] = TRUE;
        }
        to_start--;
      }
      next++;
    }
    if (k2x_pool_jobs_held(pool) > 0)
      k2x_pool_step(pool, results, finished);
    /* Lines come out in input order, whatever order the workers end in. */
    for (; printed < n && (skip[printed] || finished[printed]); printed++) {
      const k2x_input *in = g_ptr_array_index(files, printed);
      t.done++;
      if (skip[printed]) {
        t.skipped++;
        g_autofree char *name = k2x_text_escape_name(in->path);
        g_autofree char *line = g_strdup_printf("%s: current, skipped", name);
        log_line(&t, line);
        continue;
      }
      report(&t, in, &results[printed]);
      if (manifest && !results[printed].interrupted)
        k2x_manifest_note(manifest, in->path, &results[printed], settings, outputs[printed],
                          NULL);
    }
    k2x_pool_pages(pool, &t.running_done, &t.running_pages);
    progress(&t);
  }
  k2x_pool_free(pool);
  if (t.tty && !b->quiet && n > 0)
    fputs("\r\033[K", stderr);

  double secs = (double)(g_get_monotonic_time() - t.start) / G_USEC_PER_SEC;
  int sig = stop_signal;
  g_autofree char *summary =
      sig ? g_strdup_printf("%u converted, %u skipped, %u failed, %u warnings in %.1f s; "
                            "interrupted by SIG%s: %u not converted (run again to convert them)",
                            t.converted, t.skipped, t.failed, t.warnings, secs,
                            sigabbrev_np(sig), t.interrupted + not_converted)
          : g_strdup_printf("%u converted, %u skipped, %u failed, %u warnings in %.1f s",
                            t.converted, t.skipped, t.failed, t.warnings, secs);
  g_printerr("%s\n", summary);
  log_line(&t, summary);
  if (none)
    g_printerr("kaigi2xlsx: no PDF or text files found in the given inputs\n");
  int status = t.failed || none ? K2X_EXIT_SOME_FAILED : K2X_EXIT_OK;
  if (manifest && !k2x_manifest_close(manifest, &manifest_error))
    g_printerr("kaigi2xlsx: %s\n", manifest_error->message);
  if (manifest_error) /* what was written is not recorded: a later run would not know */
    status = K2X_EXIT_SOME_FAILED;
  if (sig) {
    remove_all_temps(b, files);
    status = 128 + sig;
  } else if (b->combined) {
    g_autoptr(GPtrArray) jsons = g_ptr_array_new_with_free_func(g_free);
    for (guint i = 0; i < n; i++)
      if (skip[i] || results[i].ok)
        g_ptr_array_add(jsons, k2x_input_output(g_ptr_array_index(files, i), ".json"));
    int combined = write_combined(b, jsons);
    status = MAX(status, combined);
  }
  if (t.log)
    fclose(t.log);
  for (guint i = 0; i < n; i++) {
    k2x_result_clear(&results[i]);
    g_strfreev(outputs[i]);
  }
  g_free(outputs);
  g_free(results);
  g_free(finished);
  g_free(skip);
  release_lock(lock);
  catch_stops(FALSE, old_handlers);
  return status;
}
