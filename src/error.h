/* error: the error codes every stage returns, and their messages. */
#ifndef K2X_ERROR_H
#define K2X_ERROR_H

#include <glib.h>

typedef enum {
  K2X_OK = 0,            /* no error */
  K2X_ERR_READ,          /* the input file cannot be read */
  K2X_ERR_PDF,           /* the input is not a PDF poppler can open */
  K2X_ERR_ENCRYPTED,     /* the PDF needs a password */
  K2X_ERR_NO_TEXT,       /* no page has a text layer */
  K2X_ERR_NO_REPORTS,    /* text was found but no section heading of the profile */
  K2X_ERR_PROFILE,       /* the profile file is malformed */
  K2X_ERR_DATA,          /* a data file (regions.tsv) is malformed */
  K2X_ERR_WRITE,         /* an output file cannot be written */
  K2X_ERR_ENCODING,      /* text input in an encoding that cannot be decoded */
  K2X_ERR_COUNT
} k2x_error;

/* A short English reason for an error code; never NULL, static. */
const char *k2x_strerror(k2x_error err);

/* The GError domain of every stage; the code is a k2x_error. */
#define K2X_ERROR (k2x_error_quark())
GQuark k2x_error_quark(void);

#endif
