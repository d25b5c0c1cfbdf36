/* outputs: the writers of one input's (or one combined workbook's) files, fanned out from one
 * interface, and the rule that they are all written or none. */
#include "outputs.h"

#include <glib/gstdio.h>
#include <string.h>

static const struct {
  unsigned format;
  const char *name;
} format_names[] = {
    /* In this order, the normalised one. */
    {K2X_FORMAT_JSON, "json"},
    {K2X_FORMAT_XLSX, "xlsx"},
    {K2X_FORMAT_CSV, "csv"},
    {K2X_FORMAT_REVIEW, "review"},
};

gboolean k2x_formats_parse(const char *list, unsigned *formats, GError **error) {
  *formats = 0;
  g_auto(GStrv) parts = g_strsplit(list, ",", -1);
  for (char **p = parts; *p; p++) {
    g_strstrip(*p);
    if (!**p)
      continue;
    gboolean known = FALSE;
    for (gsize i = 0; i < G_N_ELEMENTS(format_names); i++)
      if (g_ascii_strcasecmp(*p, format_names[i].name) == 0) {
        *formats |= format_names[i].format;
        known = TRUE;
      }
    if (!known) {
      g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                  "--format: unknown format \"%s\" (known: xlsx, json, csv, review)", *p);
      return FALSE;
    }
  }
  if (!*formats) {
    g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, "--format: no format given");
    return FALSE;
  }
  return TRUE;
}

char *k2x_formats_name(unsigned formats) {
  GString *s = g_string_new(NULL);
  for (gsize i = 0; i < G_N_ELEMENTS(format_names); i++)
    if (formats & format_names[i].format)
      g_string_append_printf(s, "%s%s", s->len ? "," : "", format_names[i].name);
  return g_string_free(s, FALSE);
}

char *k2x_outputs_settings(const k2x_outputs_options *o) {
  g_autofree char *formats = k2x_formats_name(o->formats);
  g_autofree char *csv =
      o->formats & K2X_FORMAT_CSV
          ? g_strdup_printf(" csv=%s%s", o->csv.encoding == K2X_CSV_CP932 ? "cp932" : "utf-8-bom",
                            o->csv.strict ? ",strict" : "")
          : g_strdup("");
  /* Only settings given change the string, so that outputs made before OCR stay current. */
  g_autofree char *ocr =
      o->ocr.mode || o->ocr.dpi || o->ocr.lang
          ? g_strdup_printf(" ocr=%d,%d,%s", o->ocr.mode, o->ocr.dpi, o->ocr.lang ? o->ocr.lang : "")
          : g_strdup("");
  return g_strdup_printf("%s %s %s%s%s", K2X_VERSION, o->profile->sha256, formats, csv, ocr);
}

char **k2x_outputs_suffixes(const k2x_outputs_options *o) {
  GPtrArray *s = g_ptr_array_new();
  if (o->formats & K2X_FORMAT_JSON)
    g_ptr_array_add(s, g_strdup(".json"));
  if (o->formats & K2X_FORMAT_XLSX)
    g_ptr_array_add(s, g_strdup(".xlsx"));
  if (o->formats & K2X_FORMAT_REVIEW)
    g_ptr_array_add(s, g_strdup(".review.pdf"));
  if (o->formats & K2X_FORMAT_CSV) {
    g_auto(GStrv) csv = k2x_csv_suffixes(o->profile);
    for (char **c = csv; *c; c++)
      g_ptr_array_add(s, g_strdup(*c));
  }
  g_ptr_array_add(s, NULL);
  return (char **)g_ptr_array_free(s, FALSE);
}

struct k2x_outputs {
  const k2x_outputs_options *o;
  char *dir, *stem, *source_path;
  gboolean open;
  k2x_json_writer *json;
  k2x_xlsx_writer *xlsx;
  k2x_csv_writer *csv;
  GPtrArray *placed; /* paths already renamed into place (the review, then the others) */
};

k2x_outputs *k2x_outputs_new(const char *dir, const char *stem, const char *source_path,
                             const k2x_outputs_options *options) {
  k2x_outputs *out = g_new0(k2x_outputs, 1);
  out->o = options;
  out->dir = g_strdup(dir);
  out->stem = g_strdup(stem);
  out->source_path = g_strdup(source_path);
  out->placed = g_ptr_array_new_with_free_func(g_free);
  return out;
}

static char *path_of(const k2x_outputs *out, const char *suffix) {
  g_autofree char *name = g_strconcat(out->stem, suffix, NULL);
  return g_build_filename(out->dir, name, NULL);
}

/* The writers open with the first report or doc end, so that an input that fails before
 * either leaves nothing to remove. */
static k2x_error open_writers(k2x_outputs *out, const k2x_doc *doc, GError **error) {
  const k2x_outputs_options *o = out->o;
  out->open = TRUE;
  if (o->formats & K2X_FORMAT_JSON) {
    g_autofree char *path = path_of(out, ".json");
    if (!(out->json = k2x_json_writer_open(doc, path, error)))
      return K2X_ERR_WRITE;
  }
  if (o->formats & K2X_FORMAT_XLSX) {
    g_autofree char *path = path_of(out, ".xlsx");
    if (!(out->xlsx = k2x_xlsx_writer_open(path, o->profile, NULL, error)))
      return K2X_ERR_WRITE;
  }
  if ((o->formats & K2X_FORMAT_CSV) &&
      !(out->csv = k2x_csv_writer_open(out->dir, out->stem, o->profile, &o->csv, error)))
    return K2X_ERR_WRITE;
  return K2X_OK;
}

k2x_error k2x_outputs_add_report(k2x_outputs *out, const k2x_doc *doc, const k2x_report *report,
                                 GError **error) {
  k2x_error err = out->open ? K2X_OK : open_writers(out, doc, error);
  if (!err && out->json)
    err = k2x_json_writer_add_report(out->json, report, error);
  if (!err && out->xlsx)
    err = k2x_xlsx_writer_add_report(out->xlsx, doc, report, error);
  if (!err && out->csv)
    err = k2x_csv_writer_add_report(out->csv, doc, report, error);
  return err;
}

k2x_error k2x_outputs_end_doc(k2x_outputs *out, const k2x_doc *doc, GError **error) {
  k2x_error err = out->open ? K2X_OK : open_writers(out, doc, error);
  /* The JSON holds one doc: its end is its close. */
  if (!err && out->xlsx)
    err = k2x_xlsx_writer_end_doc(out->xlsx, doc, error);
  if (!err && out->csv)
    err = k2x_csv_writer_end_doc(out->csv, doc, error);
  if (!err && out->json) {
    err = k2x_json_writer_close(g_steal_pointer(&out->json), doc, error);
    if (!err)
      g_ptr_array_add(out->placed, path_of(out, ".json"));
  }
  if (!err && (out->o->formats & K2X_FORMAT_REVIEW)) {
    g_autofree char *path = path_of(out, ".review.pdf");
    err = k2x_write_review(doc, out->source_path, out->o->password, path, NULL, error);
    if (!err)
      g_ptr_array_add(out->placed, g_steal_pointer(&path));
  }
  return err;
}

static void drop_writers(k2x_outputs *out) {
  k2x_json_writer_abort(g_steal_pointer(&out->json));
  k2x_xlsx_writer_abort(g_steal_pointer(&out->xlsx));
  k2x_csv_writer_abort(g_steal_pointer(&out->csv));
}

static void outputs_free(k2x_outputs *out) {
  g_ptr_array_unref(out->placed);
  g_free(out->dir);
  g_free(out->stem);
  g_free(out->source_path);
  g_free(out);
}

void k2x_outputs_abort(k2x_outputs *out) {
  if (!out)
    return;
  drop_writers(out);
  for (guint i = 0; i < out->placed->len; i++)
    g_unlink(g_ptr_array_index(out->placed, i));
  outputs_free(out);
}

k2x_error k2x_outputs_close(k2x_outputs *out, GPtrArray *written, GPtrArray *warnings,
                            GError **error) {
  k2x_error err = K2X_OK;
  if (out->xlsx) {
    err = k2x_xlsx_writer_close(g_steal_pointer(&out->xlsx), error);
    if (!err)
      g_ptr_array_add(out->placed, path_of(out, ".xlsx"));
  }
  if (!err && out->csv)
    err = k2x_csv_writer_close(g_steal_pointer(&out->csv), out->placed, warnings, error);
  if (!err && out->json) /* a doc never ended */
    g_set_error(error, K2X_ERROR, (err = K2X_ERR_WRITE), "%s: no document was written",
                out->stem);
  if (err) {
    k2x_outputs_abort(out);
    return err;
  }
  /* The order the formats are listed in: json, xlsx, the CSV files, the review. */
  static const char *const order[] = {".json", ".xlsx", ".csv", ".review.pdf"};
  for (gsize k = 0; written && k < G_N_ELEMENTS(order); k++)
    for (guint i = 0; i < out->placed->len; i++) {
      const char *p = g_ptr_array_index(out->placed, i);
      if (g_str_has_suffix(p, order[k]))
        g_ptr_array_add(written, g_strdup(p));
    }
  outputs_free(out);
  return K2X_OK;
}

typedef struct {
  k2x_outputs *out;
  const k2x_convert_options *options;
} streaming;

/* k2x_report_fn: hands a complete report to every writer, then to the caller's function. */
static k2x_error stream_report(const k2x_doc *doc, const k2x_report *report, gpointer data,
                               GError **error) {
  streaming *s = data;
  k2x_error err = k2x_outputs_add_report(s->out, doc, report, error);
  if (!err && s->options->on_report)
    err = s->options->on_report(doc, report, s->options->on_report_data, error);
  return err;
}

k2x_error k2x_outputs_convert_file(k2x_outputs *out, const char *path,
                                   const k2x_convert_options *options, k2x_doc **doc,
                                   GError **error) {
  k2x_convert_options copt = *options;
  streaming s = {out, options};
  /* A review draws the whole doc, so then the doc keeps its reports until the end. */
  gboolean review = (out->o->formats & K2X_FORMAT_REVIEW) != 0;
  copt.on_report = review ? NULL : stream_report;
  copt.on_report_data = review ? NULL : &s;
  k2x_error err = k2x_convert_file(path, &copt, doc, error);
  for (guint i = 0; !err && review && i < (*doc)->reports->len; i++) {
    const k2x_report *report = g_ptr_array_index((*doc)->reports, i);
    err = k2x_outputs_add_report(out, *doc, report, error);
    /* The caller's callback sees each report after out took it, here too (it must not take
     * the report: the review still draws it). */
    if (!err && options->on_report)
      err = options->on_report(*doc, report, options->on_report_data, error);
  }
  if (!err)
    err = k2x_outputs_end_doc(out, *doc, error);
  if (err)
    g_clear_pointer(doc, k2x_doc_free);
  return err;
}

guint k2x_outputs_add_json(k2x_outputs *out, GPtrArray *paths, const k2x_profile *profile,
                           GPtrArray *failures, k2x_error *err, GError **error) {
  guint docs = 0;
  *err = K2X_OK;
  /* One doc at a time, so that a year of nights fits in memory. */
  for (guint i = 0; i < paths->len && !*err; i++) {
    const char *path = g_ptr_array_index(paths, i);
    g_autoptr(GError) read_error = NULL;
    k2x_doc *doc = NULL;
    if (k2x_read_json(path, profile, &doc, &read_error)) {
      g_ptr_array_add(failures, g_strdup_printf("%s: cannot read: %s", path,
                                                read_error->message));
      continue;
    }
    for (guint r = 0; r < doc->reports->len && !*err; r++)
      *err = k2x_outputs_add_report(out, doc, g_ptr_array_index(doc->reports, r), error);
    if (!*err)
      *err = k2x_outputs_end_doc(out, doc, error);
    docs++;
    k2x_doc_free(doc);
  }
  return docs;
}

/* Whether name (an output's base name) is one this program writes. */
static gboolean ours(const char *name) {
  static const char *const suffixes[] = {".json", ".jsonl", ".xlsx", ".csv", ".review.pdf"};
  for (gsize i = 0; i < G_N_ELEMENTS(suffixes); i++)
    if (g_str_has_suffix(name, suffixes[i]))
      return TRUE;
  return FALSE;
}

void k2x_outputs_remove_temps(const char *dir, GHashTable *names) {
  g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
  const char *name;
  while (d && (name = g_dir_read_name(d))) {
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
    if (names ? g_hash_table_contains(names, output) : ours(output)) {
      g_autofree char *path = g_build_filename(dir, name, NULL);
      g_unlink(path);
    }
  }
}
