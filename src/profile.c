/* profile: loading a report template's profile from a GKeyFile .ini. */
#include "profile.h"

#include <stdio.h>
#include <string.h>

#include "profile_default.inc"
#include "text.h"

/* Flags of every profile pattern. G_REGEX_OPTIMIZE (PCRE2's JIT) matches three times faster,
 * with results made the interpreter's by k2x_profile_pattern_match. JIT code reads past the
 * end of the text it matches, harmlessly; tests/valgrind.supp tells memcheck so. */
#define PATTERN_FLAGS G_REGEX_OPTIMIZE

/* A printed section number: "１．", "1.", "(1)", "（１）", "1 ". */
static const char number_prefix[] =
    "^[\\s　]*[(（]?[0-9０-９]{1,2}[)）]?[.．、:：]?[\\s　]*";

static void section_free(gpointer p) {
  k2x_profile_section *s = p;
  if (!s)
    return;
  if (s->heading)
    g_regex_unref(s->heading);
  g_ptr_array_unref(s->columns);
  g_ptr_array_unref(s->column_names);
  g_free(s->sheet);
  g_free(s);
}

void k2x_profile_free(k2x_profile *profile) {
  if (!profile)
    return;
  g_free(profile->name);
  g_free(profile->sha256);
  if (profile->title)
    g_regex_unref(profile->title);
  if (profile->page_number)
    g_regex_unref(profile->page_number);
  if (profile->item_marker)
    g_regex_unref(profile->item_marker);
  if (profile->number)
    g_regex_unref(profile->number);
  if (profile->any_heading)
    g_regex_unref(profile->any_heading);
  g_ptr_array_unref(profile->sections);
  g_free(profile);
}

/* Compiles the pattern of group/key; a pattern that does not compile names its key. */
static GRegex *compile(GKeyFile *kf, const char *group, const char *key, const char *anchor,
                       gboolean required, GError **error) {
  /* Raw values: GKeyFile's escapes would reject regex escapes such as \d. */
  g_autofree char *src = g_key_file_get_value(kf, group, key, NULL);
  if (!src || !*src) {
    if (required)
      g_set_error(error, K2X_ERROR, K2X_ERR_PROFILE, "[%s] %s is missing", group, key);
    return NULL;
  }
  g_autofree char *full = anchor ? g_strdup_printf(anchor, src) : g_strdup(src);
  g_autoptr(GError) err = NULL;
  GRegex *re = g_regex_new(full, PATTERN_FLAGS, 0, &err);
  if (!re)
    g_set_error(error, K2X_ERROR, K2X_ERR_PROFILE, "[%s] %s: pattern does not compile: %s", group, key,
                err->message);
  return re;
}

/* A ';'-separated list, read raw like the patterns. */
static char **split_list(GKeyFile *kf, const char *group, const char *key) {
  g_autofree char *raw = g_key_file_get_value(kf, group, key, NULL);
  char **parts = g_strsplit(raw ? raw : "", ";", -1);
  for (char **p = parts; *p; p++)
    g_strstrip(*p);
  return parts;
}

static int compare_sections(gconstpointer a, gconstpointer b) {
  const k2x_profile_section *x = *(k2x_profile_section *const *)a;
  const k2x_profile_section *y = *(k2x_profile_section *const *)b;
  return x->number - y->number;
}

static gboolean load_section(k2x_profile *profile, GKeyFile *kf, const char *group,
                             GError **error) {
  int number = 0;
  if (sscanf(group, "section %d", &number) != 1 || number <= 0) {
    g_set_error(error, K2X_ERROR, K2X_ERR_PROFILE, "[%s]: section groups are named [section N]", group);
    return FALSE;
  }
  k2x_profile_section *s = g_new0(k2x_profile_section, 1);
  s->number = number;
  s->columns = g_ptr_array_new_with_free_func((GDestroyNotify)g_regex_unref);
  s->column_names = g_ptr_array_new_with_free_func(g_free);
  g_ptr_array_add(profile->sections, s);

  s->heading = compile(kf, group, "heading", "^(?:%s)", TRUE, error);
  if (!s->heading)
    return FALSE;
  s->is_table = g_key_file_get_boolean(kf, group, "table", NULL);
  g_autofree char *sheet = g_key_file_get_string(kf, group, "sheet", NULL);
  s->sheet = sheet && *sheet ? g_strdup(sheet) : g_strdup_printf("section%d", number);
  if (!s->is_table)
    return TRUE;

  g_auto(GStrv) cols = split_list(kf, group, "columns");
  g_auto(GStrv) names = split_list(kf, group, "column_names");
  gsize n = g_strv_length(cols), n_names = g_strv_length(names);
  if (n < 2 || n > K2X_MAX_COLUMNS) {
    g_set_error(error, K2X_ERROR, K2X_ERR_PROFILE,
                "[%s] columns: a table needs 2 to %d columns, not %zu", group, K2X_MAX_COLUMNS, n);
    return FALSE;
  }
  for (gsize i = 0; i < n; i++) {
    /* Unanchored: columns are matched one after another with G_REGEX_MATCH_ANCHORED. */
    g_autoptr(GError) err = NULL;
    GRegex *re = g_regex_new(cols[i], PATTERN_FLAGS, 0, &err);
    if (!re) {
      g_set_error(error, K2X_ERROR, K2X_ERR_PROFILE, "[%s] columns: pattern %zu does not compile: %s",
                  group, i + 1, err->message);
      return FALSE;
    }
    g_ptr_array_add(s->columns, re);
    /* A header that may be empty could never tell where its column starts. */
    if (k2x_profile_pattern_match(re, "", 0, 0, NULL)) {
      g_set_error(error, K2X_ERROR, K2X_ERR_PROFILE, "[%s] columns: pattern %zu matches nothing",
                  group, i + 1);
      return FALSE;
    }
    g_ptr_array_add(s->column_names,
                    g_strdup(i < n_names && *names[i] ? names[i] : cols[i]));
  }
  return TRUE;
}

/* GKeyFile neither numbers the line it rejects nor notices a group written twice (it merges
 * them), so the raw lines are checked first. */
static gboolean check_lines(const char *data, gsize len, GError **error) {
  /* Patterns are read raw, and GRegex trusts them to be UTF-8: PCRE2 reads past a broken
   * sequence. So the file must be UTF-8 (no NUL either) before anything reads it. */
  const char *bad = NULL;
  if (!g_utf8_validate_len(data, len, &bad)) {
    int line = 1;
    for (const char *p = data; p < bad; p++)
      line += *p == '\n';
    g_set_error(error, K2X_ERROR, K2X_ERR_PROFILE, "line %d: not UTF-8 text", line);
    return FALSE;
  }
  g_autofree char *copy = g_strndup(data, len);
  g_auto(GStrv) lines = g_strsplit(copy, "\n", -1);
  g_autoptr(GHashTable) groups = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  for (int i = 0; lines[i]; i++) {
    char *l = g_strstrip(lines[i]);
    if (*l == '\0' || *l == '#')
      continue;
    if (*l == '[') {
      if (l[strlen(l) - 1] != ']') {
        g_set_error(error, K2X_ERROR, K2X_ERR_PROFILE, "line %d: unclosed group name: %s", i + 1, l);
        return FALSE;
      }
      if (!g_hash_table_add(groups, g_strdup(l))) {
        g_set_error(error, K2X_ERROR, K2X_ERR_PROFILE, "line %d: %s appears twice", i + 1, l);
        return FALSE;
      }
    } else if (!strchr(l, '=')) {
      g_set_error(error, K2X_ERROR, K2X_ERR_PROFILE, "line %d: not a key = value line: %s", i + 1, l);
      return FALSE;
    }
  }
  return TRUE;
}

/* Whether a pattern means the same as one alternative among others: it names no group by
 * number or name (back references, subroutine calls, conditions) and has no backtracking
 * verbs, which could end the whole match. Read from its text, erring on the side of no. */
static gboolean self_contained(const GRegex *re) {
  static const char *const refs[] = {"\\1", "\\2", "\\3", "\\4", "\\5", "\\6", "\\7",
                                     "\\8", "\\9", "\\g", "\\k", "(?P", "(?&", "(?R",
                                     "(?+", "(?(", "(*"};
  const char *src = g_regex_get_pattern(re);
  if (g_regex_get_max_backref(re) > 0)
    return FALSE;
  for (gsize i = 0; i < G_N_ELEMENTS(refs); i++)
    if (strstr(src, refs[i]))
      return FALSE;
  for (const char *p = strstr(src, "(?"); p; p = strstr(p + 2, "(?"))
    if (g_ascii_isdigit(p[2]) || (p[2] == '-' && g_ascii_isdigit(p[3])))
      return FALSE;
  return TRUE;
}

/* The heading patterns as alternatives of one: a line that matches none of them fails it in
 * one match, where it would take one per section. NULL when a pattern is not self-contained
 * or the whole does not compile. */
static GRegex *any_heading(const GPtrArray *sections) {
  g_autoptr(GString) all = g_string_new(NULL);
  for (guint i = 0; i < sections->len; i++) {
    const k2x_profile_section *s = g_ptr_array_index(sections, i);
    if (!self_contained(s->heading))
      return NULL;
    g_string_append_printf(all, "%s(?:%s)", i ? "|" : "", g_regex_get_pattern(s->heading));
  }
  return g_regex_new(all->str, PATTERN_FLAGS, 0, NULL);
}

k2x_profile *k2x_profile_new_from_data(const char *data, gsize len, GError **error) {
  if (!check_lines(data, len, error))
    return NULL;
  g_autoptr(GKeyFile) kf = g_key_file_new();
  if (!g_key_file_load_from_data(kf, data, len, G_KEY_FILE_NONE, error))
    return NULL;
  g_autoptr(k2x_profile) profile = g_new0(k2x_profile, 1);
  profile->sections = g_ptr_array_new_with_free_func(section_free);
  profile->number = g_regex_new(number_prefix, PATTERN_FLAGS, 0, NULL);
  profile->name = g_key_file_get_string(kf, "profile", "name", NULL);
  profile->sha256 = g_compute_checksum_for_data(G_CHECKSUM_SHA256, (const guchar *)data, len);
  if (!profile->name || !*profile->name) {
    g_set_error(error, K2X_ERROR, K2X_ERR_PROFILE, "[profile] name is missing");
    return NULL;
  }
  GError *err = NULL;
  profile->title = compile(kf, "profile", "title", "^(?:%s)", FALSE, &err);
  if (!err)
    profile->page_number = compile(kf, "profile", "page_number", NULL, TRUE, &err);
  if (!err)
    profile->item_marker = compile(kf, "profile", "item_marker", NULL, TRUE, &err);
  if (err) {
    g_propagate_error(error, err);
    return NULL;
  }
  g_auto(GStrv) groups = g_key_file_get_groups(kf, NULL);
  for (char **g = groups; *g; g++) {
    if (strcmp(*g, "profile") == 0)
      continue;
    if (!load_section(profile, kf, *g, error))
      return NULL;
  }
  if (profile->sections->len == 0) {
    g_set_error(error, K2X_ERROR, K2X_ERR_PROFILE, "no [section N] group: the profile names no sections");
    return NULL;
  }
  g_ptr_array_sort(profile->sections, compare_sections);
  profile->any_heading = any_heading(profile->sections);
  for (guint i = 1; i < profile->sections->len; i++) {
    const k2x_profile_section *a = g_ptr_array_index(profile->sections, i - 1);
    const k2x_profile_section *b = g_ptr_array_index(profile->sections, i);
    if (a->number == b->number) {
      g_set_error(error, K2X_ERROR, K2X_ERR_PROFILE, "[section %d] appears twice", a->number);
      return NULL;
    }
  }
  return g_steal_pointer(&profile);
}

k2x_profile *k2x_profile_new_from_file(const char *path, GError **error) {
  g_autofree char *data = NULL;
  gsize len = 0;
  if (!g_file_get_contents(path, &data, &len, error))
    return NULL;
  GError *err = NULL;
  k2x_profile *profile = k2x_profile_new_from_data(data, len, &err);
  if (!profile)
    g_propagate_prefixed_error(error, err, "%s: ", path);
  return profile;
}

k2x_profile *k2x_profile_new_default(void) {
  g_autoptr(GError) err = NULL;
  k2x_profile *profile = k2x_profile_new_from_data((const char *)k2x_profile_ini,
                                                   k2x_profile_ini_len, &err);
  /* The compiled-in profile is tested; failing here is a build defect. */
  if (!profile)
    g_error("built-in profile: %s", err->message);
  return profile;
}

gboolean k2x_profile_pattern_match(const GRegex *re, const char *text, gint start,
                                   GRegexMatchFlags flags, GMatchInfo **info) {
  g_autoptr(GError) err = NULL;
  if (g_regex_match_full(re, text, -1, start, flags, info, &err))
    return TRUE;
  if (!err || !(g_regex_get_compile_flags(re) & G_REGEX_OPTIMIZE))
    return FALSE;
  /* The JIT's stack is small: a pattern that backtracks deeply over a long line runs out of
   * it. The interpreter, which has room enough, then decides, as if there were no JIT. */
  if (info)
    g_clear_pointer(info, g_match_info_unref);
  g_autoptr(GRegex) plain =
      g_regex_new(g_regex_get_pattern(re), PATTERN_FLAGS & ~G_REGEX_OPTIMIZE, 0, NULL);
  return plain && g_regex_match_full(plain, text, -1, start, flags, info, NULL);
}

const k2x_profile_section *k2x_profile_section_get(const k2x_profile *profile, int number) {
  for (guint i = 0; i < profile->sections->len; i++) {
    const k2x_profile_section *s = g_ptr_array_index(profile->sections, i);
    if (s->number == number)
      return s;
  }
  return NULL;
}

/* Whether the remainder after a heading match is only a trailing note or nothing. */
static gboolean heading_rest_ok(const char *rest) {
  return *rest == '\0' || g_str_has_prefix(rest, "(") || g_str_has_prefix(rest, "【") ||
         g_str_has_prefix(rest, "<") || g_str_has_prefix(rest, "※");
}

/* Whether printed may start with a number: number_prefix needs a digit after blanks and one
 * bracket. Blanks here are more than \s takes (any white space or control character), so
 * that the pattern runs whenever it could match. */
static gboolean may_have_number(const char *printed) {
  const char *p = printed;
  gunichar c = g_utf8_get_char_validated(p, -1);
  while (c < 0x110000 && c != 0 &&
         (g_unichar_isspace(c) || g_unichar_iscntrl(c) || c == 0x180E)) {
    p = g_utf8_next_char(p);
    c = g_utf8_get_char_validated(p, -1);
  }
  if (c == '(' || c == 0xFF08) {
    p = g_utf8_next_char(p);
    c = g_utf8_get_char_validated(p, -1);
  }
  return (c >= '0' && c <= '9') || (c >= 0xFF10 && c <= 0xFF19);
}

/* Whether any_heading rules norm out: no match, and no error either (a limit the one pattern
 * reaches, each alone might not). */
static gboolean rules_out(const GRegex *any_heading, const char *norm) {
  g_autoptr(GError) err = NULL;
  return any_heading && !g_regex_match_full(any_heading, norm, -1, 0, 0, NULL, &err) && !err;
}

const k2x_profile_section *k2x_profile_match_heading(const k2x_profile *profile,
                                                     const char *printed, const char *norm,
                                                     char **heading) {
  gint end = 0;
  if (may_have_number(printed)) {
    g_autoptr(GMatchInfo) mi = NULL;
    if (k2x_profile_pattern_match(profile->number, printed, 0, 0, &mi))
      g_match_info_fetch_pos(mi, 0, NULL, &end);
  }
  const char *rest = printed + end;
  g_autofree char *own = end > 0 || !norm ? k2x_text_normalize(rest) : NULL;
  if (own)
    norm = own;
  if (!*norm)
    return NULL;
  if (rules_out(profile->any_heading, norm))
    return NULL;
  for (guint i = 0; i < profile->sections->len; i++) {
    const k2x_profile_section *s = g_ptr_array_index(profile->sections, i);
    g_autoptr(GMatchInfo) hm = NULL;
    if (!k2x_profile_pattern_match(s->heading, norm, 0, 0, &hm))
      continue;
    gint hend = 0;
    g_match_info_fetch_pos(hm, 0, NULL, &hend);
    if (!heading_rest_ok(norm + hend))
      continue;
    if (heading)
      *heading = k2x_text_strip(g_strdup(rest));
    return s;
  }
  return NULL;
}

gboolean k2x_profile_match_header(const k2x_profile_section *ps, const char *norm,
                                  gint ends[K2X_MAX_COLUMNS]) {
  if (!ps->is_table)
    return FALSE;
  gint pos = 0;
  for (guint k = 0; k < ps->columns->len; k++) {
    g_autoptr(GMatchInfo) mi = NULL;
    const GRegex *re = g_ptr_array_index(ps->columns, k);
    if (!k2x_profile_pattern_match(re, norm, pos, G_REGEX_MATCH_ANCHORED, &mi))
      return FALSE;
    gint s = 0, e = 0;
    g_match_info_fetch_pos(mi, 0, &s, &e);
    if (s != pos || e == pos)
      return FALSE;
    ends[k] = pos = e;
  }
  return norm[pos] == '\0';
}

gsize k2x_profile_marker_length(const k2x_profile *profile, const char *printed,
                                gboolean *strong) {
  g_autoptr(GMatchInfo) mi = NULL;
  if (strong)
    *strong = FALSE;
  if (!profile->item_marker ||
      !k2x_profile_pattern_match(profile->item_marker, printed, 0, 0, &mi))
    return 0;
  gint start = 0, end = 0;
  g_match_info_fetch_pos(mi, 0, &start, &end);
  if (start != 0)
    return 0;
  for (const char *p = printed; strong && p < printed + end; p = g_utf8_next_char(p)) {
    gunichar c = g_utf8_get_char(p);
    if (!g_unichar_isdigit(c) && !g_unichar_isspace(c))
      *strong = TRUE;
  }
  return (gsize)end;
}

/* A heading pattern as literal characters and holes: a hole (HOLE) stands for what the
 * pattern leaves open — a group, a class, an escape, an optional character — and takes what
 * was read there as it is. NULL when the pattern has alternatives at its top. */
#define HOLE ((gunichar)0)

static GArray *heading_template(const char *pattern) {
  GArray *t = g_array_new(FALSE, FALSE, sizeof(gunichar));
  for (const char *p = pattern; *p;) {
    gunichar c = g_utf8_get_char(p);
    const char *next = g_utf8_next_char(p);
    gboolean is_hole = TRUE;
    if (c == '^' || c == '$') {
      p = next;
      continue;
    } else if (c == '|') {
      g_array_unref(t);
      return NULL;
    } else if (c == '\\' && *next) {
      gunichar e = g_utf8_get_char(next);
      is_hole = g_unichar_isalnum(e);
      c = e;
      next = g_utf8_next_char(next);
    } else if (c == '(' || c == '[') {
      int depth = 0;
      gboolean in_class = FALSE;
      const char *q = p;
      for (; *q; q++) {
        if (*q == '\\' && q[1]) {
          q++;
          continue;
        }
        if (in_class) {
          in_class = *q != ']';
          if (in_class || c == '(')
            continue;
          break;
        }
        if (*q == '[')
          in_class = TRUE;
        else if (*q == '(')
          depth++;
        else if (*q == ')' && --depth == 0)
          break;
      }
      next = *q ? q + 1 : q;
    } else if (c == '.') {
      is_hole = TRUE;
    } else if (c == '?' || c == '*' || c == '+' || c == '{') {
      /* What the quantifier applies to is open. */
      if (c == '{')
        while (*next && *next != '}')
          next++;
      if (*next == '}')
        next++;
      if (t->len)
        g_array_index(t, gunichar, t->len - 1) = HOLE;
      p = next;
      continue;
    } else {
      is_hole = FALSE;
    }
    if (is_hole && t->len && g_array_index(t, gunichar, t->len - 1) == HOLE) {
      p = next;
      continue;
    }
    gunichar entry = is_hole ? HOLE : c;
    g_array_append_val(t, entry);
    p = next;
  }
  /* Holes in a row are one. */
  guint w = 0;
  for (guint i = 0; i < t->len; i++) {
    gunichar c = g_array_index(t, gunichar, i);
    if (c == HOLE && w > 0 && g_array_index(t, gunichar, w - 1) == HOLE)
      continue;
    g_array_index(t, gunichar, w++) = c;
  }
  g_array_set_size(t, w);
  return t;
}

/* Aligns text (n characters) to template tpl (m entries) by edit distance, holes taking any
 * stretch of text for nothing; returns the cost, and in out the text with the literal
 * characters of tpl where it was read otherwise. */
static guint align_template(const gunichar *tpl, glong m, const gunichar *text, glong n,
                            GString *out) {
  glong w = n + 1;
  g_autofree guint *d = g_new(guint, (m + 1) * w);
  g_autofree char *how = g_new0(char, (m + 1) * w); /* the step that reached each cell */
  for (glong i = 0; i <= m; i++)
    for (glong j = 0; j <= n; j++) {
      guint best = i == 0 && j == 0 ? 0 : G_MAXUINT / 2;
      char step = 0;
      if (j > 0 && d[i * w + j - 1] + 1 < best) /* a character read in excess */
        best = d[i * w + j - 1] + 1, step = 'x';
      if (i > 0 && tpl[i - 1] == HOLE) {
        if (d[(i - 1) * w + j] < best) /* an empty hole */
          best = d[(i - 1) * w + j], step = 'h';
        if (j > 0 && d[i * w + j - 1] < best) /* the hole takes text[j - 1] */
          best = d[i * w + j - 1], step = 't';
      } else if (i > 0) {
        if (d[(i - 1) * w + j] + 1 < best) /* a character not read */
          best = d[(i - 1) * w + j] + 1, step = 'm';
        if (j > 0 && d[(i - 1) * w + j - 1] + (tpl[i - 1] != text[j - 1]) < best)
          best = d[(i - 1) * w + j - 1] + (tpl[i - 1] != text[j - 1]), step = 's';
      }
      d[i * w + j] = best;
      how[i * w + j] = step;
    }
  g_autoptr(GArray) rev = g_array_new(FALSE, FALSE, sizeof(gunichar));
  for (glong i = m, j = n; i > 0 || j > 0;) {
    char step = how[i * w + j];
    if (step == 'x') {
      j--;
    } else if (step == 'h') {
      i--;
    } else if (step == 't') {
      g_array_append_val(rev, text[j - 1]);
      j--;
    } else if (step == 'm' || step == 's') {
      g_array_append_val(rev, tpl[i - 1]);
      i--;
      j -= step == 's';
    } else {
      break;
    }
  }
  for (guint k = rev->len; k > 0; k--)
    g_string_append_unichar(out, g_array_index(rev, gunichar, k - 1));
  return d[m * w + n];
}

char *k2x_profile_correct_heading(const k2x_profile *profile, const char *printed) {
  if (k2x_profile_match_heading(profile, printed, NULL, NULL))
    return NULL;
  /* Only a numbered line: the number is what tells a heading from a line that quotes one,
   * as a table's header row does. */
  gint end = 0;
  g_autoptr(GMatchInfo) mi = NULL;
  if (may_have_number(printed) && k2x_profile_pattern_match(profile->number, printed, 0, 0, &mi))
    g_match_info_fetch_pos(mi, 0, NULL, &end);
  if (end == 0)
    return NULL;
  /* An item's marker is no slip: a bullet that reads like a heading is an item. */
  if (profile->item_marker && k2x_profile_marker_length(profile, printed + end, NULL) > 0)
    return NULL;
  g_autofree char *norm = k2x_text_normalize(printed + end);
  glong n = 0;
  g_autofree gunichar *text = g_utf8_to_ucs4_fast(norm, -1, &n);
  if (n == 0)
    return NULL;
  for (guint i = 0; i < profile->sections->len; i++) {
    const k2x_profile_section *ps = g_ptr_array_index(profile->sections, i);
    /* The pattern as the profile gives it, without the anchor compile() put around it. */
    const char *pattern = g_regex_get_pattern(ps->heading);
    g_autofree char *own = g_str_has_prefix(pattern, "^(?:") && g_str_has_suffix(pattern, ")")
                               ? g_strndup(pattern + 4, strlen(pattern) - 5)
                               : g_strdup(pattern);
    g_autoptr(GArray) tpl = heading_template(own);
    if (!tpl)
      continue;
    glong literal = 0;
    for (guint k = 0; k < tpl->len; k++)
      literal += g_array_index(tpl, gunichar, k) != HOLE;
    g_autoptr(GString) fixed = g_string_new(NULL);
    g_string_append_len(fixed, printed, end);
    guint cost = align_template((const gunichar *)tpl->data, tpl->len, text, n, fixed);
    if (cost == 0 || cost > k2x_text_slips_allowed(literal))
      continue;
    if (k2x_profile_match_heading(profile, fixed->str, NULL, NULL) == ps)
      return g_string_free(g_steal_pointer(&fixed), FALSE);
  }
  return NULL;
}
