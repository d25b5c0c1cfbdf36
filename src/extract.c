/* extract: PDF pages (poppler-glib) → lines of glyphs with their geometry. */
#include "extract.h"

#include <math.h>
#include <poppler.h>
#include <string.h>

#include "ocr.h"
#include "rules.h"
#include "text.h"

/* Glyphs further apart than this many font sizes start a new run (column, tab stop). */
#define RUN_GAP 0.8
/* Glyphs further apart than this many font sizes are written with a space between. */
#define SPACE_GAP 0.15
/* A page with at most this many characters over an image covering this share of it is a
 * scan (OCR mode auto). */
#define SCAN_STRAY_CHARS 40
#define SCAN_COVER 0.6

struct k2x_source {
  GMappedFile *map;
  PopplerDocument *doc; /* a PDF, or */
  GPtrArray *text;      /* text: its pages of lines */
  gboolean layout;      /* the text keeps pdftotext's layout */
  char *sha256;
  int pages;
  char *password; /* set when it opened only with this password */
  k2x_ocr_options ocr_options; /* mode AUTO unless set */
  char *ocr_lang;
  k2x_ocr *ocr;       /* loaded with the first page read from its image */
  char *ocr_failure;  /* why the engine did not load: not tried again for every page */
  k2x_page_reader *reader; /* the same bytes in poppler's core API, for text and paths in
                              one pass; NULL: poppler-glib reads the text, and no rules */
};

static void line_free(gpointer p) {
  k2x_line *l = p;
  if (!l)
    return;
  g_array_unref(l->glyphs);
  g_array_unref(l->runs);
  g_free(l->text);
  g_free(l->norm);
  g_free(l->read);
  g_free(l);
}

void k2x_page_free(k2x_page *page) {
  if (!page)
    return;
  g_ptr_array_unref(page->lines);
  g_array_unref(page->rules);
  g_free(page->ocr_error);
  g_free(page);
}

/* Appends the text of glyphs [0, n) to s (see k2x_glyphs_text). The room for it is made once:
 * a glyph takes at most four bytes and a space. */
static void glyphs_text_append(GString *s, const k2x_glyph *g, guint n) {
  gsize w = s->len;
  g_string_set_size(s, w + (gsize)n * 5);
  for (guint i = 0; i < n; i++) {
    if (i > 0) {
      double gap = g[i].x0 - g[i - 1].x1;
      double size = MIN(g[i].size, g[i - 1].size);
      if (gap > SPACE_GAP * size && !(k2x_text_is_wide(g[i - 1].c) && k2x_text_is_wide(g[i].c)))
        s->str[w++] = ' ';
    }
    w += (gsize)g_unichar_to_utf8(g[i].c, s->str + w);
  }
  g_string_truncate(s, w);
}

char *k2x_glyphs_text(const k2x_glyph *g, guint n) {
  GString *s = g_string_sized_new(n * 3);
  glyphs_text_append(s, g, n);
  return g_string_free(s, FALSE);
}

k2x_box k2x_glyphs_box(const k2x_glyph *glyphs, guint n) {
  /* k2x_box_union glyph by glyph, without a call per glyph. */
  k2x_box box = {0};
  for (guint i = 0; i < n; i++) {
    k2x_box gb = {glyphs[i].x0, glyphs[i].y0, glyphs[i].x1, glyphs[i].y1};
    if (box.x1 <= box.x0 && box.y1 <= box.y0) {
      box = gb;
    } else if (!(gb.x1 <= gb.x0 && gb.y1 <= gb.y0)) {
      box.x0 = MIN(box.x0, gb.x0);
      box.y0 = MIN(box.y0, gb.y0);
      box.x1 = MAX(box.x1, gb.x1);
      box.y1 = MAX(box.y1, gb.y1);
    }
  }
  return box;
}

double k2x_glyphs_right(const k2x_glyph *glyphs, guint n) {
  for (guint i = n; i > 0; i--)
    /* Layout may push a character that cannot start a line (、。ー」) past the margin. */
    if (!k2x_text_no_line_start(glyphs[i - 1].c))
      return glyphs[i - 1].x1;
  return n ? glyphs[n - 1].x1 : 0;
}

double k2x_line_right(const k2x_line *line) {
  return k2x_glyphs_right((const k2x_glyph *)line->glyphs->data, line->glyphs->len);
}

/* A glyph's place in the page order: its vertical centre (y0 + y1, in float), then its left
 * edge, then its place in the input, so that the order is the one a stable sort gives. */
typedef struct {
  float centre, x0;
  guint index;
} glyph_key;

static int compare_key(const void *a, const void *b) {
  const glyph_key *x = a, *y = b;
  if (x->centre != y->centre)
    return x->centre < y->centre ? -1 : 1;
  if (x->x0 != y->x0)
    return x->x0 < y->x0 ? -1 : 1;
  return x->index < y->index ? -1 : x->index > y->index;
}

/* Merges the ascending runs a [0, na) and b [0, nb) into out. */
static void merge_keys(const glyph_key *a, guint na, const glyph_key *b, guint nb,
                       glyph_key *out) {
  guint i = 0, j = 0;
  while (i < na && j < nb)
    *out++ = compare_key(&b[j], &a[i]) < 0 ? b[j++] : a[i++];
  memcpy(out, a + i, (na - i) * sizeof *a);
  memcpy(out + (na - i), b + j, (nb - j) * sizeof *b);
}

/* The end of the ascending run of keys that starts at start. */
static guint run_end(const glyph_key *keys, guint start, guint n) {
  guint i = start + 1;
  while (i < n && compare_key(&keys[i - 1], &keys[i]) < 0)
    i++;
  return i;
}

/* Sorts keys by compare_key. Poppler gives glyphs in reading order, top to bottom but for
 * columns and floats, so the keys come as a few ascending runs: merging neighbouring runs
 * until one is left takes a pass or two, and never more than n log n. */
static void sort_keys(glyph_key *keys, guint n) {
  if (n < 2 || run_end(keys, 0, n) == n)
    return;
  g_autofree glyph_key *spare = g_new(glyph_key, n);
  glyph_key *from = keys, *to = spare;
  for (;;) {
    guint start = 0, runs = 0;
    while (start < n) {
      guint mid = run_end(from, start, n);
      guint end = mid < n ? run_end(from, mid, n) : n;
      merge_keys(from + start, mid - start, from + mid, end - mid, to + start);
      start = end;
      runs++;
    }
    glyph_key *t = from;
    from = to;
    to = t;
    if (runs == 1)
      break;
  }
  if (from != keys)
    memcpy(keys, from, n * sizeof *keys);
}

static int compare_x(gconstpointer a, gconstpointer b) {
  const k2x_glyph *x = a, *y = b;
  return x->x0 < y->x0 ? -1 : x->x0 > y->x0;
}

static int compare_float(gconstpointer a, gconstpointer b) {
  float x = *(const float *)a, y = *(const float *)b;
  return x < y ? -1 : x > y;
}

static int compare_line_top(gconstpointer a, gconstpointer b) {
  const k2x_line *x = *(k2x_line *const *)a, *y = *(k2x_line *const *)b;
  if (x->box.y0 != y->box.y0)
    return x->box.y0 < y->box.y0 ? -1 : 1;
  return x->box.x0 < y->box.x0 ? -1 : x->box.x0 > y->box.x0;
}

static gboolean sorted_by_x(const GArray *glyphs) {
  for (guint i = 1; i < glyphs->len; i++)
    if (compare_x(&g_array_index(glyphs, k2x_glyph, i - 1),
                  &g_array_index(glyphs, k2x_glyph, i)) > 0)
      return FALSE;
  return TRUE;
}

/* The median font size of a line: most lines have one size, which needs no sorting. */
static double median_size(const GArray *g) {
  float first = g_array_index(g, k2x_glyph, 0).size;
  guint i = 1;
  while (i < g->len && g_array_index(g, k2x_glyph, i).size == first)
    i++;
  if (i == g->len)
    return first;
  g_autofree float *sizes = g_new(float, g->len);
  for (i = 0; i < g->len; i++)
    sizes[i] = g_array_index(g, k2x_glyph, i).size;
  qsort(sizes, g->len, sizeof *sizes, compare_float);
  return sizes[g->len / 2];
}

/* Orders a line's glyphs, drops glyphs drawn twice at (almost) the same place, and splits
 * runs at wide gaps. Glyphs sorted by centre mostly come in x order already. */
static void line_finish(k2x_line *l) {
  if (!sorted_by_x(l->glyphs))
    g_array_sort(l->glyphs, compare_x);
  GArray *g = l->glyphs;
  guint w = 0;
  for (guint i = 0; i < g->len; i++) {
    k2x_glyph *cur = &g_array_index(g, k2x_glyph, i);
    if (w > 0) {
      k2x_glyph *prev = &g_array_index(g, k2x_glyph, w - 1);
      double width = MAX(prev->x1 - prev->x0, 0.1);
      if (prev->c == cur->c && fabs(cur->x0 - prev->x0) < 0.3 * width)
        continue;
    }
    g_array_index(g, k2x_glyph, w++) = *cur;
  }
  g_array_set_size(g, w);

  l->size = median_size(g);
  l->box = k2x_glyphs_box((const k2x_glyph *)g->data, g->len);

  GString *text = g_string_sized_new(g->len * 3);
  guint start = 0;
  for (guint i = 1; i <= g->len; i++) {
    gboolean split = i == g->len;
    if (!split) {
      const k2x_glyph *a = &g_array_index(g, k2x_glyph, i - 1);
      const k2x_glyph *b = &g_array_index(g, k2x_glyph, i);
      split = b->x0 - a->x1 > RUN_GAP * MAX(a->size, b->size);
    }
    if (!split)
      continue;
    k2x_run run = {start, i, k2x_glyphs_box(&g_array_index(g, k2x_glyph, start), i - start)};
    g_array_append_val(l->runs, run);
    if (text->len)
      g_string_append_c(text, ' ');
    glyphs_text_append(text, &g_array_index(g, k2x_glyph, start), i - start);
    start = i;
  }
  l->text = g_string_free(text, FALSE);
  l->norm = k2x_text_normalize(l->text);
}

/* A line of glyphs [0, n). */
static k2x_line *line_new(const k2x_glyph *glyphs, guint n) {
  k2x_line *l = g_new0(k2x_line, 1);
  l->glyphs = g_array_sized_new(FALSE, FALSE, sizeof(k2x_glyph), n);
  g_array_append_vals(l->glyphs, glyphs, n);
  l->runs = g_array_new(FALSE, FALSE, sizeof(k2x_run));
  return l;
}

/* A hostile or broken PDF can place glyphs at NaN, infinity or far off the page; they are
 * not printed, and would only upset the geometry. */
static void drop_invisible(GArray *glyphs, double width, double height) {
  guint w = 0;
  for (guint i = 0; i < glyphs->len; i++) {
    k2x_glyph g = g_array_index(glyphs, k2x_glyph, i);
    if (!isfinite(g.x0) || !isfinite(g.y0) || !isfinite(g.x1) || !isfinite(g.y1) ||
        !isfinite(g.size) || g.size <= 0 || g.x1 < g.x0 || g.y1 < g.y0)
      continue;
    if (width > 0 && height > 0 &&
        (g.x1 < 0 || g.y1 < 0 || g.x0 > width || g.y0 > height))
      continue;
    g_array_index(glyphs, k2x_glyph, w++) = g;
  }
  g_array_set_size(glyphs, w);
}

k2x_page *k2x_page_new_from_glyphs(int number, double width, double height, GArray *glyphs) {
  k2x_page *page = g_new0(k2x_page, 1);
  page->number = number;
  page->width = width;
  page->height = height;
  page->lines = g_ptr_array_new_with_free_func(line_free);
  page->rules = g_array_new(FALSE, FALSE, sizeof(k2x_rule));

  drop_invisible(glyphs, width, height);
  /* Glyphs whose vertical centres fall in one band form a line; sorting by centre keeps
   * lines contiguous even when the content stream interleaves columns. */
  guint n = glyphs->len;
  g_autofree glyph_key *keys = g_new(glyph_key, n);
  for (guint i = 0; i < n; i++) {
    const k2x_glyph *x = &g_array_index(glyphs, k2x_glyph, i);
    keys[i] = (glyph_key){x->y0 + x->y1, x->x0, i};
  }
  sort_keys(keys, n);
  g_autofree k2x_glyph *sorted = g_new(k2x_glyph, n);
  for (guint i = 0; i < n; i++)
    sorted[i] = g_array_index(glyphs, k2x_glyph, keys[i].index);
  g_array_unref(glyphs);

  /* A glyph joins the line before it or starts one, so each line is a stretch of sorted. */
  guint start = 0;
  double top = 0, bottom = 0;
  for (guint i = 0; i < n; i++) {
    const k2x_glyph *x = &sorted[i];
    double h = MAX(x->y1 - x->y0, 0.1);
    if (i > start) {
      double overlap = MIN(bottom, x->y1) - MAX(top, x->y0);
      if (overlap >= 0.5 * MIN(h, bottom - top)) {
        double count = i - start + 1;
        top += (x->y0 - top) / count;
        bottom += (x->y1 - bottom) / count;
        continue;
      }
      g_ptr_array_add(page->lines, line_new(&sorted[start], i - start));
    }
    start = i;
    top = x->y0;
    bottom = x->y1;
  }
  if (n > start)
    g_ptr_array_add(page->lines, line_new(&sorted[start], n - start));
  for (guint i = 0; i < page->lines->len; i++)
    line_finish(g_ptr_array_index(page->lines, i));
  g_ptr_array_sort(page->lines, compare_line_top);
  return page;
}

/* PDF files may carry up to 1024 bytes of junk before their header, as readers accept. */
static gboolean looks_like_pdf(const char *data, gsize len) {
  return g_strstr_len(data, (gssize)MIN(len, 1024), "%PDF-") != NULL;
}

/* A second poppler document over the same bytes, as poppler-glib does not lend its own; NULL
 * when K2X_NO_RULES is set: then pages have no rules and their text comes from poppler-glib,
 * as before rules were read, which the benchmark times and a test compares with. */
static k2x_page_reader *page_reader_open(const k2x_source *src) {
  if (g_getenv("K2X_NO_RULES"))
    return NULL;
  k2x_page_reader *r = k2x_page_reader_new(g_mapped_file_get_contents(src->map),
                                           g_mapped_file_get_length(src->map), src->password);
  if (!r)
    g_debug("poppler's core API does not open what poppler-glib opened; no rules are read");
  return r;
}

static k2x_error open_text(k2x_source *src, const char *data, gsize len, const char *encoding,
                           GError **error) {
  g_autofree char *utf8 = NULL;
  k2x_error err = k2x_text_decode(data, len, encoding, &utf8, error);
  if (err)
    return err;
  src->text = k2x_text_pages(utf8, &src->layout);
  src->pages = (int)src->text->len;
  return K2X_OK;
}

k2x_error k2x_source_open(const char *path, const char *password, const char *encoding,
                          k2x_source **out, GError **error) {
  *out = NULL;
  GError *err = NULL;
  /* A FIFO would block, a directory would fail obscurely. */
  if (!g_file_test(path, G_FILE_TEST_IS_REGULAR) && g_file_test(path, G_FILE_TEST_EXISTS)) {
    g_set_error(error, K2X_ERROR, K2X_ERR_READ, "not a regular file");
    return K2X_ERR_READ;
  }
  GMappedFile *map = g_mapped_file_new(path, FALSE, &err);
  if (!map) {
    g_propagate_error(error, err);
    return K2X_ERR_READ;
  }
  k2x_source *src = g_new0(k2x_source, 1);
  src->map = map;
  g_autoptr(GBytes) bytes = g_mapped_file_get_bytes(map);
  src->sha256 = g_compute_checksum_for_bytes(G_CHECKSUM_SHA256, bytes);
  gsize len = 0;
  const char *data = g_bytes_get_data(bytes, &len);
  /* A file named .pdf is a PDF, whatever it holds; any other that does not start like one is
   * read as text. */
  g_autofree char *lower = g_ascii_strdown(path, -1);
  if ((!data || !looks_like_pdf(data, len)) && !g_str_has_suffix(lower, ".pdf")) {
    k2x_error e = open_text(src, data ? data : "", len, encoding, error);
    if (e)
      k2x_source_free(src);
    else
      *out = src;
    return e;
  }
  if (!data || !looks_like_pdf(data, len)) {
    g_set_error(error, K2X_ERROR, K2X_ERR_PDF,
                len == 0 ? "the file is empty" : "the file does not start with a PDF header");
    k2x_source_free(src);
    return K2X_ERR_PDF;
  }
  /* Without a password first: an owner-password-only PDF opens so even when a password is
   * given for others. poppler-glib 22 crashes retrying from bytes with a wrong password, so
   * the retry with one reads the file. */
  src->doc = poppler_document_new_from_bytes(bytes, NULL, &err);
  if (!src->doc && password && g_error_matches(err, POPPLER_ERROR, POPPLER_ERROR_ENCRYPTED)) {
    g_clear_error(&err);
    g_autofree char *uri = g_filename_to_uri(path, NULL, &err);
    if (!g_path_is_absolute(path)) {
      g_autofree char *abs = g_canonicalize_filename(path, NULL);
      g_free(uri);
      g_clear_error(&err);
      uri = g_filename_to_uri(abs, NULL, &err);
    }
    if (uri)
      src->doc = poppler_document_new_from_file(uri, password, &err);
    if (src->doc)
      src->password = g_strdup(password);
  }
  if (!src->doc) {
    gboolean locked = g_error_matches(err, POPPLER_ERROR, POPPLER_ERROR_ENCRYPTED);
    g_propagate_error(error, err);
    k2x_source_free(src);
    return locked ? K2X_ERR_ENCRYPTED : K2X_ERR_PDF;
  }
  src->pages = poppler_document_get_n_pages(src->doc);
  src->reader = page_reader_open(src);
  *out = src;
  return K2X_OK;
}

void k2x_source_free(k2x_source *source) {
  if (!source)
    return;
  if (source->doc)
    g_object_unref(source->doc);
  k2x_page_reader_free(source->reader);
  if (source->text)
    g_ptr_array_unref(source->text);
  if (source->map)
    g_mapped_file_unref(source->map);
  g_free(source->sha256);
  g_free(source->password);
  k2x_ocr_free(source->ocr);
  g_free(source->ocr_lang);
  g_free(source->ocr_failure);
  g_free(source);
}

k2x_source *k2x_source_copy(const k2x_source *source, GError **error) {
  if (!source->doc) {
    g_set_error(error, K2X_ERROR, K2X_ERR_PDF, "only a PDF source is copied");
    return NULL;
  }
  g_autoptr(GBytes) bytes = g_mapped_file_get_bytes(source->map);
  /* From the bytes hashed, with the password known to be right by now: the crash above is on
   * a wrong one. */
  PopplerDocument *doc = poppler_document_new_from_bytes(bytes, source->password, error);
  if (!doc)
    return NULL;
  if (poppler_document_get_n_pages(doc) != source->pages) { /* the file changed under us */
    g_object_unref(doc);
    g_set_error(error, K2X_ERROR, K2X_ERR_PDF, "the file changed while it was read");
    return NULL;
  }
  k2x_source *copy = g_new0(k2x_source, 1);
  copy->map = g_mapped_file_ref(source->map);
  copy->doc = doc;
  copy->sha256 = g_strdup(source->sha256);
  copy->pages = source->pages;
  copy->password = g_strdup(source->password);
  k2x_source_set_ocr(copy, &source->ocr_options);
  copy->reader = source->reader ? page_reader_open(copy) : NULL;
  return copy;
}

void k2x_source_set_ocr(k2x_source *source, const k2x_ocr_options *options) {
  k2x_ocr_options none = {K2X_OCR_NEVER, 0, NULL};
  if (!options)
    options = &none;
  char *lang = g_strdup(options->lang);
  g_free(source->ocr_lang);
  source->ocr_lang = lang;
  source->ocr_options = *options;
  source->ocr_options.lang = lang;
  k2x_ocr_free(g_steal_pointer(&source->ocr));
  g_clear_pointer(&source->ocr_failure, g_free);
}

int k2x_source_page_count(const k2x_source *source) {
  return source->pages;
}

const char *k2x_source_sha256(const k2x_source *source) {
  return source->sha256;
}

const char *k2x_source_kind(const k2x_source *source) {
  return source->text ? "text" : "pdf";
}

/* How deep a structure tree is walked: producers nest Table a few levels down (Document,
 * Sect, Div); a hostile tree may nest without end. */
#define MAX_TAG_DEPTH 64

/* The page of the first element under it (and its next siblings) that names one, or -1:
 * Chromium gives a page to the first content of a table only. */
static int tagged_page(PopplerStructureElementIter *it, int depth) {
  int page = -1;
  do {
    PopplerStructureElement *e = poppler_structure_element_iter_get_element(it);
    page = poppler_structure_element_get_page(e);
    g_object_unref(e);
    PopplerStructureElementIter *child =
        page < 0 && depth < MAX_TAG_DEPTH ? poppler_structure_element_iter_get_child(it) : NULL;
    if (child) {
      page = tagged_page(child, depth + 1);
      poppler_structure_element_iter_free(child);
    }
  } while (page < 0 && poppler_structure_element_iter_next(it));
  return page;
}

/* The rows with a data cell under it (and its next siblings), nested tables left out. */
static guint tagged_rows(PopplerStructureElementIter *it, int depth) {
  guint rows = 0;
  do {
    PopplerStructureElement *e = poppler_structure_element_iter_get_element(it);
    PopplerStructureElementKind kind = poppler_structure_element_get_kind(e);
    g_object_unref(e);
    if (kind == POPPLER_STRUCTURE_ELEMENT_TABLE || depth >= MAX_TAG_DEPTH)
      continue;
    PopplerStructureElementIter *child = poppler_structure_element_iter_get_child(it);
    if (!child)
      continue;
    if (kind == POPPLER_STRUCTURE_ELEMENT_TABLE_ROW) {
      gboolean data = FALSE;
      do {
        PopplerStructureElement *cell = poppler_structure_element_iter_get_element(child);
        data |= poppler_structure_element_get_kind(cell) == POPPLER_STRUCTURE_ELEMENT_TABLE_DATA;
        g_object_unref(cell);
      } while (!data && poppler_structure_element_iter_next(child));
      rows += data;
    } else {
      rows += tagged_rows(child, depth + 1);
    }
    poppler_structure_element_iter_free(child);
  } while (poppler_structure_element_iter_next(it));
  return rows;
}

static void find_tagged_tables(PopplerStructureElementIter *it, int depth, GArray *out) {
  do {
    PopplerStructureElement *e = poppler_structure_element_iter_get_element(it);
    gboolean table = poppler_structure_element_get_kind(e) == POPPLER_STRUCTURE_ELEMENT_TABLE;
    g_object_unref(e);
    PopplerStructureElementIter *child =
        depth < MAX_TAG_DEPTH ? poppler_structure_element_iter_get_child(it) : NULL;
    if (!child)
      continue;
    if (table) {
      k2x_tagged_table t = {0, tagged_rows(child, depth + 1)};
      poppler_structure_element_iter_free(child);
      child = poppler_structure_element_iter_get_child(it);
      t.page = tagged_page(child, depth + 1) + 1;
      g_array_append_val(out, t);
    } else {
      find_tagged_tables(child, depth + 1, out);
    }
    poppler_structure_element_iter_free(child);
  } while (poppler_structure_element_iter_next(it));
}

GArray *k2x_source_tagged_tables(k2x_source *source) {
  PopplerStructureElementIter *it =
      source->doc ? poppler_structure_element_iter_new(source->doc) : NULL;
  if (!it)
    return NULL;
  GArray *tables = g_array_new(FALSE, FALSE, sizeof(k2x_tagged_table));
  find_tagged_tables(it, 0, tables);
  poppler_structure_element_iter_free(it);
  if (tables->len == 0)
    g_clear_pointer(&tables, g_array_unref);
  return tables;
}

/* A scan: a page without text over an image, or with only a few stray characters (a stamp, a
 * scanner's page number) over an image that covers most of it. */
static gboolean is_scan(PopplerPage *pp, guint chars, double w, double h) {
  if (chars > SCAN_STRAY_CHARS)
    return FALSE;
  GList *images = poppler_page_get_image_mapping(pp);
  double cover = 0;
  for (GList *l = images; l; l = l->next) {
    const PopplerRectangle *r = &((PopplerImageMapping *)l->data)->area;
    cover = MAX(cover, fabs((r->x2 - r->x1) * (r->y2 - r->y1)) / MAX(w * h, 1));
  }
  gboolean scan = images && (chars == 0 || cover >= SCAN_COVER);
  poppler_page_free_image_mapping(images);
  return scan;
}

/* The page read from its image, or NULL with *failure set. The engine loads with the first
 * such page; when it cannot, no page tries again. */
static k2x_page *read_image(k2x_source *source, PopplerPage *pp, int number, char **failure) {
  GError *error = NULL;
  if (!source->ocr && !source->ocr_failure &&
      !(source->ocr = k2x_ocr_new(&source->ocr_options, &error))) {
    source->ocr_failure = g_strdup(error->message);
    g_clear_error(&error);
  }
  if (!source->ocr) {
    *failure = g_strdup(source->ocr_failure);
    return NULL;
  }
  k2x_page *page = k2x_ocr_read_page(source->ocr, pp, number, &error);
  if (!page) {
    *failure = g_strdup(error->message);
    g_error_free(error);
  }
  return page;
}

/* poppler-glib's text of a page and a box per character of it, with the font size of the
 * character's attributes (0 when none): what the page reader gives too. Text of more than
 * max_glyphs characters (0: no limit) gets no boxes. */
static char *glib_text(PopplerPage *pp, GArray *boxes, guint max_glyphs) {
  char *text = poppler_page_get_text(pp);
  PopplerRectangle *rects = NULL;
  guint n = 0;
  if (!text || (max_glyphs > 0 && g_utf8_strlen(text, -1) > (glong)max_glyphs) ||
      !poppler_page_get_text_layout(pp, &rects, &n))
    return text;
  GList *attrs = poppler_page_get_text_attributes(pp);
  GList *attr = attrs;
  g_array_set_size(boxes, n);
  for (guint i = 0; i < n; i++) {
    while (attr && ((PopplerTextAttributes *)attr->data)->end_index < (int)i)
      attr = attr->next;
    const PopplerTextAttributes *a = attr ? attr->data : NULL;
    const PopplerRectangle *r = &rects[i];
    double size = a && a->start_index <= (int)i ? a->font_size : 0;
    g_array_index(boxes, k2x_char_box, i) = (k2x_char_box){r->x1, r->y1, r->x2, r->y2, size};
  }
  poppler_page_free_text_attributes(attrs);
  g_free(rects);
  return text;
}

/* A glyph per printed character of text, whose i-th character has boxes[i] (n of them). */
static void glyphs_from_text(GArray *glyphs, const char *text, const GArray *boxes) {
  guint i = 0, kept = 0, n = boxes->len;
  /* A glyph per box at most: the room is made once. */
  g_array_set_size(glyphs, n);
  for (const char *p = text; *p && i < n; p = g_utf8_next_char(p), i++) {
    gunichar c = g_utf8_get_char(p);
    if (g_unichar_isspace(c) || !g_unichar_isprint(c))
      continue;
    const k2x_char_box *r = &g_array_index(boxes, k2x_char_box, i);
    k2x_glyph g = {k2x_text_canonical_char(c), (float)MIN(r->x1, r->x2), (float)MIN(r->y1, r->y2),
                   (float)MAX(r->x1, r->x2), (float)MAX(r->y1, r->y2), 0, 0};
    g.size = r->size > 0 ? (float)r->size : g.y1 - g.y0;
    if (g.x1 - g.x0 <= 0 && g.y1 - g.y0 <= 0)
      continue;
    g_array_index(glyphs, k2x_glyph, kept++) = g;
  }
  g_array_set_size(glyphs, kept);
}

k2x_page *k2x_source_read_page(k2x_source *source, int index, guint max_glyphs) {
  if (source->text)
    return k2x_page_new_from_text(index + 1, g_ptr_array_index(source->text, index),
                                  source->layout);
  double w = 0, h = 0;
  GArray *glyphs = g_array_new(FALSE, FALSE, sizeof(k2x_glyph));
  /* The page reader's one pass over the content stream gives the text poppler-glib would, and
   * the rules; without a reader poppler-glib reads the text. poppler-glib's page is only taken
   * when needed, as a document keeps every page it has given: two documents keeping them all
   * would cost 3 MB more over 1,000 pages. */
  g_autofree char *text = NULL;
  g_autoptr(GArray) boxes = g_array_new(FALSE, FALSE, sizeof(k2x_char_box));
  GArray *pieces = source->reader ? g_array_new(FALSE, FALSE, sizeof(k2x_rule)) : NULL;
  guint skipped = 0;
  PopplerPage *pp = NULL;
  if (!source->reader || !k2x_page_reader_read(source->reader, index, &w, &h, &text, boxes,
                                               pieces, max_glyphs, &skipped)) {
    if (!(pp = poppler_document_get_page(source->doc, index))) {
      if (pieces)
        g_array_unref(pieces);
      k2x_page *page = k2x_page_new_from_glyphs(index + 1, w, h, glyphs);
      page->unreadable = TRUE;
      return page;
    }
    poppler_page_get_size(pp, &w, &h);
    text = glib_text(pp, boxes, max_glyphs);
  }
  guint dropped = 0;
  glong chars = text ? g_utf8_strlen(text, -1) : 0;
  if (max_glyphs > 0 && chars > (glong)max_glyphs)
    dropped = (guint)chars;
  else if (text)
    glyphs_from_text(glyphs, text, boxes);
  /* A page with (almost) no text may be a scan: poppler-glib's page tells, and renders it. */
  gboolean image_wanted = source->ocr_options.mode == K2X_OCR_ALWAYS ||
                          (dropped == 0 && glyphs->len <= SCAN_STRAY_CHARS);
  if (image_wanted && !pp)
    pp = poppler_document_get_page(source->doc, index);
  gboolean scanned = dropped == 0 && pp && is_scan(pp, glyphs->len, w, h);
  g_autofree char *failure = NULL;
  k2x_page *page = NULL;
  if (pp && (source->ocr_options.mode == K2X_OCR_ALWAYS ||
             (source->ocr_options.mode == K2X_OCR_AUTO && scanned)))
    page = read_image(source, pp, index + 1, &failure);
  if (pp)
    g_object_unref(pp);
  if (page) {
    g_array_unref(glyphs);
    if (pieces)
      g_array_unref(pieces);
    page->has_images = TRUE;
    return page;
  }
  page = k2x_page_new_from_glyphs(index + 1, w, h, glyphs);
  page->has_images = scanned && page->lines->len == 0;
  page->dropped = dropped;
  page->ocr_error = g_steal_pointer(&failure);
  /* A page skipped for its size is not read any further; a page with too many pieces, half
   * read, has no rules rather than some. */
  if (pieces && skipped)
    page->rules_dropped = pieces->len + skipped;
  if (pieces && !dropped && !skipped)
    k2x_page_set_rules(page, pieces);
  else if (pieces)
    g_array_unref(pieces);
  return page;
}
