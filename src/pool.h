/* pool: worker processes that convert input after input, several at a time, an input's crash
 * or hang costing only its worker; their results come back over a pipe, one line each. */
#ifndef K2X_POOL_H
#define K2X_POOL_H

#include <glib.h>

/* What the conversion of one input reports back from its worker process. */
typedef struct {
  gboolean ok;
  guint reports, warnings, pages;
  char *sha256;   /* of the bytes converted, when they could be read */
  char *identity; /* of the file converted (k2x_identity_format), when it could be opened */
  char *message;  /* what to print after the input's name: "N reports … → outputs", a reason */
  gboolean interrupted; /* its worker was stopped (k2x_pool_kill, a stop signal): no result */
} k2x_result;

void k2x_result_clear(k2x_result *r);

/* Converts one job (args: the fields given with k2x_pool_give) in a worker, filling result.
 * threads is the job's share of the pool's jobs. */
typedef void (*k2x_pool_work_fn)(char **args, int threads, k2x_result *result, gpointer data);

typedef struct k2x_pool k2x_pool;

/* A pool of at most jobs workers running work(data) (in forked processes: data is the
 * parent's, copied). timeout (s) and memory_limit (MB of address space) bound each job; 0
 * for none. Free it with k2x_pool_free, which waits for the workers to end. */
k2x_pool *k2x_pool_new(int jobs, int timeout, int memory_limit, k2x_pool_work_fn work,
                       gpointer data);

/* Ends every worker (idle ones at once, busy ones killed) and frees pool. Accepts NULL. */
void k2x_pool_free(k2x_pool *pool);

/* Kills the workers now (a stop signal); k2x_pool_step then gives their jobs' results,
 * interrupted, once what they wrote is removed. */
void k2x_pool_kill(k2x_pool *pool);

/* Hands job index (args, NULL-terminated, no field holding a newline after escaping) to an
 * idle worker, starting one if the pool has room. outputs (NULL-terminated) are the files
 * the job may write: if its worker dies, those it wrote and their temporaries are removed.
 * Returns FALSE with errno EAGAIN when every worker is busy (the pool may have shrunk to the
 * workers the system lets it start), or another errno when no worker could start at all. */
gboolean k2x_pool_give(k2x_pool *pool, guint index, char **args, int threads,
                       char **outputs);

/* Reads what the workers wrote, waiting at most a moment; puts each job's result in
 * results[index] and sets finished[index]; ends the workers whose pipes closed and kills those
 * past their job's time. */
void k2x_pool_step(k2x_pool *pool, k2x_result *results, gboolean *finished);

/* The jobs (threads) the busy workers hold. */
int k2x_pool_jobs_held(const k2x_pool *pool);

/* Workers that can take a job now, or could be started: 0 when the pool is full. */
int k2x_pool_room(const k2x_pool *pool);

/* The pages done and in all of the jobs running now, as their workers last said. */
void k2x_pool_pages(const k2x_pool *pool, guint *done, guint *pages);

/* In a worker: pages done of pages, for the progress line. Does nothing elsewhere. */
void k2x_pool_pages_done(guint done, guint pages);

#endif
