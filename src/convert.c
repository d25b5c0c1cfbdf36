/* convert: runs the stages over one input, holding a few pages at a time. */
#include "kaigi.h"

#include "clean.h"
#include "extract.h"
#include "segment.h"
#include "text.h"

#include <string.h>

/* One line per source line: page, box, role, text; for tuning a profile by eye. */
static void trace_page(FILE *out, const k2x_page *page) {
  fprintf(out, "# page %d (%.0fx%.0f) text area %.1f-%.1f\n", page->number, page->width,
          page->height, page->text_left, page->text_right);
  for (guint i = 0; i < page->lines->len; i++) {
    const k2x_line *l = g_ptr_array_index(page->lines, i);
    fprintf(out, "%3d %6.1f %6.1f %6.1f %6.1f %-12s %s\n", page->number, l->box.x0, l->box.y0,
            l->box.x1, l->box.y1, k2x_role_name(l->role), l->text);
  }
  for (guint i = 0; i < page->rules->len; i++) {
    const k2x_rule *r = &g_array_index(page->rules, k2x_rule, i);
    fprintf(out, "%3d %6.1f %6.1f %6.1f %6.1f %-12s %.2f\n", page->number, r->x0, r->y0, r->x1,
            r->y1, r->dir == K2X_RULE_HORIZONTAL ? "rule-h" : "rule-v", r->width);
  }
}

/* Characters OCR read with less confidence than this are listed for staff to check. */
#define OCR_LOW_CONFIDENCE 0.5

/* What OCR made of a page, said as warnings, and its lines kept for a review to draw. */
static void note_ocr(k2x_doc *doc, const k2x_page *page) {
  if (page->ocr_error)
    k2x_doc_add_warning(doc, "ocr_failed", page->number,
                        "page %d could not be read from its image: %s", page->number,
                        page->ocr_error);
  if (!page->ocr)
    return;
  guint chars = 0;
  for (guint i = 0; i < page->lines->len; i++) {
    const k2x_line *l = g_ptr_array_index(page->lines, i);
    const k2x_glyph *g = (const k2x_glyph *)l->glyphs->data;
    chars += l->glyphs->len;
    double sum = 0;
    GString *low = NULL;
    for (guint k = 0; k < l->glyphs->len; k++) {
      sum += g[k].conf;
      if (g[k].conf >= OCR_LOW_CONFIDENCE)
        continue;
      if (!low)
        low = g_string_new(NULL);
      if (low->len)
        g_string_append(low, "、");
      g_string_append_unichar(low, g[k].c);
      g_string_append_printf(low, "（%.0f%%）", 100 * g[k].conf);
    }
    k2x_doc_add_ocr_line(doc, page->number, l->box, l->glyphs->len ? sum / l->glyphs->len : 0);
    if (l->read)
      k2x_doc_add_warning(doc, "ocr_corrected", page->number, "OCR read 「%s」, taken as 「%s」",
                          l->read, l->text)
          ->box = l->box;
    if (low) {
      k2x_doc_add_warning(doc, "ocr_low_confidence", page->number,
                          "「%s」: characters read with little confidence: %s", l->text,
                          low->str)
          ->box = l->box;
      g_string_free(low, TRUE);
    }
  }
  k2x_doc_add_warning(doc, "page_ocr", page->number,
                      "page %d read from its image by OCR: %u characters, mean confidence "
                      "%.0f%%, turned %.2f° to level it",
                      page->number, chars, 100 * page->ocr_confidence, page->ocr_skew);
}

/* Pages in page order: read here one at a time, or extracted ahead by worker threads, each
 * with its own copy of the source, as a poppler document may not be shared between threads.
 * Workers take the next page not yet taken, so a slow page does not hold the others up, and
 * run at most `ahead` pages past the consumer, so memory stays bounded. Cleaning and
 * segmenting see the same pages in the same order either way, which is why reports that
 * straddle two workers' pages come out as they do from one. */
typedef struct page_feed page_feed;

/* Extracting threads for one input at most: cleaning and segmenting, in one thread, keep pace
 * with about three, so more would only take memory (each its own poppler document). */
#define PAGE_THREADS_MAX 4

typedef struct {
  page_feed *feed;
  k2x_source *src;
  gboolean owned; /* opened for this worker */
  GThread *thread;
} worker;

struct page_feed {
  k2x_source *src;
  guint max_glyphs;
  int n;
  GArray *workers; /* worker; empty when pages are read in the consumer */
  GMutex lock;
  GCond cond;
  k2x_page **ready; /* ready[i]: page i, extracted and not yet taken */
  int next;         /* the next page a worker takes */
  int taken;        /* pages the consumer has taken */
  int ahead;
  gboolean stop;
};

static gpointer work(gpointer data) {
  worker *w = data;
  page_feed *f = w->feed;
  g_mutex_lock(&f->lock);
  for (;;) {
    while (!f->stop && f->next < f->n && f->next >= f->taken + f->ahead)
      g_cond_wait(&f->cond, &f->lock);
    if (f->stop || f->next >= f->n)
      break;
    int i = f->next++;
    g_mutex_unlock(&f->lock);
    k2x_page *page = k2x_source_read_page(w->src, i, f->max_glyphs);
    g_mutex_lock(&f->lock);
    f->ready[i] = page;
    g_cond_broadcast(&f->cond);
  }
  g_mutex_unlock(&f->lock);
  return NULL;
}

static page_feed *feed_new(k2x_source *src, const char *path, int threads_wanted,
                           guint max_glyphs) {
  page_feed *f = g_new0(page_feed, 1);
  f->src = src;
  f->max_glyphs = max_glyphs;
  f->n = k2x_source_page_count(src);
  f->workers = g_array_new(FALSE, TRUE, sizeof(worker));
  /* Text pages cost next to nothing to read. */
  int threads = g_str_equal(k2x_source_kind(src), "pdf") ? MIN(threads_wanted, f->n) : 0;
  threads = MIN(threads, PAGE_THREADS_MAX);
  if (threads < 2)
    return f;
  g_mutex_init(&f->lock);
  g_cond_init(&f->cond);
  f->ready = g_new0(k2x_page *, f->n);
  f->ahead = 4 * threads;
  /* The consumer reads no page itself, so its source serves the first worker. */
  worker first = {f, src, FALSE, NULL};
  g_array_append_val(f->workers, first);
  for (int k = 1; k < threads; k++) {
    /* A copy that cannot be made only means fewer workers. */
    k2x_source *copy = k2x_source_copy(src, NULL);
    if (!copy)
      break;
    worker w = {f, copy, TRUE, NULL};
    g_array_append_val(f->workers, w);
  }
  /* A thread that cannot start (address space under --memory-limit) only means fewer. */
  for (guint k = 0; k < f->workers->len; k++) {
    worker *w = &g_array_index(f->workers, worker, k);
    if (!(w->thread = g_thread_try_new("k2x-extract", work, w, NULL))) {
      for (guint j = k; j < f->workers->len; j++) {
        worker *unstarted = &g_array_index(f->workers, worker, j);
        if (unstarted->owned)
          k2x_source_free(unstarted->src);
      }
      g_array_set_size(f->workers, k);
      break;
    }
  }
  g_debug("%s: %d pages extracted by %u threads", path, f->n, f->workers->len);
  return f;
}

static k2x_page *feed_take(page_feed *f, int i) {
  if (f->workers->len == 0)
    return k2x_source_read_page(f->src, i, f->max_glyphs);
  g_mutex_lock(&f->lock);
  while (!f->ready[i])
    g_cond_wait(&f->cond, &f->lock);
  k2x_page *page = f->ready[i];
  f->ready[i] = NULL;
  f->taken = i + 1;
  g_cond_broadcast(&f->cond);
  g_mutex_unlock(&f->lock);
  return page;
}

static void feed_free(page_feed *f) {
  if (f->workers->len > 0) {
    g_mutex_lock(&f->lock);
    f->stop = TRUE;
    g_cond_broadcast(&f->cond);
    g_mutex_unlock(&f->lock);
    for (guint k = 0; k < f->workers->len; k++) {
      worker *w = &g_array_index(f->workers, worker, k);
      g_thread_join(w->thread);
      if (w->owned)
        k2x_source_free(w->src);
    }
    for (int i = 0; i < f->n; i++)
      k2x_page_free(f->ready[i]);
    g_mutex_clear(&f->lock);
    g_cond_clear(&f->cond);
  }
  g_free(f->ready);
  g_array_unref(f->workers);
  g_free(f);
}

/* A tagged PDF says how many rows each of its tables has: where the structure tree holds a
 * table whose first content stands between the section's heading and its first row, the
 * rows read from the page must be as many, or the report says so. The tags only confirm:
 * producers tag what they meant, not always what they drew, and a merged bundle keeps the
 * tags of some of its parts only. */
static void confirm_rows(const GArray *tags, guint *next, k2x_report *report) {
  for (guint i = 0; tags && i < report->sections->len; i++) {
    const k2x_section *s = g_ptr_array_index(report->sections, i);
    if (s->rows->len == 0)
      continue;
    const k2x_row *first = g_ptr_array_index(s->rows, 0);
    /* The tables come in the order of the tree, as the reports do; one before the section
     * is one not read as a report's table. */
    while (*next < tags->len && g_array_index(tags, k2x_tagged_table, *next).page < s->page)
      ++*next;
    if (*next == tags->len)
      return;
    const k2x_tagged_table *t = &g_array_index(tags, k2x_tagged_table, *next);
    if (t->page > first->page_first)
      continue;
    ++*next;
    if (t->rows != s->rows->len)
      k2x_report_add_warning(report, "table_rows_tagged", t->page,
                             "the PDF's tags give the table of section %d %u rows, but %u "
                             "were read from the page: check its rows",
                             s->number, t->rows, s->rows->len);
  }
}

/* Complete reports on their way out when the caller streams them. */
typedef struct {
  const k2x_convert_options *options;
  const GArray *tags; /* k2x_tagged_table, or NULL */
  guint next_tag;     /* the first of them no report's table has taken */
  k2x_doc *doc;
  k2x_error err; /* the first error of on_report; later reports are only released */
  GError *error;
} handover;

/* k2x_segmenter_report_fn: report is ours. */
static void hand_over(k2x_report *report, gpointer data) {
  handover *h = data;
  confirm_rows(h->tags, &h->next_tag, report);
  if (!h->err)
    h->err = h->options->on_report(h->doc, report, h->options->on_report_data, &h->error);
  k2x_report_free(report);
}

k2x_error k2x_convert_file(const char *path, const k2x_convert_options *options, k2x_doc **out,
                           GError **error) {
  *out = NULL;
  g_autoptr(k2x_source) src = NULL;
  k2x_error err = k2x_source_open(path, options->password, options->input_encoding, &src, error);
  if (err)
    return err;

  k2x_doc *doc = k2x_doc_new();
  g_autofree char *name = options->name ? g_strdup(options->name) : g_path_get_basename(path);
  /* Outputs hold valid UTF-8 whatever the file system gave: a name from an old share in
   * Latin-1 is escaped, and its bytes kept. */
  doc->file = k2x_text_escape_name(name);
  if (strcmp(doc->file, name) != 0)
    doc->file_bytes = g_steal_pointer(&name);
  doc->sha256 = g_strdup(k2x_source_sha256(src));
  g_free(doc->kind);
  doc->kind = g_strdup(k2x_source_kind(src));
  doc->pages = k2x_source_page_count(src);
  doc->profile = g_strdup(options->profile->name);
  k2x_source_set_ocr(src, &options->ocr);
  /* Before the page threads start (see k2x_ocr_load); a failure shows with the first scan. */
  if (options->ocr.mode != K2X_OCR_NEVER && g_str_equal(doc->kind, "pdf"))
    k2x_ocr_load();

  /* Repeated headers are found by looking at the neighbouring pages, so the window is the
   * previous, current and next page; nothing else is kept, and with on_report neither are
   * the reports already complete. */
  k2x_segmenter *seg = k2x_segmenter_new(doc, options->profile, options->regions);
  g_autoptr(GArray) tags = k2x_source_tagged_tables(src);
  handover h = {options, tags, 0, doc, K2X_OK, NULL};
  if (options->on_report)
    k2x_segmenter_set_report_fn(seg, hand_over, &h);
  guint max_glyphs = options->max_glyphs ? options->max_glyphs : K2X_MAX_GLYPHS;
  int n = doc->pages, with_text = 0;
  page_feed *feed = feed_new(src, path, options->threads, max_glyphs);
  k2x_page *prev = NULL, *cur = n > 0 ? feed_take(feed, 0) : NULL;
  k2x_page *next = n > 1 ? feed_take(feed, 1) : NULL;
  for (int i = 0; i < n && !h.err; i++) {
    k2x_clean_page(cur, prev, next, options->profile, options->regions);
    if (cur->lines->len > 0)
      with_text++;
    else if (cur->unreadable)
      k2x_doc_add_warning(doc, "page_unreadable", cur->number,
                          "page %d could not be read from the PDF; its content is missing",
                          cur->number);
    else if (cur->dropped)
      k2x_doc_add_warning(doc, "page_too_large", cur->number,
                          "page %d skipped: %u characters, over the limit of %u", cur->number,
                          cur->dropped, max_glyphs);
    else if (cur->has_images)
      k2x_doc_add_warning(doc, "no_text_layer", cur->number,
                          "page %d has no text layer (scanned?); its content is missing",
                          cur->number);
    if (cur->rules_dropped)
      k2x_doc_add_warning(doc, "page_rules_dropped", cur->number,
                          "page %d: its rules were not read: it draws %u pieces of lines, over "
                          "the limit of %u",
                          cur->number, cur->rules_dropped, max_glyphs);
    k2x_segmenter_add_page(seg, cur);
    if (cur->ocr && !g_str_has_suffix(doc->kind, "+ocr")) {
      char *kind = g_strconcat(doc->kind, "+ocr", NULL);
      g_free(doc->kind);
      doc->kind = kind;
    }
    note_ocr(doc, cur);
    /* The rules, as marks, only for a review: a streaming caller keeps no marks. */
    for (guint r = 0; !options->on_report && r < cur->rules->len; r++) {
      const k2x_rule *rule = &g_array_index(cur->rules, k2x_rule, r);
      k2x_box line = {rule->x0, rule->y0, rule->x1, rule->y1};
      k2x_doc_add_mark(doc, K2X_ROLE_RULE, cur->number, line, NULL);
    }
    if (options->trace)
      trace_page(options->trace, cur);
    if (options->on_report) {
      g_ptr_array_set_size(doc->marks, 0);
      g_array_set_size(doc->ocr_lines, 0);
    }
    k2x_page_free(prev);
    prev = cur;
    cur = next;
    next = i + 2 < n ? feed_take(feed, i + 2) : NULL;
  }
  k2x_page_free(prev);
  k2x_page_free(cur); /* left when on_report failed */
  k2x_page_free(next);
  feed_free(feed);
  k2x_segmenter_finish(seg);
  k2x_segmenter_free(seg);
  for (guint r = 0; !options->on_report && r < doc->reports->len; r++)
    confirm_rows(tags, &h.next_tag, g_ptr_array_index(doc->reports, r));

  if (h.err) {
    g_propagate_error(error, h.error);
    k2x_doc_free(doc);
    return h.err;
  }
  if (with_text == 0) {
    if (n == 0)
      g_set_error(error, K2X_ERROR, K2X_ERR_NO_TEXT, "the document has no pages");
    else
      g_set_error(error, K2X_ERROR, K2X_ERR_NO_TEXT, "none of its %d pages has text", n);
    k2x_doc_free(doc);
    return K2X_ERR_NO_TEXT;
  }
  if (doc->report_count == 0) {
    g_set_error(error, K2X_ERROR, K2X_ERR_NO_REPORTS,
                "no section heading of profile %s found", options->profile->name);
    k2x_doc_free(doc);
    return K2X_ERR_NO_REPORTS;
  }
  *out = doc;
  return K2X_OK;
}
