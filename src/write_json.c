/* write_json: the document model as JSON, schema kaigi2xlsx/1. */
#include <json-glib/json-glib.h>

#include "writer.h"

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

static void add_warnings(JsonBuilder *b, const GPtrArray *warnings) {
  json_builder_set_member_name(b, "warnings");
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
    json_builder_end_object(b);
  }
  json_builder_end_array(b);
}

static void add_table(JsonBuilder *b, const k2x_section *s) {
  json_builder_set_member_name(b, "table");
  json_builder_begin_object(b);
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

static JsonNode *doc_to_json(const k2x_doc *doc) {
  g_autoptr(JsonBuilder) b = json_builder_new();
  json_builder_begin_object(b);
  json_builder_set_member_name(b, "schema");
  json_builder_add_string_value(b, "kaigi2xlsx/1");
  json_builder_set_member_name(b, "source");
  json_builder_begin_object(b);
  json_builder_set_member_name(b, "file");
  json_builder_add_string_value(b, doc->file ? doc->file : "");
  json_builder_set_member_name(b, "sha256");
  json_builder_add_string_value(b, doc->sha256 ? doc->sha256 : "");
  json_builder_set_member_name(b, "pages");
  json_builder_add_int_value(b, doc->pages);
  json_builder_set_member_name(b, "kind");
  json_builder_add_string_value(b, doc->kind ? doc->kind : "pdf");
  json_builder_end_object(b);
  add_string_or_null(b, "profile", doc->profile);
  json_builder_set_member_name(b, "reports");
  json_builder_begin_array(b);
  for (guint i = 0; i < doc->reports->len; i++)
    add_report(b, g_ptr_array_index(doc->reports, i));
  json_builder_end_array(b);
  add_warnings(b, doc->warnings);
  json_builder_end_object(b);
  return json_builder_get_root(b);
}

k2x_error k2x_write_json(const k2x_doc *doc, const char *path, GError **error) {
  g_autoptr(JsonNode) root = doc_to_json(doc);
  g_autoptr(JsonGenerator) gen = json_generator_new();
  json_generator_set_pretty(gen, TRUE);
  json_generator_set_indent(gen, 1);
  json_generator_set_root(gen, root);
  gsize len = 0;
  g_autofree char *text = json_generator_to_data(gen, &len);
  GError *err = NULL;
  /* g_file_set_contents writes a temporary file beside path and renames it into place. */
  if (!g_file_set_contents(path, text, (gssize)len, &err)) {
    g_set_error(error, K2X_ERROR, K2X_ERR_WRITE, "%s", err->message);
    g_error_free(err);
    return K2X_ERR_WRITE;
  }
  return K2X_OK;
}
