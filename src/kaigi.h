/* kaigi: the public API of the kaigi2xlsx library — convert one input into a document model,
 * then hand the model to the writers (writer.h). */
#ifndef K2X_KAIGI_H
#define K2X_KAIGI_H

#include <stdio.h>

#include "error.h"
#include "model.h"
#include "ocr.h"
#include "profile.h"
#include "region.h"
#include "writer.h"

/* Takes a complete report (region settled) as the conversion finds it, e.g. to write it out.
 * An error stops the conversion, which returns it. */
typedef k2x_error (*k2x_report_fn)(const k2x_doc *doc, const k2x_report *report, gpointer data,
                                   GError **error);

typedef struct {
  const k2x_profile *profile; /* required */
  const k2x_regions *regions; /* required */
  const char *password;       /* for an encrypted PDF; NULL for none */
  const char *input_encoding; /* of text input; NULL to detect it */
  const char *name;           /* the source's name in the doc (doc->file); NULL for the base
                               * name of path */
  FILE *trace;                /* when set, every source line is printed with its role */
  guint max_glyphs;           /* characters a page may hold; 0 for K2X_MAX_GLYPHS */
  int threads;                /* PDF pages extracted at once, each thread with its own poppler
                               * document; 0 or 1 for one page at a time. The result does not
                               * depend on it. */
  k2x_ocr_options ocr;        /* which pages are read from their image, and how */
  k2x_report_fn on_report;    /* NULL: the doc keeps its reports. Else each report is handed
                               * to it and then freed (k2x_doc_take_report), and so are
                               * the marks, which only a review draws: memory stays flat
                               * however long the document. */
  gpointer on_report_data;
} k2x_convert_options;

/* A page with more characters than this is skipped with a page_too_large warning: a real page
 * holds a few thousand, a hostile one millions. */
#define K2X_MAX_GLYPHS 200000

/* Converts the PDF (or pdftotext text) at path: extract → clean → segment, one page at a
 * time. On success *out gets a doc the caller frees with k2x_doc_free (without its reports
 * when on_report took them). On failure returns the error (K2X_ERR_READ, K2X_ERR_PDF,
 * K2X_ERR_ENCRYPTED, K2X_ERR_ENCODING, K2X_ERR_NO_TEXT, K2X_ERR_NO_REPORTS, or on_report's)
 * with error set, and *out is NULL. */
k2x_error k2x_convert_file(const char *path, const k2x_convert_options *options, k2x_doc **out,
                           GError **error);

/* Reads a JSON output of this program (schema kaigi2xlsx/1) back into a doc; items get their
 * markers from profile. On failure returns K2X_ERR_READ with error set and *out is NULL. */
k2x_error k2x_read_json(const char *path, const k2x_profile *profile, k2x_doc **out,
                        GError **error);

#endif
