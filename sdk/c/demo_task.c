/* The C counterpart of assets/programs/demo-task.ts: a controlled task that prints a line at every
 * transition. CONFIGURE property fail_on=<EVENT> makes that transition fail. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "baton_task.h"

static char fail_on[64];

static int on_transition(const char *event, const baton_args *args, char *error, size_t error_size, void *user) {
  const char *name = user;
  if (strcmp(event, "CONFIGURE") == 0) {
    const char *f = baton_arg(args, "fail_on");
    snprintf(fail_on, sizeof fail_on, "%s", f ? f : "");
  }
  if (fail_on[0] && strcmp(fail_on, event) == 0) {
    printf("%s: failing %s (fail_on)\n", name, event);
    snprintf(error, error_size, "%s was told to fail at %s", name, event);
    return 1;
  }
  printf("%s: %s done\n", name, event);
  return 0;
}

int main(void) {
  setvbuf(stdout, NULL, _IOLBF, 0); /* a line at a time into the agent's log file */
  const char *name = getenv("BATON_TASK_NAME") && *getenv("BATON_TASK_NAME") ? getenv("BATON_TASK_NAME") : "c-demo-task";
  printf("%s: started, pid %d\n", name, (int)getpid());
  return baton_run(on_transition, (void *)name);
}
