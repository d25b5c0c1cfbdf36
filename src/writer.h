/* writer: the output formats, each a writer over the same document model. */
#ifndef K2X_WRITER_H
#define K2X_WRITER_H

#include <glib.h>

#include "error.h"
#include "model.h"
#include "profile.h"

/* Writes doc as JSON (schema kaigi2xlsx/1) to path, atomically: a temporary file in the same
 * directory is renamed into place when complete. Returns K2X_ERR_WRITE with error set on
 * failure, leaving no file behind. */
k2x_error k2x_write_json(const k2x_doc *doc, const char *path, GError **error);

/* Writes one workbook over docs (one doc per input; a combined workbook has several) to path,
 * atomically. Sheet names and column names come from profile. Returns K2X_ERR_WRITE with
 * error set on failure, leaving no file behind. */
k2x_error k2x_write_xlsx(const k2x_doc *const *docs, guint n_docs, const k2x_profile *profile,
                         const char *path, GError **error);

/* A temporary path next to path ("dir/.name.XXXXXX"), created empty with the usual mode (0666
 * less the umask), in the same file system so that a rename is atomic. Returns NULL with error set on failure. Caller frees
 * the string and removes the file if it does not rename it. */
char *k2x_writer_temp_path(const char *path, GError **error);

#endif
