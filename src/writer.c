/* writer: what the output writers share — the temporary file that is renamed into place. */
#include "writer.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

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

FILE *k2x_writer_temp_open(const char *path, char **tmp, GError **error) {
  *tmp = k2x_writer_temp_path(path, error);
  if (!*tmp)
    return NULL;
  FILE *fp = fopen(*tmp, "wb");
  if (!fp) {
    int saved = errno;
    g_set_error(error, K2X_ERROR, K2X_ERR_WRITE, "cannot write %s: %s", path,
                g_strerror(saved));
    g_remove(*tmp);
    g_clear_pointer(tmp, g_free);
  }
  return fp;
}

gboolean k2x_writer_temp_close(FILE *fp, const char *path, GError **error) {
  errno = 0;
  gboolean ok = fflush(fp) == 0 && !ferror(fp);
  /* As g_file_set_contents does: a crash after the rename must not leave an empty file where
   * the old one was. */
  if (ok && g_file_test(path, G_FILE_TEST_EXISTS))
    ok = fsync(fileno(fp)) == 0;
  int saved = errno;
  if (fclose(fp) != 0 && ok) {
    ok = FALSE;
    saved = errno;
  }
  if (!ok)
    g_set_error(error, K2X_ERROR, K2X_ERR_WRITE, "cannot write %s: %s", path,
                g_strerror(saved ? saved : EIO));
  return ok;
}

gboolean k2x_writer_temp_rename(const char *tmp, const char *path, GError **error) {
  if (g_rename(tmp, path) == 0)
    return TRUE;
  int saved = errno;
  g_set_error(error, K2X_ERROR, K2X_ERR_WRITE, "cannot rename %s to %s: %s", tmp, path,
              g_strerror(saved));
  return FALSE;
}
