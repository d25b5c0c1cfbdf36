/* write_json: the document model as JSON, schema kaigi2xlsx/1, written a report at a time. */
#include <errno.h>
#include <string.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "writer.h"

/* The layout json-glib gives a whole document (pretty, one space a level), kept as the
 * document is now written a part at a time. */
#define INDENT 1

static void add_pages(JsonBuilder *b, int first, int last) {
  json_builder_set_member_name(b, "pages");
  json_builder_begin_array(b);
  json_builder_add_int_value(b, first);
  json_builder_add_int_value(b, last);
  json_builder_end_array(b);
}

static void add_string_or_null(JsonBuilder *b, const char *name, const char *value) {
  json_builder_set_member_name(b, name);
  if (value)
    json_builder_add_string_value(b, value);
  else
    json_builder_add_null_value(b);
}

static void add_warning_array(JsonBuilder *b, const GPtrArray *warnings) {
  json_builder_begin_array(b);
  for (guint i = 0; i < warnings->len; i++) {
    const k2x_warning *w = g_ptr_array_index(warnings, i);
    json_builder_begin_object(b);
    json_builder_set_member_name(b, "code");
    json_builder_add_string_value(b, w->code);
    json_builder_set_member_name(b, "page");
    json_builder_add_int_value(b, w->page);
    json_builder_set_member_name(b, "message");
    json_builder_add_string_value(b, w->message);
    json_builder_set_member_name(b, "message_ja");
    json_builder_add_string_value(b, w->message_ja);
    json_builder_end_object(b);
  }
  json_builder_end_array(b);
}

static void add_warnings(JsonBuilder *b, const GPtrArray *warnings) {
  json_builder_set_member_name(b, "warnings");
  add_warning_array(b, warnings);
}

static const char *const layout_names[] = {"text", "rules", "grid"};

static void add_table(JsonBuilder *b, const k2x_section *s) {
  json_builder_set_member_name(b, "table");
  json_builder_begin_object(b);
  json_builder_set_member_name(b, "layout");
  json_builder_add_string_value(b, layout_names[s->layout]);
  json_builder_set_member_name(b, "header");
  json_builder_begin_array(b);
  for (guint i = 0; i < s->header->len; i++)
    json_builder_add_string_value(b, g_ptr_array_index(s->header, i));
  json_builder_end_array(b);
  json_builder_set_member_name(b, "rows");
  json_builder_begin_array(b);
  for (guint i = 0; i < s->rows->len; i++) {
    const k2x_row *row = g_ptr_array_index(s->rows, i);
    json_builder_begin_object(b);
    json_builder_set_member_name(b, "cells");
    json_builder_begin_array(b);
    for (guint c = 0; c < row->cells->len; c++)
      json_builder_add_string_value(b, ((const k2x_cell *)g_ptr_array_index(row->cells, c))->text);
    json_builder_end_array(b);
    add_pages(b, row->page_first, row->page_last);
    json_builder_end_object(b);
  }
  json_builder_end_array(b);
  json_builder_end_object(b);
}

static void add_section(JsonBuilder *b, const k2x_section *s) {
  json_builder_begin_object(b);
  json_builder_set_member_name(b, "number");
  json_builder_add_int_value(b, s->number);
  json_builder_set_member_name(b, "heading");
  json_builder_add_string_value(b, s->heading);
  json_builder_set_member_name(b, "page");
  json_builder_add_int_value(b, s->page);
  if (s->is_table)
    add_table(b, s);
  json_builder_set_member_name(b, "items");
  json_builder_begin_array(b);
  for (guint i = 0; i < s->items->len; i++) {
    const k2x_item *it = g_ptr_array_index(s->items, i);
    json_builder_begin_object(b);
    json_builder_set_member_name(b, "text");
    json_builder_add_string_value(b, it->text);
    json_builder_set_member_name(b, "page");
    json_builder_add_int_value(b, it->page);
    json_builder_end_object(b);
  }
  json_builder_end_array(b);
  json_builder_end_object(b);
}

static void add_report(JsonBuilder *b, const k2x_report *r) {
  json_builder_begin_object(b);
  json_builder_set_member_name(b, "index");
  json_builder_add_int_value(b, r->index);
  add_pages(b, r->page_first, r->page_last);
  add_string_or_null(b, "title", r->title);
  add_string_or_null(b, "label", r->label);
  json_builder_set_member_name(b, "region");
  json_builder_begin_object(b);
  json_builder_set_member_name(b, "prefecture");
  json_builder_add_string_value(b, r->region.prefecture);
  json_builder_set_member_name(b, "area");
  json_builder_add_string_value(b, r->region.area);
  json_builder_set_member_name(b, "source");
  json_builder_add_string_value(b, k2x_region_source_name(r->region.source));
  json_builder_end_object(b);
  json_builder_set_member_name(b, "sections");
  json_builder_begin_array(b);
  for (guint i = 0; i < r->sections->len; i++)
    add_section(b, g_ptr_array_index(r->sections, i));
  json_builder_end_array(b);
  add_warnings(b, r->warnings);
  json_builder_end_object(b);
}

static JsonNode *source_to_json(const k2x_doc *doc) {
  g_autoptr(JsonBuilder) b = json_builder_new();
  json_builder_begin_object(b);
  json_builder_set_member_name(b, "file");
  json_builder_add_string_value(b, doc->file ? doc->file : "");
  if (doc->file_bytes) {
    /* For a tool that must find the file by its own name. */
    g_autofree char *b64 = g_base64_encode((const guchar *)doc->file_bytes, strlen(doc->file_bytes));
    json_builder_set_member_name(b, "file_bytes");
    json_builder_add_string_value(b, b64);
  }
  json_builder_set_member_name(b, "sha256");
  json_builder_add_string_value(b, doc->sha256 ? doc->sha256 : "");
  json_builder_set_member_name(b, "pages");
  json_builder_add_int_value(b, doc->pages);
  json_builder_set_member_name(b, "kind");
  json_builder_add_string_value(b, doc->kind ? doc->kind : "pdf");
  json_builder_end_object(b);
  return json_builder_get_root(b);
}

struct k2x_json_writer {
  char *path;
  char *tmp;
  FILE *fp;
  JsonGenerator *gen;
  guint n_reports;
  GError *failure; /* the first failure: every later call returns it */
};

static gboolean put(k2x_json_writer *w, const char *text, gsize len) {
  if (w->failure)
    return FALSE;
  if (len > 0 && fwrite(text, 1, len, w->fp) != len) {
    int saved = errno;
    g_set_error(&w->failure, K2X_ERROR, K2X_ERR_WRITE, "cannot write %s: %s", w->path,
                g_strerror(saved));
    return FALSE;
  }
  return TRUE;
}

static gboolean put_string(k2x_json_writer *w, const char *text) {
  return put(w, text, strlen(text));
}

/* Writes node as a member depth levels deep: json-glib's text of it with every line after the
 * first indented by depth levels. A string holds no raw line break (JSON escapes it), so every
 * line break is layout. */
static gboolean put_node(k2x_json_writer *w, JsonNode *node, guint depth) {
  json_generator_set_root(w->gen, node);
  gsize len = 0;
  g_autofree char *text = json_generator_to_data(w->gen, &len);
  json_generator_set_root(w->gen, NULL); /* its copy of the report goes now */
  char indent[16];
  guint n = MIN(depth * INDENT, sizeof indent - 1);
  memset(indent, ' ', n);
  const char *p = text, *end = text + len;
  for (const char *nl; (nl = memchr(p, '\n', (gsize)(end - p))); p = nl + 1)
    if (!put(w, p, (gsize)(nl + 1 - p)) || !put(w, indent, n))
      return FALSE;
  return put(w, p, (gsize)(end - p));
}

static k2x_error failed(k2x_json_writer *w, GError **error) {
  g_propagate_error(error, g_error_copy(w->failure));
  return K2X_ERR_WRITE;
}

void k2x_json_writer_abort(k2x_json_writer *w) {
  if (!w)
    return;
  if (w->fp)
    fclose(w->fp);
  if (w->tmp)
    g_remove(w->tmp);
  if (w->gen)
    g_object_unref(w->gen);
  g_clear_error(&w->failure);
  g_free(w->tmp);
  g_free(w->path);
  g_free(w);
}

k2x_json_writer *k2x_json_writer_open(const k2x_doc *doc, const char *path, GError **error) {
  k2x_json_writer *w = g_new0(k2x_json_writer, 1);
  w->path = g_strdup(path);
  w->fp = k2x_writer_temp_open(path, &w->tmp, error);
  if (!w->fp) {
    k2x_json_writer_abort(w);
    return NULL;
  }
  w->gen = json_generator_new();
  json_generator_set_pretty(w->gen, TRUE);
  json_generator_set_indent(w->gen, INDENT);
  /* The members whose values are known now, then the reports as they come; the source last,
   * as whether a page is read by OCR is known only when it is read. */
  g_autoptr(JsonNode) profile = json_node_new(doc->profile ? JSON_NODE_VALUE : JSON_NODE_NULL);
  if (doc->profile)
    json_node_set_string(profile, doc->profile);
  if (!put_string(w, "{\n \"schema\" : \"kaigi2xlsx/1\",\n \"profile\" : ") ||
      !put_node(w, profile, 1) || !put_string(w, ",\n \"reports\" : [")) {
    failed(w, error);
    k2x_json_writer_abort(w);
    return NULL;
  }
  return w;
}

k2x_error k2x_json_writer_add_report(k2x_json_writer *w, const k2x_report *report,
                                     GError **error) {
  g_autoptr(JsonBuilder) b = json_builder_new();
  add_report(b, report);
  g_autoptr(JsonNode) node = json_builder_get_root(b);
  if (!put_string(w, w->n_reports++ == 0 ? "\n  " : ",\n  ") || !put_node(w, node, 2))
    return failed(w, error);
  return K2X_OK;
}

k2x_error k2x_json_writer_close(k2x_json_writer *w, const k2x_doc *doc, GError **error) {
  g_autoptr(JsonBuilder) b = json_builder_new();
  add_warning_array(b, doc->warnings);
  g_autoptr(JsonNode) warnings = json_builder_get_root(b);
  g_autoptr(JsonNode) source = source_to_json(doc);
  if (put_string(w, w->n_reports > 0 ? "\n ]" : "]") &&
      put_string(w, ",\n \"source\" : ") && put_node(w, source, 1) &&
      put_string(w, ",\n \"warnings\" : ") && put_node(w, warnings, 1) &&
      put_string(w, "\n}")) {
    FILE *fp = w->fp;
    w->fp = NULL;
    if (k2x_writer_temp_close(fp, w->path, &w->failure) &&
        k2x_writer_temp_rename(w->tmp, w->path, &w->failure))
      g_clear_pointer(&w->tmp, g_free); /* renamed: nothing to remove */
  }
  k2x_error err = w->failure ? failed(w, error) : K2X_OK;
  k2x_json_writer_abort(w);
  return err;
}

k2x_error k2x_write_json(const k2x_doc *doc, const char *path, GError **error) {
  k2x_json_writer *w = k2x_json_writer_open(doc, path, error);
  if (!w)
    return K2X_ERR_WRITE;
  for (guint i = 0; i < doc->reports->len; i++) {
    if (k2x_json_writer_add_report(w, g_ptr_array_index(doc->reports, i), error)) {
      k2x_json_writer_abort(w);
      return K2X_ERR_WRITE;
    }
  }
  return k2x_json_writer_close(w, doc, error);
}
