/* batch: many inputs for the command line — converted by a pool of worker processes under a
 * lock on the output directory, skipping what is current, printed in input order. */
#ifndef K2X_BATCH_H
#define K2X_BATCH_H

#include <glib.h>

#include "kaigi.h"
#include "outputs.h"

enum {
  K2X_EXIT_OK = 0,          /* every input converted (or was current) */
  K2X_EXIT_SOME_FAILED = 1, /* one or more inputs failed; the others converted */
  K2X_EXIT_USAGE = 2,       /* bad options */
  K2X_EXIT_LOCKED = 3       /* another run holds the output directory */
};

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
  int shard, shards; /* convert only slice shard (1-based) of shards; 0 for all */
  const k2x_convert_options *convert; /* profile, regions, password, encoding, trace */
  const k2x_outputs_options *outputs;
  const char *combined; /* one workbook over every input's JSON at this path; NULL for none */
} k2x_batch;

/* Converts the inputs (files and directories); prints one line per input in input order, a
 * progress line on a terminal, and a closing summary on stderr; then writes the combined
 * workbook. Returns a K2X_EXIT_* status. */
int k2x_batch_run(const k2x_batch *batch, char **inputs);

/* Converts nothing: writes the combined workbook from the JSON outputs in dirs (directories
 * or files), sorted by name across all of them, the order a single run has. Returns a
 * K2X_EXIT_* status. */
int k2x_batch_merge(const k2x_batch *batch, char **dirs);

#endif
