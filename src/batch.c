/* batch: worker processes that convert input after input, several at a time; their results
 * printed in input order; a lock, a manifest of what is current, progress and a closing
 * summary. */
#include "batch.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "writer.h"

#define LOCK_NAME ".kaigi2xlsx.lock"
#define MANIFEST_NAME ".kaigi2xlsx.manifest.json"

/* ---- inputs ---- */

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

GPtrArray *k2x_batch_collect(char **inputs, gboolean recursive) {
  GPtrArray *files = g_ptr_array_new_with_free_func(g_free);
  for (char **in = inputs; in && *in; in++) {
    if (!g_file_test(*in, G_FILE_TEST_IS_DIR)) {
      g_ptr_array_add(files, g_strdup(*in));
      continue;
    }
    g_autoptr(GPtrArray) found = g_ptr_array_new_with_free_func(g_free);
    scan_dir(*in, recursive, found);
    g_ptr_array_sort(found, compare_paths);
    for (guint i = 0; i < found->len; i++)
      g_ptr_array_add(files, g_strdup(g_ptr_array_index(found, i)));
  }
  return files;
}

gboolean k2x_batch_in_shard(const char *input, int shard, int shards) {
  if (shards <= 1)
    return TRUE;
  g_autofree char *sum = g_compute_checksum_for_string(G_CHECKSUM_SHA256, input, -1);
  guint64 h = g_ascii_strtoull(sum + 48, NULL, 16); /* the last 16 hex digits */
  return (int)(h % (guint64)shards) == shard - 1;
}

/* ---- results through a pipe ---- */

static void result_clear(k2x_batch_result *r) {
  g_clear_pointer(&r->sha256, g_free);
  g_clear_pointer(&r->message, g_free);
}

/* Writes text whole, however the pipe takes it; FALSE when it cannot (errno says why). */
static gboolean write_all(int fd, const char *text) {
  gsize left = strlen(text);
  while (left > 0) {
    ssize_t n = write(fd, text, left);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return FALSE;
    text += n;
    left -= (gsize)n;
  }
  return TRUE;
}

/* One line: ok, reports, warnings, pages, sha256, message (escaped). */
static void result_send(int fd, const k2x_batch_result *r) {
  g_autofree char *msg = g_strescape(r->message ? r->message : "", NULL);
  g_autofree char *line = g_strdup_printf("%d\t%u\t%u\t%u\t%s\t%s\n", r->ok, r->reports,
                                          r->warnings, r->pages, r->sha256 ? r->sha256 : "-",
                                          msg);
  write_all(fd, line);
}

static gboolean result_parse(const char *line, k2x_batch_result *r) {
  g_auto(GStrv) f = g_strsplit(line, "\t", 6);
  if (g_strv_length(f) != 6)
    return FALSE;
  r->ok = atoi(f[0]) != 0;
  r->reports = (guint)g_ascii_strtoull(f[1], NULL, 10);
  r->warnings = (guint)g_ascii_strtoull(f[2], NULL, 10);
  r->pages = (guint)g_ascii_strtoull(f[3], NULL, 10);
  r->sha256 = strcmp(f[4], "-") ? g_strdup(f[4]) : NULL;
  g_strchomp(f[5]);
  r->message = g_strcompress(f[5]);
  return TRUE;
}

/* ---- the manifest: what each input's outputs were made from ---- */

static JsonObject *manifest_load(const char *path) {
  g_autoptr(JsonParser) parser = json_parser_new();
  if (json_parser_load_from_file(parser, path, NULL)) {
    JsonNode *root = json_parser_get_root(parser);
    if (JSON_NODE_HOLDS_OBJECT(root) &&
        json_object_has_member(json_node_get_object(root), "inputs"))
      return json_object_ref(
          json_object_get_object_member(json_node_get_object(root), "inputs"));
  }
  return json_object_new();
}

static gboolean manifest_save(JsonObject *inputs, const char *path) {
  g_autoptr(JsonBuilder) b = json_builder_new();
  json_builder_begin_object(b);
  json_builder_set_member_name(b, "schema");
  json_builder_add_string_value(b, "kaigi2xlsx-manifest/1");
  json_builder_set_member_name(b, "inputs");
  json_builder_add_value(b, json_node_init_object(json_node_alloc(), inputs));
  json_builder_end_object(b);
  g_autoptr(JsonGenerator) gen = json_generator_new();
  g_autoptr(JsonNode) root = json_builder_get_root(b);
  json_generator_set_root(gen, root);
  json_generator_set_pretty(gen, TRUE);
  g_autofree char *text = json_generator_to_data(gen, NULL);
  /* g_file_set_contents writes a temporary file and renames it: never half a manifest. */
  return g_file_set_contents(path, text, -1, NULL);
}

char *k2x_batch_output_path(const char *dir, const char *input, const char *suffix) {
  g_autofree char *base = g_path_get_basename(input);
  char *dot = strrchr(base, '.');
  if (dot && dot != base)
    *dot = '\0';
  g_autofree char *name = g_strconcat(base, suffix, NULL);
  return g_build_filename(dir, name, NULL);
}

static char *output_of(const k2x_batch *b, const char *input, const char *suffix) {
  return k2x_batch_output_path(b->output_dir, input, suffix);
}

/* Modification time in nanoseconds: a file rewritten within the second still differs. */
static gint64 mtime_ns(const struct stat *st) {
  return (gint64)st->st_mtim.tv_sec * G_GINT64_CONSTANT(1000000000) + st->st_mtim.tv_nsec;
}

/* Whether input's outputs are current: same size, tool, profile and formats, every output
 * there, and the same modification time, or else the same SHA-256 (a file copied again or
 * touched is not converted again; its entry takes the new time). */
static gboolean is_current(const k2x_batch *b, JsonObject *manifest, const char *input) {
  g_autofree char *key = g_canonicalize_filename(input, NULL);
  struct stat st;
  if (!json_object_has_member(manifest, key) || g_stat(input, &st) != 0)
    return FALSE;
  JsonObject *e = json_object_get_object_member(manifest, key);
  if (!e || json_object_get_int_member_with_default(e, "size", -1) != (gint64)st.st_size ||
      g_strcmp0(json_object_get_string_member_with_default(e, "fingerprint", ""),
                b->fingerprint) != 0)
    return FALSE;
  for (const char *const *s = b->outputs; s && *s; s++) {
    g_autofree char *out = output_of(b, input, *s);
    if (!g_file_test(out, G_FILE_TEST_IS_REGULAR))
      return FALSE;
  }
  if (json_object_get_int_member_with_default(e, "mtime_ns", -1) == mtime_ns(&st))
    return TRUE;
  g_autoptr(GMappedFile) map = g_mapped_file_new(input, FALSE, NULL);
  if (!map)
    return FALSE;
  g_autoptr(GBytes) bytes = g_mapped_file_get_bytes(map);
  g_autofree char *sha256 = g_compute_checksum_for_bytes(G_CHECKSUM_SHA256, bytes);
  if (g_strcmp0(sha256, json_object_get_string_member_with_default(e, "sha256", "")) != 0)
    return FALSE;
  json_object_set_int_member(e, "mtime_ns", mtime_ns(&st));
  return TRUE;
}

static void manifest_note(const k2x_batch *b, JsonObject *manifest, const char *input,
                          const k2x_batch_result *r) {
  g_autofree char *key = g_canonicalize_filename(input, NULL);
  struct stat st;
  if (!r->ok || g_stat(input, &st) != 0) {
    json_object_remove_member(manifest, key);
    return;
  }
  JsonObject *e = json_object_new();
  json_object_set_int_member(e, "size", (gint64)st.st_size);
  json_object_set_int_member(e, "mtime_ns", mtime_ns(&st));
  json_object_set_string_member(e, "sha256", r->sha256 ? r->sha256 : "");
  json_object_set_string_member(e, "fingerprint", b->fingerprint ? b->fingerprint : "");
  JsonArray *outs = json_array_new();
  for (const char *const *s = b->outputs; s && *s; s++) {
    g_autofree char *out = output_of(b, input, *s);
    json_array_add_string_element(outs, out);
  }
  json_object_set_array_member(e, "outputs", outs);
  json_object_set_object_member(manifest, key, e);
}

/* ---- children ---- */

typedef struct {
  pid_t pid;
  int fd;           /* read end of the worker's result pipe */
  int to;           /* write end of its input pipe; -1 once it is told to end */
  int index;        /* of the input it converts; -1 when idle */
  GString *buf;
  gint64 deadline;  /* monotonic µs; 0 for none */
  gboolean timed_out;
  GPtrArray *before; /* output_state of the input's outputs */
  guint pages_done, pages; /* as the worker last said (k2x_batch_pages_done) */
  int threads;             /* the jobs the input was given */
  guint converted;         /* inputs it has converted */
} child;

/* In a worker: the write end of its result pipe. */
static int child_fd = -1;

/* Progress lines ("p\tDONE\tPAGES") go ahead of the result line on the same pipe. */
void k2x_batch_pages_done(guint done, guint pages) {
  if (child_fd < 0)
    return;
  char line[64];
  int len = g_snprintf(line, sizeof line, "p\t%u\t%u\n", done, pages);
  /* A pipe takes a write this small whole. */
  ssize_t written = write(child_fd, line, (size_t)len);
  (void)written;
}

/* Takes the progress lines at the front of what a child wrote. */
static void take_progress(child *c) {
  while (g_str_has_prefix(c->buf->str, "p\t")) {
    const char *nl = strchr(c->buf->str, '\n');
    if (!nl)
      return;
    char *end = NULL;
    c->pages_done = (guint)g_ascii_strtoull(c->buf->str + 2, &end, 10);
    c->pages = (guint)g_ascii_strtoull(end, NULL, 10);
    g_string_erase(c->buf, 0, nl + 1 - c->buf->str);
  }
}

/* What an output file was before a conversion, to tell what the conversion wrote. */
typedef struct {
  char *path;
  gboolean existed;
  struct stat st;
} output_state;

static void output_state_free(gpointer p) {
  output_state *s = p;
  g_free(s->path);
  g_free(s);
}

static GPtrArray *outputs_before(const k2x_batch *b, const char *input) {
  GPtrArray *states = g_ptr_array_new_with_free_func(output_state_free);
  for (const char *const *s = b->outputs; s && *s; s++) {
    output_state *o = g_new0(output_state, 1);
    o->path = output_of(b, input, *s);
    o->existed = g_stat(o->path, &o->st) == 0;
    g_ptr_array_add(states, o);
  }
  return states;
}

/* Removes the temporary files of the outputs named in names (a set of base names): every
 * writer's is ".NAME.XXXXXX" (k2x_writer_temp_path). A child that died, or a run that was
 * killed, leaves them; under the lock nobody else is writing them. One pass over the
 * directory, however many outputs. */
static void remove_temps(const k2x_batch *b, GHashTable *names) {
  g_autoptr(GDir) dir = g_dir_open(b->output_dir, 0, NULL);
  const char *name;
  while (dir && (name = g_dir_read_name(dir))) {
    if (name[0] != '.')
      continue;
    const char *rest = name + 1;
    gsize len = strlen(rest);
    /* g_mkstemp's six characters are letters and digits. */
    gboolean temp = len >= 8 && rest[len - 7] == '.';
    for (gsize i = len - 6; temp && i < len; i++)
      temp = g_ascii_isalnum(rest[i]);
    if (!temp)
      continue;
    g_autofree char *output = g_strndup(rest, len - 7);
    if (g_hash_table_contains(names, output)) {
      g_autofree char *path = g_build_filename(b->output_dir, name, NULL);
      g_unlink(path);
    }
  }
}

/* Adds the base names of input's outputs to names. */
static void add_output_names(const k2x_batch *b, const char *input, GHashTable *names) {
  for (const char *const *s = b->outputs; s && *s; s++) {
    char *path = output_of(b, input, *s);
    g_hash_table_add(names, g_path_get_basename(path));
    g_free(path);
  }
}

/* After a child died: the outputs it wrote and its temporary files go, so that nothing half
 * done is left. */
static void remove_leftovers(const k2x_batch *b, const GPtrArray *before) {
  for (guint i = 0; i < before->len; i++) {
    const output_state *s = g_ptr_array_index(before, i);
    struct stat now;
    if (g_stat(s->path, &now) == 0 &&
        (!s->existed || now.st_ino != s->st.st_ino || now.st_mtime != s->st.st_mtime ||
         now.st_size != s->st.st_size))
      g_unlink(s->path);
  }
  g_autoptr(GHashTable) names = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  for (guint i = 0; i < before->len; i++)
    g_hash_table_add(names,
                     g_path_get_basename(((const output_state *)g_ptr_array_index(before, i))->path));
  remove_temps(b, names);
}

/* For tests only: K2X_TEST_FAULT="crash:NAME,hang:NAME" makes the child converting the input
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

static void limit_memory(int mb) {
#if !defined(__SANITIZE_ADDRESS__)
  /* AddressSanitizer reserves terabytes of address space: no limit can apply under it. */
  if (mb > 0) {
    rlim_t bytes = (rlim_t)mb * 1024 * 1024;
    struct rlimit rl = {bytes, bytes};
    setrlimit(RLIMIT_AS, &rl);
  }
#else
  (void)mb;
#endif
}

/* A worker converts inputs one after another, each as the parent sends it ("THREADS\tPATH\n",
 * the path escaped), answering with a result line; it ends at the end of its input. One
 * process for many inputs spares a fork, an exit and the first touch of every page of memory
 * per input, which cost as much as converting a small PDF; an input that crashes or hangs
 * still takes down only its worker, which the parent replaces. */
static void worker_main(int in, int out, k2x_batch_convert_fn convert, gpointer data) {
  child_fd = out;
  FILE *from = fdopen(in, "r");
  char *line = NULL;
  size_t cap = 0;
  while (from && getline(&line, &cap, from) > 0) {
    line[strcspn(line, "\n")] = '\0'; /* a path may end in white space */
    char *tab = strchr(line, '\t');
    if (!tab)
      break;
    g_autofree char *input = g_strcompress(tab + 1);
    test_fault(input);
    k2x_batch_result r = {0};
    convert(input, atoi(line), &r, data);
    result_send(out, &r);
    result_clear(&r);
    fflush(stdout);
  }
  free(line);
  _exit(0);
}

/* Not inlined: the worker ends in _exit inside it, and inlined the compiler may drop the
 * batch's arrays from the registers first, which a leak checker then reports as lost. */
G_GNUC_NO_INLINE
static child *start_worker(const k2x_batch *b, GPtrArray *workers,
                           k2x_batch_convert_fn convert, gpointer data) {
  int results[2], inputs[2];
  if (pipe(results) != 0)
    return NULL;
  if (pipe(inputs) != 0) {
    close(results[0]);
    close(results[1]);
    return NULL;
  }
  fflush(stdout);
  fflush(stderr);
  pid_t parent = getpid();
  pid_t pid = fork();
  if (pid < 0) {
    close(results[0]);
    close(results[1]);
    close(inputs[0]);
    close(inputs[1]);
    return NULL;
  }
  if (pid == 0) {
    /* Orphaned, a worker would go on under the lock with nobody to enforce --timeout. */
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent)
      _exit(1);
    close(results[0]);
    close(inputs[1]);
    for (guint i = 0; i < workers->len; i++) {
      const child *c = g_ptr_array_index(workers, i);
      close(c->fd);
      if (c->to >= 0)
        close(c->to);
    }
    limit_memory(b->memory_limit);
    worker_main(inputs[0], results[1], convert, data);
  }
  close(results[1]);
  close(inputs[0]);
  child *c = g_new0(child, 1);
  c->pid = pid;
  c->fd = results[0];
  c->to = inputs[1];
  c->index = -1;
  c->buf = g_string_new(NULL);
  g_ptr_array_add(workers, c);
  g_debug("worker %d started", (int)pid);
  return c;
}

/* Hands input (number index) to an idle worker. */
static gboolean give(const k2x_batch *b, child *c, guint index, const char *input,
                     int threads) {
  g_autofree char *escaped = g_strescape(input, NULL);
  g_autofree char *line = g_strdup_printf("%d\t%s\n", threads, escaped);
  /* Before the worker can write anything: what was there is what must stay. */
  GPtrArray *before = outputs_before(b, input);
  /* A worker that died leaves a broken pipe: that must fail this write, not kill the run
   * (SIGPIPE is blocked for it, and a pending one taken back). */
  sigset_t pipe_signal, mask;
  sigemptyset(&pipe_signal);
  sigaddset(&pipe_signal, SIGPIPE);
  sigprocmask(SIG_BLOCK, &pipe_signal, &mask);
  gboolean written = write_all(c->to, line);
  int saved = errno;
  struct timespec now = {0, 0};
  while (sigtimedwait(&pipe_signal, NULL, &now) > 0)
    ;
  sigprocmask(SIG_SETMASK, &mask, NULL);
  errno = saved;
  if (!written) {
    g_ptr_array_unref(before);
    return FALSE;
  }
  c->index = (int)index;
  c->before = before;
  c->threads = threads;
  c->pages_done = c->pages = 0;
  c->timed_out = FALSE;
  c->deadline = b->timeout > 0 ? g_get_monotonic_time() + (gint64)b->timeout * G_USEC_PER_SEC
                               : 0;
  return TRUE;
}

/* The worker's result line for its input has come: the worker is idle again. */
static void take_result(child *c, const char *input, k2x_batch_result *r) {
  const char *nl = strchr(c->buf->str, '\n');
  g_autofree char *line = g_strndup(c->buf->str, (gsize)(nl - c->buf->str));
  g_string_erase(c->buf, 0, nl + 1 - c->buf->str);
  if (!result_parse(line, r)) {
    r->ok = FALSE;
    r->message = g_strdup_printf("%s: the conversion sent back no result", input);
  }
  g_clear_pointer(&c->before, g_ptr_array_unref);
  c->index = -1;
  c->threads = 0;
  c->pages_done = c->pages = 0; /* now counted with the input's result */
  c->converted++;
}

/* The worker is gone (its pipe closed): when it was converting an input, what killed it is
 * that input's result, and what it wrote goes. */
static void end_worker(const k2x_batch *b, child *c, const char *input, k2x_batch_result *r) {
  if (c->to >= 0)
    close(c->to); /* an idle worker ends at the end of its input */
  int status = 0;
  while (waitpid(c->pid, &status, 0) < 0 && errno == EINTR)
    ;
  close(c->fd);
  if (c->index >= 0) {
    remove_leftovers(b, c->before);
    result_clear(r);
    r->ok = FALSE;
    if (c->timed_out)
      r->message = g_strdup_printf("%s: took longer than %d s and was stopped (see --timeout)",
                                   input, b->timeout);
    else if (WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT && b->memory_limit > 0)
      r->message = g_strdup_printf("%s: crashed while converting (signal %d, %s), perhaps out "
                                   "of memory: the limit is %d MB (see --memory-limit)",
                                   input, SIGABRT, g_strsignal(SIGABRT), b->memory_limit);
    else if (WIFSIGNALED(status))
      r->message = g_strdup_printf("%s: crashed while converting (signal %d, %s)", input,
                                   WTERMSIG(status), g_strsignal(WTERMSIG(status)));
    else
      r->message = g_strdup_printf("%s: the conversion ended abnormally (status %d)", input,
                                   WIFEXITED(status) ? WEXITSTATUS(status) : status);
  }
  g_string_free(c->buf, TRUE);
  if (c->before)
    g_ptr_array_unref(c->before);
  g_free(c);
}

/* ---- the run ---- */

typedef struct {
  const k2x_batch *b;
  FILE *log;
  gboolean tty;
  gint64 start;
  guint total, done, converted, skipped, failed, warnings, pages;
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

static void report(tally *t, const k2x_batch_result *r) {
  if (t->tty && !t->b->quiet)
    fputs("\r\033[K", stderr);
  if (r->ok) {
    t->converted++;
    t->warnings += r->warnings;
    t->pages += r->pages;
    if (!t->b->quiet && r->message)
      printf("%s\n", r->message);
    fflush(stdout);
  } else {
    t->failed++;
    fprintf(stderr, "%s\n", r->message ? r->message : "conversion failed");
  }
  log_line(t, r->message ? r->message : "");
}

/* Takes the lock on the output directory; -1 when another run holds it. */
static int take_lock(const char *dir, gboolean *held) {
  g_autofree char *path = g_build_filename(dir, LOCK_NAME, NULL);
  int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  *held = FALSE;
  if (fd < 0)
    return -1;
  if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
    *held = errno == EWOULDBLOCK;
    close(fd);
    return -1;
  }
  return fd;
}

/* A worker is retired after this many inputs, so that what one conversion leaves in its heap
 * (fragments, caches) never adds up over a long night. */
#define WORKER_INPUTS 50

/* Reads what the workers wrote, waiting at most a moment; takes finished results into results,
 * ends the workers whose pipes closed and kills those past their input's time. */
static void step(const k2x_batch *b, GPtrArray *workers, GPtrArray *files,
                 k2x_batch_result *results, gboolean *finished) {
  g_autofree struct pollfd *pfd = g_new0(struct pollfd, workers->len);
  for (guint i = 0; i < workers->len; i++) {
    pfd[i].fd = ((child *)g_ptr_array_index(workers, i))->fd;
    pfd[i].events = POLLIN;
  }
  int n = poll(pfd, workers->len, 50);
  gint64 now = g_get_monotonic_time();
  for (guint i = workers->len; i-- > 0;) {
    child *c = g_ptr_array_index(workers, i);
    gboolean closed = FALSE;
    if (n > 0 && (pfd[i].revents & (POLLIN | POLLHUP | POLLERR))) {
      char buf[4096];
      ssize_t got = read(c->fd, buf, sizeof buf);
      if (got > 0) {
        g_string_append_len(c->buf, buf, got);
        take_progress(c);
        if (c->index >= 0 && strchr(c->buf->str, '\n')) {
          guint index = (guint)c->index;
          take_result(c, g_ptr_array_index(files, index), &results[index]);
          finished[index] = TRUE;
          if (c->converted >= WORKER_INPUTS && c->to >= 0) {
            close(c->to); /* it ends at the end of its input */
            c->to = -1;
          }
        }
      } else if (got == 0 || errno != EINTR) {
        closed = TRUE;
      }
    }
    if (!closed && c->index >= 0 && c->deadline && now > c->deadline && !c->timed_out) {
      kill(c->pid, SIGKILL);
      c->timed_out = TRUE;
      close(c->to); /* never handed another input, even if its result was on the way */
      c->to = -1;
    }
    if (closed) {
      int index = c->index;
      g_ptr_array_remove_index(workers, i);
      end_worker(b, c, index >= 0 ? g_ptr_array_index(files, index) : NULL,
                 index >= 0 ? &results[index] : NULL);
      if (index >= 0)
        finished[index] = TRUE;
    }
  }
}

/* An idle worker that takes inputs, else NULL. */
static child *idle_worker(const GPtrArray *workers) {
  for (guint i = 0; i < workers->len; i++) {
    child *c = g_ptr_array_index(workers, i);
    if (c->index < 0 && c->to >= 0)
      return c;
  }
  return NULL;
}

/* Workers that convert or take inputs (not those told to end). */
static int workers_live(const GPtrArray *workers) {
  int live = 0;
  for (guint i = 0; i < workers->len; i++)
    live += ((const child *)g_ptr_array_index(workers, i))->to >= 0;
  return live;
}

/* The jobs the workers' inputs hold. */
static int jobs_held(const GPtrArray *workers) {
  int held = 0;
  for (guint i = 0; i < workers->len; i++)
    held += ((const child *)g_ptr_array_index(workers, i))->threads;
  return held;
}

int k2x_batch_run(const k2x_batch *b, char **inputs, k2x_batch_convert_fn convert,
                  gpointer data, GPtrArray *done) {
  if (g_mkdir_with_parents(b->output_dir, 0755) != 0) {
    g_printerr("kaigi2xlsx: %s: cannot create output directory: %s\n", b->output_dir,
               g_strerror(errno));
    return K2X_EXIT_SOME_FAILED;
  }
  gboolean held = FALSE;
  int lock = take_lock(b->output_dir, &held);
  if (lock < 0 && held) {
    g_printerr("kaigi2xlsx: %s is in use by another run (%s); try again when it ends\n",
               b->output_dir, LOCK_NAME);
    return K2X_EXIT_LOCKED;
  }
  g_autoptr(GPtrArray) files = k2x_batch_collect(inputs, b->recursive);
  gboolean none = files->len == 0; /* a shard may well be empty; the inputs may not */
  for (guint i = files->len; b->shards > 1 && i-- > 0;)
    if (!k2x_batch_in_shard(g_ptr_array_index(files, i), b->shard, b->shards))
      g_ptr_array_remove_index(files, i);
  g_autofree char *manifest_path = g_build_filename(b->output_dir, MANIFEST_NAME, NULL);
  JsonObject *manifest = b->incremental ? manifest_load(manifest_path) : NULL;
  tally t = {.b = b, .tty = isatty(STDERR_FILENO), .start = g_get_monotonic_time(),
             .total = files->len};
  if (b->log_path && !(t.log = fopen(b->log_path, "ae")))
    g_printerr("kaigi2xlsx: %s: cannot open the log: %s\n", b->log_path, g_strerror(errno));

  guint n = files->len, next = 0, printed = 0;
  int jobs = b->jobs > 0 ? b->jobs : (int)g_get_num_processors();
  k2x_batch_result *results = g_new0(k2x_batch_result, MAX(n, 1));
  gboolean *finished = g_new0(gboolean, MAX(n, 1)), *skip = g_new0(gboolean, MAX(n, 1));
  for (guint i = 0; i < n && manifest && !b->force; i++)
    skip[i] = is_current(b, manifest, g_ptr_array_index(files, i));
  if (manifest && !b->force) /* the new times of inputs found unchanged by their hash */
    manifest_save(manifest, manifest_path);
  g_autoptr(GPtrArray) running = g_ptr_array_new();
  guint to_start = 0; /* inputs still to convert */
  g_autoptr(GHashTable) names = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  for (guint i = 0; i < n; i++) {
    to_start += !skip[i];
    if (!skip[i])
      add_output_names(b, g_ptr_array_index(files, i), names);
  }
  /* What a killed run left half written goes before anything is converted again, the
   * manifest's temporary file too (g_file_set_contents names it ".NAME.XXXXXX" as well). */
  if (manifest)
    g_hash_table_add(names, g_strdup(MANIFEST_NAME + 1));
  remove_temps(b, names);
  while (printed < n) {
    while (next < n && (skip[next] || jobs_held(running) < jobs)) {
      /* The jobs no child holds yet, shared among the inputs left: the last inputs of a
       * batch, or a lone one, get several. */
      int threads = skip[next] ? 0 : MAX(1, (jobs - jobs_held(running)) / (int)to_start);
      /* A thread's malloc arena reserves up to 128 MB of address space, which
       * --memory-limit counts: threads get half of the limit at most. */
      if (b->memory_limit > 0)
        threads = MIN(threads, MAX(1, b->memory_limit / 2 / 128));
      to_start -= !skip[next];
      if (!skip[next]) {
        const char *input = g_ptr_array_index(files, next);
        /* A worker that died idle cannot take it: it is told to end, and a new one tries. */
        gboolean given = FALSE;
        for (int attempt = 0; attempt < 2 && !given; attempt++) {
          child *c = idle_worker(running);
          if (!c && workers_live(running) < jobs)
            c = start_worker(b, running, convert, data);
          if (!c)
            break;
          if (!(given = give(b, c, next, input, threads))) {
            close(c->to);
            c->to = -1;
          }
        }
        if (!given) {
          results[next].message =
              g_strdup_printf("%s: cannot start a process: %s", input, g_strerror(errno));
          finished[next] = TRUE;
        }
      }
      next++;
    }
    if (jobs_held(running) > 0)
      step(b, running, files, results, finished);
    /* Lines come out in input order, whatever order the children end in. */
    for (; printed < n && (skip[printed] || finished[printed]); printed++) {
      const char *input = g_ptr_array_index(files, printed);
      t.done++;
      if (done && (skip[printed] || results[printed].ok))
        g_ptr_array_add(done, g_strdup(input));
      if (skip[printed]) {
        t.skipped++;
        g_autofree char *line = g_strdup_printf("%s: current, skipped", input);
        log_line(&t, line);
        continue;
      }
      report(&t, &results[printed]);
      if (manifest) {
        manifest_note(b, manifest, input, &results[printed]);
        manifest_save(manifest, manifest_path);
      }
      result_clear(&results[printed]);
    }
    t.running_done = t.running_pages = 0;
    for (guint i = 0; i < running->len; i++) {
      const child *c = g_ptr_array_index(running, i);
      t.running_done += c->pages_done;
      t.running_pages += c->pages;
    }
    progress(&t);
  }
  /* Idle workers end at the end of their input. */
  for (guint i = 0; i < running->len; i++) {
    child *c = g_ptr_array_index(running, i);
    end_worker(b, c, NULL, NULL);
  }
  g_ptr_array_set_size(running, 0);
  if (t.tty && !b->quiet && n > 0)
    fputs("\r\033[K", stderr);

  double secs = (double)(g_get_monotonic_time() - t.start) / G_USEC_PER_SEC;
  g_autofree char *summary =
      g_strdup_printf("%u converted, %u skipped, %u failed, %u warnings in %.1f s", t.converted,
                      t.skipped, t.failed, t.warnings, secs);
  g_printerr("%s\n", summary);
  log_line(&t, summary);
  if (none)
    g_printerr("kaigi2xlsx: no PDF or text files found in the given inputs\n");
  if (t.log)
    fclose(t.log);
  if (manifest)
    json_object_unref(manifest);
  g_free(results);
  g_free(finished);
  g_free(skip);
  if (lock >= 0)
    close(lock);
  return t.failed || none ? K2X_EXIT_SOME_FAILED : K2X_EXIT_OK;
}
