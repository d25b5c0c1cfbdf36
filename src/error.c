/* error: messages for k2x_error, in the language of the locale. */
#include "error.h"

#include "i18n.h"

static const char *const messages[] = {
    N_("no error"),
    N_("cannot read file"),
    N_("not a PDF that can be opened (damaged or another format)"),
    N_("password required (missing or wrong; see --password)"),
    N_("no text layer on any page (scanned PDF?)"),
    N_("no report sections found (wrong profile?)"),
    N_("invalid profile"),
    N_("invalid data file"),
    N_("cannot write output"),
    N_("cannot decode text encoding"),
};

_Static_assert(sizeof messages / sizeof messages[0] == K2X_ERR_COUNT,
               "one message per k2x_error");

G_DEFINE_QUARK(k2x-error-quark, k2x_error)

const char *k2x_strerror(k2x_error err) {
  if ((unsigned)err >= K2X_ERR_COUNT)
    return _("unknown error");
  return _(messages[err]);
}
