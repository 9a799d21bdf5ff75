/* Baton task SDK for C: the task side of proto/task.proto, in one file and no dependencies.
 *
 * Why it exists: a controlled Node task costs ~40 ms of CPU to start before it does anything, so
 * 1,000 of them can never come near the time it takes to spawn 1,000 trivial processes. A task
 * written in C starts in about a millisecond; this is the SDK such a task uses.
 *
 * What it speaks, as the Node SDK does (sdk/node): it dials BATON_CONTROL (unix:///path or
 * host:port), opens one gRPC call /baton.v1.TaskControl/Control over HTTP/2 (prior knowledge, no
 * TLS), says hello with BATON_TASK_ID and BATON_TASK_TOKEN, then answers every transition with
 * its new state. If the call breaks it dials again (100 ms, doubling to 2 s) and says hello with
 * its current state (how a restarted agent re-adopts it). The agent welcomes an accepted hello
 * (TaskWelcome) before anything else, so a call that ends before any message is a refusal: after 3
 * in a row the task must leave with exit code 1. A task that reaches no agent for
 * BATON_ORPHAN_GRACE_MS (set by the agent; default 300 s, 0 = never) must leave with exit code 1
 * too: its agent died and none came back, and it must not run on as an orphan. After answering
 * EXIT it half-closes its stream (END_STREAM on the reply) and never dials again.
 *
 * What it leaves out: TLS, HPACK decoding (its request headers are literals; the agent's header
 * blocks are skipped), and tracking the agent's flow-control window for what it sends (a task's
 * messages are small, and the agent's HTTP/2 gives the window back as it reads).
 *
 * Two ways to use it (sdk/c/README.md has examples):
 * - baton_run(handler, user): blocks until the task must leave, returns the exit code.
 * - the pollable API, for a program with its own loop (a readout loop polling its detector):
 *   baton_open, then poll baton_fd() for reading beside your own descriptors with a timeout of
 *   at most baton_timeout(), call baton_dispatch() when it is readable or the timeout passed, and
 *   send events (baton_event) or report a spontaneous error (baton_error) whenever you like.
 * All calls on one task come from one thread. Handlers run inside baton_dispatch (or baton_run),
 * one transition at a time, and must not call baton_dispatch themselves. Out of memory, the SDK
 * prints so and exits with code 1. */
#ifndef BATON_TASK_H
#define BATON_TASK_H

#include <stddef.h>

#define BATON_MAX_ARGS 64

/* one transition's arguments (task.proto Transition.args), valid during the handler only; also
 * the data pairs of an event (baton_event_data) */
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

/* Runs the task until it must leave and returns the exit code the program should leave with: 0
 * after an ok EXIT (the reply is sent and the stream half-closed: the program may still flush its
 * files), 1 after a failed EXIT, a refusal or the orphan grace, 2 when BATON_CONTROL,
 * BATON_TASK_ID or BATON_TASK_TOKEN is missing, or BATON_CONTROL is not an address (said on
 * stderr). The same as baton_open + baton_dispatch(t, -1) until it ends + baton_close. */
int baton_run(baton_handler handler, void *user);

/* ---- the pollable API ---- */
typedef struct baton_task baton_task;

/* What baton_dispatch returns. Once it returns anything but BATON_CONTINUE it returns the same at
 * every later call, and the task neither sends nor dials again. */
enum {
  BATON_CONTINUE = 0,    /* keep going */
  BATON_EXITED = 1,      /* EXIT answered ok and the stream half-closed: leave with exit code 0 */
  BATON_EXIT_FAILED = 2, /* the EXIT handler failed (answered ERROR), stream half-closed: exit code 1 */
  BATON_REFUSED = 3,     /* the agent refused the hello 3 times in a row, or, before the first welcome, 3 calls ended
                            without one (no agent to dial: it died before the hello) (said on stderr): exit code 1 */
  BATON_ORPHANED = 4,    /* no agent for BATON_ORPHAN_GRACE_MS (said on stderr): exit code 1 */
};

/* Reads the environment the agent gives, dials it and says hello (a dial that fails is retried by
 * baton_dispatch). NULL when the environment is missing or bad: the reason is on stderr, in
 * baton_last_error(), and errno is EINVAL. No handler runs before the first baton_dispatch, so a
 * handler may reach the task through `user` set after this returns. */
baton_task *baton_open(baton_handler handler, void *user);

/* The last reason this SDK gave on stderr (baton_open's failure, a refusal, the orphan grace), "" if none. */
const char *baton_last_error(void);

/* The descriptor to poll for reading, -1 while the task is between connections (or has ended).
 * It changes when the task dials again: read it again after every baton_dispatch. */
int baton_fd(const baton_task *t);

/* The longest a poll may wait before baton_dispatch has work that no input announces (the next
 * dial, while disconnected), in ms; -1 when only input can bring work (connected), 0 when
 * baton_dispatch returns at once (due now, or ended). */
int baton_timeout(const baton_task *t);

/* Waits up to timeout_ms (-1: without limit, 0: not at all) for input or a due dial, then reads
 * all that is there, answers the transitions in it (running the handler), answers PING and
 * SETTINGS, and dials again (saying hello with the current state) when the call broke and the
 * backoff has passed. Returns BATON_CONTINUE or the reason the task must leave (see the enum). */
int baton_dispatch(baton_task *t, int timeout_ms);

/* baton_dispatch's status as the program's exit code: -1 for BATON_CONTINUE */
int baton_exit_code(int status);

/* Sends a TaskEvent{kind, message} (baton_event_data: with data pairs, NULL for none) to the
 * agent. 0 when sent; -1 with errno ENOTCONN while between connections (the event is dropped:
 * send it again after the next dial if it matters) or EPIPE once the task has left. From a
 * handler the event goes before the transition's reply. */
int baton_event(baton_task *t, const char *kind, const char *message);
int baton_event_data(baton_task *t, const char *kind, const char *message, const baton_args *data);

/* A spontaneous error (the readout lost its link, ...): the task goes to ERROR and tells the agent
 * with a TaskEvent of kind INTERNAL_ERROR and message `reason`. Later transitions are answered
 * from ERROR (only EXIT and RECOVER are allowed), and a hello after a re-dial says ERROR. Returns
 * as baton_event does; on -1 the task is in ERROR all the same. */
int baton_error(baton_task *t, const char *reason);

/* The task's state: STANDBY, CONFIGURED, RUNNING, ERROR or DONE (a static string). */
const char *baton_state(const baton_task *t);

/* Closes the connection and frees the task. Closing a task that has not left is not leaving: the
 * agent sees its connection drop (as at a crash), so exit soon after. */
void baton_close(baton_task *t);

#endif
