/* text: the character rules every stage shares — normalising, joining, widths. */
#ifndef K2X_TEXT_H
#define K2X_TEXT_H

#include <glib.h>

/* NFKC with all whitespace removed: the form patterns are matched against. Caller frees. */
char *k2x_text_normalize(const char *text);
/* The same appended to out, for text[0, len) (len -1: up to its NUL). */
void k2x_text_normalize_append(GString *out, const char *text, gssize len);

/* NFKC of text[0, len) (len -1: up to its NUL), exactly as g_utf8_normalize (G_NORMALIZE_NFKC)
 * gives it, NULL included, but most Japanese text costs a table look-up per character.
 * Caller frees. */
char *k2x_text_nfkc(const char *text, gssize len);
/* The same appended to out; nothing for what GLib gives NULL. */
void k2x_text_nfkc_append(GString *out, const char *text, gssize len);

/* Whether c is a simple character: NFKC maps it to one character (*nfkc) whatever stands
 * before it, so that text may be normalised in pieces cut in front of such characters. */
gboolean k2x_text_nfkc_simple(gunichar c, gunichar *nfkc);

/* Whether c is a Japanese (East Asian wide) character: kana, kanji, full-width forms and
 * CJK punctuation. Between two of them no space is ever written. */
gboolean k2x_text_is_wide(gunichar c);

/* Appends next to out the way a wrapped line continues: no space, except between two Latin
 * letters or digits, where the line break stood for a space. */
void k2x_text_join_wrapped(GString *out, const char *next);

/* Appends a line to a growing text: after '\n' when it opens a new paragraph, else joined as
 * a wrapped line (k2x_text_join_wrapped). */
void k2x_text_append_line(GString *out, const char *line, gboolean new_paragraph);

/* Whether c may not begin a line in Japanese typesetting (。、）」ー small kana ...), so a
 * line starting with it continues the previous one. */
gboolean k2x_text_no_line_start(gunichar c);

/* Whether c may not end a line (「（【 ...): it travels with the character after it. */
gboolean k2x_text_no_line_end(gunichar c);

/* Whether c is a particle that ends no sentence (の を に が は で と や へ): a line ending in
 * one stopped mid-sentence. */
gboolean k2x_text_is_particle(gunichar c);

/* The character as text means it: a Kangxi radical (⾏ U+2F8F) or a CJK compatibility
 * ideograph, which some fonts map their glyphs to, becomes the ideograph it stands for (行).
 * Everything else, full-width forms included, stays as printed. */
gunichar k2x_text_canonical_char(gunichar c);

/* Display width in columns: wide characters count two. */
gsize k2x_text_display_width(const char *text);

/* The fewest characters to change, insert or delete to make text (UCS-4, n characters) read
 * known (m characters); with prefix, to make some start of text read known, and *end (may
 * be NULL) gets the length of that start (of starts as near, the one nearest m long). Stops counting past limit (returns limit + 1):
 * what OCR slips are matched with. */
guint k2x_text_distance(const gunichar *known, glong m, const gunichar *text, glong n,
                        gboolean prefix, guint limit, glong *end);

/* The edits OCR may have made to a known text of n characters: two, and a fifth of it. */
guint k2x_text_slips_allowed(glong n);

/* Trims white space (ASCII and Unicode, U+3000 included) at both ends, in place; returns text. */
char *k2x_text_strip(char *text);

/* A file name (bytes, as the file system holds them) as one line of valid UTF-8, for
 * messages and outputs: each byte that is not part of valid UTF-8 and each control character
 * becomes \xHH (two upper-case hex digits), a backslash becomes \\; everything else is kept.
 * k2x_text_unescape_name gives the bytes back. Caller frees. */
char *k2x_text_escape_name(const char *name);
/* The bytes of a name k2x_text_escape_name escaped. Caller frees. */
char *k2x_text_unescape_name(const char *escaped);

#endif
