/* i18n: the Japanese catalog compiled in, and gettext set up for the command line. */
#include "i18n.h"

#include <locale.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ja_mo.inc"

/* GNU .mo layout (gettext manual, "The Format of GNU MO Files"): a header of 32-bit words, then
 * two tables of (length, offset) pairs, originals sorted by bytes and their translations in the
 * same order. gettext itself can only translate into the process's locale, and the workbook
 * must be Japanese also when a nightly run has LANG=C. */
enum { MO_MAGIC = 0x950412de, MO_COUNT = 2, MO_ORIGINALS = 3, MO_TRANSLATIONS = 4 };

static uint32_t mo_word(guint index) {
  uint32_t w;
  memcpy(&w, k2x_ja_mo + 4 * index, sizeof w);
  return w;
}

/* The string of table entry i, or NULL when the catalog is damaged there. */
static const char *mo_string(uint32_t table, uint32_t i) {
  uint32_t len, offset;
  if ((uint64_t)table + 8 * (uint64_t)i + 8 > k2x_ja_mo_len)
    return NULL;
  memcpy(&len, k2x_ja_mo + table + 8 * i, sizeof len);
  memcpy(&offset, k2x_ja_mo + table + 8 * i + 4, sizeof offset);
  if ((uint64_t)offset + len >= k2x_ja_mo_len || k2x_ja_mo[offset + len] != '\0')
    return NULL;
  return (const char *)k2x_ja_mo + offset;
}

const char *k2x_i18n_ja(const char *msgid) {
  if (!msgid || !*msgid || k2x_ja_mo_len < 28 || mo_word(0) != MO_MAGIC)
    return msgid;
  uint32_t lo = 0, hi = mo_word(MO_COUNT);
  while (lo < hi) {
    uint32_t mid = lo + (hi - lo) / 2;
    const char *original = mo_string(mo_word(MO_ORIGINALS), mid);
    if (!original)
      return msgid;
    int cmp = strcmp(msgid, original);
    if (cmp == 0) {
      const char *ja = mo_string(mo_word(MO_TRANSLATIONS), mid);
      return ja && *ja ? ja : msgid;
    }
    if (cmp < 0)
      hi = mid;
    else
      lo = mid + 1;
  }
  return msgid;
}

/* The catalogs of an uninstalled build stand beside its program: tests and a build run from
 * the tree speak the locale's language too. */
static char *find_localedir(void) {
  const char *env = g_getenv("K2X_LOCALEDIR");
  if (env && *env)
    return g_strdup(env);
  g_autofree char *exe = g_file_read_link("/proc/self/exe", NULL);
  g_autofree char *dir = exe ? g_path_get_dirname(exe) : NULL;
  char *built = dir ? g_build_filename(dir, "locale", NULL) : NULL;
  if (built && g_file_test(built, G_FILE_TEST_IS_DIR))
    return built;
  g_free(built);
  return g_strdup(K2X_LOCALEDIR);
}

void k2x_i18n_init(void) {
  if (!setlocale(LC_ALL, "")) {
    /* The language asked for has no locale on this system (a minimal Debian has none but C):
     * gettext still reads LANGUAGE under any locale but plain C, so the language is passed
     * on there, and UTF-8 kept. */
    const char *const *names = g_get_language_names();
    if (names[0] && strcmp(names[0], "C") != 0 && !g_getenv("LANGUAGE"))
      g_setenv("LANGUAGE", names[0], TRUE);
    setlocale(LC_ALL, "C.UTF-8");
  }
  g_autofree char *localedir = find_localedir();
  bindtextdomain(GETTEXT_PACKAGE, localedir);
  bind_textdomain_codeset(GETTEXT_PACKAGE, "UTF-8");
}
