/* read_json: a JSON output (schema kaigi2xlsx/1) back into the document model, so that
 * workbooks can be combined from the JSON of earlier runs with no PDF work. */
#include <json-glib/json-glib.h>

#include "kaigi.h"

static const char *string_member(JsonObject *o, const char *name) {
  JsonNode *n = o ? json_object_get_member(o, name) : NULL;
  return n && JSON_NODE_HOLDS_VALUE(n) && json_node_get_value_type(n) == G_TYPE_STRING
             ? json_node_get_string(n)
             : NULL;
}

static int int_member(JsonObject *o, const char *name) {
  JsonNode *n = o ? json_object_get_member(o, name) : NULL;
  return n && JSON_NODE_HOLDS_VALUE(n) ? (int)json_node_get_int(n) : 0;
}

static JsonArray *array_member(JsonObject *o, const char *name) {
  JsonNode *n = o ? json_object_get_member(o, name) : NULL;
  return n && JSON_NODE_HOLDS_ARRAY(n) ? json_node_get_array(n) : NULL;
}

static JsonObject *object_at(JsonArray *a, guint i) {
  JsonNode *n = json_array_get_element(a, i);
  return JSON_NODE_HOLDS_OBJECT(n) ? json_node_get_object(n) : NULL;
}

static void read_pages(JsonObject *o, int *first, int *last) {
  JsonArray *p = array_member(o, "pages");
  *first = p && json_array_get_length(p) > 0 ? (int)json_array_get_int_element(p, 0) : 0;
  *last = p && json_array_get_length(p) > 1 ? (int)json_array_get_int_element(p, 1) : *first;
}

static void read_warnings(JsonObject *o, k2x_doc *doc, k2x_report *r) {
  JsonArray *ws = array_member(o, "warnings");
  for (guint i = 0; ws && i < json_array_get_length(ws); i++) {
    JsonObject *w = object_at(ws, i);
    const char *code = string_member(w, "code"), *msg = string_member(w, "message");
    const char *ja = string_member(w, "message_ja");
    int page = int_member(w, "page");
    if (!code)
      continue;
    /* The message as it was written, not a msgid of ours (so no literal for xgettext). */
    static const char verbatim[] = "%s";
    k2x_warning *added = r ? k2x_report_add_warning(r, code, page, verbatim, msg ? msg : "")
                           : k2x_doc_add_warning(doc, code, page, verbatim, msg ? msg : "");
    if (ja) { /* older outputs have only the English */
      g_free(added->message_ja);
      added->message_ja = g_strdup(ja);
    }
  }
}

static void read_table(JsonObject *t, k2x_section *s) {
  const char *layout = string_member(t, "layout");
  s->layout = g_strcmp0(layout, "grid") == 0    ? K2X_LAYOUT_GRID
              : g_strcmp0(layout, "rules") == 0 ? K2X_LAYOUT_RULES
                                                : K2X_LAYOUT_TEXT;
  JsonArray *header = array_member(t, "header");
  for (guint i = 0; header && i < json_array_get_length(header); i++)
    g_ptr_array_add(s->header, g_strdup(json_array_get_string_element(header, i)));
  JsonArray *rows = array_member(t, "rows");
  for (guint i = 0; rows && i < json_array_get_length(rows); i++) {
    JsonObject *ro = object_at(rows, i);
    JsonArray *cells = array_member(ro, "cells");
    guint n = cells ? json_array_get_length(cells) : 0;
    k2x_row *row = k2x_section_add_row(s, MAX(n, s->header->len));
    read_pages(ro, &row->page_first, &row->page_last);
    for (guint c = 0; c < n; c++) {
      k2x_cell *cell = g_ptr_array_index(row->cells, c);
      g_free(cell->text);
      cell->text = g_strdup(json_array_get_string_element(cells, c));
    }
  }
}

static void read_section(JsonObject *so, k2x_report *r, const k2x_profile *profile) {
  JsonObject *table = json_object_has_member(so, "table")
                          ? json_object_get_object_member(so, "table")
                          : NULL;
  const char *heading = string_member(so, "heading");
  k2x_section *s = k2x_report_add_section(r, int_member(so, "number"), heading ? heading : "",
                                          table != NULL);
  s->page = int_member(so, "page");
  if (table)
    read_table(table, s);
  JsonArray *items = array_member(so, "items");
  for (guint i = 0; items && i < json_array_get_length(items); i++) {
    JsonObject *io = object_at(items, i);
    const char *text = string_member(io, "text");
    if (!text)
      continue;
    /* The marker is not written: it is the profile's reading of the text. */
    gboolean strong = FALSE;
    gsize len = k2x_profile_marker_length(profile, text, &strong);
    g_autofree char *marker = g_strndup(text, len);
    k2x_section_add_item(s, g_strstrip(marker), text, int_member(io, "page"));
  }
}

static void read_report(JsonObject *ro, k2x_doc *doc, const k2x_profile *profile) {
  k2x_report *r = k2x_doc_add_report(doc);
  read_pages(ro, &r->page_first, &r->page_last);
  r->title = g_strdup(string_member(ro, "title"));
  r->label = g_strdup(string_member(ro, "label"));
  JsonObject *region = json_object_has_member(ro, "region")
                           ? json_object_get_object_member(ro, "region")
                           : NULL;
  const char *pref = string_member(region, "prefecture"), *area = string_member(region, "area");
  const char *source = string_member(region, "source");
  g_free(r->region.prefecture);
  g_free(r->region.area);
  r->region.prefecture = g_strdup(pref ? pref : "");
  r->region.area = g_strdup(area ? area : "");
  r->region.source = g_strcmp0(source, "label") == 0  ? K2X_REGION_LABEL
                     : g_strcmp0(source, "body") == 0 ? K2X_REGION_BODY
                                                      : K2X_REGION_NONE;
  JsonArray *sections = array_member(ro, "sections");
  for (guint i = 0; sections && i < json_array_get_length(sections); i++)
    if (object_at(sections, i))
      read_section(object_at(sections, i), r, profile);
  read_warnings(ro, doc, r);
}

/* What a JSON output may hold, checked before it is read: a hand-edited or damaged file
 * fails with where and why, instead of writing nonsense into a workbook. */
typedef struct {
  gint64 pages; /* of the source; page numbers lie in 0..pages */
  GError **error;
  gboolean failed;
} check;

static gboolean bad(check *c, const char *where, const char *what) {
  if (!c->failed)
    g_set_error(c->error, K2X_ERROR, K2X_ERR_READ, "%s: %s", where, what);
  c->failed = TRUE;
  return FALSE;
}

/* Member name of o, which must be there unless optional, of kind (JSON_NODE_OBJECT,
 * JSON_NODE_ARRAY, or JSON_NODE_VALUE of value type), or null when nullable. */
static JsonNode *expect(check *c, JsonObject *o, const char *where, const char *name,
                        JsonNodeType kind, GType type, gboolean optional, gboolean nullable) {
  g_autofree char *at = g_strdup_printf("%s%s%s", where, *where ? "." : "", name);
  JsonNode *n = o ? json_object_get_member(o, name) : NULL;
  if (!n) {
    if (!optional)
      bad(c, at, "missing");
    return NULL;
  }
  if (JSON_NODE_HOLDS_NULL(n)) {
    if (!nullable)
      bad(c, at, "null where a value is needed");
    return NULL;
  }
  gboolean ok = JSON_NODE_TYPE(n) == kind &&
                (kind != JSON_NODE_VALUE || json_node_get_value_type(n) == type);
  if (!ok) {
    bad(c, at, type == G_TYPE_INT64 ? "not an integer"
               : type == G_TYPE_STRING ? "not a string"
               : kind == JSON_NODE_ARRAY ? "not an array"
                                          : "not an object");
    return NULL;
  }
  return n;
}

static void check_page_value(check *c, const char *at, gint64 page) {
  if (page < 0 || page > c->pages) {
    g_autofree char *what = g_strdup_printf("page %" G_GINT64_FORMAT " outside the source's "
                                            "1..%" G_GINT64_FORMAT, page, c->pages);
    bad(c, at, what);
  }
}

static void check_page(check *c, JsonObject *o, const char *where, const char *name) {
  JsonNode *n = expect(c, o, where, name, JSON_NODE_VALUE, G_TYPE_INT64, TRUE, FALSE);
  g_autofree char *at = g_strdup_printf("%s.%s", where, name);
  if (n)
    check_page_value(c, at, json_node_get_int(n));
}

/* "pages": [first, last], 1 ≤ first ≤ last ≤ the source's pages. */
static void check_pages(check *c, JsonObject *o, const char *where) {
  JsonNode *n = expect(c, o, where, "pages", JSON_NODE_ARRAY, 0, TRUE, FALSE);
  g_autofree char *at = g_strdup_printf("%s.pages", where);
  if (!n)
    return;
  JsonArray *a = json_node_get_array(n);
  if (json_array_get_length(a) != 2)
    return (void)bad(c, at, "not [first, last]");
  gint64 v[2];
  for (guint i = 0; i < 2; i++) {
    JsonNode *e = json_array_get_element(a, i);
    if (!JSON_NODE_HOLDS_VALUE(e) || json_node_get_value_type(e) != G_TYPE_INT64)
      return (void)bad(c, at, "not [first, last] page numbers");
    v[i] = json_node_get_int(e);
    check_page_value(c, at, v[i]);
  }
  if (v[0] > v[1])
    bad(c, at, "first page after the last");
}

static void check_strings(check *c, JsonObject *o, const char *where, const char *name) {
  JsonNode *n = expect(c, o, where, name, JSON_NODE_ARRAY, 0, TRUE, FALSE);
  JsonArray *a = n ? json_node_get_array(n) : NULL;
  for (guint i = 0; a && i < json_array_get_length(a); i++) {
    JsonNode *e = json_array_get_element(a, i);
    if (!JSON_NODE_HOLDS_VALUE(e) || json_node_get_value_type(e) != G_TYPE_STRING) {
      g_autofree char *at = g_strdup_printf("%s.%s[%u]", where, name, i);
      bad(c, at, "not a string");
    }
  }
}

/* Calls each(c, object, where) for the objects of array name of o. */
static void check_each(check *c, JsonObject *o, const char *where, const char *name,
                       void (*each)(check *, JsonObject *, const char *)) {
  JsonNode *n = expect(c, o, where, name, JSON_NODE_ARRAY, 0, TRUE, FALSE);
  JsonArray *a = n ? json_node_get_array(n) : NULL;
  for (guint i = 0; a && i < json_array_get_length(a) && !c->failed; i++) {
    g_autofree char *at = g_strdup_printf("%s%s%s[%u]", where, *where ? "." : "", name, i);
    JsonNode *e = json_array_get_element(a, i);
    if (!JSON_NODE_HOLDS_OBJECT(e))
      bad(c, at, "not an object");
    else
      each(c, json_node_get_object(e), at);
  }
}

static void check_warning(check *c, JsonObject *w, const char *at) {
  expect(c, w, at, "code", JSON_NODE_VALUE, G_TYPE_STRING, FALSE, FALSE);
  expect(c, w, at, "message", JSON_NODE_VALUE, G_TYPE_STRING, TRUE, FALSE);
  check_page(c, w, at, "page");
}

static void check_row(check *c, JsonObject *r, const char *at) {
  check_strings(c, r, at, "cells");
  check_pages(c, r, at);
}

static void check_item(check *c, JsonObject *it, const char *at) {
  expect(c, it, at, "text", JSON_NODE_VALUE, G_TYPE_STRING, FALSE, FALSE);
  check_page(c, it, at, "page");
}

static void check_section(check *c, JsonObject *s, const char *at) {
  JsonNode *n = expect(c, s, at, "number", JSON_NODE_VALUE, G_TYPE_INT64, FALSE, FALSE);
  if (n && (json_node_get_int(n) < 0 || json_node_get_int(n) > G_MAXINT)) {
    g_autofree char *where = g_strdup_printf("%s.number", at);
    bad(c, where, "not a section number");
  }
  expect(c, s, at, "heading", JSON_NODE_VALUE, G_TYPE_STRING, TRUE, TRUE);
  check_page(c, s, at, "page");
  JsonNode *t = expect(c, s, at, "table", JSON_NODE_OBJECT, 0, TRUE, TRUE);
  if (t) {
    g_autofree char *where = g_strdup_printf("%s.table", at);
    check_strings(c, json_node_get_object(t), where, "header");
    check_each(c, json_node_get_object(t), where, "rows", check_row);
  }
  check_each(c, s, at, "items", check_item);
}

static void check_report(check *c, JsonObject *r, const char *at) {
  check_pages(c, r, at);
  expect(c, r, at, "title", JSON_NODE_VALUE, G_TYPE_STRING, TRUE, TRUE);
  expect(c, r, at, "label", JSON_NODE_VALUE, G_TYPE_STRING, TRUE, TRUE);
  JsonNode *region = expect(c, r, at, "region", JSON_NODE_OBJECT, 0, TRUE, FALSE);
  if (region) {
    g_autofree char *where = g_strdup_printf("%s.region", at);
    for (const char *const *m = (const char *const[]){"prefecture", "area", "source", NULL}; *m;
         m++)
      expect(c, json_node_get_object(region), where, *m, JSON_NODE_VALUE, G_TYPE_STRING, TRUE,
             FALSE);
  }
  check_each(c, r, at, "sections", check_section);
  check_each(c, r, at, "warnings", check_warning);
}

static gboolean check_output(JsonObject *o, GError **error) {
  check c = {.error = error};
  JsonNode *src = expect(&c, o, "", "source", JSON_NODE_OBJECT, 0, FALSE, FALSE);
  JsonObject *so = src ? json_node_get_object(src) : NULL;
  expect(&c, so, "source", "file", JSON_NODE_VALUE, G_TYPE_STRING, FALSE, FALSE);
  expect(&c, so, "source", "sha256", JSON_NODE_VALUE, G_TYPE_STRING, TRUE, FALSE);
  expect(&c, so, "source", "kind", JSON_NODE_VALUE, G_TYPE_STRING, TRUE, FALSE);
  JsonNode *pages = expect(&c, so, "source", "pages", JSON_NODE_VALUE, G_TYPE_INT64, FALSE, FALSE);
  c.pages = pages ? json_node_get_int(pages) : 0;
  if (c.pages < 0 || c.pages > G_MAXINT)
    bad(&c, "source.pages", "not a page count");
  expect(&c, o, "", "profile", JSON_NODE_VALUE, G_TYPE_STRING, TRUE, TRUE);
  check_each(&c, o, "", "reports", check_report);
  check_each(&c, o, "", "warnings", check_warning);
  return !c.failed;
}

k2x_error k2x_read_json(const char *path, const k2x_profile *profile, k2x_doc **out,
                        GError **error) {
  *out = NULL;
  g_autoptr(JsonParser) parser = json_parser_new();
  GError *err = NULL;
  if (!json_parser_load_from_file(parser, path, &err)) {
    g_propagate_error(error, err);
    return K2X_ERR_READ;
  }
  JsonNode *root = json_parser_get_root(parser);
  JsonObject *o = root && JSON_NODE_HOLDS_OBJECT(root) ? json_node_get_object(root) : NULL;
  if (g_strcmp0(string_member(o, "schema"), "kaigi2xlsx/1") != 0) {
    g_set_error(error, K2X_ERROR, K2X_ERR_READ, "not a kaigi2xlsx/1 JSON output");
    return K2X_ERR_READ;
  }
  if (!check_output(o, error))
    return K2X_ERR_READ;
  k2x_doc *doc = k2x_doc_new();
  JsonObject *source = json_object_has_member(o, "source")
                           ? json_object_get_object_member(o, "source")
                           : NULL;
  doc->file = g_strdup(string_member(source, "file"));
  if (string_member(source, "file_bytes")) {
    gsize len = 0;
    guchar *bytes = g_base64_decode(string_member(source, "file_bytes"), &len);
    doc->file_bytes = g_strndup((const char *)bytes, len);
    g_free(bytes);
  }
  doc->sha256 = g_strdup(string_member(source, "sha256"));
  doc->pages = int_member(source, "pages");
  g_free(doc->kind);
  doc->kind = g_strdup(string_member(source, "kind") ? string_member(source, "kind") : "pdf");
  doc->profile = g_strdup(string_member(o, "profile"));
  JsonArray *reports = array_member(o, "reports");
  for (guint i = 0; reports && i < json_array_get_length(reports); i++)
    if (object_at(reports, i))
      read_report(object_at(reports, i), doc, profile);
  read_warnings(o, doc, NULL);
  *out = doc;
  return K2X_OK;
}
