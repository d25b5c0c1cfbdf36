/* region: printed label → prefecture + area, and inference from body text (data/regions.tsv). */
#ifndef K2X_REGION_H
#define K2X_REGION_H

#include <glib.h>

/* The place names known to the converter: the 47 prefectures and every municipality that
 * runs its own public health centre (designated cities, core cities, other 保健所設置市,
 * Tokyo's 23 special wards), each with its prefecture. */
typedef struct k2x_regions k2x_regions;

/* Loads the table compiled in from data/regions.tsv. Never fails; caller frees. */
k2x_regions *k2x_regions_new_default(void);
/* Loads a regions.tsv file (same format). Returns NULL and sets error on a malformed file
 * (message names the line). Caller frees. */
k2x_regions *k2x_regions_new_from_data(const char *data, gsize len, GError **error);
void k2x_regions_free(k2x_regions *regions);

/* Parses a printed label such as "青森県・津軽圏域", "東京都 江戸川区", "葛飾区", "千葉市圏域".
 * On success returns TRUE and sets *prefecture and *area (caller g_frees both); area is the
 * rest of the label after the prefecture and its separator, as printed, or the whole label
 * when it starts with a municipality; "" for a whole prefecture. Returns FALSE when the label
 * does not start with a known place. */
gboolean k2x_region_parse_label(const k2x_regions *regions, const char *label,
                                char **prefecture, char **area);

/* Whether a short line reads as a region label: starts with a known place, is short, and has
 * no sentence punctuation. Position is the caller's business. */
gboolean k2x_region_is_label(const k2x_regions *regions, const char *text);

/* A line read by OCR that would be a label but for a slip or two in its place name (bounded
 * edit distance, k2x_text_slips_allowed): the label with the known name, or NULL when text
 * is a label already or is none. Caller frees. */
char *k2x_region_correct_label(const k2x_regions *regions, const char *text);

/* Infers prefecture + area from body text: the most specific place (municipality over
 * prefecture), then the most frequent, then the first, wins. Returns FALSE when the text
 * names no known place. Caller g_frees both strings. */
gboolean k2x_region_infer(const k2x_regions *regions, const char *body, char **prefecture,
                          char **area);

#endif
