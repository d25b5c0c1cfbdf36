/* extract_text: text as pdftotext writes it → pages of lines with a stand-in geometry, so that
 * the stages after extract read text input the way they read a PDF. */
#include "extract.h"

#include <string.h>

#include "text.h"

/* The stand-in geometry: one display column is this many points wide, a line this many high
 * and this far below the one before. */
#define COLUMN 5.0
#define SIZE 10.0
#define PITCH 15.0
/* A file counts as pdftotext -layout output when this share of its lines hold a run of three
 * spaces or more (centred titles, right-aligned labels, table columns side by side). */
#define LAYOUT_SHARE 0.05

typedef struct {
  const char *name; /* for iconv */
  const char *label; /* for messages */
} encoding;

static const encoding candidates[] = {{"CP932", "Shift_JIS (CP932)"}, {"EUC-JP", "EUC-JP"}};

/* How Japanese a decoded text looks: kana, kanji and full-width forms count for it, half-width
 * katakana (what EUC-JP read as CP932 turns into) against it. */
static long japanese_score(const char *utf8) {
  long score = 0;
  for (const char *p = utf8; *p; p = g_utf8_next_char(p)) {
    gunichar c = g_utf8_get_char(p);
    if ((c >= 0x3000 && c <= 0x30FF) || (c >= 0x4E00 && c <= 0x9FFF) ||
        (c >= 0xFF01 && c <= 0xFF5E))
      score += 2;
    else if (c >= 0xFF61 && c <= 0xFF9F)
      score -= 3;
  }
  return score;
}

/* Converts from one encoding. On an undecodable byte sets *bad to its offset; when iconv does
 * not know the encoding, sets *unknown. */
static char *convert(const char *data, gsize len, const char *from, gsize *bad,
                     gboolean *unknown) {
  gsize read = 0;
  g_autoptr(GError) err = NULL;
  char *out = g_convert(data, (gssize)len, "UTF-8", from, &read, NULL, &err);
  /* With bytes_read asked for, a character cut off at the end is no error to g_convert. */
  if (out && read < len)
    g_clear_pointer(&out, g_free);
  if (!out) {
    *bad = MIN(read, len > 0 ? len - 1 : 0);
    *unknown = g_error_matches(err, G_CONVERT_ERROR, G_CONVERT_ERROR_NO_CONVERSION);
  }
  return out;
}

static k2x_error undecodable(const char *data, const char *label, gsize offset,
                             gboolean chosen, GError **error) {
  g_set_error(error, K2X_ERROR, K2X_ERR_ENCODING,
              "byte 0x%02X at offset %" G_GSIZE_FORMAT " cannot be decoded as %s%s",
              (guchar)data[offset], offset, label,
              chosen ? "" : "; name the encoding with --input-encoding");
  return K2X_ERR_ENCODING;
}

k2x_error k2x_text_decode(const char *data, gsize len, const char *encoding_name, char **out,
                          GError **error) {
  *out = NULL;
  gsize bad = 0;
  gboolean unknown = FALSE;
  if (encoding_name) {
    char *text = convert(data, len, encoding_name, &bad, &unknown);
    if (!text && unknown) {
      g_set_error(error, K2X_ERROR, K2X_ERR_ENCODING, "unknown encoding %s", encoding_name);
      return K2X_ERR_ENCODING;
    }
    if (!text)
      return undecodable(data, encoding_name, bad, TRUE, error);
    *out = text;
    return K2X_OK;
  }
  if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0) {
    data += 3;
    len -= 3;
  }
  const char *end = NULL;
  if (g_utf8_validate(data, (gssize)len, &end) && !memchr(data, '\0', len)) {
    *out = g_strndup(data, len);
    return K2X_OK;
  }
  /* Not UTF-8: of the encodings that decode every byte, the one that reads most Japanese. */
  gsize furthest = (gsize)(end - data);
  const encoding *best = NULL;
  long best_score = G_MINLONG;
  for (gsize i = 0; i < G_N_ELEMENTS(candidates); i++) {
    char *text = convert(data, len, candidates[i].name, &bad, &unknown);
    if (!text) {
      furthest = MAX(furthest, bad);
      continue;
    }
    long score = japanese_score(text);
    if (score > best_score) {
      g_free(*out);
      *out = text;
      best = &candidates[i];
      best_score = score;
    } else {
      g_free(text);
    }
  }
  if (best)
    return K2X_OK;
  return undecodable(data, "UTF-8, Shift_JIS (CP932) or EUC-JP", MIN(furthest, len - 1), FALSE,
                     error);
}

static gboolean is_blank(const char *line) {
  return strspn(line, " \t\r\n") == strlen(line);
}

/* pdftotext -layout keeps columns apart with runs of spaces; plain pdftotext never does. */
static gboolean looks_laid_out(char **lines) {
  guint text_lines = 0, gapped = 0;
  for (char **l = lines; *l; l++) {
    if (is_blank(*l))
      continue;
    text_lines++;
    gapped += strstr(*l, "   ") != NULL;
  }
  return text_lines > 0 && gapped >= LAYOUT_SHARE * text_lines;
}

/* A page-opening line in text without form feeds: pdftotext's one leading space. */
static gboolean opens_page(const char *line) {
  return line[0] == ' ' && line[1] != '\0' && !g_ascii_isspace(line[1]);
}

static gboolean more_text(char **lines) {
  for (; *lines; lines++)
    if (!is_blank(*lines))
      return TRUE;
  return FALSE;
}

/* A bare page number ("9", "- 9 -") ends its page. */
static gboolean ends_page(const char *line) {
  g_autofree char *norm = k2x_text_normalize(line);
  const char *p = norm;
  p += *p == '-';
  gsize digits = strspn(p, "0123456789");
  return digits > 0 && digits <= 4 && (p[digits] == '\0' || strcmp(p + digits, "-") == 0);
}

GPtrArray *k2x_text_pages(const char *utf8, gboolean *layout) {
  g_auto(GStrv) all = g_strsplit_set(utf8, "\n\f", -1);
  *layout = looks_laid_out(all);
  g_auto(GStrv) chunks = g_strsplit(utf8, "\f", -1);
  guint n = g_strv_length(chunks);
  /* pdftotext ends every page with a form feed: what follows the last one is no page. */
  if (n > 1 && is_blank(chunks[n - 1]))
    n--;
  gboolean by_opening_line = n == 1 && !*layout;
  GPtrArray *pages = g_ptr_array_new_with_free_func((GDestroyNotify)g_ptr_array_unref);
  for (guint c = 0; c < n; c++) {
    GPtrArray *page = g_ptr_array_new_with_free_func(g_free);
    g_ptr_array_add(pages, page);
    g_auto(GStrv) lines = g_strsplit(chunks[c], "\n", -1);
    for (char **l = lines; *l; l++) {
      g_strchomp(*l); /* also the \r of CRLF files */
      if (by_opening_line && opens_page(*l) && page->len > 0) {
        page = g_ptr_array_new_with_free_func(g_free);
        g_ptr_array_add(pages, page);
      }
      /* Without layout, blank lines carry nothing (some copies put one after every line). */
      if (*layout || !is_blank(*l))
        g_ptr_array_add(page, g_strdup(*l));
      if (by_opening_line && ends_page(*l) && more_text(l + 1)) {
        page = g_ptr_array_new_with_free_func(g_free);
        g_ptr_array_add(pages, page);
      }
    }
  }
  return pages;
}

k2x_page *k2x_page_new_from_text(int number, const GPtrArray *lines, gboolean layout) {
  GArray *glyphs = g_array_new(FALSE, FALSE, sizeof(k2x_glyph));
  double width = 0;
  for (guint i = 0; i < lines->len; i++) {
    const char *p = g_ptr_array_index(lines, i);
    /* Without layout only the order of lines means something; pdftotext's leading spaces do
     * not. With it, a character is a column whatever its width. */
    if (!layout)
      while (*p == ' ')
        p++;
    double x = COLUMN, y = PITCH * (i + 1);
    gunichar before = 0;
    for (; *p; p = g_utf8_next_char(p)) {
      gunichar c = g_utf8_get_char(p);
      /* Without layout a space between two Japanese characters is all that is left of a gap
       * between columns: it is made wide enough to part runs, so the line's text keeps it. */
      gboolean gap = c == ' ' && k2x_text_is_wide(before) &&
                     k2x_text_is_wide(g_utf8_get_char(g_utf8_next_char(p)));
      double w = COLUMN * (layout || !(k2x_text_is_wide(c) || gap) ? 1 : 2);
      before = c;
      if (!g_unichar_isspace(c) && g_unichar_isprint(c)) {
        k2x_glyph g = {k2x_text_canonical_char(c), (float)x, (float)y, (float)(x + w),
                       (float)(y + SIZE), (float)SIZE, 0};
        g_array_append_val(glyphs, g);
      }
      x += w;
    }
    width = MAX(width, x);
  }
  k2x_page *page = k2x_page_new_from_glyphs(number, width + COLUMN,
                                            PITCH * (lines->len + 2), glyphs);
  page->flow_only = !layout;
  /* A line's length in characters varies from the width it was set to: narrow digits and
   * spaces, compressed punctuation. By up to two characters (four columns without layout). */
  page->grid = COLUMN * (layout ? 2 : 4);
  return page;
}
