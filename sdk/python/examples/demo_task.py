#!/usr/bin/env python3
"""The Python counterpart of sdk/c/demo_task.c (and assets/programs/demo-task.ts): a controlled task
that prints a line at every transition, and CONFIGURE's properties. CONFIGURE property
fail_on=<EVENT> makes that transition fail. Every line is flushed at once."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))  # sdk/python: no install needed
from baton_task import run_task  # noqa: E402

sys.stdout.reconfigure(line_buffering=True)  # a line at a time into the agent's log file
name = os.environ.get('BATON_TASK_NAME') or 'python-demo-task'
fail_on = ''


def on_transition(event, args, task):
    global fail_on
    if event == 'CONFIGURE':
        fail_on = args.get('fail_on', '')
        for key in sorted(args):
            print(f'{name}: property {key}={args[key]}')
    if fail_on and fail_on == event:
        print(f'{name}: failing {event} (fail_on)')
        raise RuntimeError(f'{name} was told to fail at {event}')
    print(f'{name}: {event} done')


print(f'{name}: started, pid {os.getpid()}')
sys.exit(run_task(on_transition))
