/* A readout loop on the C SDK's pollable API, for test/unit/sdk/c-poll.test.ts: it polls the task's
 * control descriptor beside its "detector", here stdin, one command a line:
 *   event <kind> <message>   sends a TaskEvent with data source=stdin
 *   error <reason>           reports a spontaneous error (baton_error)
 * After its EXIT reply it goes on reading stdin, printing each line, until stdin ends: the work a
 * task still does after leaving its agent. Then (or at once, when refused or orphaned) it exits
 * with the SDK's exit code. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "../../../../sdk/c/baton_task.h"

static baton_task *task;

/* the errno values the SDK documents, by name (strerror's words differ between C libraries) */
static const char *why(int e) { return e == ENOTCONN ? "ENOTCONN" : e == EPIPE ? "EPIPE" : e == EINVAL ? "EINVAL" : strerror(e); }

static int on_transition(const char *event, const baton_args *args, char *error, size_t error_size, void *user) {
  (void)args, (void)error, (void)error_size, (void)user;
  printf("poll: %s\n", event);
  return 0;
}

/* one command line from the detector */
static void command(char *line) {
  if (strncmp(line, "event ", 6) == 0) {
    char *kind = line + 6, *message = strchr(kind, ' ');
    if (message) *message++ = 0;
    baton_args data = {1, {"source"}, {"stdin"}};
    if (baton_event_data(task, kind, message ? message : "", &data) == 0) printf("poll: sent %s\n", kind);
    else printf("poll: %s not sent: %s\n", kind, why(errno));
  } else if (strncmp(line, "error ", 6) == 0) {
    int sent = baton_error(task, line + 6) == 0;
    printf("poll: error reported (%s), state %s\n", sent ? "sent" : why(errno), baton_state(task));
  } else {
    printf("poll: unknown command %s\n", line);
  }
}

/* reads what stdin has and runs each whole line; returns 0 at its end */
static int read_lines(void (*each)(char *)) {
  static char pending[4096];
  static size_t used;
  ssize_t n = read(0, pending + used, sizeof pending - 1 - used);
  if (n <= 0) return n < 0 && errno == EINTR;
  used += (size_t)n;
  char *start = pending, *nl;
  while ((nl = memchr(start, '\n', used - (size_t)(start - pending)))) {
    *nl = 0;
    each(start);
    start = nl + 1;
  }
  used -= (size_t)(start - pending);
  memmove(pending, start, used);
  return 1;
}

static void after_exit(char *line) { printf("poll: after EXIT: %s\n", line); }

int main(void) {
  setvbuf(stdout, NULL, _IOLBF, 0);
  task = baton_open(on_transition, NULL);
  if (!task) {
    printf("poll: baton_open failed (%s): %s\n", why(errno), baton_last_error());
    return 2;
  }
  int status = BATON_CONTINUE, detector = 0, last_fd = -2;
  while (status == BATON_CONTINUE) {
    if (baton_fd(task) != last_fd) printf("poll: control fd %d\n", last_fd = baton_fd(task));
    struct pollfd fds[2] = {{.fd = baton_fd(task), .events = POLLIN}, {.fd = detector, .events = POLLIN}};
    if (poll(fds, 2, baton_timeout(task)) < 0 && errno != EINTR) return 3;
    if (fds[1].revents && !read_lines(command)) detector = -1; /* the detector is gone: control only */
    status = baton_dispatch(task, 0);
  }
  printf("poll: left the agent (status %d, state %s)\n", status, baton_state(task));
  while ((status == BATON_EXITED || status == BATON_EXIT_FAILED) && detector >= 0 && read_lines(after_exit)) {
  }
  baton_close(task);
  return baton_exit_code(status);
}
