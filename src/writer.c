/* writer: what the output writers share — the temporary file that is renamed into place. */
#include "writer.h"

#include <errno.h>
#include <fcntl.h>

#include <glib/gstdio.h>

char *k2x_writer_temp_path(const char *path, GError **error) {
  g_autofree char *dir = g_path_get_dirname(path);
  g_autofree char *base = g_path_get_basename(path);
  g_autofree char *name = g_strdup_printf(".%s.XXXXXX", base);
  /* In the same directory, so that the rename is atomic and never crosses file systems. */
  char *tmp = g_build_filename(dir, name, NULL);
  /* 0666 less the umask, like any new file: staff share the outputs. */
  int fd = g_mkstemp_full(tmp, O_RDWR, 0666);
  if (fd < 0) {
    int saved = errno;
    g_set_error(error, K2X_ERROR, K2X_ERR_WRITE, "cannot create a temporary file for %s: %s",
                path, g_strerror(saved));
    g_free(tmp);
    return NULL;
  }
  /* The writers reopen the file by name; only its existence and mode matter here. */
  if (!g_close(fd, NULL)) {
    int saved = errno;
    g_set_error(error, K2X_ERROR, K2X_ERR_WRITE, "cannot create a temporary file for %s: %s",
                path, g_strerror(saved));
    g_remove(tmp);
    g_free(tmp);
    return NULL;
  }
  return tmp;
}
