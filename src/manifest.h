/* manifest: what each input's outputs in a directory were made from, so that a later run can
 * skip the inputs whose outputs are current. */
#ifndef K2X_MANIFEST_H
#define K2X_MANIFEST_H

#include <glib.h>

#include "pool.h"

/* Its file in the output directory. */
#define K2X_MANIFEST_NAME ".kaigi2xlsx.manifest.json"

typedef struct k2x_manifest k2x_manifest;

/* The manifest of dir; empty when there is none or it cannot be read. Free it. */
k2x_manifest *k2x_manifest_load(const char *dir);
void k2x_manifest_free(k2x_manifest *m);

/* Whether input's outputs (NULL-terminated paths) are current: made with settings, every one
 * there, from a file of the same size and modification time, or else of the same SHA-256 (a
 * file copied again or touched is not converted again; its entry takes the new time). */
gboolean k2x_manifest_is_current(k2x_manifest *m, const char *input, const char *settings,
                                 char **outputs);

/* Records what the conversion of input gave: its outputs made with settings when r->ok, else
 * no entry. */
void k2x_manifest_note(k2x_manifest *m, const char *input, const k2x_result *r,
                       const char *settings, char **outputs);

/* Writes the manifest, atomically. Returns FALSE with error set when it cannot. */
gboolean k2x_manifest_save(k2x_manifest *m, GError **error);

#endif
