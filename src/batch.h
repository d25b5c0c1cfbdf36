/* batch: many inputs for the command line — converted by worker processes, several at a
 * time, an input's crash or hang costing only its worker, under a lock on the output
 * directory, skipping what is current. */
#ifndef K2X_BATCH_H
#define K2X_BATCH_H

#include <glib.h>

enum {
  K2X_EXIT_OK = 0,          /* every input converted (or was current) */
  K2X_EXIT_SOME_FAILED = 1, /* one or more inputs failed; the others converted */
  K2X_EXIT_USAGE = 2,       /* bad options */
  K2X_EXIT_LOCKED = 3       /* another run holds the output directory */
};

/* What the conversion of one input reports back from its worker process. */
typedef struct {
  gboolean ok;
  guint reports, warnings, pages;
  char *sha256;  /* of the input, when it could be read */
  char *message; /* the line to print: "FILE: N reports … → outputs" or "FILE: reason" */
} k2x_batch_result;

/* Converts one input and writes its outputs, filling result; runs in a worker. threads is
 * its share of the jobs: all of them for a lone input, so that one large PDF uses every
 * core too. */
typedef void (*k2x_batch_convert_fn)(const char *input, int threads, k2x_batch_result *result,
                                     gpointer data);

typedef struct {
  const char *output_dir;
  int jobs;          /* workers at a time; 0 for the number of processors */
  int timeout;       /* seconds an input may take; 0 for no limit */
  int memory_limit;  /* MB of address space an input may use; 0 for no limit */
  gboolean quiet;    /* print failures and the closing summary only */
  gboolean recursive;
  gboolean incremental; /* skip inputs whose outputs are current (manifest in output_dir) */
  gboolean force;       /* with incremental: convert all the same, and renew the manifest */
  const char *log_path; /* append every line, time-stamped, to this file; NULL for none */
  const char *fingerprint; /* tool version, profile and formats: a change makes all stale */
  const char *const *outputs; /* NULL-terminated suffixes an input's outputs get (".json") */
  int shard, shards; /* convert only slice shard (1-based) of shards; 0 for all */
} k2x_batch;

/* In the worker converting an input: pages done of pages, for the progress line. Does
 * nothing elsewhere. */
void k2x_batch_pages_done(guint done, guint pages);

/* The path of input's output with suffix in dir: "dir/NAME.json" for "in/NAME.pdf". */
char *k2x_batch_output_path(const char *dir, const char *input, const char *suffix);

/* The inputs a list of files and directories stands for: a directory gives its *.pdf and
 * *.txt (recursively with recursive), sorted; files are taken as given. */
GPtrArray *k2x_batch_collect(char **inputs, gboolean recursive);

/* Whether input falls in slice shard (1-based) of shards: by a hash of its path, so that
 * every run given the same inputs cuts the same disjoint slices. */
gboolean k2x_batch_in_shard(const char *input, int shard, int shards);

/* Converts inputs with convert; prints one line per input in input order, a progress line on
 * a terminal, and a closing summary on stderr. Inputs that are converted or current are added
 * to done (when not NULL), in input order. Returns a K2X_EXIT_* status. */
int k2x_batch_run(const k2x_batch *batch, char **inputs, k2x_batch_convert_fn convert,
                  gpointer data, GPtrArray *done);

#endif
