/* error: messages for k2x_error. */
#include "error.h"

static const char *const messages[] = {
    "no error",
    "cannot read file",
    "not a PDF that can be opened (damaged or another format)",
    "password required (missing or wrong; see --password)",
    "no text layer on any page (scanned PDF?)",
    "no report sections found (wrong profile?)",
    "invalid profile",
    "invalid data file",
    "cannot write output",
    "cannot decode text encoding",
};

_Static_assert(sizeof messages / sizeof messages[0] == K2X_ERR_COUNT,
               "one message per k2x_error");

G_DEFINE_QUARK(k2x-error-quark, k2x_error)

const char *k2x_strerror(k2x_error err) {
  if ((unsigned)err >= K2X_ERR_COUNT)
    return "unknown error";
  return messages[err];
}
