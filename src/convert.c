/* convert: runs the stages over one input, holding at most three pages at a time. */
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
   * previous, current and next page; nothing else is kept. */
  k2x_segmenter *seg = k2x_segmenter_new(doc, options->profile, options->regions);
  guint max_glyphs = options->max_glyphs ? options->max_glyphs : K2X_MAX_GLYPHS;
  int n = doc->pages, with_text = 0;
  k2x_page *prev = NULL, *cur = n > 0 ? k2x_source_read_page(src, 0, max_glyphs) : NULL;
  k2x_page *next = n > 1 ? k2x_source_read_page(src, 1, max_glyphs) : NULL;
  for (int i = 0; i < n; i++) {
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
    if (options->trace)
      trace_page(options->trace, cur);
    k2x_page_free(prev);
    prev = cur;
    cur = next;
    next = i + 2 < n ? k2x_source_read_page(src, i + 2, max_glyphs) : NULL;
  }
  k2x_page_free(prev);
  k2x_segmenter_finish(seg);
  k2x_segmenter_free(seg);

  if (with_text == 0) {
    if (n == 0)
      g_set_error(error, K2X_ERROR, K2X_ERR_NO_TEXT, "the document has no pages");
    else
      g_set_error(error, K2X_ERROR, K2X_ERR_NO_TEXT, "none of its %d pages has text", n);
    k2x_doc_free(doc);
    return K2X_ERR_NO_TEXT;
  }
  if (doc->reports->len == 0) {
    g_set_error(error, K2X_ERROR, K2X_ERR_NO_REPORTS,
                "no section heading of profile %s found", options->profile->name);
    k2x_doc_free(doc);
    return K2X_ERR_NO_REPORTS;
  }
  *out = doc;
  return K2X_OK;
}
