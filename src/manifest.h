/* manifest: a journal, in the output directory, of the facts about each input's outputs —
 * which file (device, inode, size, modification time) and which bytes (SHA-256) they were
 * made from, with which settings — so that a later run can skip the inputs whose outputs are
 * current. */
#ifndef K2X_MANIFEST_H
#define K2X_MANIFEST_H

#include <glib.h>

#include "pool.h"

/* Its file in the output directory: JSON Lines, one fact per line, a later line replacing an
 * earlier one of the same input; compacted once per run. */
#define K2X_MANIFEST_NAME ".kaigi2xlsx.manifest.jsonl"

/* Which file an input was: taken from an open descriptor, so that it is the file read. */
typedef struct {
  guint64 dev, ino, size;
  gint64 mtime_ns; /* a file rewritten within the second still differs */
} k2x_identity;

/* The identity of the file open at fd; FALSE (errno set) when fstat fails. */
gboolean k2x_identity_of_fd(int fd, k2x_identity *id);
/* The identity of the file at path now, following links. */
gboolean k2x_identity_of_path(const char *path, k2x_identity *id);
gboolean k2x_identity_equal(const k2x_identity *a, const k2x_identity *b);
/* As one string "DEV:INO:SIZE:MTIME_NS" (caller frees), and back. */
char *k2x_identity_format(const k2x_identity *id);
gboolean k2x_identity_parse(const char *text, k2x_identity *id);

typedef struct k2x_manifest k2x_manifest;

/* The manifest of dir, read (a torn last line, as a kill leaves, is ignored) and open for
 * appending. Returns NULL with error set when it cannot be opened for writing. */
k2x_manifest *k2x_manifest_open(const char *dir, GError **error);

/* Compacts the journal (one line per input, in one atomic rename) and frees m. Returns FALSE
 * with error set when a line could not be written during the run or the compaction fails;
 * m is freed either way. Accepts NULL. */
gboolean k2x_manifest_close(k2x_manifest *m, GError **error);

/* Whether input's outputs (NULL-terminated paths) are current: made with settings, every one
 * there, from the same file (device, inode, size, modification time), or else from a file of
 * the same bytes (a file copied again or touched is not converted again; its entry takes the
 * new identity). */
gboolean k2x_manifest_is_current(k2x_manifest *m, const char *input, const char *settings,
                                 char **outputs);

/* Appends what the conversion of input gave: its outputs made with settings from the file
 * and bytes r names (r->identity, r->sha256) when r->ok, else that it has none. Returns FALSE
 * with error set when the line cannot be written (the first failure is kept for close). */
gboolean k2x_manifest_note(k2x_manifest *m, const char *input, const k2x_result *r,
                           const char *settings, char **outputs, GError **error);

#endif
