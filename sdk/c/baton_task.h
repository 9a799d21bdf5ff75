/* Baton task SDK for C: the task side of proto/task.proto, in one file and no dependencies.
 *
 * Why it exists: a controlled Node task costs ~40 ms of CPU to start before it does anything, so
 * 1,000 of them can never come near the time it takes to spawn 1,000 trivial processes. A task
 * written in C starts in about a millisecond; this is the SDK such a task uses.
 *
 * What it speaks, as the Node SDK does (core/sdk): it dials BATON_CONTROL (unix:///path or
 * host:port), opens one gRPC call /baton.v1.TaskControl/Control over HTTP/2 (prior knowledge, no
 * TLS), says hello with BATON_TASK_ID and BATON_TASK_TOKEN, then answers every transition with
 * its new state. If the call breaks it dials again and says hello with its current state (how a
 * restarted agent re-adopts it). The agent welcomes an accepted hello (TaskWelcome) before
 * anything else, so a call that ends before any message is a refusal: after 3 in a row the task
 * leaves with exit code 1, as the Node SDK does. A task that reaches no agent for
 * BATON_ORPHAN_GRACE_MS (set by the agent; default 300 s, 0 = never) leaves with exit code 1 too:
 * its agent died and none came back, and it must not run on as an orphan.
 *
 * What it leaves out: TLS, and tracking the server's flow-control window for what it sends (a
 * task's replies are tens of bytes, and the agent's HTTP/2 gives the window back as it reads).
 *
 * The loop is blocking and single-threaded: baton_run() returns only to exit. */
#ifndef BATON_TASK_H
#define BATON_TASK_H

#include <stddef.h>

#define BATON_MAX_ARGS 64

/* one transition's arguments (task.proto Transition.args), valid during the handler only */
typedef struct {
  int count;
  const char *keys[BATON_MAX_ARGS];
  const char *values[BATON_MAX_ARGS];
} baton_args;

/* The handler of one transition (CONFIGURE, START, STOP, RESET, EXIT, RECOVER), called only when
 * the state machine allows it. Return 0 for success, or non-zero after writing the reason into
 * `error` (at most error_size bytes): the task goes to ERROR and the reason reaches the shifter. */
typedef int (*baton_handler)(const char *event, const baton_args *args, char *error, size_t error_size, void *user);

/* the value of `key` in args, or NULL */
const char *baton_arg(const baton_args *args, const char *key);

/* Runs the task until EXIT (exit code 0), or until the agent refuses it or none is reached within
 * the orphan grace (exit code 1). Without
 * BATON_CONTROL, BATON_TASK_ID and BATON_TASK_TOKEN, or with a BATON_CONTROL that is not an
 * address, it says so and exits with code 2. */
int baton_run(baton_handler handler, void *user);

#endif
