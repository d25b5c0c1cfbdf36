/* profile: what a report template looks like — title, numbered sections, the table section. */
#ifndef K2X_PROFILE_H
#define K2X_PROFILE_H

#include <glib.h>

#include "error.h"

/* The most columns a table section may have. */
#define K2X_MAX_COLUMNS 8

typedef struct {
  int number;          /* section number as the template prints it */
  GRegex *heading;     /* heading text without its number, normalised (see text.h) */
  gboolean is_table;
  GPtrArray *columns;      /* GRegex*, one per column, matched against normalised header text */
  GPtrArray *column_names; /* char*, short column names for spreadsheets */
  char *sheet;             /* short sheet name */
} k2x_profile_section;

typedef struct {
  char *name;
  char *sha256;        /* of the profile's text: outputs made with another are stale */
  GRegex *title;       /* NULL when the profile names no title */
  GRegex *page_number; /* matched against normalised text */
  GRegex *item_marker; /* matched at the start of the text as printed */
  GRegex *number;      /* a printed section number prefix ("１．", "(1)") */
  GRegex *any_heading; /* every heading pattern as one alternative each, to rule a line out in
                          one match; NULL when one could mean something else there */
  GPtrArray *sections; /* k2x_profile_section*, in number order */
} k2x_profile;

/* The profile compiled into the program (profiles/ad-jizenkadai.ini). Caller frees. */
k2x_profile *k2x_profile_new_default(void);
/* Parses a profile .ini. On error returns NULL with a GError whose message names the line
 * or the key at fault. Caller frees. */
k2x_profile *k2x_profile_new_from_data(const char *data, gsize len, GError **error);
k2x_profile *k2x_profile_new_from_file(const char *path, GError **error);
void k2x_profile_free(k2x_profile *profile);

/* Matches a line against the section headings. Returns the section (lent) or NULL. The line
 * may carry a number prefix ("１．", "1.", "(1)"); the rest must match a heading entirely.
 * norm is printed normalised (k2x_text_normalize) when the caller has it, else NULL.
 * *heading gets the heading text as printed, without its number (caller g_frees). */
const k2x_profile_section *k2x_profile_match_heading(const k2x_profile *profile,
                                                     const char *printed, const char *norm,
                                                     char **heading);

/* A numbered line read by OCR that would be a section heading but for a slip or two (bounded edit
 * distance, k2x_text_slips_allowed, over the heading pattern's literal characters): the line
 * with the heading's characters, its number as read; NULL when it is a heading already or
 * none. Caller frees. */
char *k2x_profile_correct_heading(const k2x_profile *profile, const char *printed);

/* Matches text (valid UTF-8) against one of the profile's patterns from byte start, as
 * g_regex_match_full does without an error. A pattern compiled for the JIT (G_REGEX_OPTIMIZE)
 * gives the interpreter's result also where the JIT fails (its stack is small). *info (may be
 * NULL) as GRegex sets it; caller frees. */
gboolean k2x_profile_pattern_match(const GRegex *re, const char *text, gint start,
                                   GRegexMatchFlags flags, GMatchInfo **info);

/* The section with this number, or NULL. */
const k2x_profile_section *k2x_profile_section_get(const k2x_profile *profile, int number);

/* Whether normalised text (see text.h) is the header row of table section ps: the column
 * patterns in order, covering all of it. ends[k] gets the end offset of column k in norm. */
gboolean k2x_profile_match_header(const k2x_profile_section *ps, const char *norm,
                                  gint ends[K2X_MAX_COLUMNS]);

/* Length in bytes of the item marker at the start of printed text, 0 when none. *strong (may
 * be NULL) tells whether the marker starts an item on its own: a bare number followed by a
 * space does not, as it may be a wrapped figure. */
gsize k2x_profile_marker_length(const k2x_profile *profile, const char *printed,
                                gboolean *strong);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(k2x_profile, k2x_profile_free)

#endif
