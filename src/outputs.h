/* outputs: every output of one input, or of one combined workbook, written through one writer
 * interface and standing or falling together. */
#ifndef K2X_OUTPUTS_H
#define K2X_OUTPUTS_H

#include <glib.h>

#include "kaigi.h"

/* The formats an input's outputs are written in; a set, whatever order they were asked in. */
typedef enum {
  K2X_FORMAT_JSON = 1 << 0,   /* STEM.json */
  K2X_FORMAT_XLSX = 1 << 1,   /* STEM.xlsx */
  K2X_FORMAT_CSV = 1 << 2,    /* STEM.SHEET.csv, one per sheet */
  K2X_FORMAT_REVIEW = 1 << 3, /* STEM.review.pdf (needs the whole doc and its source) */
} k2x_format;

typedef struct {
  unsigned formats;           /* k2x_format bits */
  const k2x_profile *profile; /* required; must outlive the outputs */
  k2x_csv_options csv;
  const char *password; /* of the source, which the review opens again; may be NULL */
  k2x_ocr_options ocr;  /* how scanned pages were read: outputs read otherwise are stale */
} k2x_outputs_options;

/* Parses a comma-separated list of format names (xlsx, json, csv, review; any case, any
 * order) into *formats. Returns FALSE with error set (G_OPTION_ERROR_BAD_VALUE) for an
 * unknown name or an empty list. */
gboolean k2x_formats_parse(const char *list, unsigned *formats, GError **error);

/* The formats as one normalised name ("json,xlsx"): the same set always spells the same.
 * Caller frees. */
char *k2x_formats_name(unsigned formats);

/* What the outputs are made with, as one string: the tool's version, the profile's SHA-256,
 * the formats (normalised) and the CSV settings. Outputs made with another are stale. Caller
 * frees. */
char *k2x_outputs_settings(const k2x_outputs_options *options);

/* The suffixes STEM gets for each output file under options ({".json", ".xlsx", ...,
 * ".報告一覧.csv"}), NULL-terminated, so that a batch can name an input's outputs before
 * writing them. Caller frees with g_strfreev. */
char **k2x_outputs_suffixes(const k2x_outputs_options *options);

typedef struct k2x_outputs k2x_outputs;

/* Outputs named DIR/STEM.* in the formats of options (which must outlive them). Nothing is
 * created until the first report or doc end. source_path is the file the review draws over
 * (NULL without a review). Close or abort them. */
k2x_outputs *k2x_outputs_new(const char *dir, const char *stem, const char *source_path,
                             const k2x_outputs_options *options);

/* Writes report, the next report of doc, into every output (opening them first). Returns
 * K2X_ERR_WRITE with error set on failure. */
k2x_error k2x_outputs_add_report(k2x_outputs *out, const k2x_doc *doc, const k2x_report *report,
                                 GError **error);

/* Ends doc after its reports: its own warnings, and the review, which draws the whole doc
 * (doc must then still hold its reports). Several docs may follow one another (a combined
 * workbook). Returns K2X_ERR_WRITE with error set on failure. */
k2x_error k2x_outputs_end_doc(k2x_outputs *out, const k2x_doc *doc, GError **error);

/* Completes every file and renames it into place, then frees out. All or none: if one
 * fails, those already in place are removed. Appends to written (may be NULL) each path
 * written and to warnings (may be NULL) each CSV replacement message, g_malloc'd. Returns
 * K2X_ERR_WRITE with error set on failure (an earlier one included). */
k2x_error k2x_outputs_close(k2x_outputs *out, GPtrArray *written, GPtrArray *warnings,
                            GError **error);

/* Removes every file, in place or temporary, and frees out. Accepts NULL. */
void k2x_outputs_abort(k2x_outputs *out);

/* Converts the input at path (k2x_convert_file with options) into out, streaming the reports
 * unless a review needs them all, and ends the doc; options->on_report, when set, is called
 * after out took each report. On success *doc gets the doc (its streamed reports released;
 * caller frees). On failure returns the error with error set and *doc is NULL; out is left to
 * be aborted. */
k2x_error k2x_outputs_convert_file(k2x_outputs *out, const char *path,
                                   const k2x_convert_options *options, k2x_doc **doc,
                                   GError **error);

/* Reads the JSON outputs at paths (k2x_read_json), one doc at a time, into out: what --merge
 * and --combined write. A file that cannot be read or holds what a JSON output cannot is
 * skipped, with one message "FILE: reason" appended to failures. Returns the docs added; a
 * write failure is returned in *err with error set. */
guint k2x_outputs_add_json(k2x_outputs *out, GPtrArray *paths, const k2x_profile *profile,
                           GPtrArray *failures, k2x_error *err, GError **error);

/* Removes the temporary files of outputs in dir (".NAME.XXXXXX", k2x_writer_temp_path) whose
 * NAME is in names (a set of base names), or of any output of ours when names is NULL: a
 * worker that died, or a run that was killed, leaves them; under the batch's lock nobody else
 * is writing them. One pass over the directory. */
void k2x_outputs_remove_temps(const char *dir, GHashTable *names);

#endif
