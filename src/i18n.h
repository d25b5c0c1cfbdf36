/* i18n: messages in the reader's language. The command line follows the locale (gettext);
 * what staff read — the workbook and the review — is always Japanese, whatever the locale of
 * the nightly run that wrote it. */
#ifndef K2X_I18N_H
#define K2X_I18N_H

#include <glib.h>

#define GETTEXT_PACKAGE "kaigi2xlsx"
#include <glib/gi18n-lib.h>

/* The Japanese of msgid from the catalog compiled into the library (po/ja.po), or msgid itself
 * when it has none. Lent: static storage. */
const char *k2x_i18n_ja(const char *msgid);

/* Makes _() follow the environment's language (LANGUAGE, LC_ALL, LC_MESSAGES, LANG), also when
 * that locale is not installed on the system (then the character set is C.UTF-8's), from the
 * catalogs in $K2X_LOCALEDIR, else in locale/ beside the program (a build tree), else where
 * they are installed. Call once, first thing in main. */
void k2x_i18n_init(void);

#endif
