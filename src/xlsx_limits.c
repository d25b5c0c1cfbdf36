/* xlsx_limits: cell text and sheet names made to fit what Excel accepts. */
#include "xlsx_limits.h"

#include <string.h>

/* Sheet names Excel keeps for itself: the change history, in English and Japanese Excel. */
static const char *const reserved_names[] = {"History", "履歴"};

static gsize char_units(gunichar c) {
  return c > 0xFFFF ? 2 : 1;
}

gsize k2x_xlsx_units(const char *text) {
  gsize units = 0;
  for (const char *p = text; *p; p = g_utf8_next_char(p))
    units += char_units(g_utf8_get_char(p));
  return units;
}

/* Bytes of the longest prefix of text within max_units, cut between characters. A base
 * character goes together with its combining marks (dakuten, variation selectors), so that
 * no kept character shows other than as printed. */
static gsize prefix_within(const char *text, gsize max_units) {
  gsize units = 0;
  const char *p = text;
  while (*p) {
    gsize u = char_units(g_utf8_get_char(p));
    if (units + u > max_units)
      break;
    units += u;
    p = g_utf8_next_char(p);
  }
  while (p > text && g_unichar_ismark(g_utf8_get_char(p)))
    p = g_utf8_prev_char(p);
  return (gsize)(p - text);
}

/* XML 1.0's Char production without the characters UTF-8 cannot carry anyway (surrogates,
 * and NUL, which ends a C string). */
static gboolean xml_forbidden(gunichar c) {
  return (c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0xFFFE || c == 0xFFFF;
}

/* Whether valid UTF-8 holds a character XML forbids: a byte scan, as most text has none.
 * U+FFFE and U+FFFF are EF BF BE and EF BF BF. */
static gboolean has_forbidden(const char *text) {
  for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
    if (*p < 0x20 && *p != '\t' && *p != '\n' && *p != '\r')
      return TRUE;
    if (p[0] == 0xEF && p[1] == 0xBF && (p[2] == 0xBE || p[2] == 0xBF))
      return TRUE;
  }
  return FALSE;
}

k2x_xlsx_fit k2x_xlsx_text_fit(const char *text, char **fitted, guint *removed) {
  k2x_xlsx_fit fit = K2X_XLSX_FIT_NONE;
  guint gone = 0;
  char *out = NULL;
  /* The model promises UTF-8, but one bad byte would make Excel refuse the whole file. */
  if (!g_utf8_validate(text, -1, NULL))
    text = out = g_utf8_make_valid(text, -1);
  if (has_forbidden(text)) {
    GString *kept = g_string_sized_new(strlen(text));
    for (const char *p = text; *p; p = g_utf8_next_char(p)) {
      gunichar c = g_utf8_get_char(p);
      if (xml_forbidden(c))
        gone++;
      else
        g_string_append_unichar(kept, c);
    }
    g_free(out);
    text = out = g_string_free(kept, FALSE);
    fit |= K2X_XLSX_FIT_CONTROL;
  }
  /* UTF-8 bytes never undercount UTF-16 units, so most text skips the count. */
  if (strlen(text) > K2X_XLSX_CELL_MAX && k2x_xlsx_units(text) > K2X_XLSX_CELL_MAX) {
    gsize keep = prefix_within(text, K2X_XLSX_CELL_MAX - k2x_xlsx_units(K2X_XLSX_CUT_MARKER));
    char *cut = g_strdup_printf("%.*s%s", (int)keep, text, K2X_XLSX_CUT_MARKER);
    g_free(out);
    out = cut;
    fit |= K2X_XLSX_FIT_CUT;
  }
  *fitted = out;
  if (removed)
    *removed = gone;
  return fit;
}

/* Whether c, alone or in its NFKC form, is one of the characters a sheet name may not hold.
 * Japanese Excel refuses the full-width forms and ￥ as well. */
static gboolean sheet_name_forbidden(gunichar c) {
  if (g_unichar_iscntrl(c) || xml_forbidden(c) || c == 0xFFE5)
    return TRUE;
  char utf8[8];
  utf8[g_unichar_to_utf8(c, utf8)] = '\0';
  g_autofree char *nfkc = g_utf8_normalize(utf8, -1, G_NORMALIZE_NFKC);
  return nfkc && nfkc[0] && !nfkc[1] && strchr("[]:*?/\\", nfkc[0]);
}

static gboolean is_apostrophe(gunichar c) {
  return c == '\'' || c == 0x2019 || c == 0xFF07;
}

char *k2x_xlsx_sheet_name_clean(const char *wanted) {
  g_autofree char *valid = g_utf8_make_valid(wanted, -1);
  GString *out = g_string_new(NULL);
  for (const char *p = valid; *p; p = g_utf8_next_char(p)) {
    gunichar c = g_utf8_get_char(p);
    g_string_append_unichar(out, sheet_name_forbidden(c) ? '_' : c);
  }
  g_string_truncate(out, prefix_within(out->str, K2X_XLSX_SHEET_NAME_MAX));
  if (out->len > 0 && is_apostrophe(g_utf8_get_char(out->str))) {
    gsize n = (gsize)(g_utf8_next_char(out->str) - out->str);
    g_string_erase(out, 0, (gssize)n);
    g_string_prepend_c(out, '_');
  }
  if (out->len > 0) {
    const char *last = g_utf8_find_prev_char(out->str, out->str + out->len);
    if (is_apostrophe(g_utf8_get_char(last))) {
      g_string_truncate(out, (gsize)(last - out->str));
      g_string_append_c(out, '_');
    }
  }
  return g_string_free(out, FALSE);
}

/* The form two names match in when Excel takes them for the same: NFKC (full-width and
 * half-width alike), then case folded. */
static char *sheet_name_key(const char *name) {
  g_autofree char *nfkc = g_utf8_normalize(name, -1, G_NORMALIZE_NFKC);
  return g_utf8_casefold(nfkc ? nfkc : name, -1);
}

static gboolean sheet_name_taken(const GPtrArray *taken, const char *name) {
  g_autofree char *key = sheet_name_key(name);
  for (guint i = 0; i < G_N_ELEMENTS(reserved_names); i++) {
    g_autofree char *other = sheet_name_key(reserved_names[i]);
    if (strcmp(key, other) == 0)
      return TRUE;
  }
  for (guint i = 0; i < taken->len; i++) {
    g_autofree char *other = sheet_name_key(g_ptr_array_index(taken, i));
    if (strcmp(key, other) == 0)
      return TRUE;
  }
  return FALSE;
}

const char *k2x_xlsx_sheet_name_take(GPtrArray *taken, const char *clean) {
  char *name = g_strdup(clean);
  for (guint n = 2; sheet_name_taken(taken, name); n++) {
    char suffix[24];
    g_snprintf(suffix, sizeof suffix, " (%u)", n);
    gsize keep = prefix_within(clean, K2X_XLSX_SHEET_NAME_MAX - strlen(suffix));
    g_free(name);
    name = g_strdup_printf("%.*s%s", (int)keep, clean, suffix);
  }
  g_ptr_array_add(taken, name);
  return name;
}
