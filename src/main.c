/* main: the kaigi2xlsx command line — options, the input loop, exit codes. */
#include <errno.h>
#include <glib/gstdio.h>
#include <locale.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kaigi.h"

enum { EXIT_ALL_OK = 0, EXIT_SOME_FAILED = 1, EXIT_USAGE = 2 };

typedef struct {
  char *output_dir;
  char *formats;
  char *profile_path;
  char *password;
  char *input_encoding;
  int timeout;      /* seconds an input may take; 0 for no limit */
  int memory_limit; /* MB of address space an input may use; 0 for no limit */
  gboolean quiet;
  gboolean trace;
  gboolean version;
  gboolean json, xlsx, review;
  char **inputs;
} options;

static gboolean parse_formats(options *o, GError **error) {
  g_auto(GStrv) parts = g_strsplit(o->formats, ",", -1);
  for (char **p = parts; *p; p++) {
    g_strstrip(*p);
    if (g_ascii_strcasecmp(*p, "json") == 0)
      o->json = TRUE;
    else if (g_ascii_strcasecmp(*p, "xlsx") == 0)
      o->xlsx = TRUE;
    else if (g_ascii_strcasecmp(*p, "review") == 0)
      o->review = TRUE;
    else if (**p) {
      g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                  "--format: unknown format \"%s\" (known: xlsx, json, review)", *p);
      return FALSE;
    }
  }
  if (!o->json && !o->xlsx && !o->review) {
    g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, "--format: no format given");
    return FALSE;
  }
  return TRUE;
}

static gboolean parse_args(int argc, char **argv, options *o, GError **error) {
  const GOptionEntry entries[] = {
      {"output", 'o', 0, G_OPTION_ARG_FILENAME, &o->output_dir,
       "Write outputs into DIR (default: output)", "DIR"},
      {"format", 0, 0, G_OPTION_ARG_STRING, &o->formats,
       "Comma-separated formats to write: xlsx, json, review (default: xlsx,json)", "LIST"},
      {"review", 0, 0, G_OPTION_ARG_NONE, &o->review,
       "Also write NAME.review.pdf: every page with the structure found drawn over it", NULL},
      {"profile", 0, 0, G_OPTION_ARG_FILENAME, &o->profile_path,
       "Read the report template from FILE instead of the built-in AD合同会議「事前課題」 "
       "profile",
       "FILE"},
      {"password", 0, 0, G_OPTION_ARG_STRING, &o->password,
       "Password for encrypted PDFs", "PASSWORD"},
      {"input-encoding", 0, 0, G_OPTION_ARG_STRING, &o->input_encoding,
       "Encoding of text inputs (e.g. CP932, EUC-JP; default: detect UTF-8, Shift_JIS, EUC-JP)",
       "NAME"},
      {"timeout", 0, 0, G_OPTION_ARG_INT, &o->timeout,
       "End the conversion of an input after SECONDS (default 600; 0: no limit)", "SECONDS"},
      {"memory-limit", 0, 0, G_OPTION_ARG_INT, &o->memory_limit,
       "Memory one input may use, in MB (default 4096; 0: no limit)", "MB"},
      {"quiet", 'q', 0, G_OPTION_ARG_NONE, &o->quiet, "Print errors only", NULL},
      {"trace", 0, 0, G_OPTION_ARG_NONE, &o->trace,
       "Print every source line with what it was taken as (for tuning a profile)", NULL},
      {"version", 0, 0, G_OPTION_ARG_NONE, &o->version, "Print the version and exit", NULL},
      {G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &o->inputs, NULL, "INPUT…"},
      {NULL}};
  g_autoptr(GOptionContext) ctx = g_option_context_new("INPUT… — convert meeting PDFs to spreadsheets");
  g_option_context_set_summary(
      ctx, "Converts Japanese ministry meeting PDFs (bundles of regional reports) into a\n"
           "spreadsheet and JSON per input: reports, regions, the goal/status table and the\n"
           "items of every section. INPUT is a PDF, a text file as pdftotext writes it\n"
           "(UTF-8, Shift_JIS or EUC-JP), or a directory of such files (*.pdf, *.txt).");
  g_option_context_set_description(
      ctx, "Outputs: DIR/NAME.xlsx and DIR/NAME.json for each input NAME.pdf, written\n"
           "atomically (a failed conversion leaves no file behind); with --review also\n"
           "DIR/NAME.review.pdf, a summary page and then every source page with the\n"
           "headings, table rows, items and unassigned text found drawn over it.\n\n"
           "Each input is converted in a process of its own: an input that crashes, runs\n"
           "past --timeout or past --memory-limit fails alone and the batch goes on.\n\n"
           "Exit status: 0 all inputs converted; 1 one or more inputs failed (each\n"
           "printed as FILE: reason; the others were converted); 2 usage error.\n\n"
           "Example:\n  kaigi2xlsx -o output input/\n");
  g_option_context_add_main_entries(ctx, entries, NULL);
  if (!g_option_context_parse(ctx, &argc, &argv, error))
    return FALSE;
  if (o->version)
    return TRUE;
  if (!o->output_dir)
    o->output_dir = g_strdup("output");
  if (!o->formats)
    o->formats = g_strdup("xlsx,json");
  if (!parse_formats(o, error))
    return FALSE;
  if (o->timeout < 0 || o->memory_limit < 0) {
    g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                "--timeout and --memory-limit take 0 (no limit) or a positive number");
    return FALSE;
  }
  if (!o->inputs || !o->inputs[0]) {
    g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                "no INPUT given (a PDF file or a directory); see --help");
    return FALSE;
  }
  return TRUE;
}

static int compare_paths(gconstpointer a, gconstpointer b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Expands the inputs: a directory stands for the PDF and text files in it, sorted. */
static GPtrArray *collect_inputs(char **inputs) {
  GPtrArray *files = g_ptr_array_new_with_free_func(g_free);
  for (char **in = inputs; *in; in++) {
    if (!g_file_test(*in, G_FILE_TEST_IS_DIR)) {
      g_ptr_array_add(files, g_strdup(*in));
      continue;
    }
    g_autoptr(GDir) dir = g_dir_open(*in, 0, NULL);
    GPtrArray *found = g_ptr_array_new_with_free_func(g_free);
    const char *name;
    while (dir && (name = g_dir_read_name(dir))) {
      g_autofree char *lower = g_ascii_strdown(name, -1);
      g_autofree char *path = g_build_filename(*in, name, NULL);
      if ((g_str_has_suffix(lower, ".pdf") || g_str_has_suffix(lower, ".txt")) &&
          !g_file_test(path, G_FILE_TEST_IS_DIR))
        g_ptr_array_add(found, g_steal_pointer(&path));
    }
    g_ptr_array_sort(found, compare_paths);
    for (guint i = 0; i < found->len; i++)
      g_ptr_array_add(files, g_strdup(g_ptr_array_index(found, i)));
    g_ptr_array_unref(found);
  }
  return files;
}

static char *output_path(const options *o, const char *input, const char *ext) {
  g_autofree char *base = g_path_get_basename(input);
  char *dot = strrchr(base, '.');
  if (dot && dot != base)
    *dot = '\0';
  g_autofree char *name = g_strconcat(base, ext, NULL);
  return g_build_filename(o->output_dir, name, NULL);
}

/* Converts one input and writes its outputs; prints FILE: reason on failure. */
static gboolean convert_one(const options *o, const k2x_convert_options *copt, const char *input) {
  g_autoptr(GError) error = NULL;
  k2x_doc *doc = NULL;
  k2x_error err = k2x_convert_file(input, copt, &doc, &error);
  if (err) {
    g_printerr("%s: %s%s%s\n", input, k2x_strerror(err), error ? ": " : "",
               error ? error->message : "");
    return FALSE;
  }
  g_autofree char *json = output_path(o, input, ".json");
  g_autofree char *xlsx = output_path(o, input, ".xlsx");
  g_autofree char *review = output_path(o, input, ".review.pdf");
  g_autoptr(GPtrArray) written = g_ptr_array_new();
  if (o->json && !(err = k2x_write_json(doc, json, &error)))
    g_ptr_array_add(written, json);
  if (!err && o->xlsx &&
      !(err = k2x_write_xlsx((const k2x_doc *const *)&doc, 1, copt->profile, xlsx, &error)))
    g_ptr_array_add(written, xlsx);
  if (!err && o->review &&
      !(err = k2x_write_review(doc, input, copt->password, review, NULL, &error)))
    g_ptr_array_add(written, review);
  if (err) {
    /* One input's outputs stand or fall together: what this run wrote goes again. */
    for (guint i = 0; i < written->len; i++)
      g_unlink(g_ptr_array_index(written, i));
    g_printerr("%s: %s: %s\n", input, k2x_strerror(err), error->message);
  } else if (!o->quiet) {
    g_ptr_array_add(written, NULL);
    g_autofree char *outputs = g_strjoinv(", ", (char **)written->pdata);
    g_print("%s: %u reports, %u warnings → %s\n", input, doc->reports->len,
            k2x_doc_warning_count(doc), outputs);
  }
  k2x_doc_free(doc);
  return err == K2X_OK;
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

static GPtrArray *outputs_before(const options *o, const char *input) {
  static const char *const exts[] = {".json", ".xlsx", ".review.pdf"};
  GPtrArray *states = g_ptr_array_new_with_free_func(output_state_free);
  for (gsize i = 0; i < G_N_ELEMENTS(exts); i++) {
    output_state *s = g_new0(output_state, 1);
    s->path = output_path(o, input, exts[i]);
    s->existed = g_stat(s->path, &s->st) == 0;
    g_ptr_array_add(states, s);
  }
  return states;
}

/* After a child died: the outputs it wrote and its temporary files (".NAME.XXXXXX", see
 * k2x_writer_temp_path) go, so that nothing half done is left. */
static void remove_leftovers(const options *o, const GPtrArray *before) {
  g_autoptr(GDir) dir = g_dir_open(o->output_dir, 0, NULL);
  for (guint i = 0; i < before->len; i++) {
    const output_state *s = g_ptr_array_index(before, i);
    struct stat now;
    if (g_stat(s->path, &now) == 0 &&
        (!s->existed || now.st_ino != s->st.st_ino || now.st_mtime != s->st.st_mtime ||
         now.st_size != s->st.st_size))
      g_unlink(s->path);
  }
  const char *name;
  while (dir && (name = g_dir_read_name(dir))) {
    for (guint i = 0; i < before->len; i++) {
      g_autofree char *base = g_path_get_basename(
          ((const output_state *)g_ptr_array_index(before, i))->path);
      /* Ours are ".NAME.XXXXXX"; g_file_set_contents writes "NAME.XXXXXX". */
      g_autofree char *prefix = g_strdup_printf("%s.", base);
      const char *rest = name + (name[0] == '.');
      if (g_str_has_prefix(rest, prefix) && strlen(rest) == strlen(prefix) + 6) {
        g_autofree char *path = g_build_filename(o->output_dir, name, NULL);
        g_unlink(path);
      }
    }
  }
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

static void limit_child(const options *o) {
#if !defined(__SANITIZE_ADDRESS__)
  /* AddressSanitizer reserves terabytes of address space: no limit can apply under it. */
  if (o->memory_limit > 0) {
    rlim_t bytes = (rlim_t)o->memory_limit * 1024 * 1024;
    struct rlimit rl = {bytes, bytes};
    setrlimit(RLIMIT_AS, &rl);
  }
#else
  (void)o;
#endif
}

/* Waits for the child, killing it when its time is up. Returns its wait status; *timed_out
 * tells whether it was killed for time. */
static int wait_child(pid_t pid, int timeout, gboolean *timed_out) {
  gint64 deadline = timeout > 0 ? g_get_monotonic_time() + (gint64)timeout * G_USEC_PER_SEC : 0;
  gulong nap = 1000;
  int status = 0;
  *timed_out = FALSE;
  for (;;) {
    pid_t r = waitpid(pid, &status, WNOHANG);
    if (r == pid || (r < 0 && errno != EINTR))
      return status;
    if (deadline && g_get_monotonic_time() > deadline && !*timed_out) {
      kill(pid, SIGKILL);
      *timed_out = TRUE;
    }
    g_usleep(nap);
    nap = MIN(nap * 2, 50000);
  }
}

/* Converts one input in a child process, so that a crash, a hang or a runaway allocation in
 * poppler on a hostile file ends only that file, reported as FILE: reason. */
static gboolean convert_isolated(const options *o, const k2x_convert_options *copt,
                                 const char *input) {
  g_autoptr(GPtrArray) before = outputs_before(o, input);
  fflush(stdout);
  fflush(stderr);
  pid_t pid = fork();
  if (pid < 0)
    return convert_one(o, copt, input);
  if (pid == 0) {
    g_clear_pointer(&before, g_ptr_array_unref); /* the parent's; the child ends with _exit */
    limit_child(o);
    test_fault(input);
    gboolean ok = convert_one(o, copt, input);
    fflush(stdout);
    fflush(stderr);
    _exit(ok ? 0 : 1);
  }
  gboolean timed_out = FALSE;
  int status = wait_child(pid, o->timeout, &timed_out);
  if (WIFEXITED(status) && !timed_out)
    return WEXITSTATUS(status) == 0;
  remove_leftovers(o, before);
  if (timed_out)
    g_printerr("%s: took longer than %d s and was stopped (see --timeout)\n", input,
               o->timeout);
  else if (WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT && o->memory_limit > 0)
    g_printerr("%s: crashed while converting (signal %d, %s), perhaps out of memory: the "
               "limit is %d MB (see --memory-limit)\n",
               input, SIGABRT, g_strsignal(SIGABRT), o->memory_limit);
  else if (WIFSIGNALED(status))
    g_printerr("%s: crashed while converting (signal %d, %s); the other inputs go on\n",
               input, WTERMSIG(status), g_strsignal(WTERMSIG(status)));
  else
    g_printerr("%s: the conversion ended abnormally (status %d)\n", input, status);
  return FALSE;
}

/* Converts every input; returns the exit status. */
static int run(const options *o) {
  g_autoptr(GError) error = NULL;
  g_autoptr(k2x_profile) profile = o->profile_path
                                       ? k2x_profile_new_from_file(o->profile_path, &error)
                                       : k2x_profile_new_default();
  if (!profile) {
    g_printerr("kaigi2xlsx: invalid profile: %s\n", error->message);
    return EXIT_USAGE;
  }
  if (g_mkdir_with_parents(o->output_dir, 0755) != 0) {
    g_printerr("kaigi2xlsx: %s: cannot create output directory: %s\n", o->output_dir,
               g_strerror(errno));
    return EXIT_SOME_FAILED;
  }
  k2x_regions *regions = k2x_regions_new_default();
  k2x_convert_options copt = {profile, regions, o->password, o->input_encoding,
                              o->trace ? stdout : NULL, 0};
  g_autoptr(GPtrArray) files = collect_inputs(o->inputs);
  guint failed = 0;
  for (guint i = 0; i < files->len; i++)
    if (!convert_isolated(o, &copt, g_ptr_array_index(files, i)))
      failed++;
  k2x_regions_free(regions);
  if (files->len == 0)
    g_printerr("kaigi2xlsx: no PDF or text files found in the given directories\n");
  return failed || files->len == 0 ? EXIT_SOME_FAILED : EXIT_ALL_OK;
}

int main(int argc, char **argv) {
  setlocale(LC_ALL, "");
  options o = {.timeout = 600, .memory_limit = 4096};
  g_autoptr(GError) error = NULL;
  int status = EXIT_ALL_OK;
  if (!parse_args(argc, argv, &o, &error)) {
    g_printerr("kaigi2xlsx: %s\n", error->message);
    status = EXIT_USAGE;
  } else if (o.version) {
    g_print("kaigi2xlsx %s\n", K2X_VERSION);
  } else {
    status = run(&o);
  }
  g_free(o.output_dir);
  g_free(o.formats);
  g_free(o.profile_path);
  g_free(o.password);
  g_free(o.input_encoding);
  g_strfreev(o.inputs);
  return status;
}
