/* write_csv: the workbook's sheets as CSV files, one per sheet, with the same values, written
 * a report at a time. */
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

/* Characters CP932 lacks that have a well-known look-alike it holds: staff read the CSV, so
 * an arrow stays an arrow. Anything else becomes REPLACEMENT. Both are listed in the warning. */
static const struct {
  gunichar c;
  const char *standin;
} STANDINS[] = {
    {0x21B3, "→"}, /* ↳ downwards arrow with tip rightwards: a sub-point */
    {0x21B1, "→"}, /* ↱ */
    {0x2937, "→"}, /* ⤷ */
    {0x2022, "・"}, /* • bullet */
    {0x2023, "・"}, /* ‣ */
    {0x2013, "－"}, /* – en dash */
    {0x00A6, "￤"}, /* ¦ broken bar */
    {0x20BB7, "吉"}, /* 𠮷 the "tsuchi-yoshi" form of 吉 */
    {0x20B9F, "叱"}, /* 𠮟 */
};

/* A character written as a stand-in, for the warning. */
typedef struct {
  const char *sheet;
  guint row;
  gunichar c;
  const char *standin;
} standin_use;

/* How text is encoded, shared by the files of one writer. */
typedef struct {
  GIConv cd;         /* UTF-8 → CP932; (GIConv)-1 writes UTF-8 as it is */
  gboolean strict;   /* fail on what CP932 cannot hold, instead of writing a stand-in */
  GArray *uses;      /* standin_use, in the order written */
  GString *field;    /* the field being made, UTF-8 */
  GString *out;      /* the record being made, encoded */
} encoder;

/* One CSV file, a temporary file written record by record until close renames it. */
typedef struct {
  encoder *enc;
  char *path;         /* the file, also for messages */
  char *tmp;          /* its temporary file; NULL once renamed */
  FILE *fp;           /* NULL once closed */
  const k2x_sheet *sheet;
  gboolean started;   /* its header is written */
  guint row, col;     /* the field: row 1 is the header, col is 0-based */
} csv_file;

struct k2x_csv_writer {
  char *dir;
  char *stem;
  encoder enc;
  gboolean bom;
  k2x_sheets *sheets; /* the rows to write, a report at a time */
  GPtrArray *files;   /* csv_file*, one per sheet of sheets, in the same order */
  GHashTable *taken;  /* file names taken, casefolded */
  GError *failure;    /* the first failure: every later call returns it */
};

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

static const char *standin(gunichar c) {
  for (guint i = 0; i < G_N_ELEMENTS(STANDINS); i++)
    if (STANDINS[i].c == c)
      return STANDINS[i].standin;
  return REPLACEMENT;
}

/* Appends text to the file in its encoding. A character CP932 cannot hold is written as its
 * stand-in and noted, or with strict fails the file. */
static gboolean append_encoded(csv_file *f, const char *text, gsize len, GError **error) {
  if (f->enc->cd == (GIConv)-1) {
    g_string_append_len(f->enc->out, text, (gssize)len);
    return TRUE;
  }
  while (len > 0) {
    gsize read = 0, written = 0;
    g_autoptr(GError) conv_error = NULL;
    g_autofree char *done =
        g_convert_with_iconv(text, (gssize)len, f->enc->cd, &read, &written, &conv_error);
    if (done && read == len) {
      g_string_append_len(f->enc->out, done, (gssize)written);
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
      done = g_convert_with_iconv(text, (gssize)read, f->enc->cd, NULL, &written, NULL);
      if (done)
        g_string_append_len(f->enc->out, done, (gssize)written);
    }
    gunichar c = g_utf8_get_char(text + read);
    if (f->enc->strict) {
      g_autofree char *at = where(f, c);
      g_set_error(error, K2X_ERROR, K2X_ERR_WRITE,
                  "cannot write %s: %s: CP932 has no such character (without --csv-strict "
                  "a stand-in is written instead)",
                  f->path, at);
      return FALSE;
    }
    standin_use use = {f->sheet->name, f->row, c, standin(c)};
    g_array_append_val(f->enc->uses, use);
    /* Every stand-in is in CP932, so this cannot fail. */
    g_autofree char *encoded =
        g_convert_with_iconv(use.standin, -1, f->enc->cd, NULL, &written, NULL);
    if (encoded)
      g_string_append_len(f->enc->out, encoded, (gssize)written);
    gsize skip = read + (gsize)(g_utf8_next_char(text + read) - (text + read));
    text += skip;
    len -= skip;
  }
  return TRUE;
}

/* One field: a text a spreadsheet would run as a formula gets a leading ', and a field with a
 * comma, quote, CR or LF is quoted with its quotes doubled (RFC 4180). */
static gboolean write_text(csv_file *f, const char *text, GError **error) {
  GString *field = f->enc->field;
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
    g_string_append(f->enc->out, shown); /* ASCII in both encodings */
  }
  return TRUE;
}

/* Writes the record in f->enc->out, CRLF added, to the file. */
static gboolean put_record(csv_file *f, GError **error) {
  g_string_append(f->enc->out, "\r\n");
  if (fwrite(f->enc->out->str, 1, f->enc->out->len, f->fp) != f->enc->out->len) {
    int saved = errno;
    g_set_error(error, K2X_ERROR, K2X_ERR_WRITE, "cannot write %s: %s", f->path,
                g_strerror(saved));
    return FALSE;
  }
  g_string_truncate(f->enc->out, 0);
  return TRUE;
}

static gboolean write_header(csv_file *f, GError **error) {
  const k2x_sheet *sh = f->sheet;
  f->started = TRUE;
  for (f->row = 1, f->col = 0; f->col < sh->header->len; f->col++) {
    if (f->col > 0)
      g_string_append_c(f->enc->out, ',');
    if (!write_text(f, g_ptr_array_index(sh->header, f->col), error))
      return FALSE;
  }
  return put_record(f, error);
}

/* The batch's rows of the sheet. */
static gboolean write_rows(csv_file *f, GError **error) {
  const k2x_sheet *sh = f->sheet;
  guint first = sh->n_rows - sh->n_new + 2; /* row 1 is the header */
  for (guint r = 0; r < sh->n_new; r++) {
    for (f->row = first + r, f->col = 0; f->col < sh->header->len; f->col++) {
      if (f->col > 0)
        g_string_append_c(f->enc->out, ',');
      if (!write_value(f, k2x_sheet_value(sh, r, f->col), error))
        return FALSE;
    }
    if (!put_record(f, error))
      return FALSE;
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
  g_autoptr(k2x_sheets) sheets = k2x_sheets_new(profile, 0);
  g_autoptr(GHashTable) taken = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  GPtrArray *suffixes = g_ptr_array_new();
  for (guint i = 0; i < k2x_sheets_count(sheets); i++)
    g_ptr_array_add(suffixes, file_name("", k2x_sheets_sheet(sheets, i)->name, taken));
  g_ptr_array_add(suffixes, NULL);
  return (char **)g_ptr_array_free(suffixes, FALSE);
}

static void csv_file_free(gpointer p) {
  csv_file *f = p;
  if (f->fp)
    fclose(f->fp);
  if (f->tmp)
    g_remove(f->tmp);
  g_free(f->tmp);
  g_free(f->path);
  g_free(f);
}

/* Creates the file of sh, the next sheet. */
static gboolean add_file(k2x_csv_writer *w, const k2x_sheet *sh, GError **error) {
  g_autofree char *name = file_name(w->stem, sh->name, w->taken);
  csv_file *f = g_new0(csv_file, 1);
  f->enc = &w->enc;
  f->sheet = sh;
  f->path = g_build_filename(w->dir, name, NULL);
  g_ptr_array_add(w->files, f);
  f->fp = k2x_writer_temp_open(f->path, &f->tmp, error);
  if (!f->fp)
    return FALSE;
  if (w->bom && fputs(BOM, f->fp) == EOF) {
    int saved = errno;
    g_set_error(error, K2X_ERROR, K2X_ERR_WRITE, "cannot write %s: %s", f->path,
                g_strerror(saved));
    return FALSE;
  }
  return TRUE;
}

/* Writes the batch of w->sheets: new files, headers now known, rows. */
static gboolean write_batch(k2x_csv_writer *w) {
  gboolean ok = TRUE;
  for (guint i = 0; ok && i < k2x_sheets_count(w->sheets); i++) {
    const k2x_sheet *sh = k2x_sheets_sheet(w->sheets, i);
    if (i == w->files->len)
      ok = add_file(w, sh, &w->failure);
    csv_file *f = g_ptr_array_index(w->files, i);
    if (ok && !f->started && sh->header)
      ok = write_header(f, &w->failure);
    if (ok)
      ok = write_rows(f, &w->failure);
  }
  g_string_truncate(w->enc.out, 0);
  k2x_sheets_clear(w->sheets);
  return ok;
}

static k2x_error failed(k2x_csv_writer *w, GError **error) {
  g_propagate_error(error, g_error_copy(w->failure));
  return K2X_ERR_WRITE;
}

void k2x_csv_writer_abort(k2x_csv_writer *w) {
  if (!w)
    return;
  g_ptr_array_unref(w->files); /* removes what is not renamed */
  if (w->enc.cd != (GIConv)-1)
    g_iconv_close(w->enc.cd);
  g_array_unref(w->enc.uses);
  g_string_free(w->enc.field, TRUE);
  g_string_free(w->enc.out, TRUE);
  k2x_sheets_free(w->sheets);
  g_hash_table_unref(w->taken);
  g_clear_error(&w->failure);
  g_free(w->dir);
  g_free(w->stem);
  g_free(w);
}

k2x_csv_writer *k2x_csv_writer_open(const char *dir, const char *stem,
                                    const k2x_profile *profile, const k2x_csv_options *options,
                                    GError **error) {
  k2x_csv_options opt = options ? *options : (k2x_csv_options){0};
  k2x_csv_writer *w = g_new0(k2x_csv_writer, 1);
  w->dir = g_strdup(dir);
  w->stem = g_strdup(stem);
  w->enc = (encoder){.cd = (GIConv)-1, .strict = opt.strict,
                     .uses = g_array_new(FALSE, FALSE, sizeof(standin_use)),
                     .field = g_string_new(NULL), .out = g_string_new(NULL)};
  w->bom = opt.encoding == K2X_CSV_UTF8_BOM;
  w->sheets = k2x_sheets_new(profile, opt.sheet_rows);
  w->files = g_ptr_array_new_with_free_func(csv_file_free);
  w->taken = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  if (opt.encoding == K2X_CSV_CP932) {
    w->enc.cd = g_iconv_open(CP932, "UTF-8");
    if (w->enc.cd == (GIConv)-1) {
      g_set_error(error, K2X_ERROR, K2X_ERR_WRITE,
                  "cannot write CSV in " CP932 ": the system's iconv does not know it");
      k2x_csv_writer_abort(w);
      return NULL;
    }
  }
  if (!write_batch(w)) { /* the files and the headers known from the start */
    failed(w, error);
    k2x_csv_writer_abort(w);
    return NULL;
  }
  return w;
}

k2x_error k2x_csv_writer_add_report(k2x_csv_writer *w, const k2x_doc *doc,
                                    const k2x_report *report, GError **error) {
  if (!w->failure) {
    k2x_sheets_add_report(w->sheets, doc, report);
    write_batch(w);
  }
  return w->failure ? failed(w, error) : K2X_OK;
}

k2x_error k2x_csv_writer_end_doc(k2x_csv_writer *w, const k2x_doc *doc, GError **error) {
  if (!w->failure) {
    k2x_sheets_end_doc(w->sheets, doc);
    write_batch(w);
  }
  return w->failure ? failed(w, error) : K2X_OK;
}

/* Where stand-ins were written, for the one warning of the writer: "3 characters …: 成果
 * row 4 「↳」→「→」, …". The first few places are named; a long list would bury the line. */
#define STANDINS_NAMED 10

static char *standins_message(const GArray *uses) {
  g_autoptr(GString) s = g_string_new(NULL);
  g_string_printf(s, "%u characters that CP932 cannot hold were written as stand-ins in the "
                  "CSV files (the workbook and JSON have them as printed): ", uses->len);
  for (guint i = 0; i < MIN(uses->len, STANDINS_NAMED); i++) {
    const standin_use *u = &g_array_index(uses, standin_use, i);
    char utf8[8];
    utf8[g_unichar_to_utf8(u->c, utf8)] = '\0';
    g_string_append_printf(s, "%ssheet %s row %u U+%04X 「%s」→「%s」", i ? ", " : "", u->sheet,
                           u->row, u->c, utf8, u->standin);
  }
  if (uses->len > STANDINS_NAMED)
    g_string_append_printf(s, ", and %u more", uses->len - STANDINS_NAMED);
  return g_string_free(g_steal_pointer(&s), FALSE);
}

k2x_error k2x_csv_writer_close(k2x_csv_writer *w, GPtrArray *written, GPtrArray *warnings,
                               GError **error) {
  if (!w->failure) {
    k2x_sheets_finish(w->sheets);
    write_batch(w);
  }
  /* Every file is complete before the first takes its name. */
  for (guint i = 0; !w->failure && i < w->files->len; i++) {
    csv_file *f = g_ptr_array_index(w->files, i);
    FILE *fp = f->fp;
    f->fp = NULL;
    k2x_writer_temp_close(fp, f->path, &w->failure);
  }
  guint renamed = 0;
  while (!w->failure && renamed < w->files->len) {
    csv_file *f = g_ptr_array_index(w->files, renamed);
    if (!k2x_writer_temp_rename(f->tmp, f->path, &w->failure))
      break;
    g_clear_pointer(&f->tmp, g_free);
    renamed++;
  }
  if (w->failure) {
    /* None or all: the files renamed already go too. */
    for (guint i = 0; i < renamed; i++)
      g_remove(((csv_file *)g_ptr_array_index(w->files, i))->path);
    k2x_error err = failed(w, error);
    k2x_csv_writer_abort(w);
    return err;
  }
  for (guint i = 0; written && i < w->files->len; i++)
    g_ptr_array_add(written, g_strdup(((const csv_file *)g_ptr_array_index(w->files, i))->path));
  if (warnings && w->enc.uses->len > 0)
    g_ptr_array_add(warnings, standins_message(w->enc.uses));
  k2x_csv_writer_abort(w);
  return K2X_OK;
}

k2x_error k2x_write_csv(const k2x_doc *const *docs, guint n_docs, const k2x_profile *profile,
                        const char *dir, const char *stem, const k2x_csv_options *options,
                        GPtrArray *written, GPtrArray *warnings, GError **error) {
  k2x_csv_writer *w = k2x_csv_writer_open(dir, stem, profile, options, error);
  if (!w)
    return K2X_ERR_WRITE;
  for (guint d = 0; d < n_docs; d++) {
    for (guint i = 0; i < docs[d]->reports->len; i++)
      if (k2x_csv_writer_add_report(w, docs[d], g_ptr_array_index(docs[d]->reports, i), error))
        goto fail;
    if (k2x_csv_writer_end_doc(w, docs[d], error))
      goto fail;
  }
  return k2x_csv_writer_close(w, written, warnings, error);
fail:
  k2x_csv_writer_abort(w);
  return K2X_ERR_WRITE;
}
