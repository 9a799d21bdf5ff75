/* The C SDK's conformance task: the behaviour every SDK's conformance program shares, so that one
 * suite (test/integration/conformance/) checks all SDKs against a real agent. It prints each
 * transition it gets (CONFIGURE: its arguments sorted by key; START: run_number), sends an event
 * kind `conformance` on START, fails the transition named in CONFORMANCE_FAIL, and after its EXIT
 * reply (the stream half-closed) stays CONFORMANCE_LINGER_MS before it prints that it leaves.
 * Written on the pollable API, as a program with its own loop would be. */
#define _POSIX_C_SOURCE 200809L
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "baton_task.h"

static baton_task *task;

static int by_key(const void *a, const void *b) {
  const char *const *x = a, *const *y = b;
  return strcmp(x[0], y[0]);
}

static int on_transition(const char *event, const baton_args *args, char *error, size_t error_size, void *user) {
  (void)user;
  printf("conformance: got %s\n", event);
  if (strcmp(event, "CONFIGURE") == 0) {
    const char *pairs[BATON_MAX_ARGS][2];
    for (int i = 0; i < args->count; i++) {
      pairs[i][0] = args->keys[i];
      pairs[i][1] = args->values[i];
    }
    qsort(pairs, (size_t)args->count, sizeof pairs[0], by_key);
    for (int i = 0; i < args->count; i++) printf("conformance: arg %s=%s\n", pairs[i][0], pairs[i][1]);
  }
  if (strcmp(event, "START") == 0) {
    const char *run = baton_arg(args, "run_number");
    char message[300];
    snprintf(message, sizeof message, "run %s", run ? run : "");
    printf("conformance: run_number=%s\n", run ? run : "");
    baton_event(task, "conformance", message);
  }
  const char *fail = getenv("CONFORMANCE_FAIL");
  if (fail && strcmp(fail, event) == 0) {
    snprintf(error, error_size, "asked to fail %s", event);
    return 1;
  }
  return 0;
}

int main(void) {
  setvbuf(stdout, NULL, _IOLBF, 0); /* every line at once */
  task = baton_open(on_transition, NULL);
  if (!task) return 2;
  int status;
  while ((status = baton_dispatch(task, -1)) == BATON_CONTINUE) {
  }
  if (status == BATON_EXITED || status == BATON_EXIT_FAILED) {
    /* the reply is sent and the stream half-closed: the agent lets a task finish its work */
    const char *linger = getenv("CONFORMANCE_LINGER_MS");
    if (linger && *linger) poll(NULL, 0, atoi(linger));
    printf("conformance: leaving\n");
  }
  baton_close(task);
  return baton_exit_code(status);
}
