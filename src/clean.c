/* clean: finds page furniture by pattern, position and repetition across pages. */
#include "clean.h"

#include <math.h>
#include <string.h>

#include "text.h"

/* Running headers and footers live in this share of the page height at top and bottom. */
#define MARGIN_ZONE 0.12
/* Lines that start this far (share of the text width) right of the left edge and end at the
 * right edge are right-aligned. */
#define RIGHT_ALIGNED 0.3
/* Furniture stands this many font sizes apart from the body. */
#define STAND_APART 0.8

static gboolean matches(const GRegex *re, const char *norm) {
  return re && k2x_profile_pattern_match(re, norm, 0, 0, NULL);
}

/* Whether line i and the line right under it read as one title: a long title wraps on a
 * narrow page. */
static gboolean title_wraps(const k2x_page *page, guint i, const k2x_profile *profile,
                            const char *norm) {
  if (!profile->title || i + 1 >= page->lines->len)
    return FALSE;
  g_autoptr(GMatchInfo) mi = NULL;
  k2x_profile_pattern_match(profile->title, norm, 0, G_REGEX_MATCH_PARTIAL_HARD, &mi);
  if (!g_match_info_is_partial_match(mi))
    return FALSE;
  const k2x_line *l = g_ptr_array_index(page->lines, i);
  const k2x_line *n = g_ptr_array_index(page->lines, i + 1);
  if (n->box.y0 - l->box.y1 > l->size)
    return FALSE;
  g_autofree char *joined = g_strconcat(norm, n->norm, NULL);
  return matches(profile->title, joined);
}

static gboolean in_margin_zone(const k2x_page *page, const k2x_line *l) {
  double h = page->height > 0 ? page->height : 842;
  return l->box.y1 <= h * MARGIN_ZONE || l->box.y0 >= h * (1 - MARGIN_ZONE);
}

/* Normalised text with digits masked, so "- 3 -" on one page repeats "- 4 -" on the next. */
static char *repeat_key(const k2x_line *l) {
  char *key = g_strdup(l->norm);
  for (char *p = key; *p; p++)
    if (g_ascii_isdigit(*p))
      *p = '#';
  return key;
}

static void free_array(gpointer p) {
  g_array_unref(p);
}

/* The margin-zone lines of a page: key → tops, so that a page is read once per neighbour. */
static GHashTable *zone_keys(const k2x_page *page) {
  GHashTable *keys = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, free_array);
  for (guint i = 0; page && i < page->lines->len; i++) {
    const k2x_line *l = g_ptr_array_index(page->lines, i);
    if (!in_margin_zone(page, l))
      continue;
    char *key = repeat_key(l);
    GArray *tops = g_hash_table_lookup(keys, key);
    if (!tops) {
      tops = g_array_new(FALSE, FALSE, sizeof(double));
      g_hash_table_insert(keys, key, tops);
    } else {
      g_free(key);
    }
    double top = l->box.y0;
    g_array_append_val(tops, top);
  }
  return keys;
}

static gboolean repeated_in(GHashTable *keys, const char *key, double top) {
  GArray *tops = g_hash_table_lookup(keys, key);
  for (guint i = 0; tops && i < tops->len; i++)
    if (fabs(g_array_index(tops, double, i) - top) <= 3)
      return TRUE;
  return FALSE;
}

/* Furniture in the margin stands apart from the body: toward the middle of the page, the next
 * line is furniture too, or at least most of a line height away. A body line that happens to
 * sit in the margin zone has its neighbour at the usual line gap. */
static gboolean stands_apart(const k2x_page *page, guint i) {
  const k2x_line *l = g_ptr_array_index(page->lines, i);
  gboolean top_half = l->box.y0 < page->height / 2;
  if (top_half ? i + 1 >= page->lines->len : i == 0)
    return TRUE;
  const k2x_line *n = g_ptr_array_index(page->lines, top_half ? i + 1 : i - 1);
  if (n->role != K2X_ROLE_NONE)
    return TRUE;
  double gap = top_half ? n->box.y0 - l->box.y1 : l->box.y0 - n->box.y1;
  return gap >= STAND_APART * l->size;
}

/* A page number stands alone: in the margin, or first or last on the page, apart from the
 * body (where text without layout has no geometry, first or last is enough). */
static gboolean page_number_place(const k2x_page *page, guint i) {
  const GPtrArray *lines = page->lines;
  const k2x_line *l = g_ptr_array_index(lines, i);
  if (page->flow_only)
    return i == 0 || i + 1 == lines->len;
  if (in_margin_zone(page, l))
    return stands_apart(page, i);
  if (i + 1 == lines->len && i > 0) {
    const k2x_line *above = g_ptr_array_index(lines, i - 1);
    return l->box.y0 - above->box.y1 > 2 * l->size;
  }
  if (i == 0 && lines->len > 1) {
    const k2x_line *below = g_ptr_array_index(lines, 1);
    return below->box.y0 - l->box.y1 > 2 * l->size;
  }
  return lines->len == 1;
}

/* The place is checked first: the pattern costs more. */
static gboolean is_page_number(const k2x_page *page, guint i, const k2x_profile *profile,
                               const char *norm) {
  return page_number_place(page, i) && matches(profile->page_number, norm);
}

static int compare_desc(gconstpointer a, gconstpointer b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x > y ? -1 : x < y;
}

/* In text a line that holds a table's two columns, or a few more narrow characters, runs past
 * the body: the right edge is the furthest that three one-run lines reach, within a character. */
static double common_right(const k2x_page *page) {
  g_autoptr(GArray) rights = g_array_new(FALSE, FALSE, sizeof(double));
  double size = 0;
  for (guint i = 0; i < page->lines->len; i++) {
    const k2x_line *l = g_ptr_array_index(page->lines, i);
    if (l->role != K2X_ROLE_NONE || l->runs->len > 1)
      continue;
    double r = k2x_line_right(l);
    g_array_append_val(rights, r);
    size = MAX(size, l->size);
  }
  g_array_sort(rights, compare_desc);
  for (guint i = 0; i + 2 < rights->len; i++) {
    double r = g_array_index(rights, double, i);
    if (g_array_index(rights, double, i + 2) >= r - size)
      return r;
  }
  return rights->len ? g_array_index(rights, double, 0) : page->width;
}

/* The body's left and right edges. A page with few lines may not reach the right margin, so
 * it inherits the edge of the page before it when that page has the same size. */
static void set_text_area(k2x_page *page, const k2x_page *prev) {
  double left = G_MAXDOUBLE, right = 0;
  guint n = 0;
  for (guint i = 0; i < page->lines->len; i++) {
    const k2x_line *l = g_ptr_array_index(page->lines, i);
    if (l->role != K2X_ROLE_NONE || l->glyphs->len < 2)
      continue;
    left = MIN(left, l->box.x0);
    right = MAX(right, k2x_line_right(l));
    n++;
  }
  if (n == 0) {
    left = 0;
    right = page->width;
  } else if (page->grid > 0) {
    right = common_right(page);
  }
  if (prev && n < 4 && fabs(prev->width - page->width) < 1 && prev->text_right > 0) {
    right = MAX(right, prev->text_right);
    left = MIN(left, prev->text_left);
  }
  page->text_left = left;
  page->text_right = right;
}

/* Headings and table headers repeat at the same place on every report's first page; they are
 * structure, not furniture. */
static gboolean is_structure(const k2x_profile *profile, const k2x_line *l) {
  if (k2x_profile_match_heading(profile, l->text, l->norm, NULL))
    return TRUE;
  gint ends[K2X_MAX_COLUMNS];
  for (guint i = 0; i < profile->sections->len; i++)
    if (k2x_profile_match_header(g_ptr_array_index(profile->sections, i), l->norm, ends))
      return TRUE;
  return FALSE;
}

/* Takes corrected for a line's text, keeping what OCR read. */
static void correct_line(k2x_line *l, char *corrected) {
  if (!l->read)
    l->read = g_steal_pointer(&l->text);
  g_free(l->text);
  l->text = corrected;
  g_free(l->norm);
  l->norm = k2x_text_normalize(l->text);
}

/* On a page read by OCR, a label is a known place, a heading one of the profile's: a line
 * that would be one but for a slip or two is taken as the known form. */
static gboolean correct_label(k2x_line *l, const k2x_regions *regions) {
  char *label = k2x_region_correct_label(regions, l->text);
  if (label)
    correct_line(l, label);
  return label != NULL;
}

static void correct_headings(k2x_page *page, const k2x_profile *profile) {
  for (guint i = 0; i < page->lines->len; i++) {
    k2x_line *l = g_ptr_array_index(page->lines, i);
    char *heading = k2x_profile_correct_heading(profile, l->text);
    if (heading)
      correct_line(l, heading);
  }
}

static gboolean only_furniture_above(const k2x_page *page, guint i) {
  for (guint k = 0; k < i; k++) {
    k2x_role r = ((const k2x_line *)g_ptr_array_index(page->lines, k))->role;
    if (r != K2X_ROLE_TITLE && r != K2X_ROLE_PAGE_NUMBER && r != K2X_ROLE_REPEATED)
      return FALSE;
  }
  return TRUE;
}

static gboolean is_label_position(const k2x_page *page, guint i, const k2x_profile *profile) {
  /* Text without layout keeps no position: a line that is a whole label is one. */
  if (page->flow_only)
    return TRUE;
  const k2x_line *l = g_ptr_array_index(page->lines, i);
  double width = page->text_right - page->text_left;
  gboolean right_aligned = l->box.x1 >= page->text_right - 2 * l->size &&
                           l->box.x0 >= page->text_left + RIGHT_ALIGNED * width;
  if (right_aligned)
    return TRUE;
  /* Some producers print the label flush left, right under the title; or, when the title
   * runs in the page's foot, first on the page, right before the report's first heading. */
  if (i > 0) {
    const k2x_line *above = g_ptr_array_index(page->lines, i - 1);
    if (above->role == K2X_ROLE_TITLE && l->box.y0 - above->box.y1 < 3 * l->size)
      return TRUE;
  }
  return i + 1 < page->lines->len && only_furniture_above(page, i) &&
         is_structure(profile, g_ptr_array_index(page->lines, i + 1));
}

void k2x_clean_page(k2x_page *page, const k2x_page *prev, const k2x_page *next,
                    const k2x_profile *profile, const k2x_regions *regions) {
  GPtrArray *lines = page->lines;
  if (page->ocr)
    correct_headings(page, profile);
  for (guint i = 0; i < lines->len; i++) {
    k2x_line *l = g_ptr_array_index(lines, i);
    if (l->role != K2X_ROLE_NONE)
      continue;
    if (matches(profile->title, l->norm)) {
      l->role = K2X_ROLE_TITLE;
    } else if (title_wraps(page, i, profile, l->norm)) {
      l->role = K2X_ROLE_TITLE;
      ((k2x_line *)g_ptr_array_index(lines, i + 1))->role = K2X_ROLE_TITLE;
    }
  }
  /* After the titles: a page number may stand right next to one. */
  for (guint i = 0; i < lines->len; i++) {
    k2x_line *l = g_ptr_array_index(lines, i);
    if (l->role == K2X_ROLE_NONE && is_page_number(page, i, profile, l->norm))
      l->role = K2X_ROLE_PAGE_NUMBER;
  }
  set_text_area(page, prev);

  g_autoptr(GHashTable) prev_keys = zone_keys(prev);
  g_autoptr(GHashTable) next_keys = zone_keys(next);
  for (guint i = 0; i < lines->len; i++) {
    k2x_line *l = g_ptr_array_index(lines, i);
    if (l->role != K2X_ROLE_NONE)
      continue;
    if (is_label_position(page, i, profile) &&
        (k2x_region_is_label(regions, l->text) || (page->ocr && correct_label(l, regions))) &&
        !is_structure(profile, l)) {
      l->role = K2X_ROLE_LABEL;
      continue;
    }
    if (!in_margin_zone(page, l) || !stands_apart(page, i) || is_structure(profile, l))
      continue;
    g_autofree char *key = repeat_key(l);
    if (*key && (repeated_in(prev_keys, key, l->box.y0) || repeated_in(next_keys, key, l->box.y0)))
      l->role = K2X_ROLE_REPEATED;
  }
  /* Measured again without the furniture: a right-aligned label may stand past the body. */
  set_text_area(page, prev);
  /* Text without layout has only widths, which a table's columns share (segment_columns.c). */
  page->body_columns = 0;
  for (guint i = 0; page->flow_only && i < lines->len; i++) {
    const k2x_line *l = g_ptr_array_index(lines, i);
    if (l->role < K2X_ROLE_TITLE || l->role > K2X_ROLE_REPEATED)
      page->body_columns = MAX(page->body_columns, k2x_text_display_width(l->text));
  }
}
