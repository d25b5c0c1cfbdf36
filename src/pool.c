/* pool: worker processes that take job after job over a pipe and answer with a result line;
 * replaced when they die, retired after a while, killed past their job's time. */
#include "pool.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "outputs.h"

/* A worker is retired after this many jobs, so that what one conversion leaves in its heap
 * (fragments, caches) never adds up over a long night. */
#define WORKER_JOBS 50

void k2x_result_clear(k2x_result *r) {
  g_clear_pointer(&r->sha256, g_free);
  g_clear_pointer(&r->identity, g_free);
  g_clear_pointer(&r->message, g_free);
}

/* Writes text whole, however the pipe takes it; FALSE when it cannot (errno says why). */
static gboolean write_all(int fd, const char *text) {
  gsize left = strlen(text);
  while (left > 0) {
    ssize_t n = write(fd, text, left);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return FALSE;
    text += n;
    left -= (gsize)n;
  }
  return TRUE;
}

/* One line: ok, reports, warnings, pages, sha256, identity, message (escaped). */
static void result_send(int fd, const k2x_result *r) {
  g_autofree char *msg = g_strescape(r->message ? r->message : "", NULL);
  g_autofree char *line = g_strdup_printf(
      "%d\t%u\t%u\t%u\t%s\t%s\t%s\n", r->ok, r->reports, r->warnings, r->pages,
      r->sha256 ? r->sha256 : "-", r->identity ? r->identity : "-", msg);
  write_all(fd, line);
}

static gboolean result_parse(const char *line, k2x_result *r) {
  g_auto(GStrv) f = g_strsplit(line, "\t", 7);
  if (g_strv_length(f) != 7)
    return FALSE;
  r->ok = atoi(f[0]) != 0;
  r->reports = (guint)g_ascii_strtoull(f[1], NULL, 10);
  r->warnings = (guint)g_ascii_strtoull(f[2], NULL, 10);
  r->pages = (guint)g_ascii_strtoull(f[3], NULL, 10);
  r->sha256 = strcmp(f[4], "-") ? g_strdup(f[4]) : NULL;
  r->identity = strcmp(f[5], "-") ? g_strdup(f[5]) : NULL;
  r->message = g_strcompress(f[6]);
  return TRUE;
}

/* What an output file was before a job, to tell what the job wrote. */
typedef struct {
  char *path;
  gboolean existed;
  struct stat st;
} output_state;

static void output_state_free(gpointer p) {
  output_state *s = p;
  g_free(s->path);
  g_free(s);
}

static GPtrArray *outputs_before(char **outputs) {
  GPtrArray *states = g_ptr_array_new_with_free_func(output_state_free);
  for (char **s = outputs; s && *s; s++) {
    output_state *o = g_new0(output_state, 1);
    o->path = g_strdup(*s);
    o->existed = g_stat(o->path, &o->st) == 0;
    g_ptr_array_add(states, o);
  }
  return states;
}

/* After a worker died: the outputs it wrote and their temporary files go, so that nothing
 * half done is left. */
static void remove_leftovers(const GPtrArray *before) {
  g_autoptr(GHashTable) dirs = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                                     (GDestroyNotify)g_hash_table_unref);
  for (guint i = 0; i < before->len; i++) {
    const output_state *s = g_ptr_array_index(before, i);
    struct stat now;
    if (g_stat(s->path, &now) == 0 &&
        (!s->existed || now.st_ino != s->st.st_ino || now.st_mtime != s->st.st_mtime ||
         now.st_size != s->st.st_size))
      g_unlink(s->path);
    char *dir = g_path_get_dirname(s->path);
    GHashTable *names = g_hash_table_lookup(dirs, dir);
    if (!names) {
      names = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
      g_hash_table_insert(dirs, dir, names);
    } else {
      g_free(dir);
    }
    g_hash_table_add(names, g_path_get_basename(s->path));
  }
  GHashTableIter it;
  gpointer dir, names;
  g_hash_table_iter_init(&it, dirs);
  while (g_hash_table_iter_next(&it, &dir, &names))
    k2x_outputs_remove_temps(dir, names);
}

typedef struct {
  pid_t pid;
  int fd;           /* read end of the worker's result pipe */
  int to;           /* write end of its job pipe; -1 once it is told to end */
  int index;        /* of the job it runs; -1 when idle */
  GString *buf;
  gint64 deadline;  /* monotonic µs; 0 for none */
  gboolean timed_out;
  GPtrArray *before; /* output_state of the job's outputs */
  guint pages_done, pages; /* as the worker last said (k2x_pool_pages_done) */
  int threads;             /* the jobs the job was given */
  guint converted;         /* jobs it has done */
  gboolean stopped;        /* killed by k2x_pool_kill */
  int stderr_fd;           /* what the job's libraries wrote on stderr (a memfd); -1 for none */
} child;

struct k2x_pool {
  int jobs, timeout, memory_limit;
  k2x_pool_work_fn work;
  gpointer data;
  GPtrArray *workers; /* child* */
};

/* In a worker: the write end of its result pipe. */
static int child_fd = -1;
/* In a worker: the standard error it was given, where our own log lines still go. */
static int real_stderr = -1;

/* Lines a library wrote on stderr while a job ran, at most this many, go with a failure. */
#define STDERR_LINES 5

/* Appends to message (g_malloc'd, may be NULL) the lines of fd's file, each "library: LINE",
 * at most STDERR_LINES of them: what libraries print instead of returning (libxlsxwriter's
 * "[ERROR]…", poppler's "Out of memory") belongs to the input's reason, not loose on the
 * user's terminal. */
static char *append_captured(char *message, int fd) {
  char buf[4096];
  ssize_t got = fd >= 0 ? pread(fd, buf, sizeof buf - 1, 0) : -1;
  if (got <= 0)
    return message;
  buf[got] = '\0';
  GString *out = g_string_new(message);
  g_free(message);
  g_auto(GStrv) lines = g_strsplit(buf, "\n", STDERR_LINES + 1);
  for (guint i = 0; lines[i] && i < STDERR_LINES; i++) {
    g_strstrip(lines[i]);
    if (!*lines[i])
      continue;
    g_autofree char *line = g_utf8_make_valid(lines[i], -1);
    g_string_append_printf(out, "%slibrary: %s", out->len ? "\n" : "", line);
  }
  return g_string_free(out, FALSE);
}

/* GLogWriterFunc of a worker: our own debug lines go to the real stderr; the rest (GLib's own
 * "failed to allocate") to the capture, as any library's. */
static GLogWriterOutput write_log(GLogLevelFlags level, const GLogField *fields, gsize n,
                                  gpointer data) {
  const char *domain = NULL;
  for (gsize i = 0; i < n; i++)
    if (g_strcmp0(fields[i].key, "GLIB_DOMAIN") == 0)
      domain = fields[i].value;
  if (g_strcmp0(domain, G_LOG_DOMAIN) != 0 || (level & G_LOG_LEVEL_DEBUG) == 0)
    return g_log_writer_standard_streams(level, fields, n, data);
  if (g_log_writer_default_would_drop(level, domain))
    return G_LOG_WRITER_HANDLED;
  g_autofree char *line = g_log_writer_format_fields(level, fields, n, FALSE);
  g_autofree char *text = g_strconcat(line, "\n", NULL);
  return write_all(real_stderr, text) ? G_LOG_WRITER_HANDLED : G_LOG_WRITER_UNHANDLED;
}

/* Progress lines ("p\tDONE\tPAGES") go ahead of the result line on the same pipe. */
void k2x_pool_pages_done(guint done, guint pages) {
  if (child_fd < 0)
    return;
  char line[64];
  int len = g_snprintf(line, sizeof line, "p\t%u\t%u\n", done, pages);
  /* A pipe takes a write this small whole. */
  ssize_t written = write(child_fd, line, (size_t)len);
  (void)written;
}

/* Takes the progress lines at the front of what a child wrote. */
static void take_progress(child *c) {
  while (g_str_has_prefix(c->buf->str, "p\t")) {
    const char *nl = strchr(c->buf->str, '\n');
    if (!nl)
      return;
    char *end = NULL;
    c->pages_done = (guint)g_ascii_strtoull(c->buf->str + 2, &end, 10);
    c->pages = (guint)g_ascii_strtoull(end, NULL, 10);
    g_string_erase(c->buf, 0, nl + 1 - c->buf->str);
  }
}

static void limit_memory(int mb) {
#if !defined(__SANITIZE_ADDRESS__)
  /* AddressSanitizer reserves terabytes of address space: no limit can apply under it. */
  if (mb > 0) {
    rlim_t bytes = (rlim_t)mb * 1024 * 1024;
    struct rlimit rl = {bytes, bytes};
    setrlimit(RLIMIT_AS, &rl);
  }
#else
  (void)mb;
#endif
}

/* A worker runs jobs one after another, each as the parent sends it ("THREADS\tARG\tARG…\n",
 * each field escaped), answering with a result line; it ends at the end of its input. One
 * process for many inputs spares a fork, an exit and the first touch of every page of memory
 * per input, which cost as much as converting a small PDF; an input that crashes or hangs
 * still takes down only its worker, which the parent replaces. */
static void worker_main(int in, int out, int captured, k2x_pool_work_fn work,
                        gpointer data) {
  child_fd = out;
  real_stderr = captured >= 0 ? dup(STDERR_FILENO) : -1;
  if (real_stderr >= 0)
    g_log_set_writer_func(write_log, NULL, NULL);
  /* The parent handles the stop signals and kills its workers. */
  signal(SIGINT, SIG_IGN);
  signal(SIGHUP, SIG_IGN);
  signal(SIGTERM, SIG_DFL);
  FILE *from = fdopen(in, "r");
  char *line = NULL;
  size_t cap = 0;
  while (from && getline(&line, &cap, from) > 0) {
    line[strcspn(line, "\n")] = '\0'; /* a path may end in white space */
    g_auto(GStrv) fields = g_strsplit(line, "\t", -1);
    if (g_strv_length(fields) < 2)
      break;
    for (char **f = fields + 1; *f; f++) {
      char *plain = g_strcompress(*f);
      g_free(*f);
      *f = plain;
    }
    k2x_result r = {0};
    gboolean capture = real_stderr >= 0 && ftruncate(captured, 0) == 0 &&
                       lseek(captured, 0, SEEK_SET) == 0 && dup2(captured, STDERR_FILENO) >= 0;
    work(fields + 1, atoi(fields[0]), &r, data);
    if (capture) {
      fflush(stderr);
      dup2(real_stderr, STDERR_FILENO);
      if (!r.ok)
        r.message = append_captured(r.message, captured);
    }
    result_send(out, &r);
    k2x_result_clear(&r);
    fflush(stdout);
  }
  free(line);
  _exit(0);
}

/* Not inlined: the worker ends in _exit inside it, and inlined the compiler may drop the
 * batch's arrays from the registers first, which a leak checker then reports as lost. */
G_GNUC_NO_INLINE
static child *start_worker(k2x_pool *pool) {
  int results[2], inputs[2];
  if (pipe(results) != 0)
    return NULL;
  if (pipe(inputs) != 0) {
    int saved = errno;
    close(results[0]);
    close(results[1]);
    errno = saved;
    return NULL;
  }
  /* Made here, so that the parent can still read it when the worker dies. */
  int captured = memfd_create("k2x-stderr", MFD_CLOEXEC);
  fflush(stdout);
  fflush(stderr);
  pid_t parent = getpid();
  pid_t pid = fork();
  if (pid < 0) {
    int saved = errno;
    close(results[0]);
    close(results[1]);
    close(inputs[0]);
    close(inputs[1]);
    if (captured >= 0)
      close(captured);
    errno = saved;
    return NULL;
  }
  if (pid == 0) {
    /* Orphaned, a worker would go on under the lock with nobody to enforce --timeout. */
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent)
      _exit(1);
    close(results[0]);
    close(inputs[1]);
    for (guint i = 0; i < pool->workers->len; i++) {
      const child *c = g_ptr_array_index(pool->workers, i);
      close(c->fd);
      if (c->to >= 0)
        close(c->to);
      if (c->stderr_fd >= 0)
        close(c->stderr_fd);
    }
    limit_memory(pool->memory_limit);
    worker_main(inputs[0], results[1], captured, pool->work, pool->data);
  }
  close(results[1]);
  close(inputs[0]);
  child *c = g_new0(child, 1);
  c->pid = pid;
  c->fd = results[0];
  c->to = inputs[1];
  c->index = -1;
  c->stderr_fd = captured;
  c->buf = g_string_new(NULL);
  g_ptr_array_add(pool->workers, c);
  g_debug("worker %d started", (int)pid);
  return c;
}

k2x_pool *k2x_pool_new(int jobs, int timeout, int memory_limit, k2x_pool_work_fn work,
                       gpointer data) {
  k2x_pool *pool = g_new0(k2x_pool, 1);
  pool->jobs = MAX(jobs, 1);
  pool->timeout = timeout;
  pool->memory_limit = memory_limit;
  pool->work = work;
  pool->data = data;
  pool->workers = g_ptr_array_new();
  return pool;
}

/* An idle worker that takes jobs, else NULL. */
static child *idle_worker(const k2x_pool *pool) {
  for (guint i = 0; i < pool->workers->len; i++) {
    child *c = g_ptr_array_index(pool->workers, i);
    if (c->index < 0 && c->to >= 0)
      return c;
  }
  return NULL;
}

/* Workers that run or take jobs (not those told to end). */
static int workers_live(const k2x_pool *pool) {
  int live = 0;
  for (guint i = 0; i < pool->workers->len; i++)
    live += ((const child *)g_ptr_array_index(pool->workers, i))->to >= 0;
  return live;
}

int k2x_pool_jobs_held(const k2x_pool *pool) {
  int held = 0;
  for (guint i = 0; i < pool->workers->len; i++)
    held += ((const child *)g_ptr_array_index(pool->workers, i))->threads;
  return held;
}

int k2x_pool_room(const k2x_pool *pool) {
  int busy = 0;
  for (guint i = 0; i < pool->workers->len; i++)
    busy += ((const child *)g_ptr_array_index(pool->workers, i))->index >= 0;
  return MAX(0, pool->jobs - busy);
}

void k2x_pool_pages(const k2x_pool *pool, guint *done, guint *pages) {
  *done = *pages = 0;
  for (guint i = 0; i < pool->workers->len; i++) {
    const child *c = g_ptr_array_index(pool->workers, i);
    *done += c->pages_done;
    *pages += c->pages;
  }
}

/* Sends job line to worker c. */
static gboolean send_job(child *c, const char *line) {
  /* A worker that died leaves a broken pipe: that must fail this write, not kill the run
   * (SIGPIPE is blocked for it, and a pending one taken back). */
  sigset_t pipe_signal, mask;
  sigemptyset(&pipe_signal);
  sigaddset(&pipe_signal, SIGPIPE);
  sigprocmask(SIG_BLOCK, &pipe_signal, &mask);
  gboolean written = write_all(c->to, line);
  int saved = errno;
  struct timespec now = {0, 0};
  while (sigtimedwait(&pipe_signal, NULL, &now) > 0)
    ;
  sigprocmask(SIG_SETMASK, &mask, NULL);
  errno = saved;
  return written;
}

gboolean k2x_pool_give(k2x_pool *pool, guint index, char **args, int threads,
                       char **outputs) {
  GString *line = g_string_new(NULL);
  g_string_append_printf(line, "%d", threads);
  for (char **a = args; *a; a++) {
    g_autofree char *escaped = g_strescape(*a, NULL);
    g_string_append_printf(line, "\t%s", escaped);
  }
  g_string_append_c(line, '\n');
  /* A worker that died idle cannot take it: it is told to end, and a new one tries. */
  gboolean given = FALSE;
  child *c = NULL;
  if (!idle_worker(pool) && workers_live(pool) >= pool->jobs) {
    g_string_free(line, TRUE);
    errno = EAGAIN; /* all busy: the job waits */
    return FALSE;
  }
  for (int attempt = 0; attempt < 2 && !given; attempt++) {
    c = idle_worker(pool);
    if (!c && workers_live(pool) < pool->jobs) {
      c = start_worker(pool);
      /* Out of descriptors or processes: the workers there are will do. */
      if (!c && workers_live(pool) > 0) {
        int saved = errno;
        g_debug("a worker cannot start (%s): %d workers", g_strerror(saved),
                workers_live(pool));
        pool->jobs = workers_live(pool);
        errno = EAGAIN;
        break;
      }
    }
    if (!c)
      break;
    /* Before the worker can write anything: what was there is what must stay. */
    if (!(given = send_job(c, line->str))) {
      close(c->to);
      c->to = -1;
    }
  }
  g_string_free(line, TRUE);
  if (!given)
    return FALSE;
  c->index = (int)index;
  c->before = outputs_before(outputs);
  c->threads = threads;
  c->pages_done = c->pages = 0;
  c->timed_out = FALSE;
  c->deadline = pool->timeout > 0
                    ? g_get_monotonic_time() + (gint64)pool->timeout * G_USEC_PER_SEC
                    : 0;
  return TRUE;
}

/* The worker's result line for its job has come: the worker is idle again. */
static void take_result(child *c, k2x_result *r) {
  const char *nl = strchr(c->buf->str, '\n');
  g_autofree char *line = g_strndup(c->buf->str, (gsize)(nl - c->buf->str));
  g_string_erase(c->buf, 0, nl + 1 - c->buf->str);
  if (!result_parse(line, r)) {
    r->ok = FALSE;
    r->message = NULL; /* the caller names the input */
  }
  g_clear_pointer(&c->before, g_ptr_array_unref);
  c->index = -1;
  c->threads = 0;
  c->pages_done = c->pages = 0; /* now counted with the job's result */
  c->converted++;
}

/* The worker is gone (its pipe closed): when it was running a job, what killed it is that
 * job's result (a message without the input's name, which the caller adds), and what it wrote
 * goes. */
static void end_worker(const k2x_pool *pool, child *c, k2x_result *r) {
  if (c->to >= 0)
    close(c->to); /* an idle worker ends at the end of its input */
  int status = 0;
  while (waitpid(c->pid, &status, 0) < 0 && errno == EINTR)
    ;
  close(c->fd);
  if (c->index >= 0) {
    remove_leftovers(c->before);
    k2x_result_clear(r);
    r->ok = FALSE;
    int sig = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
    /* A stop signal sent to the whole group (systemctl stop) may reach the worker first. */
    r->interrupted = c->stopped || sig == SIGTERM || sig == SIGINT || sig == SIGHUP;
    if (r->interrupted)
      r->message = g_strdup("interrupted before its conversion ended; nothing of it was kept");
    else if (c->timed_out)
      r->message = g_strdup_printf("took longer than %d s and was stopped (see --timeout)",
                                   pool->timeout);
    else if ((sig == SIGABRT || sig == SIGSEGV || sig == SIGBUS || sig == SIGTRAP) &&
             pool->memory_limit > 0)
      /* Under the limit a library that does not check malloc dies of it, one way or another. */
      r->message = g_strdup_printf("crashed while converting (signal %d, %s), perhaps out "
                                   "of memory: the limit is %d MB (see --memory-limit)",
                                   sig, g_strsignal(sig), pool->memory_limit);
    else if (WIFSIGNALED(status))
      r->message = g_strdup_printf("crashed while converting (signal %d, %s)",
                                   WTERMSIG(status), g_strsignal(WTERMSIG(status)));
    else
      r->message = g_strdup_printf("the conversion ended abnormally (status %d)",
                                   WIFEXITED(status) ? WEXITSTATUS(status) : status);
    if (!r->interrupted)
      r->message = append_captured(r->message, c->stderr_fd);
  }
  if (c->stderr_fd >= 0)
    close(c->stderr_fd);
  g_string_free(c->buf, TRUE);
  if (c->before)
    g_ptr_array_unref(c->before);
  g_free(c);
}

void k2x_pool_step(k2x_pool *pool, k2x_result *results, gboolean *finished) {
  GPtrArray *workers = pool->workers;
  g_autofree struct pollfd *pfd = g_new0(struct pollfd, MAX(workers->len, 1));
  for (guint i = 0; i < workers->len; i++) {
    pfd[i].fd = ((child *)g_ptr_array_index(workers, i))->fd;
    pfd[i].events = POLLIN;
  }
  int n = poll(pfd, workers->len, 50);
  gint64 now = g_get_monotonic_time();
  for (guint i = workers->len; i-- > 0;) {
    child *c = g_ptr_array_index(workers, i);
    gboolean closed = FALSE;
    if (n > 0 && (pfd[i].revents & (POLLIN | POLLHUP | POLLERR))) {
      char buf[4096];
      ssize_t got = read(c->fd, buf, sizeof buf);
      if (got > 0) {
        g_string_append_len(c->buf, buf, got);
        take_progress(c);
        if (c->index >= 0 && strchr(c->buf->str, '\n')) {
          guint index = (guint)c->index;
          take_result(c, &results[index]);
          finished[index] = TRUE;
          if (c->converted >= WORKER_JOBS && c->to >= 0) {
            close(c->to); /* it ends at the end of its input */
            c->to = -1;
          }
        }
      } else if (got == 0 || errno != EINTR) {
        closed = TRUE;
      }
    }
    if (!closed && c->index >= 0 && c->deadline && now > c->deadline && !c->timed_out) {
      kill(c->pid, SIGKILL);
      c->timed_out = TRUE;
      close(c->to); /* never handed another input, even if its result was on the way */
      c->to = -1;
    }
    if (closed) {
      int index = c->index;
      g_ptr_array_remove_index(workers, i);
      end_worker(pool, c, index >= 0 ? &results[index] : NULL);
      if (index >= 0)
        finished[index] = TRUE;
    }
  }
}

void k2x_pool_kill(k2x_pool *pool) {
  for (guint i = 0; pool && i < pool->workers->len; i++) {
    child *c = g_ptr_array_index(pool->workers, i);
    c->stopped = TRUE;
    kill(c->pid, SIGKILL);
  }
}

void k2x_pool_free(k2x_pool *pool) {
  if (!pool)
    return;
  for (guint i = 0; i < pool->workers->len; i++) {
    child *c = g_ptr_array_index(pool->workers, i);
    if (c->index >= 0)
      kill(c->pid, SIGKILL);
    k2x_result r = {0};
    end_worker(pool, c, &r);
    k2x_result_clear(&r);
  }
  g_ptr_array_unref(pool->workers);
  g_free(pool);
}
