/* convert: runs the stages over one input, holding a few pages at a time. */
#include "kaigi.h"

#include "clean.h"
#include "extract.h"
#include "segment.h"

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

/* Complete reports on their way out when the caller streams them. */
typedef struct {
  const k2x_convert_options *options;
  k2x_doc *doc;
  k2x_error err; /* the first error of on_report; later reports are only released */
  GError *error;
} handover;

static void hand_over(k2x_report *report, gpointer data) {
  handover *h = data;
  if (!h->err)
    h->err = h->options->on_report(h->doc, report, h->options->on_report_data, &h->error);
  k2x_doc_release_report(h->doc, report);
}

k2x_error k2x_convert_file(const char *path, const k2x_convert_options *options, k2x_doc **out,
                           GError **error) {
  *out = NULL;
  g_autoptr(k2x_source) src = NULL;
  k2x_error err = k2x_source_open(path, options->password, options->input_encoding, &src, error);
  if (err)
    return err;

  k2x_doc *doc = k2x_doc_new();
  doc->file = g_path_get_basename(path);
  doc->sha256 = g_strdup(k2x_source_sha256(src));
  g_free(doc->kind);
  doc->kind = g_strdup(k2x_source_kind(src));
  doc->pages = k2x_source_page_count(src);
  doc->profile = g_strdup(options->profile->name);

  /* Repeated headers are found by looking at the neighbouring pages, so the window is the
   * previous, current and next page; nothing else is kept, and with on_report neither are
   * the reports already complete. */
  k2x_segmenter *seg = k2x_segmenter_new(doc, options->profile, options->regions);
  handover h = {options, doc, K2X_OK, NULL};
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
    else if (cur->dropped)
      k2x_doc_add_warning(doc, "page_too_large", cur->number,
                          "page %d skipped: %u characters, over the limit of %u", cur->number,
                          cur->dropped, max_glyphs);
    else if (cur->has_images)
      k2x_doc_add_warning(doc, "no_text_layer", cur->number,
                          "page %d has no text layer (scanned?); its content is missing",
                          cur->number);
    k2x_segmenter_add_page(seg, cur);
    /* The rules, as marks, only for a review: a streaming caller keeps no marks. */
    for (guint r = 0; !options->on_report && r < cur->rules->len; r++) {
      const k2x_rule *rule = &g_array_index(cur->rules, k2x_rule, r);
      k2x_box line = {rule->x0, rule->y0, rule->x1, rule->y1};
      k2x_doc_add_mark(doc, K2X_ROLE_RULE, cur->number, line, NULL);
    }
    if (options->trace)
      trace_page(options->trace, cur);
    if (options->on_report)
      g_ptr_array_set_size(doc->marks, 0);
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
