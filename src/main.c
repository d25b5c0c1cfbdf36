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
  gboolean review;   /* --review: the review besides the other formats */
  unsigned format_set; /* k2x_format */
  char *csv_encoding;
  gboolean csv_strict, csv_replace; /* --csv-replace: the default now, kept for old scripts */
  k2x_csv_options csv_options;
  char *ocr_mode; /* auto, always, never */
  k2x_ocr_options ocr;
  char **inputs;
} options;

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
       "Skip inputs whose outputs are current (as DIR/.kaigi2xlsx.manifest.jsonl records them)",
       NULL},
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
      {"ocr", 0, 0, G_OPTION_ARG_STRING, &o->ocr_mode,
       "Read pages from their image with Tesseract: auto (pages without text; default), "
       "always (every page, when the text layer is garbage) or never",
       "MODE"},
      {"ocr-dpi", 0, 0, G_OPTION_ARG_INT, &o->ocr.dpi,
       "Resolution pages are read by OCR at (default 300)", "DPI"},
      {"ocr-lang", 0, 0, G_OPTION_ARG_STRING, &o->ocr.lang,
       "Tesseract language(s) of OCR, e.g. jpn+eng (default jpn)", "LANG"},
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
           "atomically (a failed conversion leaves no file behind); an input found in a\n"
           "folder keeps its path below it (DIR/2021/NAME.json), and two inputs of one name\n"
           "keep their extensions (x.pdf.json, x.txt.json); with --review also\n"
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
           "run holds DIR; 128+N stopped by signal N (SIGTERM, SIGINT, SIGHUP), after\n"
           "removing what was half written and printing the summary.\n\n"
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
  if (!k2x_formats_parse(o->formats, &o->format_set, error))
    return FALSE;
  if (o->review)
    o->format_set |= K2X_FORMAT_REVIEW;
  o->csv_options.strict = o->csv_strict;
  if (o->csv_encoding &&
      !k2x_csv_encoding_from_name(o->csv_encoding, &o->csv_options.encoding)) {
    g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                "--csv-encoding: unknown encoding \"%s\" (known: utf-8-bom, cp932)",
                o->csv_encoding);
    return FALSE;
  }
  if (o->ocr_mode && !k2x_ocr_mode_from_name(o->ocr_mode, &o->ocr.mode)) {
    g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                "--ocr: unknown mode \"%s\" (known: auto, always, never)", o->ocr_mode);
    return FALSE;
  }
  if (o->ocr.dpi < 0 || o->ocr.dpi > 1200) {
    g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                "--ocr-dpi takes a resolution from 1 to 1200 (0: the default, 300)");
    return FALSE;
  }
  if (o->timeout < 0 || o->memory_limit < 0 || o->jobs < 0) {
    g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                "--jobs, --timeout and --memory-limit take 0 (the default / no limit) or a "
                "positive number");
    return FALSE;
  }
  int end = 0; /* all of it, not a prefix: 1/3x is no shard */
  if (o->shard_spec && (sscanf(o->shard_spec, "%d/%d%n", &o->shard, &o->shards, &end) != 2 ||
                        o->shard_spec[end] != '\0' ||
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
  if (o->combined) {
    o->format_set |= K2X_FORMAT_JSON; /* the combined workbook is made from them */
    if (!strchr(o->combined, G_DIR_SEPARATOR)) {
      char *path = g_build_filename(o->output_dir, o->combined, NULL);
      g_free(o->combined);
      o->combined = path;
    }
  }
  if (!o->inputs || !o->inputs[0]) {
    g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                "no INPUT given (a PDF file or a directory); see --help");
    return FALSE;
  }
  return TRUE;
}

/* Converts every input (or merges them); returns the exit status. */
static int run(const options *o) {
  g_autoptr(GError) error = NULL;
  g_autoptr(k2x_profile) profile = o->profile_path
                                       ? k2x_profile_new_from_file(o->profile_path, &error)
                                       : k2x_profile_new_default();
  if (!profile) {
    g_printerr("kaigi2xlsx: invalid profile: %s\n", error->message);
    return K2X_EXIT_USAGE;
  }
  k2x_outputs_options oopt = {.formats = o->format_set,
                              .profile = profile,
                              .csv = o->csv_options,
                              .password = o->password,
                              .ocr = o->ocr};
  k2x_regions *regions = k2x_regions_new_default();
  k2x_convert_options copt = {.profile = profile,
                              .regions = regions,
                              .password = o->password,
                              .input_encoding = o->input_encoding,
                              .ocr = o->ocr,
                              .trace = o->trace ? stdout : NULL};
  k2x_batch batch = {.output_dir = o->output_dir,
                     .jobs = o->jobs,
                     .timeout = o->timeout,
                     .memory_limit = o->memory_limit,
                     .quiet = o->quiet,
                     .recursive = o->recursive,
                     .incremental = o->incremental,
                     .force = o->force,
                     .log_path = o->log_path,
                     .shard = o->shard,
                     .shards = o->shards,
                     .convert = &copt,
                     .outputs = &oopt,
                     .combined = o->combined};
  int status = o->merge ? k2x_batch_merge(&batch, o->inputs) : k2x_batch_run(&batch, o->inputs);
  k2x_regions_free(regions);
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
  g_free(o.ocr_mode);
  g_free((char *)o.ocr.lang);
  g_free(o.log_path);
  g_free(o.combined);
  g_free(o.shard_spec);
  g_strfreev(o.inputs);
  return status;
}
