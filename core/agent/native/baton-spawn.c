/*
 * baton-spawn: the agent's spawn helper. A Node agent is a ~90 MB process; every fork() of it
 * copies its page tables and takes copy-on-write faults, which was a third of an agent's cpu when
 * it launched 1,000 tasks. This small process spawns the tasks instead (vfork, so not even its
 * own page tables are copied), reaps them and reports their exits.
 *
 * stdin  (from the agent), one frame per task: u32 little-endian length, then NUL-terminated
 *        strings: request id, command, cwd, log path, argc, argv[1..argc], envc, env[0..envc)
 * stdout (to the agent), one line per fact:
 *        S <req> <pid> <start>     spawned; start is its start time (/proc/<pid>/stat field 22,
 *                                  0 if unreadable), read here so that the agent need not open
 *                                  /proc for every task it starts
 *        F <req> <errno> <stage>   not spawned; stage is the step that failed: command (not
 *                                  found on PATH, not executable), log, cwd, exec, ...
 *        X <pid> <code> <signal> <gone>
 *                                  a task exited: code -1 when killed by a signal (its number);
 *                                  gone 1 when nothing is left of its process group (not even a
 *                                  zombie), 0 when members outlive it: asked here, after the
 *                                  reap, where kill(-pgid, 0) costs a system call, not a thrown
 *                                  error as in Node (a tenth of the agent's cpu at 1,000 exits)
 * The task runs in its own session (setsid: its own process group, as `detached` in Node), with
 * stdin from /dev/null, stdout and stderr appended to the log file, default signal dispositions
 * and an empty signal mask; no other descriptor of the agent or of whoever started it. End of stdin (the agent is gone) ends the helper; the tasks live on
 * and a restarted agent adopts them, as it does the tasks Node spawned.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_FRAME (64u << 20)

static void out(const char *line, size_t n) {
  while (n > 0) {
    ssize_t w = write(1, line, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      _exit(0); /* the agent is gone */
    }
    line += w;
    n -= (size_t)w;
  }
}

/* What the agent is told waits here until the end of the step that said it (one spawn, one reap
 * round), then goes in one write: 1,000 exits reaped together were 1,000 writes, each waking the
 * agent's pipe, while those exits were still being signalled. */
static char pending[1 << 16];
static size_t pending_len;

static void flush_out(void) {
  out(pending, pending_len);
  pending_len = 0;
}

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...) {
  char line[256];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(line, sizeof line, fmt, ap);
  va_end(ap);
  if (n > (int)sizeof line - 1) n = (int)sizeof line - 1;
  if (pending_len + (size_t)n > sizeof pending) flush_out();
  memcpy(pending + pending_len, line, (size_t)n);
  pending_len += (size_t)n;
}

/* The search Node's spawn does, from the task's working directory: a name with a slash as it
 * is, else along the task's own PATH (else the usual places). */
static int resolve(const char *cmd, const char *cwd, char *const envp[], char *found, size_t cap) {
  if (strchr(cmd, '/')) {
    if (cmd[0] == '/' || !*cwd) snprintf(found, cap, "%s", cmd);
    else snprintf(found, cap, "%s/%s", cwd, cmd);
    if (access(found, X_OK) == 0) return 0;
    return errno;
  }
  const char *path = "/usr/local/bin:/usr/bin:/bin";
  for (char *const *e = envp; *e; e++) if (strncmp(*e, "PATH=", 5) == 0) { path = *e + 5; break; }
  int last = ENOENT;
  for (const char *p = path;; ) {
    const char *end = strchrnul(p, ':');
    size_t len = (size_t)(end - p);
    if (len + strlen(cmd) + 2 <= cap) {
      if (len == 0) snprintf(found, cap, "%s/%s", *cwd ? cwd : ".", cmd);
      else if (*p != '/' && *cwd) snprintf(found, cap, "%s/%.*s/%s", cwd, (int)len, p, cmd);
      else snprintf(found, cap, "%.*s/%s", (int)len, p, cmd);
      struct stat st;
      if (stat(found, &st) == 0 && S_ISREG(st.st_mode)) {
        if (access(found, X_OK) == 0) return 0;
        last = EACCES;
      }
    }
    if (!*end) break;
    p = end + 1;
  }
  return last;
}

/* Splits a frame into its strings; NULL when it is not well formed. */
static char **fields(char *buf, uint32_t len, size_t *count) {
  size_t n = 0;
  for (uint32_t i = 0; i < len; i++) if (buf[i] == '\0') n++;
  if (len == 0 || buf[len - 1] != '\0') return NULL;
  char **f = calloc(n + 1, sizeof *f);
  if (!f) return NULL;
  size_t k = 0;
  for (char *p = buf; p < buf + len; p += strlen(p) + 1) f[k++] = p;
  *count = n;
  return f;
}

/* vfork: the child borrows this small process's memory until it execs, so nothing is copied.
 * It only makes system calls, and leaves why it failed in these two variables. */
static volatile int child_err;
static const char *volatile child_stage;

__attribute__((noinline))
static pid_t start_child(const char *path, char **argv, char **envp, const char *log, const char *cwd) {
  child_err = 0;
  child_stage = "exec";
  pid_t pid = vfork();
  if (pid == 0) {
    uint64_t none = 0; /* the kernel's signal set: glibc's sigprocmask would keep its own two blocked */
    int fd;
    if (setsid() < 0) { child_stage = "setsid"; goto fail; }
    if ((fd = open("/dev/null", O_RDONLY)) < 0 || dup2(fd, 0) < 0) { child_stage = "stdin"; goto fail; }
    if (fd != 0) close(fd);
    if ((fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0600)) < 0 || dup2(fd, 1) < 0 || dup2(fd, 2) < 0) { child_stage = "log"; goto fail; }
    if (fd > 2) close(fd);
    if (*cwd && chdir(cwd) < 0) { child_stage = "cwd"; goto fail; }
    signal(SIGPIPE, SIG_DFL); /* the one this helper ignores; Node's spawn reset the rest for it */
    syscall(SYS_rt_sigprocmask, SIG_SETMASK, &none, NULL, sizeof none);
    execve(path, argv, envp);
  fail:
    child_err = errno;
    _exit(127);
  }
  return pid;
}

/* field 22 of /proc/<pid>/stat (clock ticks after boot): with the pid it names one process */
static unsigned long long start_time(pid_t pid) {
  char file[64], text[1024];
  snprintf(file, sizeof file, "/proc/%ld/stat", (long)pid);
  int fd = open(file, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return 0;
  ssize_t n = read(fd, text, sizeof text - 1);
  close(fd);
  if (n <= 0) return 0;
  text[n] = 0;
  char *p = strrchr(text, ')'); /* the command name may hold spaces and parentheses */
  if (!p) return 0;
  p++; /* the space before field 3 (the state); then one space further per field */
  for (int field = 3; field < 22 && p; field++) p = strchr(p + 1, ' ');
  return p ? strtoull(p + 1, NULL, 10) : 0;
}

static void spawn_one(char *buf, uint32_t len) {
  size_t n = 0;
  char **f = fields(buf, len, &n);
  if (!f || n < 6) { say("F %s %d frame\n", n ? buf : "?", EINVAL); free(f); return; }
  const char *req = f[0], *cmd = f[1], *cwd = f[2], *log = f[3];
  long argc = strtol(f[4], NULL, 10);
  if (argc < 0 || (size_t)argc + 6 > n) { say("F %s %d frame\n", req, EINVAL); free(f); return; }
  long envc = strtol(f[5 + argc], NULL, 10);
  if (envc < 0 || (size_t)(argc + envc) + 6 != n) { say("F %s %d frame\n", req, EINVAL); free(f); return; }
  char **argv = calloc((size_t)argc + 2, sizeof *argv);
  char **envp = calloc((size_t)envc + 1, sizeof *envp);
  if (!argv || !envp) { say("F %s %d frame\n", req, ENOMEM); goto done; }
  argv[0] = (char *)cmd;
  for (long i = 0; i < argc; i++) argv[i + 1] = f[5 + i];
  for (long i = 0; i < envc; i++) envp[i] = f[6 + argc + i];

  char path[PATH_MAX];
  int err = resolve(cmd, cwd, envp, path, sizeof path);
  if (err) { say("F %s %d command\n", req, err); goto done; }

  pid_t pid = start_child(path, argv, envp, log, cwd);
  if (pid < 0) say("F %s %d fork\n", req, errno);
  else if (child_err) {
    waitpid(pid, NULL, 0); /* it has exited already: no X line for a task that never ran */
    say("F %s %d %s\n", req, child_err, child_stage);
  } else say("S %s %ld %llu\n", req, (long)pid, start_time(pid));
done:
  free(argv);
  free(envp);
  free(f);
}

/* Every descriptor this process has, its pipes to the agent and any a launcher left without
 * close-on-exec (Node's spawn passes those on), stays out of the tasks. */
static void cloexec_all(void) {
  DIR *d = opendir("/proc/self/fd");
  if (!d) return;
  int skip = dirfd(d);
  for (struct dirent *e; (e = readdir(d)); ) {
    int fd = atoi(e->d_name);
    if (e->d_name[0] != '.' && fd != skip) fcntl(fd, F_SETFD, FD_CLOEXEC);
  }
  closedir(d);
}

/* every task leads its own process group (setsid): nothing left of it, once it is reaped? */
static int group_gone(pid_t pgid) {
  return kill(-pgid, 0) < 0 && errno == ESRCH;
}

static void reap(void) {
  int st;
  pid_t pid;
  while ((pid = waitpid(-1, &st, WNOHANG)) > 0) {
    if (WIFEXITED(st)) say("X %ld %d 0 %d\n", (long)pid, WEXITSTATUS(st), group_gone(pid));
    else if (WIFSIGNALED(st)) say("X %ld -1 %d %d\n", (long)pid, WTERMSIG(st), group_gone(pid));
  }
  flush_out();
}

int main(void) {
  prctl(PR_SET_PDEATHSIG, SIGKILL); /* belt and braces: end of stdin says the same */
  if (getppid() == 1) return 0;
  signal(SIGPIPE, SIG_IGN);
  sigset_t chld;
  sigemptyset(&chld);
  sigaddset(&chld, SIGCHLD);
  sigprocmask(SIG_BLOCK, &chld, NULL);
  int sfd = signalfd(-1, &chld, SFD_CLOEXEC | SFD_NONBLOCK);
  if (sfd < 0) { perror("baton-spawn: signalfd"); return 1; }
  cloexec_all();

  size_t cap = 1 << 16, have = 0;
  char *buf = malloc(cap);
  if (!buf) return 1;
  struct pollfd p[2] = { { .fd = 0, .events = POLLIN }, { .fd = sfd, .events = POLLIN } };
  for (;;) {
    if (poll(p, 2, -1) < 0) { if (errno == EINTR) continue; return 1; }
    if (p[1].revents & POLLIN) {
      struct signalfd_siginfo si;
      while (read(sfd, &si, sizeof si) == (ssize_t)sizeof si) {}
      reap();
    }
    if (p[0].revents & (POLLIN | POLLHUP)) {
      if (have == cap) {
        char *b = realloc(buf, cap *= 2);
        if (!b) return 1;
        buf = b;
      }
      ssize_t r = read(0, buf + have, cap - have);
      if (r == 0) return 0; /* the agent closed the pipe or is gone */
      if (r < 0) { if (errno == EINTR || errno == EAGAIN) continue; return 1; }
      have += (size_t)r;
      size_t at = 0;
      while (have - at >= 4) {
        uint32_t len = (uint32_t)(unsigned char)buf[at] | (uint32_t)(unsigned char)buf[at + 1] << 8
          | (uint32_t)(unsigned char)buf[at + 2] << 16 | (uint32_t)(unsigned char)buf[at + 3] << 24;
        if (len > MAX_FRAME) { fprintf(stderr, "baton-spawn: a frame of %u bytes\n", len); return 1; }
        if (have - at - 4 < len) {
          if (len + 4 > cap) { char *b = realloc(buf, cap = len + 4); if (!b) return 1; buf = b; }
          break;
        }
        spawn_one(buf + at + 4, len);
        flush_out(); /* a task's S (or F) line at once: its launch goes on while the next is spawned */
        at += 4 + len;
      }
      memmove(buf, buf + at, have - at);
      have -= at;
    }
  }
}
