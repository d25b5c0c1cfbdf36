/* region: place-name table (data/regions.tsv), label parsing and region inference. */
#include "region.h"

#include "error.h"

#include <stdarg.h>
#include <string.h>

#include "regions.inc"
#include "text.h"

/* A region label is a heading, not a sentence; longer lines are body text. */
#define LABEL_MAX_CHARS 40


typedef enum {
  KIND_PREFECTURE,
  KIND_DESIGNATED,
  KIND_CORE,
  KIND_OTHER,
  KIND_WARD,
  KIND_COUNT
} place_kind;

static const char *const kind_names[] = {"prefecture", "designated", "core", "other", "ward"};

_Static_assert(sizeof kind_names / sizeof kind_names[0] == KIND_COUNT, "one name per kind");

typedef struct place {
  char *name;                     /* as written in the table */
  char *norm;                     /* NFKC form: what text is matched against */
  gsize norm_len;                 /* bytes */
  const struct place *prefecture; /* itself for a prefecture */
  place_kind kind;
  guint index; /* position in k2x_regions.places */
} place;

struct k2x_regions {
  GPtrArray *places;    /* place *, owned */
  GHashTable *by_name;  /* norm → place * */
  GHashTable *by_first; /* first character of norm → GPtrArray of place *, longest first */
};

/* Which places a lookup may return. */
typedef enum { MATCH_ANY, MATCH_PREFECTURE, MATCH_MUNICIPALITY } match_filter;

/* A municipality row waiting for its prefecture, which may appear later in the file. */
typedef struct {
  place *place;
  char *prefecture;
  guint line;
} pending_row;


static void place_free(gpointer p) {
  place *pl = p;
  if (!pl)
    return;
  g_free(pl->name);
  g_free(pl->norm);
  g_free(pl);
}

static char *normalize(const char *s, gssize len) {
  return k2x_text_nfkc(s, len);
}

/* Text from PDFs is not always valid UTF-8; matching needs it to be. */
static char *valid_copy(const char *s) {
  if (!s)
    return g_strdup("");
  return g_utf8_make_valid(s, -1);
}

G_GNUC_PRINTF(3, 4)
static gboolean fail(GError **error, guint line, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  char *msg = g_strdup_vprintf(fmt, ap);
  va_end(ap);
  g_set_error(error, K2X_ERROR, K2X_ERR_DATA, "regions table line %u: %s", line,
              msg);
  g_free(msg);
  return FALSE;
}

static gboolean kind_from_name(const char *s, place_kind *kind) {
  for (int k = 0; k < KIND_COUNT; k++) {
    if (strcmp(s, kind_names[k]) == 0) {
      *kind = (place_kind)k;
      return TRUE;
    }
  }
  return FALSE;
}

static gboolean is_header(char **cols, guint n) {
  return n == 3 && strcmp(cols[0], "name") == 0 && strcmp(cols[1], "prefecture") == 0 &&
         strcmp(cols[2], "kind") == 0;
}

static gboolean add_row(k2x_regions *r, char **cols, guint n, guint line, GArray *pending,
                        GError **error) {
  if (n != 3)
    return fail(error, line, "expected 3 tab-separated columns (name, prefecture, kind), found %u",
                n);
  for (guint i = 0; i < n; i++)
    g_strstrip(cols[i]);
  if (cols[0][0] == '\0' || cols[1][0] == '\0')
    return fail(error, line, "empty name or prefecture");
  place_kind kind;
  if (!kind_from_name(cols[2], &kind))
    return fail(error, line, "unknown kind \"%s\"", cols[2]);
  if (kind == KIND_PREFECTURE && strcmp(cols[0], cols[1]) != 0)
    return fail(error, line, "prefecture \"%s\" must name itself in the prefecture column",
                cols[0]);
  char *norm = normalize(cols[0], -1);
  if (g_hash_table_contains(r->by_name, norm)) {
    g_free(norm);
    return fail(error, line, "duplicate name \"%s\"", cols[0]);
  }
  place *pl = g_new0(place, 1);
  pl->name = g_strdup(cols[0]);
  pl->norm = norm;
  pl->norm_len = strlen(norm);
  pl->kind = kind;
  pl->index = r->places->len;
  pl->prefecture = kind == KIND_PREFECTURE ? pl : NULL;
  g_ptr_array_add(r->places, pl);
  g_hash_table_insert(r->by_name, pl->norm, pl);
  if (kind != KIND_PREFECTURE) {
    pending_row row = {pl, g_strdup(cols[1]), line};
    g_array_append_val(pending, row);
  }
  return TRUE;
}

static gboolean resolve_prefectures(k2x_regions *r, GArray *pending, GError **error) {
  for (guint i = 0; i < pending->len; i++) {
    pending_row *row = &g_array_index(pending, pending_row, i);
    char *norm = normalize(row->prefecture, -1);
    const place *pref = g_hash_table_lookup(r->by_name, norm);
    g_free(norm);
    if (!pref || pref->kind != KIND_PREFECTURE)
      return fail(error, row->line, "prefecture \"%s\" of \"%s\" is not in the table",
                  row->prefecture, row->place->name);
    row->place->prefecture = pref;
  }
  return TRUE;
}

static gint longer_first(gconstpointer a, gconstpointer b) {
  const place *pa = *(const place *const *)a;
  const place *pb = *(const place *const *)b;
  if (pa->norm_len != pb->norm_len)
    return pa->norm_len > pb->norm_len ? -1 : 1;
  return pa->index < pb->index ? -1 : pa->index > pb->index;
}

static void index_by_first(k2x_regions *r) {
  for (guint i = 0; i < r->places->len; i++) {
    place *pl = g_ptr_array_index(r->places, i);
    gpointer key = GUINT_TO_POINTER(g_utf8_get_char(pl->norm));
    GPtrArray *list = g_hash_table_lookup(r->by_first, key);
    if (!list) {
      list = g_ptr_array_new();
      g_hash_table_insert(r->by_first, key, list);
    }
    g_ptr_array_add(list, pl);
  }
  GHashTableIter it;
  gpointer value;
  g_hash_table_iter_init(&it, r->by_first);
  while (g_hash_table_iter_next(&it, NULL, &value))
    g_ptr_array_sort(value, longer_first);
}

static gboolean blank_line(const char *s) {
  for (; *s; s++)
    if (!g_ascii_isspace(*s))
      return FALSE;
  return TRUE;
}

static void pending_clear(gpointer p) { g_free(((pending_row *)p)->prefecture); }

k2x_regions *k2x_regions_new_from_data(const char *data, gsize len, GError **error) {
  k2x_regions *r = g_new0(k2x_regions, 1);
  r->places = g_ptr_array_new_with_free_func(place_free);
  r->by_name = g_hash_table_new(g_str_hash, g_str_equal);
  r->by_first = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL,
                                      (GDestroyNotify)g_ptr_array_unref);
  GArray *pending = g_array_new(FALSE, FALSE, sizeof(pending_row));
  g_array_set_clear_func(pending, pending_clear);

  char *text = g_strndup(data ? data : "", data ? len : 0);
  char **lines = g_strsplit(text, "\n", -1);
  gboolean ok = TRUE, seen_header = FALSE;
  for (guint i = 0; ok && lines[i]; i++) {
    guint line = i + 1;
    char *s = lines[i];
    gsize n = strlen(s);
    if (n > 0 && s[n - 1] == '\r')
      s[n - 1] = '\0';
    if (s[0] == '#' || blank_line(s))
      continue;
    if (!g_utf8_validate(s, -1, NULL)) {
      ok = fail(error, line, "not valid UTF-8");
      break;
    }
    char **cols = g_strsplit(s, "\t", -1);
    guint ncols = g_strv_length(cols);
    if (!seen_header) {
      seen_header = is_header(cols, ncols);
      if (!seen_header)
        ok = fail(error, line, "expected the header \"name<TAB>prefecture<TAB>kind\"");
    } else {
      ok = add_row(r, cols, ncols, line, pending, error);
    }
    g_strfreev(cols);
  }
  if (ok && !seen_header)
    ok = fail(error, 1, "missing the header \"name<TAB>prefecture<TAB>kind\"");
  if (ok)
    ok = resolve_prefectures(r, pending, error);
  g_strfreev(lines);
  g_free(text);
  g_array_unref(pending);
  if (!ok) {
    k2x_regions_free(r);
    return NULL;
  }
  index_by_first(r);
  return r;
}

k2x_regions *k2x_regions_new_default(void) {
  GError *error = NULL;
  k2x_regions *r = k2x_regions_new_from_data((const char *)k2x_regions_tsv, k2x_regions_tsv_len,
                                             &error);
  /* The table is compiled in and checked by the tests, so a failure is a build defect. */
  if (!r)
    g_error("built-in regions table: %s", error->message);
  return r;
}

void k2x_regions_free(k2x_regions *regions) {
  if (!regions)
    return;
  g_hash_table_unref(regions->by_first);
  g_hash_table_unref(regions->by_name);
  g_ptr_array_unref(regions->places);
  g_free(regions);
}

static gboolean filter_accepts(match_filter filter, const place *pl) {
  switch (filter) {
  case MATCH_PREFECTURE:
    return pl->kind == KIND_PREFECTURE;
  case MATCH_MUNICIPALITY:
    return pl->kind != KIND_PREFECTURE;
  default:
    return TRUE;
  }
}

/* The longest place whose normalised name starts at p (normalised text ending at end). */
static const place *match_at(const k2x_regions *r, const char *p, const char *end,
                             match_filter filter) {
  if (p >= end)
    return NULL;
  GPtrArray *list = g_hash_table_lookup(r->by_first, GUINT_TO_POINTER(g_utf8_get_char(p)));
  if (!list)
    return NULL;
  gsize avail = (gsize)(end - p);
  for (guint i = 0; i < list->len; i++) {
    const place *pl = g_ptr_array_index(list, i);
    if (pl->norm_len <= avail && memcmp(p, pl->norm, pl->norm_len) == 0 &&
        filter_accepts(filter, pl))
      return pl;
  }
  return NULL;
}

/* Spaces as PDFs print them, including U+3000 and invisible ones. */
static gboolean is_blank(gunichar c) { return g_unichar_isspace(c) || c == 0x200B || c == 0xFEFF; }

/* Separators between a prefecture and its area, in normalised form (･ → ・, ／ → /, …). */
static gboolean is_separator(gunichar c) {
  return is_blank(c) || c == 0x30FB || c == '/' || c == '-' || c == ':' ||
         (c >= 0x2010 && c <= 0x2015) || c == 0x2212;
}

/* Copy of s without leading and trailing blanks. */
static char *trim(const char *s) {
  while (*s && is_blank(g_utf8_get_char(s)))
    s = g_utf8_next_char(s);
  const char *end = s;
  for (const char *p = s; *p; p = g_utf8_next_char(p))
    if (!is_blank(g_utf8_get_char(p)))
      end = g_utf8_next_char(p);
  return g_strndup(s, (gsize)(end - s));
}

/* Whether c attaches to the character before it under NFKC (combining marks, ﾞ ﾟ). */
static gboolean joins_previous(gunichar c) {
  return g_unichar_combining_class(c) != 0 || c == 0xFF9E || c == 0xFF9F;
}

typedef struct {
  gsize norm; /* byte offset in the normalised text */
  gsize orig; /* byte offset in the original text */
} mark;

/* Normalises s a character cluster at a time so that offsets in the normalised text can be
 * mapped back to the original (outputs keep the characters as printed). Returns the
 * normalised text; marks gets one entry per cluster start plus one for the end. */
static char *normalize_mapped(const char *s, GArray *marks) {
  GString *out = g_string_new(NULL);
  const char *p = s;
  while (*p) {
    const char *q = g_utf8_next_char(p);
    while (*q && joins_previous(g_utf8_get_char(q)))
      q = g_utf8_next_char(q);
    mark m = {out->len, (gsize)(p - s)};
    g_array_append_val(marks, m);
    gunichar form;
    if (q == g_utf8_next_char(p) && k2x_text_nfkc_simple(g_utf8_get_char(p), &form))
      g_string_append_unichar(out, form);
    else
      k2x_text_nfkc_append(out, p, q - p);
    p = q;
  }
  mark m = {out->len, (gsize)(p - s)};
  g_array_append_val(marks, m);
  return g_string_free(out, FALSE);
}

/* Original offset of the first cluster that starts at or after normalised offset norm. */
static gsize original_offset(const GArray *marks, gsize norm) {
  for (guint i = 0; i < marks->len; i++) {
    const mark *m = &g_array_index(marks, mark, i);
    if (m->norm >= norm)
      return m->orig;
  }
  return g_array_index(marks, mark, marks->len - 1).orig;
}

typedef struct {
  char *trimmed;      /* the label, valid UTF-8, without surrounding blanks; owned */
  const place *place; /* the place it starts with */
  const char *area;   /* points into trimmed */
} parsed_label;

/* The label as parse reads it: valid UTF-8, without surrounding blanks. */
static char *trimmed_label(const char *label) {
  char *valid = valid_copy(label);
  char *trimmed = trim(valid);
  g_free(valid);
  return trimmed;
}

/* Parses a trimmed label, which out takes. */
static gboolean parse_trimmed(const k2x_regions *r, char *trimmed, parsed_label *out) {
  out->trimmed = trimmed;
  GArray *marks = g_array_new(FALSE, FALSE, sizeof(mark));
  char *norm = normalize_mapped(out->trimmed, marks);
  const char *end = norm + strlen(norm);
  out->place = match_at(r, norm, end, MATCH_PREFECTURE);
  if (out->place) {
    const char *p = norm + out->place->norm_len;
    while (p < end && is_separator(g_utf8_get_char(p)))
      p = g_utf8_next_char(p);
    out->area = out->trimmed + original_offset(marks, (gsize)(p - norm));
  } else {
    out->place = match_at(r, norm, end, MATCH_MUNICIPALITY);
    out->area = out->trimmed;
  }
  g_free(norm);
  g_array_unref(marks);
  if (!out->place) {
    g_free(out->trimmed);
    out->trimmed = NULL;
    return FALSE;
  }
  return TRUE;
}

static gboolean parse(const k2x_regions *r, const char *label, parsed_label *out) {
  return parse_trimmed(r, trimmed_label(label), out);
}

gboolean k2x_region_parse_label(const k2x_regions *regions, const char *label, char **prefecture,
                                char **area) {
  *prefecture = NULL;
  *area = NULL;
  parsed_label pl;
  if (!regions || !parse(regions, label, &pl))
    return FALSE;
  *prefecture = g_strdup(pl.place->prefecture->name);
  *area = g_strdup(pl.area);
  g_free(pl.trimmed);
  return TRUE;
}

/* Endings of a place, as opposed to a phrase that merely starts with one (…の取組み紹介等). */
static const char *const area_endings[] = {"圏域", "区", "市", "町", "村", "郡", "ブロック",
                                           "地域", "圏", "全域", ")", "」"};

/* Sentence punctuation and colons (参加者：…), in normalised form. */
static const char *const sentence_marks[] = {"。", "、", ",", ".", ":"};

static gboolean area_reads_as_place(const k2x_regions *r, const char *area) {
  if (area[0] == '\0')
    return TRUE;
  char *norm = normalize(area, -1);
  gboolean ok = FALSE;
  for (gsize i = 0; !ok && i < G_N_ELEMENTS(area_endings); i++)
    ok = g_str_has_suffix(norm, area_endings[i]);
  if (!ok) {
    const place *pl = g_hash_table_lookup(r->by_name, norm);
    ok = pl && pl->kind != KIND_PREFECTURE;
  }
  g_free(norm);
  return ok;
}

gboolean k2x_region_is_label(const k2x_regions *regions, const char *text) {
  if (!regions)
    return FALSE;
  /* Most lines are body text, too long to be a label: that is known before parsing. */
  char *trimmed = trimmed_label(text);
  if (g_utf8_strlen(trimmed, -1) > LABEL_MAX_CHARS) {
    g_free(trimmed);
    return FALSE;
  }
  /* Nor can one whose first character, a simple one (text.h), starts no known place. */
  gunichar first = g_utf8_get_char(trimmed), form;
  gboolean alone = !*trimmed || !joins_previous(g_utf8_get_char(g_utf8_next_char(trimmed)));
  if (alone && k2x_text_nfkc_simple(first, &form) &&
      !g_hash_table_contains(regions->by_first, GUINT_TO_POINTER(form))) {
    g_free(trimmed);
    return FALSE;
  }
  parsed_label pl;
  if (!parse_trimmed(regions, trimmed, &pl))
    return FALSE;
  gboolean ok = TRUE;
  char *norm = normalize(pl.trimmed, -1);
  for (gsize i = 0; ok && i < G_N_ELEMENTS(sentence_marks); i++)
    ok = strstr(norm, sentence_marks[i]) == NULL;
  g_free(norm);
  ok = ok && area_reads_as_place(regions, pl.area);
  g_free(pl.trimmed);
  return ok;
}

/* Whether a ward at p directly follows a designated city (札幌市中央区 names the city's ward,
 * not Tokyo's); blanks in between are allowed. */
static gboolean follows_designated(const place *prev, const char *prev_end, const char *p) {
  if (!prev || prev->kind != KIND_DESIGNATED)
    return FALSE;
  for (const char *q = prev_end; q < p; q = g_utf8_next_char(q))
    if (!is_blank(g_utf8_get_char(q)))
      return FALSE;
  return TRUE;
}

/* Better candidate: more mentions, then earlier first mention. */
static gboolean beats(guint count, gsize first, guint best_count, gsize best_first) {
  return count > best_count || (count == best_count && count > 0 && first < best_first);
}

gboolean k2x_region_infer(const k2x_regions *regions, const char *body, char **prefecture,
                          char **area) {
  *prefecture = NULL;
  *area = NULL;
  if (!regions)
    return FALSE;
  char *valid = valid_copy(body);
  char *norm = normalize(valid, -1);
  g_free(valid);
  guint n = regions->places->len;
  guint *count = g_new0(guint, n);
  gsize *first = g_new0(gsize, n);
  const char *end = norm + strlen(norm);
  const place *prev = NULL;
  const char *prev_end = NULL;
  for (const char *p = norm; p < end;) {
    const place *m = match_at(regions, p, end, MATCH_ANY);
    if (!m) {
      p = g_utf8_next_char(p);
      continue;
    }
    if (!(m->kind == KIND_WARD && follows_designated(prev, prev_end, p)) &&
        count[m->index]++ == 0)
      first[m->index] = (gsize)(p - norm);
    prev = m;
    p += m->norm_len; /* skip past the match so its substrings are not counted again */
    prev_end = p;
  }
  const place *best_muni = NULL, *best_pref = NULL;
  for (guint i = 0; i < n; i++) {
    const place *pl = g_ptr_array_index(regions->places, i);
    const place **best = pl->kind == KIND_PREFECTURE ? &best_pref : &best_muni;
    if (count[i] > 0 && (!*best || beats(count[i], first[i], count[(*best)->index],
                                         first[(*best)->index])))
      *best = pl;
  }
  const place *winner = best_muni ? best_muni : best_pref;
  if (winner) {
    *prefecture = g_strdup(winner->prefecture->name);
    *area = g_strdup(winner == best_muni ? winner->name : "");
  }
  g_free(count);
  g_free(first);
  g_free(norm);
  return winner != NULL;
}

char *k2x_region_correct_label(const k2x_regions *regions, const char *text) {
  if (!regions || k2x_region_is_label(regions, text))
    return NULL;
  g_autofree char *trimmed = trimmed_label(text);
  glong n = 0;
  g_autofree gunichar *t = g_utf8_to_ucs4_fast(trimmed, -1, &n);
  if (n == 0 || n > LABEL_MAX_CHARS)
    return NULL;
  /* The place a label starts with, misread by a slip or two: the nearest known name wins,
   * the longer of two as near. */
  const place *best = NULL;
  guint best_d = G_MAXUINT;
  glong best_end = 0;
  for (guint i = 0; i < regions->places->len; i++) {
    const place *pl = g_ptr_array_index(regions->places, i);
    glong m = 0, end = 0;
    g_autofree gunichar *k = g_utf8_to_ucs4_fast(pl->norm, -1, &m);
    guint limit = k2x_text_slips_allowed(m);
    guint d = k2x_text_distance(k, m, t, n, TRUE, limit, &end);
    if (d > limit || d == 0)
      continue;
    if (d < best_d || (d == best_d && best && pl->norm_len > best->norm_len)) {
      best = pl;
      best_d = d;
      best_end = end;
    }
  }
  if (!best)
    return NULL;
  g_autofree char *rest = g_ucs4_to_utf8(t + best_end, n - best_end, NULL, NULL, NULL);
  char *label = g_strconcat(best->name, rest ? rest : "", NULL);
  if (!k2x_region_is_label(regions, label)) {
    g_free(label);
    return NULL;
  }
  return label;
}
