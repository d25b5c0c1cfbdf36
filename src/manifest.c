/* manifest: a JSON Lines journal of what each input's outputs were made from, appended per
 * input and compacted once per run, so that its cost stays linear in the inputs. */
#include "manifest.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define SCHEMA "kaigi2xlsx-manifest/2"

static void identity_of_stat(const struct stat *st, k2x_identity *id) {
  id->dev = (guint64)st->st_dev;
  id->ino = (guint64)st->st_ino;
  id->size = (guint64)st->st_size;
  id->mtime_ns = (gint64)st->st_mtim.tv_sec * G_GINT64_CONSTANT(1000000000) + st->st_mtim.tv_nsec;
}

gboolean k2x_identity_of_fd(int fd, k2x_identity *id) {
  struct stat st;
  if (fstat(fd, &st) != 0)
    return FALSE;
  identity_of_stat(&st, id);
  return TRUE;
}

gboolean k2x_identity_of_path(const char *path, k2x_identity *id) {
  struct stat st;
  if (g_stat(path, &st) != 0)
    return FALSE;
  identity_of_stat(&st, id);
  return TRUE;
}

gboolean k2x_identity_equal(const k2x_identity *a, const k2x_identity *b) {
  return a->dev == b->dev && a->ino == b->ino && a->size == b->size &&
         a->mtime_ns == b->mtime_ns;
}

char *k2x_identity_format(const k2x_identity *id) {
  return g_strdup_printf("%" G_GUINT64_FORMAT ":%" G_GUINT64_FORMAT ":%" G_GUINT64_FORMAT
                         ":%" G_GINT64_FORMAT,
                         id->dev, id->ino, id->size, id->mtime_ns);
}

gboolean k2x_identity_parse(const char *text, k2x_identity *id) {
  return text && sscanf(text, "%" G_GUINT64_FORMAT ":%" G_GUINT64_FORMAT ":%" G_GUINT64_FORMAT
                              ":%" G_GINT64_FORMAT,
                        &id->dev, &id->ino, &id->size, &id->mtime_ns) == 4;
}

/* What the journal says of one input. */
typedef struct {
  k2x_identity id;
  char *sha256;
  char *settings;
  char **outputs; /* as they were named then */
} entry;

static void entry_free(gpointer p) {
  entry *e = p;
  g_free(e->sha256);
  g_free(e->settings);
  g_strfreev(e->outputs);
  g_free(e);
}

struct k2x_manifest {
  char *path;
  GHashTable *inputs; /* key (the input's canonical path, bytes) → entry */
  FILE *journal;      /* open for appending */
  GError *error;      /* the first line that could not be written */
};

/* A path in JSON: as a string when it is UTF-8, else as its bytes in base64, so that any
 * name a file system holds survives. */
static void add_path(JsonBuilder *b, const char *name, const char *path) {
  if (g_utf8_validate(path, -1, NULL)) {
    json_builder_set_member_name(b, name);
    json_builder_add_string_value(b, path);
  } else {
    g_autofree char *member = g_strconcat(name, "_base64", NULL);
    g_autofree char *b64 = g_base64_encode((const guchar *)path, strlen(path));
    json_builder_set_member_name(b, member);
    json_builder_add_string_value(b, b64);
  }
}

static char *read_path(JsonObject *o, const char *name) {
  const char *plain = json_object_get_string_member_with_default(o, name, NULL);
  if (plain)
    return g_strdup(plain);
  g_autofree char *member = g_strconcat(name, "_base64", NULL);
  const char *b64 = json_object_get_string_member_with_default(o, member, NULL);
  if (!b64)
    return NULL;
  gsize len = 0;
  guchar *bytes = g_base64_decode(b64, &len);
  char *path = g_strndup((const char *)bytes, len);
  g_free(bytes);
  return path;
}

/* One line of the journal: the entry of key, or NULL for "no outputs". */
static char *entry_line(const char *key, const entry *e) {
  g_autoptr(JsonBuilder) b = json_builder_new();
  json_builder_begin_object(b);
  add_path(b, "input", key);
  if (e) {
    g_autofree char *id = k2x_identity_format(&e->id);
    json_builder_set_member_name(b, "identity");
    json_builder_add_string_value(b, id);
    json_builder_set_member_name(b, "sha256");
    json_builder_add_string_value(b, e->sha256);
    json_builder_set_member_name(b, "settings");
    json_builder_add_string_value(b, e->settings);
    json_builder_set_member_name(b, "outputs");
    json_builder_begin_array(b);
    for (char **o = e->outputs; o && *o; o++) {
      json_builder_begin_object(b);
      add_path(b, "path", *o);
      json_builder_end_object(b);
    }
    json_builder_end_array(b);
  }
  json_builder_end_object(b);
  g_autoptr(JsonGenerator) gen = json_generator_new();
  g_autoptr(JsonNode) root = json_builder_get_root(b);
  json_generator_set_root(gen, root);
  return json_generator_to_data(gen, NULL);
}

/* Takes one line of the journal into m; a line that does not parse (torn by a kill) is
 * ignored. */
static void take_line(k2x_manifest *m, JsonParser *parser, const char *line) {
  if (!json_parser_load_from_data(parser, line, -1, NULL))
    return;
  JsonNode *root = json_parser_get_root(parser);
  if (!root || !JSON_NODE_HOLDS_OBJECT(root))
    return;
  JsonObject *o = json_node_get_object(root);
  char *key = read_path(o, "input");
  if (!key)
    return;
  entry *e = g_new0(entry, 1);
  const char *sha = json_object_get_string_member_with_default(o, "sha256", NULL);
  const char *settings = json_object_get_string_member_with_default(o, "settings", NULL);
  if (!sha || !settings ||
      !k2x_identity_parse(json_object_get_string_member_with_default(o, "identity", NULL),
                          &e->id)) {
    entry_free(e);
    g_hash_table_remove(m->inputs, key);
    g_free(key);
    return;
  }
  e->sha256 = g_strdup(sha);
  e->settings = g_strdup(settings);
  JsonArray *outs = json_object_has_member(o, "outputs")
                        ? json_object_get_array_member(o, "outputs")
                        : NULL;
  GPtrArray *paths = g_ptr_array_new();
  for (guint i = 0; outs && i < json_array_get_length(outs); i++) {
    JsonNode *n = json_array_get_element(outs, i);
    char *p = JSON_NODE_HOLDS_OBJECT(n) ? read_path(json_node_get_object(n), "path") : NULL;
    if (p)
      g_ptr_array_add(paths, p);
  }
  g_ptr_array_add(paths, NULL);
  e->outputs = (char **)g_ptr_array_free(paths, FALSE);
  g_hash_table_replace(m->inputs, key, e);
}

k2x_manifest *k2x_manifest_open(const char *dir, GError **error) {
  k2x_manifest *m = g_new0(k2x_manifest, 1);
  m->path = g_build_filename(dir, K2X_MANIFEST_NAME, NULL);
  m->inputs = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, entry_free);
  g_autofree char *text = NULL;
  gsize len = 0;
  if (g_file_get_contents(m->path, &text, &len, NULL) && g_str_has_prefix(text, "{\"schema\"")) {
    g_autoptr(JsonParser) parser = json_parser_new();
    char *line = strchr(text, '\n');
    while (line && *++line) {
      char *end = strchr(line, '\n');
      if (!end)
        break; /* the last line was cut short */
      *end = '\0';
      take_line(m, parser, line);
      line = end;
    }
  }
  m->journal = fopen(m->path, "ae");
  if (!m->journal) {
    int saved = errno;
    g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(saved),
                "cannot write the manifest %s: %s", m->path, g_strerror(saved));
    g_hash_table_unref(m->inputs);
    g_free(m->path);
    g_free(m);
    return NULL;
  }
  gboolean fresh = !text || !g_str_has_prefix(text, "{\"schema\"");
  /* A line a kill cut short must not run into the next one. */
  if (!fresh && len > 0 && text[len - 1] != '\n')
    fputc('\n', m->journal);
  if (fresh) {
    /* A new journal, or one this version cannot read: started again. */
    if (ftruncate(fileno(m->journal), 0) != 0 ||
        fprintf(m->journal, "{\"schema\":\"%s\"}\n", SCHEMA) < 0 || fflush(m->journal) != 0)
      g_set_error(&m->error, G_FILE_ERROR, g_file_error_from_errno(errno),
                  "cannot write the manifest %s: %s", m->path, g_strerror(errno));
  }
  return m;
}

static int compare_keys(gconstpointer a, gconstpointer b) {
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

gboolean k2x_manifest_close(k2x_manifest *m, GError **error) {
  if (!m)
    return TRUE;
  gboolean ok = fclose(m->journal) == 0 && !m->error;
  if (ok) {
    /* Sorted, so that two runs with the same facts write the same file. */
    g_autofree gpointer keys = g_hash_table_get_keys_as_array(m->inputs, NULL);
    guint n = g_hash_table_size(m->inputs);
    qsort(keys, n, sizeof(char *), compare_keys);
    GString *text = g_string_new(NULL);
    g_string_append_printf(text, "{\"schema\":\"%s\"}\n", SCHEMA);
    for (guint i = 0; i < n; i++) {
      const char *key = ((char **)keys)[i];
      g_autofree char *line = entry_line(key, g_hash_table_lookup(m->inputs, key));
      g_string_append(text, line);
      g_string_append_c(text, '\n');
    }
    /* g_file_set_contents writes a temporary file and renames it: never half a manifest. */
    GError *err = NULL;
    ok = g_file_set_contents(m->path, text->str, (gssize)text->len, &err);
    if (!ok) {
      g_set_error(error, G_FILE_ERROR, err->code, "cannot write the manifest: %s",
                  err->message);
      g_error_free(err);
    }
    g_string_free(text, TRUE);
  } else if (m->error) {
    g_propagate_error(error, g_steal_pointer(&m->error));
  } else {
    g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(errno),
                "cannot write the manifest %s: %s", m->path, g_strerror(errno));
  }
  g_clear_error(&m->error);
  g_hash_table_unref(m->inputs);
  g_free(m->path);
  g_free(m);
  return ok;
}

static gboolean append(k2x_manifest *m, const char *key, const entry *e, GError **error) {
  g_autofree char *line = entry_line(key, e);
  if (fprintf(m->journal, "%s\n", line) >= 0 && fflush(m->journal) == 0)
    return TRUE;
  int saved = errno;
  g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(saved),
              "cannot write the manifest %s: %s", m->path, g_strerror(saved));
  if (!m->error)
    m->error = g_error_copy(*error);
  return FALSE;
}

static char *sha256_of(const char *path) {
  g_autoptr(GMappedFile) map = g_mapped_file_new(path, FALSE, NULL);
  if (!map)
    return NULL;
  g_autoptr(GBytes) bytes = g_mapped_file_get_bytes(map);
  return g_compute_checksum_for_bytes(G_CHECKSUM_SHA256, bytes);
}

gboolean k2x_manifest_is_current(k2x_manifest *m, const char *input, const char *settings,
                                 char **outputs) {
  g_autofree char *key = g_canonicalize_filename(input, NULL);
  entry *e = g_hash_table_lookup(m->inputs, key);
  k2x_identity now;
  if (!e || !k2x_identity_of_path(input, &now) || now.size != e->id.size ||
      g_strcmp0(e->settings, settings) != 0)
    return FALSE;
  for (char **s = outputs; s && *s; s++)
    if (!g_file_test(*s, G_FILE_TEST_IS_REGULAR))
      return FALSE;
  if (k2x_identity_equal(&now, &e->id))
    return TRUE;
  g_autofree char *sha256 = sha256_of(input);
  if (g_strcmp0(sha256, e->sha256) != 0)
    return FALSE;
  /* The same bytes in another file or at another time: a fact worth keeping. */
  e->id = now;
  append(m, key, e, NULL);
  return TRUE;
}

gboolean k2x_manifest_note(k2x_manifest *m, const char *input, const k2x_result *r,
                           const char *settings, char **outputs, GError **error) {
  char *key = g_canonicalize_filename(input, NULL);
  entry *e = g_new0(entry, 1);
  if (!r->ok || !r->sha256 || !k2x_identity_parse(r->identity, &e->id)) {
    entry_free(e);
    g_hash_table_remove(m->inputs, key);
    gboolean ok = append(m, key, NULL, error);
    g_free(key);
    return ok;
  }
  e->sha256 = g_strdup(r->sha256);
  e->settings = g_strdup(settings);
  e->outputs = g_strdupv(outputs);
  g_hash_table_replace(m->inputs, key, e);
  return append(m, key, e, error);
}
