/* inputs: the files a batch's arguments stand for, the slice of them a shard takes, and the
 * names of their outputs. */
#ifndef K2X_INPUTS_H
#define K2X_INPUTS_H

#include <glib.h>

/* One input of a batch and where its outputs go: DIR/STEM.json, DIR/STEM.xlsx… */
typedef struct {
  char *path;  /* as found: an argument, or an argument's directory joined with names below it */
  char *below; /* its path below the directory argument it was found in; its base name for a
                * file argument */
  char *dir;   /* the directory of its outputs */
  char *stem;  /* the name its outputs start with */
  char *error; /* why it is not converted: a folder that cannot be read, outputs another
                * input has (k2x_inputs_name); NULL for an input to convert */
} k2x_input;

void k2x_input_free(k2x_input *input);

/* The path of input's output with suffix (".json"). Caller frees. */
char *k2x_input_output(const k2x_input *input, const char *suffix);

/* The inputs the arguments stand for, in order: a file is taken as given; a directory gives
 * its *.pdf and *.txt (any case; recursively with recursive, not following links), sorted by
 * path. A folder that cannot be read is an input with error set. output_dir (may be NULL)
 * and what it holds are never inputs: a subdirectory that is output_dir is not entered, and
 * inside it the reviews (*.review.pdf) are skipped. Outputs are named by k2x_inputs_name.
 * Returns an array of k2x_input (caller frees). */
GPtrArray *k2x_inputs_collect(char **args, gboolean recursive, const char *output_dir);

/* Whether input falls in slice shard (1-based) of shards: by a hash of its path, so that
 * every run given the same inputs cuts the same disjoint slices. */
gboolean k2x_input_in_shard(const k2x_input *input, int shard, int shards);

/* Names the outputs of every input, so that no two inputs share an output: an input keeps its
 * path below the directory argument it was found in (in/2021/資料.pdf → OUT/2021/資料.json;
 * a file argument's outputs go to OUT itself) and loses its extension, unless another input
 * would then get the same name: then each of them keeps its extension (x.pdf.json and
 * x.txt.json). suffixes (NULL-terminated) are those of every output. An input whose outputs
 * still meet another's gets error set ("same outputs as OTHER"), and so does the other;
 * returns how many did. */
guint k2x_inputs_name(GPtrArray *inputs, const char *output_dir, char **suffixes);

#endif
