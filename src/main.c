/* main: the kaigi2xlsx command line — options, the input loop, exit codes. */
#include <glib/gstdio.h>
#include <locale.h>
#include <string.h>

#include "batch.h"
#include "i18n.h"
#include "kaigi.h"

typedef struct {
  char *output_dir;
  char *formats;
  char *profile_path;
  char *password;
  char *input_encoding;
  int jobs;         /* inputs converted at a time; 0 for the number of processors */
  gboolean recursive, incremental, force;
  char *log_path;
  char *combined;   /* one workbook over all inputs of the run */
  gboolean merge;   /* inputs are directories of JSON outputs: combine them, convert nothing */
  char *shard_spec; /* "K/N" */
  int shard, shards;
  int timeout;      /* seconds an input may take; 0 for no limit */
  int memory_limit; /* MB of address space an input may use; 0 for no limit */
  gboolean quiet;
  gboolean trace;
  gboolean version;
  gboolean json, xlsx, csv, review;
  char *csv_encoding;
  gboolean csv_strict, csv_replace; /* --csv-replace: the default now, kept for old scripts */
  k2x_csv_options csv_options;
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
    else if (g_ascii_strcasecmp(*p, "csv") == 0)
      o->csv = TRUE;
    else if (**p) {
      g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                  "--format: unknown format \"%s\" (known: xlsx, json, csv, review)", *p);
      return FALSE;
    }
  }
  if (!o->json && !o->xlsx && !o->csv && !o->review) {
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
       "Comma-separated formats to write: xlsx, json, csv, review (default: xlsx,json)", "LIST"},
      {"csv-encoding", 0, 0, G_OPTION_ARG_STRING, &o->csv_encoding,
       "Encoding of CSV files: utf-8-bom (default; Excel reads it) or cp932", "NAME"},
      {"csv-strict", 0, 0, G_OPTION_ARG_NONE, &o->csv_strict,
       "In cp932, fail the input on a character CP932 cannot hold, instead of writing a "
       "look-alike (↳ as →) or 〓 with a warning",
       NULL},
      {"csv-replace", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_NONE, &o->csv_replace, NULL, NULL},
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
      {"recursive", 'r', 0, G_OPTION_ARG_NONE, &o->recursive,
       "Also take the PDF and text files of subdirectories", NULL},
      {"jobs", 'j', 0, G_OPTION_ARG_INT, &o->jobs,
       "Use N processors: N inputs at a time, or N threads extracting the pages of a lone "
       "PDF (default: all)",
       "N"},
      {"incremental", 0, 0, G_OPTION_ARG_NONE, &o->incremental,
       "Skip inputs whose outputs are current (a manifest in DIR records them)", NULL},
      {"force", 0, 0, G_OPTION_ARG_NONE, &o->force,
       "With --incremental: convert every input all the same", NULL},
      {"log", 0, 0, G_OPTION_ARG_FILENAME, &o->log_path,
       "Append every message, time-stamped, to FILE", "FILE"},
      {"combined", 0, 0, G_OPTION_ARG_FILENAME, &o->combined,
       "Also write one workbook NAME.xlsx over all inputs (in DIR unless NAME is a path; "
       "the JSON outputs it is made from are written too)",
       "NAME"},
      {"merge", 0, 0, G_OPTION_ARG_NONE, &o->merge,
       "Convert nothing: INPUTs are directories of JSON outputs (of --shard runs) to combine "
       "into --combined",
       NULL},
      {"shard", 0, 0, G_OPTION_ARG_STRING, &o->shard_spec,
       "Convert only slice K of N of the inputs (the same inputs give the same slices)", "K/N"},
      {"timeout", 0, 0, G_OPTION_ARG_INT, &o->timeout,
       "End the conversion of an input after SECONDS (default 600; 0: no limit)", "SECONDS"},
      {"memory-limit", 0, 0, G_OPTION_ARG_INT, &o->memory_limit,
       "Memory one input may use, in MB (default 4096; 0: no limit)", "MB"},
      {"quiet", 'q', 0, G_OPTION_ARG_NONE, &o->quiet, "Print errors only", NULL},
      {"trace", 0, 0, G_OPTION_ARG_NONE, &o->trace,
       "Print every source line with what it was taken as (for tuning a profile)", NULL},
      {"version", 0, 0, G_OPTION_ARG_NONE, &o->version, "Print the version and exit", NULL},
      {G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &o->inputs, NULL, "INPUT…"},
      G_OPTION_ENTRY_NULL};
  g_autoptr(GOptionContext) ctx = g_option_context_new("— convert meeting PDFs to spreadsheets");
  g_option_context_set_summary(
      ctx, "Converts Japanese ministry meeting PDFs (bundles of regional reports) into a\n"
           "spreadsheet and JSON per input: reports, regions, the goal/status table and the\n"
           "items of every section. INPUT is a PDF, a text file as pdftotext writes it\n"
           "(UTF-8, Shift_JIS or EUC-JP), or a directory of such files (*.pdf, *.txt).");
  g_option_context_set_description(
      ctx, "Outputs: DIR/NAME.xlsx and DIR/NAME.json for each input NAME.pdf, written\n"
           "atomically (a failed conversion leaves no file behind); with --review also\n"
           "DIR/NAME.review.pdf, a summary page and then every source page with the\n"
           "headings, table rows, items and unassigned text found drawn over it.\n"
           "--format csv writes DIR/NAME.SHEET.csv, one file per sheet of the workbook with\n"
           "the same values; a text starting with = + - @ gets a leading ' so that no\n"
           "spreadsheet runs it as a formula.\n\n"
           "Inputs are converted by worker processes, replaced when they die: an input that\n"
           "crashes, runs past --timeout or past --memory-limit fails alone and the batch\n"
           "goes on.\n\n"
           "Inputs convert several at a time (--jobs); lines come out in input order, then\n"
           "a summary: N converted, M skipped, K failed, W warnings in T s. A lock file\n"
           "(DIR/.kaigi2xlsx.lock) keeps two runs from writing the same outputs.\n\n"
           "Exit status: 0 all inputs converted; 1 one or more inputs failed (each\n"
           "printed as FILE: reason; the others were converted); 2 usage error; 3 another\n"
           "run holds DIR.\n\n"
           "Example:\n  kaigi2xlsx -o output input/\n");
  g_option_context_add_main_entries(ctx, entries, GETTEXT_PACKAGE);
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
  o->csv_options.strict = o->csv_strict;
  if (o->csv_encoding &&
      !k2x_csv_encoding_from_name(o->csv_encoding, &o->csv_options.encoding)) {
    g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                "--csv-encoding: unknown encoding \"%s\" (known: utf-8-bom, cp932)",
                o->csv_encoding);
    return FALSE;
  }
  if (o->timeout < 0 || o->memory_limit < 0 || o->jobs < 0) {
    g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                "--jobs, --timeout and --memory-limit take 0 (the default / no limit) or a "
                "positive number");
    return FALSE;
  }
  if (o->shard_spec && (sscanf(o->shard_spec, "%d/%d", &o->shard, &o->shards) != 2 ||
                       o->shards < 1 || o->shard < 1 || o->shard > o->shards)) {
    g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                "--shard takes K/N with 1 ≤ K ≤ N, e.g. 2/8");
    return FALSE;
  }
  if (o->merge && !o->combined) {
    g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                "--merge needs --combined NAME.xlsx to write");
    return FALSE;
  }
  if (o->combined)
    o->json = TRUE; /* the combined workbook is made from them */
  if (!o->inputs || !o->inputs[0]) {
    g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                "no INPUT given (a PDF file or a directory); see --help");
    return FALSE;
  }
  return TRUE;
}

static char *output_path(const options *o, const char *input, const char *ext) {
  return k2x_batch_output_path(o->output_dir, input, ext);
}

typedef struct {
  const options *o;
  const k2x_convert_options *copt;
} job;

/* The outputs of one input, written report by report as the conversion finds them, so that a
 * long document never sits in memory whole. They open with the first report: an input
 * without any fails with nothing written. */
typedef struct {
  const options *o;
  const k2x_profile *profile;
  const char *input;
  gboolean open;
  k2x_json_writer *json;
  k2x_xlsx_writer *xlsx;
  k2x_csv_writer *csv;
} writers;

static k2x_error writers_open(writers *w, const k2x_doc *doc, GError **error) {
  const options *o = w->o;
  w->open = TRUE;
  if (o->json) {
    g_autofree char *path = output_path(o, w->input, ".json");
    if (!(w->json = k2x_json_writer_open(doc, path, error)))
      return K2X_ERR_WRITE;
  }
  if (o->xlsx) {
    g_autofree char *path = output_path(o, w->input, ".xlsx");
    if (!(w->xlsx = k2x_xlsx_writer_open(path, w->profile, NULL, error)))
      return K2X_ERR_WRITE;
  }
  if (o->csv) {
    g_autofree char *json = output_path(o, w->input, ".json");
    g_autofree char *stem = g_path_get_basename(json);
    stem[strlen(stem) - strlen(".json")] = '\0';
    if (!(w->csv = k2x_csv_writer_open(o->output_dir, stem, w->profile, &o->csv_options, error)))
      return K2X_ERR_WRITE;
  }
  return K2X_OK;
}

/* k2x_report_fn: hands a complete report to every writer. */
static k2x_error writers_add(const k2x_doc *doc, const k2x_report *report, gpointer data,
                             GError **error) {
  writers *w = data;
  k2x_error err = w->open ? K2X_OK : writers_open(w, doc, error);
  if (!err && w->json)
    err = k2x_json_writer_add_report(w->json, report, error);
  if (!err && w->xlsx)
    err = k2x_xlsx_writer_add_report(w->xlsx, doc, report, error);
  if (!err && w->csv)
    err = k2x_csv_writer_add_report(w->csv, doc, report, error);
  k2x_batch_pages_done((guint)report->page_last, (guint)doc->pages);
  return err;
}

static void writers_abort(writers *w) {
  k2x_json_writer_abort(w->json);
  k2x_xlsx_writer_abort(w->xlsx);
  k2x_csv_writer_abort(w->csv);
  w->json = NULL;
  w->xlsx = NULL;
  w->csv = NULL;
}

/* Closes the writers after the doc's last report; appends each file written (g_malloc'd) and
 * each CSV replacement warning. */
static k2x_error writers_close(writers *w, const k2x_doc *doc, GPtrArray *written,
                               GPtrArray *warnings, GError **error) {
  k2x_error err = K2X_OK;
  if (w->json) {
    err = k2x_json_writer_close(g_steal_pointer(&w->json), doc, error);
    if (!err)
      g_ptr_array_add(written, output_path(w->o, w->input, ".json"));
  }
  if (!err && w->xlsx && !(err = k2x_xlsx_writer_end_doc(w->xlsx, doc, error))) {
    err = k2x_xlsx_writer_close(g_steal_pointer(&w->xlsx), error);
    if (!err)
      g_ptr_array_add(written, output_path(w->o, w->input, ".xlsx"));
  }
  if (!err && w->csv && !(err = k2x_csv_writer_end_doc(w->csv, doc, error)))
    err = k2x_csv_writer_close(g_steal_pointer(&w->csv), written, warnings, error);
  writers_abort(w);
  return err;
}

/* Converts one input and writes its outputs (in a batch worker process). */
static void convert_one(const char *input, int threads, k2x_batch_result *result,
                        gpointer data) {
  const options *o = ((const job *)data)->o;
  k2x_convert_options copt = *((const job *)data)->copt;
  writers w = {.o = o, .profile = copt.profile, .input = input};
  copt.threads = threads;
  /* A review draws the whole doc, so then the doc keeps its reports until the end. */
  if (!o->review) {
    copt.on_report = writers_add;
    copt.on_report_data = &w;
  }
  g_autoptr(GError) error = NULL;
  k2x_doc *doc = NULL;
  k2x_error err = k2x_convert_file(input, &copt, &doc, &error);
  for (guint i = 0; !err && o->review && i < doc->reports->len; i++)
    err = writers_add(doc, g_ptr_array_index(doc->reports, i), &w, &error);
  g_autoptr(GPtrArray) written = g_ptr_array_new_with_free_func(g_free);
  g_autoptr(GPtrArray) csv_warnings = g_ptr_array_new_with_free_func(g_free);
  if (!err)
    err = writers_close(&w, doc, written, csv_warnings, &error);
  else
    writers_abort(&w);
  if (!err && o->review) {
    g_autofree char *review = output_path(o, input, ".review.pdf");
    if (!(err = k2x_write_review(doc, input, copt.password, review, NULL, &error)))
      g_ptr_array_add(written, g_steal_pointer(&review));
  }
  if (err) {
    /* One input's outputs stand or fall together: what this run wrote goes again. */
    for (guint i = 0; i < written->len; i++)
      g_unlink(g_ptr_array_index(written, i));
    result->message = g_strdup_printf("%s: %s%s%s", input, k2x_strerror(err),
                                      error ? ": " : "", error ? error->message : "");
  } else {
    g_ptr_array_add(written, NULL);
    g_autofree char *names = g_strjoinv(", ", (char **)written->pdata);
    result->ok = TRUE;
    result->reports = doc->report_count;
    /* CP932 replacements are warnings too, though only the CSV shows them. */
    result->warnings = k2x_doc_warning_count(doc) + csv_warnings->len;
    result->pages = (guint)doc->pages;
    result->sha256 = g_strdup(doc->sha256);
    result->message = g_strdup_printf("%s: %u reports, %u warnings → %s", input,
                                      result->reports, result->warnings, names);
    for (guint i = 0; i < csv_warnings->len; i++) {
      char *line = g_strdup_printf("%s\n%s: warning: %s", result->message, input,
                                   (const char *)g_ptr_array_index(csv_warnings, i));
      g_free(result->message);
      result->message = line;
    }
  }
  k2x_doc_free(doc);
}

static int compare_basenames(const char *const *a, const char *const *b) {
  g_autofree char *x = g_path_get_basename(*a), *y = g_path_get_basename(*b);
  return strcmp(x, y);
}

/* JSON outputs in the directories (and files) given, sorted by name across all of them: the
 * order a single run over the same inputs has. */
static GPtrArray *json_outputs(char **inputs) {
  GPtrArray *files = g_ptr_array_new_with_free_func(g_free);
  for (char **in = inputs; *in; in++) {
    if (!g_file_test(*in, G_FILE_TEST_IS_DIR)) {
      g_ptr_array_add(files, g_strdup(*in));
      continue;
    }
    g_autoptr(GDir) dir = g_dir_open(*in, 0, NULL);
    const char *name;
    while (dir && (name = g_dir_read_name(dir)))
      if (g_str_has_suffix(name, ".json") && name[0] != '.')
        g_ptr_array_add(files, g_build_filename(*in, name, NULL));
  }
  g_ptr_array_sort(files, (GCompareFunc)compare_basenames);
  return files;
}

/* One workbook over the docs that JSON files hold: what --combined writes. */
static int write_combined(const options *o, const k2x_profile *profile, GPtrArray *jsons) {
  g_autofree char *path = strchr(o->combined, G_DIR_SEPARATOR)
                              ? g_strdup(o->combined)
                              : g_build_filename(o->output_dir, o->combined, NULL);
  /* With csv among the formats, the combined sheets as CSV too: NAME.SHEET.csv beside it. */
  g_autofree char *dir = g_path_get_dirname(path);
  g_autofree char *stem = g_path_get_basename(path);
  char *dot = strrchr(stem, '.');
  if (dot && dot != stem)
    *dot = '\0';
  g_autoptr(GError) error = NULL;
  k2x_xlsx_writer *xlsx = k2x_xlsx_writer_open(path, profile, NULL, &error);
  k2x_csv_writer *csv =
      xlsx && o->csv ? k2x_csv_writer_open(dir, stem, profile, &o->csv_options, &error) : NULL;
  k2x_error err = !xlsx || (o->csv && !csv) ? K2X_ERR_WRITE : K2X_OK;
  /* One doc at a time, so that a year of nights fits in memory. */
  guint docs = 0;
  int status = K2X_EXIT_OK;
  for (guint i = 0; i < jsons->len && !err; i++) {
    g_autoptr(GError) read_error = NULL;
    k2x_doc *doc = NULL;
    if (k2x_read_json(g_ptr_array_index(jsons, i), profile, &doc, &read_error)) {
      g_printerr("%s: cannot read: %s\n", (char *)g_ptr_array_index(jsons, i),
                 read_error->message);
      status = K2X_EXIT_SOME_FAILED;
      continue;
    }
    for (guint r = 0; r < doc->reports->len && !err; r++) {
      const k2x_report *report = g_ptr_array_index(doc->reports, r);
      err = k2x_xlsx_writer_add_report(xlsx, doc, report, &error);
      if (!err && csv)
        err = k2x_csv_writer_add_report(csv, doc, report, &error);
    }
    if (!err)
      err = k2x_xlsx_writer_end_doc(xlsx, doc, &error);
    if (!err && csv)
      err = k2x_csv_writer_end_doc(csv, doc, &error);
    docs++;
    k2x_doc_free(doc);
  }
  g_autoptr(GPtrArray) written = g_ptr_array_new_with_free_func(g_free);
  g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func(g_free);
  if (!err)
    err = k2x_xlsx_writer_close(g_steal_pointer(&xlsx), &error);
  gboolean renamed = !err;
  if (!err && csv)
    err = k2x_csv_writer_close(g_steal_pointer(&csv), written, warnings, &error);
  k2x_xlsx_writer_abort(xlsx);
  k2x_csv_writer_abort(csv);
  if (err) {
    if (renamed)
      g_unlink(path); /* the workbook and its CSV stand or fall together */
    g_printerr("%s: %s\n", path, error->message);
    return K2X_EXIT_SOME_FAILED;
  }
  for (guint i = 0; i < warnings->len; i++)
    g_printerr("%s: warning: %s\n", path, (char *)g_ptr_array_index(warnings, i));
  if (!o->quiet)
    g_print("%u inputs → %s%s\n", docs, path, o->csv ? " (and its sheets as CSV)" : "");
  return status;
}

/* Converts every input; returns the exit status. */
static int run(const options *o) {
  g_autoptr(GError) error = NULL;
  g_autoptr(k2x_profile) profile = o->profile_path
                                       ? k2x_profile_new_from_file(o->profile_path, &error)
                                       : k2x_profile_new_default();
  if (!profile) {
    g_printerr("kaigi2xlsx: invalid profile: %s\n", error->message);
    return K2X_EXIT_USAGE;
  }
  if (o->merge) {
    g_autoptr(GPtrArray) jsons = json_outputs(o->inputs);
    if (g_mkdir_with_parents(o->output_dir, 0755) != 0 && !strchr(o->combined, '/')) {
      g_printerr("kaigi2xlsx: %s: cannot create output directory\n", o->output_dir);
      return K2X_EXIT_SOME_FAILED;
    }
    return write_combined(o, profile, jsons);
  }
  k2x_regions *regions = k2x_regions_new_default();
  k2x_convert_options copt = {.profile = profile,
                              .regions = regions,
                              .password = o->password,
                              .input_encoding = o->input_encoding,
                              .trace = o->trace ? stdout : NULL};
  job j = {o, &copt};
  g_autoptr(GPtrArray) outputs = g_ptr_array_new();
  if (o->json)
    g_ptr_array_add(outputs, ".json");
  if (o->xlsx)
    g_ptr_array_add(outputs, ".xlsx");
  if (o->review)
    g_ptr_array_add(outputs, ".review.pdf");
  g_auto(GStrv) csv_suffixes = o->csv ? k2x_csv_suffixes(profile) : NULL;
  for (char **s = csv_suffixes; s && *s; s++)
    g_ptr_array_add(outputs, *s);
  g_ptr_array_add(outputs, NULL);
  /* What the outputs are made with: a new version, profile or format makes them stale. */
  g_autofree char *csv_print =
      o->csv ? g_strdup_printf(" csv=%s%s",
                               o->csv_options.encoding == K2X_CSV_CP932 ? "cp932" : "utf-8-bom",
                               o->csv_strict ? ",strict" : "")
             : g_strdup("");
  g_autofree char *fingerprint = g_strdup_printf("%s %s %s %s%s", K2X_VERSION,
                                                 profile->sha256, o->formats,
                                                 o->review ? "review" : "", csv_print);
  k2x_batch batch = {o->output_dir, o->jobs, o->timeout, o->memory_limit, o->quiet,
                     o->recursive, o->incremental, o->force, o->log_path, fingerprint,
                     (const char *const *)outputs->pdata, o->shard, o->shards};
  g_autoptr(GPtrArray) done = g_ptr_array_new_with_free_func(g_free);
  int status = k2x_batch_run(&batch, o->inputs, convert_one, &j, done);
  k2x_regions_free(regions);
  if (o->combined && status != K2X_EXIT_LOCKED) {
    g_autoptr(GPtrArray) jsons = g_ptr_array_new_with_free_func(g_free);
    for (guint i = 0; i < done->len; i++)
      g_ptr_array_add(jsons, output_path(o, g_ptr_array_index(done, i), ".json"));
    status = MAX(status, write_combined(o, profile, jsons));
  }
  return status;
}

int main(int argc, char **argv) {
  k2x_i18n_init();
  options o = {.timeout = 600, .memory_limit = 4096};
  g_autoptr(GError) error = NULL;
  int status = K2X_EXIT_OK;
  if (!parse_args(argc, argv, &o, &error)) {
    g_printerr("kaigi2xlsx: %s\n", error->message);
    status = K2X_EXIT_USAGE;
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
  g_free(o.csv_encoding);
  g_free(o.log_path);
  g_free(o.combined);
  g_free(o.shard_spec);
  g_strfreev(o.inputs);
  return status;
}
