/* ocr: page images → glyphs and rules, with Tesseract (C API) and leptonica. */
#include "ocr.h"

#include <cairo.h>
#include <dlfcn.h>
#include <leptonica/allheaders.h>
#include <math.h>
#include <poppler.h>
#include <stdlib.h>
#include <string.h>
#include <tesseract/capi.h>
#include <tesseract/version.h>

#include "error.h"
#include "text.h"

/* A page is rendered into at most this many pixels (A2 at 300 dpi): a hostile page size
 * lowers the resolution instead of taking gigabytes. */
#define MAX_PIXELS 36000000.0
/* A tilt smaller than this (degrees) is left alone: turning the image blurs it more than the
 * tilt hurts. */
#define SKEW_MIN 0.05
/* leptonica's confidence in a skew it found; below it the page has too few lines to tell. */
#define SKEW_CONFIDENCE_MIN 2.5
/* A line in the image at least this long (points) is a rule: longer than any stroke of a
 * character. And at most this thick: a filled area is no rule. */
#define RULE_LENGTH_MIN 36.0
#define RULE_WIDTH_MAX 3.0
/* How far (pixels) OCR finds a line off the pitch of the lines above it. */
#define SETTLE_PIXELS 2.0
/* Gaps between characters narrower than this many ems are the LSTM's imprecise boxes, not
 * white space; a table's columns stand further apart (twice a cell's padding at least). */
#define JOIN_GAP 0.6
/* Patches of ink the page layout passed over that are read on their own, at most, and the
 * confidence they must be read with. */
#define MISSED_MAX 40
#define MISSED_CONFIDENCE_MIN 0.6
/* Grey levels darker than this are ink when looking for rules. */
#define INK_THRESHOLD 160

/* Tesseract is loaded when OCR is first wanted, not linked. Its LSTM runs OpenMP teams of four
 * threads per text line: next to our page threads they only fight for the cores (a page took
 * 10 s of wall time instead of 1.8 on two cores). libgomp reads OMP_THREAD_LIMIT once, when
 * it is loaded, so the limit must be in the environment before: a linked libtesseract would
 * bring libgomp in before main. A limit the user set stays. */
#define TESS_CALLS(X)                                                                          \
  X(TessBaseAPICreate) X(TessBaseAPIDelete) X(TessBaseAPIInit4) X(TessBaseAPIEnd)              \
  X(TessBaseAPISetPageSegMode) X(TessBaseAPISetImage2) X(TessBaseAPISetSourceResolution)       \
  X(TessBaseAPISetRectangle) X(TessBaseAPIRecognize) X(TessBaseAPIClear)                       \
  X(TessBaseAPIGetIterator) X(TessResultIteratorGetPageIterator)                               \
  X(TessPageIteratorIsAtBeginningOf) X(TessPageIteratorBoundingBox)                            \
  X(TessResultIteratorGetUTF8Text) X(TessResultIteratorConfidence) X(TessResultIteratorNext)  \
  X(TessResultIteratorDelete) X(TessDeleteText)

typedef struct {
#define TESS_FIELD(name) __typeof__(name) *name;
  TESS_CALLS(TESS_FIELD)
#undef TESS_FIELD
} tess_calls;

/* Set once (k2x_ocr_load), read only after. */
static tess_calls tess;

#define TESS_LIBRARY "libtesseract.so." G_STRINGIFY(TESSERACT_MAJOR_VERSION)

static gpointer load_tesseract(gpointer data) {
  (void)data;
  setenv("OMP_THREAD_LIMIT", "1", 0);
  void *lib = dlopen(TESS_LIBRARY, RTLD_NOW | RTLD_LOCAL);
  if (!lib)
    return g_strdup_printf("cannot load Tesseract (install libtesseract%d): %s",
                           TESSERACT_MAJOR_VERSION, dlerror());
#define TESS_LOOKUP(name)                                                                      \
  if (!(tess.name = (__typeof__(name) *)dlsym(lib, #name)))                                    \
    return g_strdup_printf("%s has no %s", TESS_LIBRARY, #name);
  TESS_CALLS(TESS_LOOKUP)
#undef TESS_LOOKUP
  return NULL;
}

const char *k2x_ocr_load(void) {
  static GOnce once = G_ONCE_INIT;
  return g_once(&once, load_tesseract, NULL);
}

struct k2x_ocr {
  TessBaseAPI *api;
  int dpi;
};

gboolean k2x_ocr_mode_from_name(const char *name, k2x_ocr_mode *mode) {
  static const char *const names[] = {[K2X_OCR_AUTO] = "auto", [K2X_OCR_ALWAYS] = "always",
                                      [K2X_OCR_NEVER] = "never"};
  for (guint i = 0; i < G_N_ELEMENTS(names); i++)
    if (g_ascii_strcasecmp(name, names[i]) == 0) {
      *mode = (k2x_ocr_mode)i;
      return TRUE;
    }
  return FALSE;
}

k2x_ocr *k2x_ocr_new(const k2x_ocr_options *options, GError **error) {
  const char *lang = options && options->lang ? options->lang : K2X_OCR_LANG;
  const char *unloaded = k2x_ocr_load();
  if (unloaded) {
    g_set_error(error, K2X_ERROR, K2X_ERR_DATA, "%s", unloaded);
    return NULL;
  }
  /* leptonica reports through stderr, which is the CLI's; its failures show in our errors. */
  setMsgSeverity(L_SEVERITY_NONE);
  TessBaseAPI *api = tess.TessBaseAPICreate();
  /* Tesseract's progress notes ("Detected 375 diacritics") go nowhere. */
  char *names[] = {"debug_file"}, *values[] = {"/dev/null"};
  if (tess.TessBaseAPIInit4(api, NULL, lang, OEM_DEFAULT, NULL, 0, names, values, 1, FALSE) != 0) {
    tess.TessBaseAPIDelete(api);
    g_set_error(error, K2X_ERROR, K2X_ERR_DATA,
                "Tesseract cannot load language \"%s\" (install tesseract-ocr-%s)", lang, lang);
    return NULL;
  }
  tess.TessBaseAPISetPageSegMode(api, PSM_AUTO);
  k2x_ocr *ocr = g_new0(k2x_ocr, 1);
  ocr->api = api;
  ocr->dpi = options && options->dpi > 0 ? options->dpi : K2X_OCR_DPI;
  return ocr;
}

void k2x_ocr_free(k2x_ocr *ocr) {
  if (!ocr)
    return;
  tess.TessBaseAPIEnd(ocr->api);
  tess.TessBaseAPIDelete(ocr->api);
  g_free(ocr);
}

/* The page rendered in grey at dpi (lowered for a huge page; *dpi says what was used). */
static PIX *render_grey(PopplerPage *pp, double width, double height, double *dpi,
                        GError **error) {
  double pixels = width * height * (*dpi / 72) * (*dpi / 72);
  if (pixels > MAX_PIXELS)
    *dpi *= sqrt(MAX_PIXELS / pixels);
  int w = (int)ceil(width * *dpi / 72), h = (int)ceil(height * *dpi / 72);
  if (!(width > 0 && height > 0) || w < 1 || h < 1) {
    g_set_error(error, K2X_ERROR, K2X_ERR_PDF, "the page has no size to render");
    return NULL;
  }
  cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
  if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS) {
    g_set_error(error, K2X_ERROR, K2X_ERR_PDF, "cannot render the page: %s",
                cairo_status_to_string(cairo_surface_status(s)));
    cairo_surface_destroy(s);
    return NULL;
  }
  cairo_t *cr = cairo_create(s);
  cairo_set_source_rgb(cr, 1, 1, 1);
  cairo_paint(cr);
  cairo_scale(cr, *dpi / 72, *dpi / 72);
  poppler_page_render(pp, cr);
  cairo_destroy(cr);
  cairo_surface_flush(s);

  PIX *pix = pixCreate(w, h, 8);
  const unsigned char *data = cairo_image_surface_get_data(s);
  int stride = cairo_image_surface_get_stride(s);
  l_uint32 *out = pixGetData(pix);
  int wpl = pixGetWpl(pix);
  for (int y = 0; y < h; y++) {
    const guint32 *row = (const guint32 *)(data + (gsize)y * stride);
    l_uint32 *line = out + (gsize)y * wpl;
    for (int x = 0; x < w; x++) {
      guint32 p = row[x];
      /* ITU-R BT.601 luma, in integers. */
      guint32 grey = (((p >> 16) & 0xff) * 77 + ((p >> 8) & 0xff) * 150 + (p & 0xff) * 29) >> 8;
      SET_DATA_BYTE(line, x, grey);
    }
  }
  cairo_surface_destroy(s);
  pixSetResolution(pix, (l_int32)lround(*dpi), (l_int32)lround(*dpi));
  return pix;
}

/* Levels a tilted scan; returns the image to read (pix itself when level) and the angle. */
static PIX *deskew(PIX *pix, double *angle) {
  *angle = 0;
  PIX *bin = pixConvertTo1(pix, INK_THRESHOLD);
  l_float32 a = 0, conf = 0;
  l_int32 failed = bin ? pixFindSkew(bin, &a, &conf) : 1;
  pixDestroy(&bin);
  if (failed || conf < SKEW_CONFIDENCE_MIN || fabsf(a) < SKEW_MIN)
    return pix;
  PIX *level = pixRotate(pix, a * (l_float32)(G_PI / 180), L_ROTATE_AREA_MAP,
                         L_BRING_IN_WHITE, 0, 0);
  if (!level)
    return pix;
  *angle = a;
  return level;
}

static int compare_float(gconstpointer a, gconstpointer b) {
  float x = *(const float *)a, y = *(const float *)b;
  return x < y ? -1 : x > y;
}

static int compare_rules(gconstpointer a, gconstpointer b) {
  const k2x_rule *x = a, *y = b;
  if (x->dir != y->dir)
    return x->dir < y->dir ? -1 : 1;
  double p = x->dir == K2X_RULE_HORIZONTAL ? x->y0 : x->x0;
  double q = y->dir == K2X_RULE_HORIZONTAL ? y->y0 : y->x0;
  return p < q ? -1 : p > q;
}

/* The long lines of bin in one direction (morphological opening with a line as long as the
 * shortest rule, as Camelot's lattice does on rendered pages), appended to rules in points;
 * *mask gets what they cover, to be erased before the characters are read. */
static void find_rules_dir(PIX *bin, k2x_rule_dir dir, double scale, GArray *rules,
                           PIX **mask) {
  int length = (int)ceil(RULE_LENGTH_MIN / scale);
  gboolean horizontal = dir == K2X_RULE_HORIZONTAL;
  PIX *lines = pixOpenBrick(NULL, bin, horizontal ? length : 1, horizontal ? 1 : length);
  if (!lines)
    return;
  BOXA *boxes = pixConnCompBB(lines, 8);
  int n = boxes ? boxaGetCount(boxes) : 0;
  for (int i = 0; i < n; i++) {
    l_int32 x, y, w, h;
    boxaGetBoxGeometry(boxes, i, &x, &y, &w, &h);
    double len = (horizontal ? w : h) * scale, thick = (horizontal ? h : w) * scale;
    /* A line a little off level still comes out whole, one pixel step thicker per few
     * hundred pixels: the thickness allowed grows with the length by the skew left. */
    if (len < RULE_LENGTH_MIN || thick > RULE_WIDTH_MAX + len * 0.005)
      continue;
    k2x_rule r = {dir, 0, 0, 0, 0, 0};
    if (horizontal) {
      r.x0 = x * scale;
      r.x1 = (x + w) * scale;
      r.y0 = r.y1 = (y + h / 2.0) * scale;
      r.width = MIN(thick, RULE_WIDTH_MAX);
    } else {
      r.y0 = y * scale;
      r.y1 = (y + h) * scale;
      r.x0 = r.x1 = (x + w / 2.0) * scale;
      r.width = MIN(thick, RULE_WIDTH_MAX);
    }
    g_array_append_val(rules, r);
  }
  boxaDestroy(&boxes);
  if (*mask)
    pixOr(*mask, *mask, lines);
  else
    *mask = pixClone(lines);
  pixDestroy(&lines);
}

/* Finds the page's rules in pix and paints them white there. */
static void find_rules(PIX *pix, double scale, GArray *rules) {
  PIX *bin = pixConvertTo1(pix, INK_THRESHOLD);
  if (!bin)
    return;
  PIX *mask = NULL;
  find_rules_dir(bin, K2X_RULE_HORIZONTAL, scale, rules, &mask);
  find_rules_dir(bin, K2X_RULE_VERTICAL, scale, rules, &mask);
  pixDestroy(&bin);
  if (mask) {
    /* The anti-aliased fringe of a line goes too, or it reads as 一 or |. */
    PIX *wide = pixDilateBrick(NULL, mask, 5, 5);
    if (wide)
      pixSetMasked(pix, wide, 255);
    pixDestroy(&wide);
    pixDestroy(&mask);
  }
  g_array_sort(rules, compare_rules);
}

/* One character as Tesseract read it: its ink box in pixels. */
typedef struct {
  gunichar c;
  int x0, y0, x1, y1;
  float conf;
  gboolean word_start; /* Tesseract starts a word here */
} symbol;

/* A text line as Tesseract found it: symbols [start, end), its top and bottom. */
typedef struct {
  guint start, end;
  int top, bottom; /* pixels */
} text_line;

static gboolean is_alnum(gunichar c) {
  return c < 0x80 && g_ascii_isalnum((char)c);
}

/* Turns one text line's symbols into glyphs. Tesseract boxes the ink, and its LSTM engine
 * places the boxes only roughly, where a text layer boxes the character's cell, which abuts
 * the next one: so a Japanese character gets its cell back, an em wide around its ink, and a
 * gap of less than JOIN_GAP ems closes, but between two Latin words (letters or digits on
 * both sides of a word break Tesseract saw) and at a vertical rule (table columns). Spaces and runs then come from the geometry as on a
 * text page. Every glyph gets the line's height band, as a text layer's font box. (A band
 * from Tesseract's baseline and one size for the lines of a page stood less on a grid.) */
/* A vertical rule between x0 and x1 (points) across the band y0..y1: its x, or -1. */
static double rule_between(const GArray *rules, double x0, double x1, double y0, double y1) {
  for (guint i = 0; i < rules->len; i++) {
    const k2x_rule *r = &g_array_index(rules, k2x_rule, i);
    if (r->dir == K2X_RULE_VERTICAL && r->x0 > x0 && r->x0 < x1 && r->y0 < y1 && r->y1 > y0)
      return r->x0;
  }
  return -1;
}

static void add_line(GArray *glyphs, const symbol *sym, const text_line *tl, double scale,
                     const GArray *rules) {
  /* The ink of a kanji fills about nine tenths of its em, and sets the line's height. */
  double em = MAX(tl->bottom - tl->top, 1) / 0.9;
  double top = tl->top, bottom = tl->bottom;
  guint first = glyphs->len;
  for (guint i = tl->start; i < tl->end; i++) {
    const symbol *s = &sym[i];
    double x0 = s->x0, x1 = s->x1;
    if (k2x_text_is_wide(s->c) && x1 - x0 < em) {
      double mid = (x0 + x1) / 2;
      x0 = mid - em / 2;
      x1 = mid + em / 2;
    }
    k2x_glyph g = {k2x_text_canonical_char(s->c), (float)x0, (float)top, (float)x1,
                   (float)bottom, (float)em, s->conf};
    g_array_append_val(glyphs, g);
  }
  for (guint i = first + 1; i < glyphs->len; i++) {
    k2x_glyph *a = &g_array_index(glyphs, k2x_glyph, i - 1);
    k2x_glyph *b = &g_array_index(glyphs, k2x_glyph, i);
    double gap = b->x0 - a->x1;
    gboolean words = sym[tl->start + i - first].word_start && is_alnum(a->c) && is_alnum(b->c);
    /* Tesseract may read two cells of a table row as one line, its boxes straying across
     * the rule between them: each character keeps to the side its middle is on, with the
     * padding a cell has (half an em). */
    double rule = rule_between(rules, (a->x0 + a->x1) / 2 * scale, (b->x0 + b->x1) / 2 * scale,
                               top * scale, bottom * scale);
    if (rule >= 0) {
      double x = rule / scale;
      a->x1 = (float)MAX(MIN(a->x1, x - em / 2), a->x0 + 1);
      b->x0 = (float)MIN(MAX(b->x0, x + em / 2), b->x1 - 1);
    } else if (!words && gap > 0 && gap < JOIN_GAP * em) {
      a->x1 = b->x0 = (float)(a->x1 + gap / 2);
    }
  }
  for (guint i = first; i < glyphs->len; i++) {
    k2x_glyph *g = &g_array_index(glyphs, k2x_glyph, i);
    g->x0 = (float)(g->x0 * scale);
    g->x1 = (float)(g->x1 * scale);
    g->y0 = (float)(g->y0 * scale);
    g->y1 = (float)(g->y1 * scale);
    g->size = (float)(g->size * scale);
  }
}

/* Appends the characters of one Tesseract symbol (mostly one) to sym, splitting its box. */
static void add_symbol(GArray *sym, const char *text, const int box[4], float conf,
                       gboolean word_start) {
  glong n = g_utf8_strlen(text, -1), k = 0;
  double width = (double)(box[2] - box[0]) / MAX(n, 1);
  for (const char *p = text; *p; p = g_utf8_next_char(p), k++) {
    gunichar c = g_utf8_get_char(p);
    if (g_unichar_isspace(c) || !g_unichar_isprint(c))
      continue;
    symbol s = {c, (int)(box[0] + k * width), box[1], (int)(box[0] + (k + 1) * width), box[3],
                conf, word_start && k == 0};
    g_array_append_val(sym, s);
  }
}

/* The characters Tesseract read, in page points. */
static GArray *read_glyphs(TessBaseAPI *api, double scale, const GArray *rules) {
  GArray *glyphs = g_array_new(FALSE, FALSE, sizeof(k2x_glyph));
  TessResultIterator *it = tess.TessBaseAPIGetIterator(api);
  if (!it)
    return glyphs;
  TessPageIterator *pit = tess.TessResultIteratorGetPageIterator(it);
  g_autoptr(GArray) sym = g_array_new(FALSE, FALSE, sizeof(symbol));
  g_autoptr(GArray) lines = g_array_new(FALSE, FALSE, sizeof(text_line));
  do {
    if (tess.TessPageIteratorIsAtBeginningOf(pit, RIL_TEXTLINE)) {
      int b[4];
      tess.TessPageIteratorBoundingBox(pit, RIL_TEXTLINE, &b[0], &b[1], &b[2], &b[3]);
      text_line tl = {sym->len, sym->len, b[1], b[3]};
      g_array_append_val(lines, tl);
    }
    char *text = tess.TessResultIteratorGetUTF8Text(it, RIL_SYMBOL);
    int box[4];
    if (text && lines->len &&
        tess.TessPageIteratorBoundingBox(pit, RIL_SYMBOL, &box[0], &box[1], &box[2], &box[3])) {
      add_symbol(sym, text, box, tess.TessResultIteratorConfidence(it, RIL_SYMBOL) / 100,
                 tess.TessPageIteratorIsAtBeginningOf(pit, RIL_WORD));
      g_array_index(lines, text_line, lines->len - 1).end = sym->len;
    }
    tess.TessDeleteText(text);
  } while (tess.TessResultIteratorNext(it, RIL_SYMBOL));
  tess.TessResultIteratorDelete(it);
  for (guint i = 0; i < lines->len; i++)
    add_line(glyphs, (const symbol *)sym->data, &g_array_index(lines, text_line, i), scale,
             rules);
  return glyphs;
}

/* The mean confidence of glyphs [from, len). */
static double mean_confidence(const GArray *glyphs, guint from) {
  double sum = 0;
  for (guint i = from; i < glyphs->len; i++)
    sum += g_array_index(glyphs, k2x_glyph, i).conf;
  return glyphs->len > from ? sum / (glyphs->len - from) : 0;
}

/* Text that Tesseract's page layout passed over — a line standing alone, as a region label in
 * a corner can — is ink that no glyph covers: each such patch, if as tall as text, is read
 * on its own, and kept when read with some confidence (a speck or a stamp is not). */
static void read_missed(TessBaseAPI *api, PIX *pix, double scale, const GArray *rules,
                        GArray *glyphs) {
  PIX *bin = pixConvertTo1(pix, INK_THRESHOLD);
  if (!bin)
    return;
  g_autoptr(GArray) ems = g_array_new(FALSE, FALSE, sizeof(float));
  for (guint i = 0; i < glyphs->len; i++) {
    const k2x_glyph *g = &g_array_index(glyphs, k2x_glyph, i);
    float em = (float)(g->size / scale);
    g_array_append_val(ems, em);
    BOX *b = boxCreate((l_int32)(g->x0 / scale - em / 4), (l_int32)(g->y0 / scale - em / 4),
                       (l_int32)((g->x1 - g->x0) / scale + em / 2),
                       (l_int32)((g->y1 - g->y0) / scale + em / 2));
    pixClearInRect(bin, b);
    boxDestroy(&b);
  }
  /* Characters of one line touch once widened by half the usual size. */
  g_array_sort(ems, compare_float);
  double em = ems->len ? g_array_index(ems, float, ems->len / 2) : 10 / scale;
  PIX *joined = pixDilateBrick(NULL, bin, (l_int32)(em / 2) | 1, 3);
  pixDestroy(&bin);
  BOXA *patches = joined ? pixConnCompBB(joined, 8) : NULL;
  pixDestroy(&joined);
  int n = patches ? boxaGetCount(patches) : 0;
  for (int i = 0, tried = 0; i < n && tried < MISSED_MAX; i++) {
    l_int32 x, y, w, h;
    boxaGetBoxGeometry(patches, i, &x, &y, &w, &h);
    if (h < em / 2 || h > 3 * em || w < em)
      continue;
    tried++;
    tess.TessBaseAPISetPageSegMode(api, PSM_SINGLE_BLOCK);
    tess.TessBaseAPISetRectangle(api, x, y, w, h);
    guint before = glyphs->len;
    if (tess.TessBaseAPIRecognize(api, NULL) == 0) {
      g_autoptr(GArray) more = read_glyphs(api, scale, rules);
      g_array_append_vals(glyphs, more->data, more->len);
    }
    if (mean_confidence(glyphs, before) < MISSED_CONFIDENCE_MIN)
      g_array_set_size(glyphs, before);
  }
  boxaDestroy(&patches);
  tess.TessBaseAPISetPageSegMode(api, PSM_AUTO);
}

static void line_shift(k2x_line *l, double dy) {
  for (guint k = 0; k < l->glyphs->len; k++) {
    k2x_glyph *g = &g_array_index(l->glyphs, k2x_glyph, k);
    g->y0 = (float)(g->y0 + dy);
    g->y1 = (float)(g->y1 + dy);
  }
  l->box.y0 += dy;
  l->box.y1 += dy;
}

/* The lines of a paragraph stand at one pitch, as a text layer shows, but OCR finds each a
 * pixel or two off it, which reads as a new table row or paragraph: a line that follows the
 * one above it at the page's usual pitch, give or take SETTLE_PIXELS, is put exactly there.
 * (Rows and paragraphs further apart stay where they are.) */
static void settle_lines(k2x_page *page, double scale) {
  GPtrArray *lines = page->lines;
  if (lines->len < 3)
    return;
  /* The usual pitch: the most common distance between tops, to a quarter point. */
  g_autoptr(GHashTable) counts = g_hash_table_new(g_direct_hash, g_direct_equal);
  int usual = 0, most = 0;
  for (guint i = 1; i < lines->len; i++) {
    const k2x_line *a = g_ptr_array_index(lines, i - 1), *b = g_ptr_array_index(lines, i);
    int q = (int)lround((b->box.y0 - a->box.y0) * 4);
    if (q <= 0)
      continue;
    int n = GPOINTER_TO_INT(g_hash_table_lookup(counts, GINT_TO_POINTER(q))) + 1;
    g_hash_table_insert(counts, GINT_TO_POINTER(q), GINT_TO_POINTER(n));
    if (n > most) {
      most = n;
      usual = q;
    }
  }
  double pitch = usual / 4.0, slack = SETTLE_PIXELS * scale;
  for (guint i = 1; i < lines->len; i++) {
    const k2x_line *a = g_ptr_array_index(lines, i - 1);
    k2x_line *b = g_ptr_array_index(lines, i);
    double off = b->box.y0 - a->box.y0 - pitch;
    if (fabs(off) <= slack)
      line_shift(b, -off);
  }
}

k2x_page *k2x_ocr_read_page(k2x_ocr *ocr, PopplerPage *pp, int number, GError **error) {
  double width = 0, height = 0, dpi = ocr->dpi;
  poppler_page_get_size(pp, &width, &height);
  PIX *pix = render_grey(pp, width, height, &dpi, error);
  if (!pix)
    return NULL;
  double angle = 0;
  PIX *level = deskew(pix, &angle);
  if (level != pix)
    pixDestroy(&pix);
  double scale = 72 / dpi;
  GArray *rules = g_array_new(FALSE, FALSE, sizeof(k2x_rule));
  find_rules(level, scale, rules);

  tess.TessBaseAPISetImage2(ocr->api, level);
  tess.TessBaseAPISetSourceResolution(ocr->api, (int)lround(dpi));
  gboolean read = tess.TessBaseAPIRecognize(ocr->api, NULL) == 0;
  GArray *glyphs = read ? read_glyphs(ocr->api, scale, rules) : NULL;
  if (read)
    read_missed(ocr->api, level, scale, rules, glyphs);
  /* Tesseract keeps its own copies until the next page; clearing frees them now. */
  tess.TessBaseAPIClear(ocr->api);
  pixDestroy(&level);
  if (!read) {
    g_array_unref(rules);
    g_set_error(error, K2X_ERROR, K2X_ERR_PDF, "Tesseract could not read the page image");
    return NULL;
  }

  double mean = mean_confidence(glyphs, 0);
  k2x_page *page = k2x_page_new_from_glyphs(number, width, height, glyphs);
  settle_lines(page, scale);
  g_array_unref(page->rules);
  page->rules = rules;
  page->ocr = TRUE;
  page->ocr_confidence = mean;
  page->ocr_skew = angle;
  g_debug("page %d read by OCR at %.0f dpi: %u lines, %u rules, turned %.2f°", number, dpi,
          page->lines->len, page->rules->len, angle);
  return page;
}
