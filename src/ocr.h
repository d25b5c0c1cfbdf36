/* ocr: a page image (a scan without text layer) → glyphs and rules, with Tesseract and
 * leptonica. */
#ifndef K2X_OCR_H
#define K2X_OCR_H

#include <glib.h>

#include "extract.h"

typedef struct _PopplerPage PopplerPage;

/* When a PDF page is read from its image rather than its text layer. */
typedef enum {
  K2X_OCR_AUTO = 0, /* pages without text (or a few stray characters) over an image */
  K2X_OCR_ALWAYS,   /* every page: for PDFs whose text layer is garbage */
  K2X_OCR_NEVER
} k2x_ocr_mode;

struct k2x_ocr_options {
  k2x_ocr_mode mode;
  int dpi;          /* the page is rendered at this resolution; 0 for K2X_OCR_DPI */
  const char *lang; /* Tesseract language(s), "jpn+eng"; NULL for K2X_OCR_LANG */
};

#define K2X_OCR_DPI 300
#define K2X_OCR_LANG "jpn"

/* Parses "auto", "always" or "never". */
gboolean k2x_ocr_mode_from_name(const char *name, k2x_ocr_mode *mode);

/* Loads the Tesseract library, once; returns NULL, or why it cannot be loaded (static). It
 * sets OMP_THREAD_LIMIT=1 first, unless set, as OpenMP threads would fight the page threads:
 * call it from the main thread before others start (k2x_convert_file does). */
const char *k2x_ocr_load(void);

/* A Tesseract engine with its language data loaded: made once per thread and used for page
 * after page, as loading costs more than a page. Not to be shared between threads. */
typedef struct k2x_ocr k2x_ocr;

/* Loads the engine for options (lang, dpi). NULL with error set when the language data is
 * not installed. Caller frees. */
k2x_ocr *k2x_ocr_new(const k2x_ocr_options *options, GError **error);
void k2x_ocr_free(k2x_ocr *ocr);

/* Reads a PDF page from its rendered image: deskewed when tilted, long lines found as the
 * page's rules (and erased before the characters are read), characters as glyphs with their
 * confidence in the page's coordinates. The page is marked ocr. NULL with error set when the
 * page cannot be rendered. Caller frees. */
k2x_page *k2x_ocr_read_page(k2x_ocr *ocr, PopplerPage *pp, int number, GError **error);

#endif
