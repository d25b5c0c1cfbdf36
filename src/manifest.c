/* manifest: a JSON file of the inputs whose outputs are current, and what they were made of. */
#include "manifest.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <sys/stat.h>

struct k2x_manifest {
  char *path;
  JsonObject *inputs;
};

k2x_manifest *k2x_manifest_load(const char *dir) {
  k2x_manifest *m = g_new0(k2x_manifest, 1);
  m->path = g_build_filename(dir, K2X_MANIFEST_NAME, NULL);
  g_autoptr(JsonParser) parser = json_parser_new();
  if (json_parser_load_from_file(parser, m->path, NULL)) {
    JsonNode *root = json_parser_get_root(parser);
    if (JSON_NODE_HOLDS_OBJECT(root) &&
        json_object_has_member(json_node_get_object(root), "inputs"))
      m->inputs = json_object_ref(
          json_object_get_object_member(json_node_get_object(root), "inputs"));
  }
  if (!m->inputs)
    m->inputs = json_object_new();
  return m;
}

void k2x_manifest_free(k2x_manifest *m) {
  if (!m)
    return;
  json_object_unref(m->inputs);
  g_free(m->path);
  g_free(m);
}

gboolean k2x_manifest_save(k2x_manifest *m, GError **error) {
  g_autoptr(JsonBuilder) b = json_builder_new();
  json_builder_begin_object(b);
  json_builder_set_member_name(b, "schema");
  json_builder_add_string_value(b, "kaigi2xlsx-manifest/1");
  json_builder_set_member_name(b, "inputs");
  json_builder_add_value(b, json_node_init_object(json_node_alloc(), m->inputs));
  json_builder_end_object(b);
  g_autoptr(JsonGenerator) gen = json_generator_new();
  g_autoptr(JsonNode) root = json_builder_get_root(b);
  json_generator_set_root(gen, root);
  json_generator_set_pretty(gen, TRUE);
  g_autofree char *text = json_generator_to_data(gen, NULL);
  /* g_file_set_contents writes a temporary file and renames it: never half a manifest. */
  return g_file_set_contents(m->path, text, -1, error);
}

/* Modification time in nanoseconds: a file rewritten within the second still differs. */
static gint64 mtime_ns(const struct stat *st) {
  return (gint64)st->st_mtim.tv_sec * G_GINT64_CONSTANT(1000000000) + st->st_mtim.tv_nsec;
}

gboolean k2x_manifest_is_current(k2x_manifest *m, const char *input, const char *settings,
                                 char **outputs) {
  g_autofree char *key = g_canonicalize_filename(input, NULL);
  struct stat st;
  if (!json_object_has_member(m->inputs, key) || g_stat(input, &st) != 0)
    return FALSE;
  JsonObject *e = json_object_get_object_member(m->inputs, key);
  if (!e || json_object_get_int_member_with_default(e, "size", -1) != (gint64)st.st_size ||
      g_strcmp0(json_object_get_string_member_with_default(e, "fingerprint", ""), settings) != 0)
    return FALSE;
  for (char **s = outputs; s && *s; s++)
    if (!g_file_test(*s, G_FILE_TEST_IS_REGULAR))
      return FALSE;
  if (json_object_get_int_member_with_default(e, "mtime_ns", -1) == mtime_ns(&st))
    return TRUE;
  g_autoptr(GMappedFile) map = g_mapped_file_new(input, FALSE, NULL);
  if (!map)
    return FALSE;
  g_autoptr(GBytes) bytes = g_mapped_file_get_bytes(map);
  g_autofree char *sha256 = g_compute_checksum_for_bytes(G_CHECKSUM_SHA256, bytes);
  if (g_strcmp0(sha256, json_object_get_string_member_with_default(e, "sha256", "")) != 0)
    return FALSE;
  json_object_set_int_member(e, "mtime_ns", mtime_ns(&st));
  return TRUE;
}

void k2x_manifest_note(k2x_manifest *m, const char *input, const k2x_result *r,
                       const char *settings, char **outputs) {
  g_autofree char *key = g_canonicalize_filename(input, NULL);
  struct stat st;
  if (!r->ok || g_stat(input, &st) != 0) {
    json_object_remove_member(m->inputs, key);
    return;
  }
  JsonObject *e = json_object_new();
  json_object_set_int_member(e, "size", (gint64)st.st_size);
  json_object_set_int_member(e, "mtime_ns", mtime_ns(&st));
  json_object_set_string_member(e, "sha256", r->sha256 ? r->sha256 : "");
  json_object_set_string_member(e, "fingerprint", settings ? settings : "");
  JsonArray *outs = json_array_new();
  for (char **s = outputs; s && *s; s++)
    json_array_add_string_element(outs, *s);
  json_object_set_array_member(e, "outputs", outs);
  json_object_set_object_member(m->inputs, key, e);
}
