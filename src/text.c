/* text: normalisation, joining of wrapped lines and width rules for Japanese text. */
#include "text.h"

#include <string.h>

char *k2x_text_normalize(const char *text) {
  g_autofree char *nfkc = g_utf8_normalize(text ? text : "", -1, G_NORMALIZE_ALL_COMPOSE);
  if (!nfkc)
    return g_strdup("");
  GString *out = g_string_sized_new(strlen(nfkc));
  for (const char *p = nfkc; *p; p = g_utf8_next_char(p)) {
    gunichar c = g_utf8_get_char(p);
    if (!g_unichar_isspace(c))
      g_string_append_unichar(out, c);
  }
  return g_string_free(out, FALSE);
}

gboolean k2x_text_is_wide(gunichar c) {
  /* iswide_cjk also counts the ambiguous-width symbols (→, ○, ※) that Japanese fonts draw
   * full width. */
  return g_unichar_iswide_cjk(c) && c >= 0x2000;
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
    w += g_unichar_iswide_cjk(g_utf8_get_char(p)) ? 2 : 1;
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
