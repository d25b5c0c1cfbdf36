/* write_csv: the workbook's sheets as CSV files, one per sheet, with the same values. */
#include "writer.h"

#include <errno.h>
#include <string.h>

#include <glib/gstdio.h>

#include "sheets.h"

#define BOM "\xEF\xBB\xBF"
#define CP932 "CP932"
/* The geta mark, Japanese print's sign for a character that cannot be set: unlike '?', no
 * reader takes it for the text's own. CP932 holds it (81 AC). */
#define REPLACEMENT "〓"
/* What starts a formula in a spreadsheet (OWASP's list for CSV injection). */
#define FORMULA_STARTS "=+-@\t\r"
/* What Windows refuses in a file name that a sheet name may hold. */
#define FILE_NAME_FORBIDDEN "<>\"|/\\:*?"

/* One CSV file being made in memory, encoded as it goes. */
typedef struct {
  GIConv cd;          /* UTF-8 → CP932; (GIConv)-1 writes UTF-8 as it is */
  gboolean replace;   /* write REPLACEMENT for what CP932 cannot hold, else fail */
  char *replacement;  /* REPLACEMENT in CP932 */
  GString *field;     /* the field being made, UTF-8 */
  GString *out;       /* the file, encoded */
  const char *path;   /* the file, for messages */
  const k2x_sheet *sheet;
  guint row, col;     /* the field: row 1 is the header, col is 0-based */
  guint replaced;     /* characters replaced in this file */
  char *first;        /* where the first of them was, for the warning */
} csv_file;

gboolean k2x_csv_encoding_from_name(const char *name, k2x_csv_encoding *encoding) {
  if (g_ascii_strcasecmp(name, "utf-8-bom") == 0)
    *encoding = K2X_CSV_UTF8_BOM;
  else if (g_ascii_strcasecmp(name, "cp932") == 0)
    *encoding = K2X_CSV_CP932;
  else
    return FALSE;
  return TRUE;
}

/* Where the field is, for staff: "sheet 成果, row 4, column 6 (内容), U+20BB7 「𠮷」". */
static char *where(const csv_file *f, gunichar c) {
  char utf8[8];
  utf8[g_unichar_to_utf8(c, utf8)] = '\0';
  const char *column = g_ptr_array_index(f->sheet->header, f->col);
  return g_strdup_printf("sheet %s, row %u, column %u (%s), U+%04X 「%s」", f->sheet->name,
                         f->row, f->col + 1, column, c, utf8);
}

/* Appends text to the file in its encoding. A character CP932 cannot hold fails the file or,
 * with replace, is written as REPLACEMENT and counted. */
static gboolean append_encoded(csv_file *f, const char *text, gsize len, GError **error) {
  if (f->cd == (GIConv)-1) {
    g_string_append_len(f->out, text, (gssize)len);
    return TRUE;
  }
  while (len > 0) {
    gsize read = 0, written = 0;
    g_autoptr(GError) conv_error = NULL;
    g_autofree char *done =
        g_convert_with_iconv(text, (gssize)len, f->cd, &read, &written, &conv_error);
    if (done && read == len) {
      g_string_append_len(f->out, done, (gssize)written);
      return TRUE;
    }
    /* Only an unmappable character is expected: the book's text is valid UTF-8. */
    if (!g_error_matches(conv_error, G_CONVERT_ERROR, G_CONVERT_ERROR_ILLEGAL_SEQUENCE)) {
      g_set_error(error, K2X_ERROR, K2X_ERR_WRITE, "cannot write %s: sheet %s, row %u: %s",
                  f->path, f->sheet->name, f->row,
                  conv_error ? conv_error->message : "text cut short");
      return FALSE;
    }
    /* What comes before the character converts on its own. */
    g_clear_pointer(&done, g_free);
    if (read > 0) {
      done = g_convert_with_iconv(text, (gssize)read, f->cd, NULL, &written, NULL);
      if (done)
        g_string_append_len(f->out, done, (gssize)written);
    }
    gunichar c = g_utf8_get_char(text + read);
    if (!f->replace) {
      g_autofree char *at = where(f, c);
      g_set_error(error, K2X_ERROR, K2X_ERR_WRITE,
                  "cannot write %s: %s: CP932 has no such character (--csv-replace writes "
                  REPLACEMENT " instead)",
                  f->path, at);
      return FALSE;
    }
    if (f->replaced++ == 0)
      f->first = where(f, c);
    g_string_append(f->out, f->replacement);
    gsize skip = read + (gsize)(g_utf8_next_char(text + read) - (text + read));
    text += skip;
    len -= skip;
  }
  return TRUE;
}

/* One field: a text a spreadsheet would run as a formula gets a leading ', and a field with a
 * comma, quote, CR or LF is quoted with its quotes doubled (RFC 4180). */
static gboolean write_text(csv_file *f, const char *text, GError **error) {
  GString *field = f->field;
  g_string_truncate(field, 0);
  gboolean quote = strpbrk(text, ",\"\r\n") != NULL;
  if (quote)
    g_string_append_c(field, '"');
  if (*text && strchr(FORMULA_STARTS, *text))
    g_string_append_c(field, '\'');
  for (const char *p = text; *p; p++) {
    if (*p == '"')
      g_string_append_c(field, '"');
    g_string_append_c(field, *p);
  }
  if (quote)
    g_string_append_c(field, '"');
  return append_encoded(f, field->str, field->len, error);
}

static gboolean write_value(csv_file *f, const k2x_value *v, GError **error) {
  if (v->kind == K2X_VALUE_TEXT)
    return write_text(f, v->text, error);
  if (v->kind == K2X_VALUE_NUMBER) {
    char shown[G_ASCII_DTOSTR_BUF_SIZE];
    g_ascii_formatd(shown, sizeof shown, "%.15g", v->number);
    g_string_append(f->out, shown); /* ASCII in both encodings */
  }
  return TRUE;
}

/* The sheet as a CSV file in f->out: the header, then its rows, each ending with CRLF. */
static gboolean write_sheet(csv_file *f, const k2x_sheet *sh, GError **error) {
  f->sheet = sh;
  guint n = sh->header->len;
  for (f->row = 1, f->col = 0; f->col < n; f->col++) {
    if (f->col > 0)
      g_string_append_c(f->out, ',');
    if (!write_text(f, g_ptr_array_index(sh->header, f->col), error))
      return FALSE;
  }
  g_string_append(f->out, "\r\n");
  for (guint r = 0; r < sh->n_rows; r++) {
    for (f->row = r + 2, f->col = 0; f->col < n; f->col++) {
      if (f->col > 0)
        g_string_append_c(f->out, ',');
      if (!write_value(f, k2x_sheet_value(sh, r, f->col), error))
        return FALSE;
    }
    g_string_append(f->out, "\r\n");
  }
  return TRUE;
}

/* "STEM.SHEET.csv": the sheet's name (valid for Excel, so free of []:*?/\) without what
 * Windows refuses in a file name, and unique ignoring case, as file systems may. */
static char *file_name(const char *stem, const char *sheet, GHashTable *taken) {
  g_autoptr(GString) safe = g_string_new(NULL);
  for (const char *p = sheet; *p; p = g_utf8_next_char(p)) {
    gunichar c = g_utf8_get_char(p);
    gboolean bad = g_unichar_iscntrl(c) || (c < 0x80 && strchr(FILE_NAME_FORBIDDEN, (int)c));
    g_string_append_unichar(safe, bad ? '_' : c);
  }
  char *name = g_strdup_printf("%s.%s.csv", stem, safe->str);
  for (guint n = 2;; n++) {
    char *key = g_utf8_casefold(name, -1);
    if (!g_hash_table_contains(taken, key)) {
      g_hash_table_add(taken, key);
      return name;
    }
    g_free(key);
    g_free(name);
    name = g_strdup_printf("%s.%s (%u).csv", stem, safe->str, n);
  }
}

char **k2x_csv_suffixes(const k2x_profile *profile) {
  g_autoptr(k2x_book) book = k2x_book_new(NULL, 0, profile, 0);
  g_autoptr(GHashTable) taken = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  GPtrArray *suffixes = g_ptr_array_new();
  for (guint i = 0; i < k2x_book_sheet_count(book); i++)
    g_ptr_array_add(suffixes, file_name("", k2x_book_sheet(book, i)->name, taken));
  g_ptr_array_add(suffixes, NULL);
  return (char **)g_ptr_array_free(suffixes, FALSE);
}

/* Removes the temporary files not renamed yet and the files renamed already. */
static void remove_all(GPtrArray *tmps, GPtrArray *paths, guint renamed) {
  for (guint i = 0; i < tmps->len; i++)
    g_remove(g_ptr_array_index(i < renamed ? paths : tmps, i));
}

k2x_error k2x_write_csv(const k2x_doc *const *docs, guint n_docs, const k2x_profile *profile,
                        const char *dir, const char *stem, const k2x_csv_options *options,
                        GPtrArray *written, GPtrArray *warnings, GError **error) {
  k2x_csv_options opt = options ? *options : (k2x_csv_options){0};
  csv_file f = {.cd = (GIConv)-1, .replace = opt.replace};
  if (opt.encoding == K2X_CSV_CP932) {
    f.cd = g_iconv_open(CP932, "UTF-8");
    if (f.cd == (GIConv)-1) {
      g_set_error(error, K2X_ERROR, K2X_ERR_WRITE,
                  "cannot write CSV in " CP932 ": the system's iconv does not know it");
      return K2X_ERR_WRITE;
    }
    f.replacement = g_convert_with_iconv(REPLACEMENT, -1, f.cd, NULL, NULL, NULL);
  }
  f.field = g_string_new(NULL);
  f.out = g_string_new(NULL);
  g_autoptr(k2x_book) book = k2x_book_new(docs, n_docs, profile, opt.sheet_rows);
  g_autoptr(GHashTable) taken = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func(g_free);
  g_autoptr(GPtrArray) tmps = g_ptr_array_new_with_free_func(g_free);
  g_autoptr(GPtrArray) notes = g_ptr_array_new_with_free_func(g_free);
  gboolean ok = TRUE;

  /* Every file is complete in a temporary file before the first takes its name. */
  for (guint i = 0; ok && i < k2x_book_sheet_count(book); i++) {
    g_autofree char *name = file_name(stem, k2x_book_sheet(book, i)->name, taken);
    char *path = g_build_filename(dir, name, NULL);
    g_ptr_array_add(paths, path);
    f.path = path;
    f.replaced = 0;
    g_clear_pointer(&f.first, g_free);
    g_string_truncate(f.out, 0);
    if (opt.encoding == K2X_CSV_UTF8_BOM)
      g_string_append(f.out, BOM);
    ok = write_sheet(&f, k2x_book_sheet(book, i), error);
    char *tmp = ok ? k2x_writer_temp_path(path, error) : NULL;
    if (!tmp) {
      g_ptr_array_remove_index(paths, paths->len - 1);
      ok = FALSE;
      break;
    }
    g_ptr_array_add(tmps, tmp);
    g_autoptr(GError) set_error = NULL;
    if (!g_file_set_contents_full(tmp, f.out->str, (gssize)f.out->len,
                                  G_FILE_SET_CONTENTS_NONE, 0666, &set_error)) {
      g_set_error(error, K2X_ERROR, K2X_ERR_WRITE, "cannot write %s: %s", path,
                  set_error->message);
      ok = FALSE;
    } else if (f.replaced > 0) {
      g_ptr_array_add(notes, g_strdup_printf("%s: %u characters CP932 cannot hold were written "
                                             "as " REPLACEMENT ", the first at %s",
                                             path, f.replaced, f.first));
    }
  }
  guint renamed = 0;
  for (; ok && renamed < tmps->len; renamed++) {
    const char *tmp = g_ptr_array_index(tmps, renamed);
    const char *path = g_ptr_array_index(paths, renamed);
    if (g_rename(tmp, path) != 0) {
      int saved = errno;
      g_set_error(error, K2X_ERROR, K2X_ERR_WRITE, "cannot rename %s to %s: %s", tmp, path,
                  g_strerror(saved));
      ok = FALSE;
      break;
    }
  }
  if (!ok)
    remove_all(tmps, paths, renamed);

  if (f.cd != (GIConv)-1)
    g_iconv_close(f.cd);
  g_free(f.replacement);
  g_free(f.first);
  g_string_free(f.field, TRUE);
  g_string_free(f.out, TRUE);
  if (!ok)
    return K2X_ERR_WRITE;
  for (guint i = 0; written && i < paths->len; i++)
    g_ptr_array_add(written, g_strdup(g_ptr_array_index(paths, i)));
  for (guint i = 0; warnings && i < notes->len; i++)
    g_ptr_array_add(warnings, g_strdup(g_ptr_array_index(notes, i)));
  return K2X_OK;
}
