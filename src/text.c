/* text: normalisation, joining of wrapped lines and width rules for Japanese text. */
#include "text.h"

#include <string.h>

/* Characters NFKC maps to one character, the same one shifted by a constant, and whose
 * decomposition starts with a starter that nothing before it composes with: a string can be
 * cut in front of each of them and normalised piece by piece (UAX #15, stable code points).
 * What follows one may still compose with it (か + U+3099), so only one followed by another
 * of them, or by the end, is its own NFKC. With ASCII, which simple_form takes first, the
 * ranges cover what Japanese documents print: punctuation and symbols, kana, kanji, full-width
 * forms; test_text checks each character against g_utf8_normalize. space: the form is white
 * space (g_unichar_isspace). */
typedef struct {
  gunichar first, last;
  gint32 shift;
  gboolean space;
} simple_range;

static const simple_range simple_ranges[] = {
    {0x2010, 0x2010, 0, FALSE},       {0x2012, 0x2016, 0, FALSE},
    {0x2018, 0x2023, 0, FALSE},       {0x2027, 0x2027, 0, FALSE},
    {0x2028, 0x2029, 0, TRUE},        {0x202A, 0x202E, 0, FALSE},
    {0x2030, 0x2032, 0, FALSE},       {0x2035, 0x2035, 0, FALSE},
    {0x2038, 0x203B, 0, FALSE},       {0x2190, 0x222B, 0, FALSE},
    {0x2231, 0x2328, 0, FALSE},       {0x2329, 0x232A, 0x0CDF, FALSE},
    {0x232B, 0x245F, 0, FALSE},       {0x2460, 0x2468, -0x242F, FALSE},
    {0x24EB, 0x2A0B, 0, FALSE},       {0x3000, 0x3000, -0x2FE0, TRUE},
    {0x3001, 0x3029, 0, FALSE},       {0x3030, 0x3035, 0, FALSE},
    {0x303B, 0x3098, 0, FALSE},       {0x309D, 0x309E, 0, FALSE},
    {0x30A0, 0x30FE, 0, FALSE},       {0x3400, 0x4DBF, 0, FALSE},
    {0x4E00, 0x9FFF, 0, FALSE},       {0xFF01, 0xFF5E, -0xFEE0, FALSE},
};

/* Whether c is simple: its form, and whether that is white space. ASCII is its own form;
 * white space there is what g_unichar_isspace counts (not \v). */
static inline gboolean simple_form(gunichar c, gunichar *form, gboolean *space) {
  if (c < 0x80) {
    *form = c;
    *space = c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
    return TRUE;
  }
  /* Kanji, hiragana and katakana, most of Japanese text, before the search. */
  if ((c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3041 && c <= 0x3096) ||
      (c >= 0x30A1 && c <= 0x30FA)) {
    *form = c;
    *space = FALSE;
    return TRUE;
  }
  gsize lo = 0, hi = G_N_ELEMENTS(simple_ranges);
  while (lo < hi) {
    gsize mid = (lo + hi) / 2;
    const simple_range *r = &simple_ranges[mid];
    if (c < r->first) {
      hi = mid;
    } else if (c > r->last) {
      lo = mid + 1;
    } else {
      *form = (gunichar)((gint32)c + r->shift);
      *space = r->space;
      return TRUE;
    }
  }
  return FALSE;
}

gboolean k2x_text_nfkc_simple(gunichar c, gunichar *nfkc) {
  gboolean space;
  return simple_form(c, nfkc, &space);
}

static void append_filtered(GString *out, const char *nfkc, gboolean drop_spaces) {
  if (!drop_spaces) {
    g_string_append(out, nfkc);
    return;
  }
  for (const char *p = nfkc; *p; p = g_utf8_next_char(p))
    if (!g_unichar_isspace(g_utf8_get_char(p)))
      g_string_append_unichar(out, g_utf8_get_char(p));
}

/* What the piece of text being read is: a simple character that reads as printed, one that
 * does not (another form, or white space to drop), or a stretch GLib must normalise. */
typedef enum { PIECE_AS_PRINTED, PIECE_FORM, PIECE_GLIB } piece_kind;

/* Writes out the piece [piece, p) of kind (form: its character's form, NUL to drop it), after
 * the bytes [copy, piece) that read as printed. */
static void finish_piece(GString *out, const char *copy, const char *piece, const char *p,
                         piece_kind kind, gunichar form, gboolean drop_spaces) {
  g_string_append_len(out, copy, piece - copy);
  if (kind == PIECE_FORM) {
    if (form)
      g_string_append_unichar(out, form);
  } else if (kind == PIECE_GLIB) {
    g_autofree char *n = g_utf8_normalize(piece, p - piece, G_NORMALIZE_NFKC);
    append_filtered(out, n, drop_spaces);
  }
}

/* Appends NFKC of valid UTF-8 text[0, len) to out, as g_utf8_normalize gives it, without
 * white space when drop_spaces. Each simple character starts a piece; the bytes before the
 * current piece that read as printed, [copy, piece), are copied in one go. */
static void nfkc_append_valid(GString *out, const char *text, gsize len, gboolean drop_spaces) {
  const char *end = text + len, *copy = text, *piece = text;
  piece_kind kind = PIECE_GLIB;
  gunichar form = 0;
  for (const char *p = text; p < end;) {
    /* Valid by now, and kana and kanji take three bytes: decoded here, as the rest of the
     * work per character is a few comparisons. */
    guchar b = (guchar)*p;
    gunichar c;
    const char *next;
    if (b < 0x80) {
      c = b;
      next = p + 1;
    } else if ((b & 0xF0) == 0xE0) {
      c = (gunichar)(b & 0x0F) << 12 | (gunichar)((guchar)p[1] & 0x3F) << 6 |
          ((guchar)p[2] & 0x3F);
      next = p + 3;
    } else {
      c = g_utf8_get_char(p);
      next = g_utf8_next_char(p);
    }
    gunichar f;
    gboolean space;
    if (simple_form(c, &f, &space)) {
      if (kind != PIECE_AS_PRINTED && piece < p) {
        finish_piece(out, copy, piece, p, kind, form, drop_spaces);
        copy = p;
      }
      piece = p;
      if (drop_spaces && space) {
        kind = PIECE_FORM;
        form = 0;
      } else {
        kind = f == c ? PIECE_AS_PRINTED : PIECE_FORM;
        form = f;
      }
    } else {
      kind = PIECE_GLIB;
    }
    p = next;
  }
  if (kind != PIECE_AS_PRINTED && piece < end) {
    finish_piece(out, copy, piece, end, kind, form, drop_spaces);
    copy = end;
  }
  g_string_append_len(out, copy, end - copy);
}

/* The same for any text: what is not valid UTF-8 (or holds a NUL within len) goes to GLib
 * whole, which stops at the NUL or gives up. */
static void nfkc_append(GString *out, const char *text, gssize len, gboolean drop_spaces) {
  gsize n = len < 0 ? strlen(text) : (gsize)len;
  if (g_utf8_validate(text, (gssize)n, NULL)) {
    nfkc_append_valid(out, text, n, drop_spaces);
    return;
  }
  g_autofree char *whole = g_utf8_normalize(text, len, G_NORMALIZE_NFKC);
  if (whole)
    append_filtered(out, whole, drop_spaces);
}

char *k2x_text_nfkc(const char *text, gssize len) {
  gsize n = len < 0 ? strlen(text) : (gsize)len;
  if (!g_utf8_validate(text, (gssize)n, NULL))
    return g_utf8_normalize(text, len, G_NORMALIZE_NFKC);
  GString *out = g_string_sized_new(n);
  nfkc_append_valid(out, text, n, FALSE);
  return g_string_free(out, FALSE);
}

void k2x_text_nfkc_append(GString *out, const char *text, gssize len) {
  if (text)
    nfkc_append(out, text, len, FALSE);
}

void k2x_text_normalize_append(GString *out, const char *text, gssize len) {
  if (text)
    nfkc_append(out, text, len, TRUE);
}

char *k2x_text_normalize(const char *text) {
  GString *out = g_string_sized_new(text ? strlen(text) : 0);
  k2x_text_normalize_append(out, text, -1);
  return g_string_free(out, FALSE);
}

/* g_unichar_iswide_cjk, with ASCII, kana and kanji, most of the text, answered before GLib's
 * search (test_text checks every character). */
static inline gboolean wide_cjk(gunichar c) {
  if (c < 0x80)
    return FALSE;
  if ((c >= 0x3041 && c <= 0x3096) || (c >= 0x3099 && c <= 0x30FF) ||
      (c >= 0x4E00 && c <= 0x9FFF))
    return TRUE;
  return g_unichar_iswide_cjk(c);
}

gboolean k2x_text_is_wide(gunichar c) {
  /* iswide_cjk also counts the ambiguous-width symbols (→, ○, ※) that Japanese fonts draw
   * full width. */
  return c >= 0x2000 && wide_cjk(c);
}

static gboolean is_latin_alnum(gunichar c) {
  return c < 0x80 && g_ascii_isalnum((char)c);
}

void k2x_text_join_wrapped(GString *out, const char *next) {
  if (!next || !*next)
    return;
  if (out->len > 0) {
    const char *last = g_utf8_find_prev_char(out->str, out->str + out->len);
    gunichar a = last ? g_utf8_get_char(last) : 0;
    gunichar b = g_utf8_get_char(next);
    if (is_latin_alnum(a) && is_latin_alnum(b))
      g_string_append_c(out, ' ');
  }
  g_string_append(out, next);
}

void k2x_text_append_line(GString *out, const char *line, gboolean new_paragraph) {
  if (out->len == 0)
    g_string_append(out, line);
  else if (new_paragraph)
    g_string_append_printf(out, "\n%s", line);
  else
    k2x_text_join_wrapped(out, line);
}

gboolean k2x_text_is_particle(gunichar c) {
  return c && g_utf8_strchr("のをにがはでとやへ", -1, c) != NULL;
}

gboolean k2x_text_no_line_start(gunichar c) {
  /* JIS X 4051 line-start prohibitions, the set Word applies by default. */
  static const gunichar list[] = {
      0x3001, 0x3002, 0xFF0C, 0xFF0E, 0x002C, 0x002E, 0xFF09, 0x0029, 0x300D, 0x300F,
      0x3011, 0x3015, 0x3009, 0x300B, 0xFF3D, 0xFF5D, 0x005D, 0x007D, 0x30FC, 0x3005,
      0x309D, 0x309E, 0x30FD, 0x30FE, 0xFF1F, 0xFF01, 0x003F, 0x0021, 0xFF1A, 0xFF1B,
      0x003A, 0x003B, 0x3041, 0x3043, 0x3045, 0x3047, 0x3049, 0x3063, 0x3083, 0x3085,
      0x3087, 0x308E, 0x30A1, 0x30A3, 0x30A5, 0x30A7, 0x30A9, 0x30C3, 0x30E3, 0x30E5,
      0x30E7, 0x30EE, 0x30F5, 0x30F6, 0x2019, 0x201D, 0xFF60, 0x3019, 0x3017, 0x2010,
      0x301C, 0xFF5E, 0x2026, 0x2025};
  for (gsize i = 0; i < G_N_ELEMENTS(list); i++)
    if (list[i] == c)
      return TRUE;
  return FALSE;
}

gboolean k2x_text_no_line_end(gunichar c) {
  static const gunichar list[] = {0x300C, 0x300E, 0xFF08, 0x0028, 0x3010, 0x3014, 0x3008,
                                  0x300A, 0xFF3B, 0xFF5B, 0x005B, 0x007B, 0x2018, 0x201C,
                                  0xFF5F, 0x3018, 0x3016, 0x301D};
  for (gsize i = 0; i < G_N_ELEMENTS(list); i++)
    if (list[i] == c)
      return TRUE;
  return FALSE;
}

gunichar k2x_text_canonical_char(gunichar c) {
  gboolean radical = (c >= 0x2E80 && c <= 0x2FDF);
  gboolean compat = (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x2F800 && c <= 0x2FA1F);
  if (!radical && !compat)
    return c;
  char buf[8] = {0};
  g_unichar_to_utf8(c, buf);
  g_autofree char *norm = g_utf8_normalize(buf, -1, G_NORMALIZE_NFKC);
  if (!norm || g_utf8_strlen(norm, -1) != 1)
    return c;
  return g_utf8_get_char(norm);
}

gsize k2x_text_display_width(const char *text) {
  gsize w = 0;
  for (const char *p = text; p && *p; p = g_utf8_next_char(p))
    w += wide_cjk(g_utf8_get_char(p)) ? 2 : 1;
  return w;
}

char *k2x_text_strip(char *text) {
  if (!text)
    return text;
  char *start = text;
  while (*start) {
    gunichar c = g_utf8_get_char(start);
    if (!g_unichar_isspace(c))
      break;
    start = g_utf8_next_char(start);
  }
  char *end = start + strlen(start);
  while (end > start) {
    char *prev = g_utf8_find_prev_char(start, end);
    gunichar c = g_utf8_get_char(prev);
    if (!g_unichar_isspace(c))
      break;
    end = prev;
  }
  memmove(text, start, (gsize)(end - start));
  text[end - start] = '\0';
  return text;
}

guint k2x_text_distance(const gunichar *known, glong m, const gunichar *text, glong n,
                        gboolean prefix, guint limit, glong *end) {
  /* Levenshtein, a row per character of known; d[j]: known[0, i) against text[0, j). */
  g_autofree guint *d = g_new(guint, n + 1);
  for (glong j = 0; j <= n; j++)
    d[j] = (guint)j;
  for (glong i = 1; i <= m; i++) {
    guint diag = d[0], low = d[0] = (guint)i;
    for (glong j = 1; j <= n; j++) {
      guint up = d[j];
      guint best = MIN(MIN(up, d[j - 1]) + 1, diag + (known[i - 1] != text[j - 1]));
      diag = up;
      d[j] = best;
      low = MIN(low, best);
    }
    if (low > limit)
      return limit + 1;
  }
  glong at = n;
  if (prefix)
    for (glong j = 0; j <= n; j++)
      if (d[j] < d[at] || (d[j] == d[at] && labs(j - m) < labs(at - m)))
        at = j;
  if (end)
    *end = at;
  return MIN(d[at], limit + 1);
}

guint k2x_text_slips_allowed(glong n) {
  return (guint)MIN(2, (n + 2) / 5);
}

char *k2x_text_escape_name(const char *name) {
  GString *out = g_string_sized_new(strlen(name));
  const char *p = name;
  while (*p) {
    const char *end = NULL;
    g_utf8_validate(p, -1, &end);
    for (const char *q = p; q < end; q = g_utf8_next_char(q)) {
      gunichar c = g_utf8_get_char(q);
      if (c == '\\')
        g_string_append(out, "\\\\");
      else if (c < 0x20 || c == 0x7f)
        g_string_append_printf(out, "\\x%02X", (unsigned)c);
      else
        g_string_append_len(out, q, g_utf8_next_char(q) - q);
    }
    p = end;
    if (*p) /* a byte that starts no valid character */
      g_string_append_printf(out, "\\x%02X", (unsigned)(guchar)*p++);
  }
  return g_string_free(out, FALSE);
}

char *k2x_text_unescape_name(const char *escaped) {
  GString *out = g_string_sized_new(strlen(escaped));
  for (const char *p = escaped; *p; p++) {
    if (p[0] == '\\' && p[1] == '\\') {
      g_string_append_c(out, '\\');
      p++;
    } else if (p[0] == '\\' && p[1] == 'x' && g_ascii_isxdigit(p[2]) && g_ascii_isxdigit(p[3])) {
      g_string_append_c(out, (char)(g_ascii_xdigit_value(p[2]) * 16 + g_ascii_xdigit_value(p[3])));
      p += 3;
    } else {
      g_string_append_c(out, *p);
    }
  }
  return g_string_free(out, FALSE);
}
