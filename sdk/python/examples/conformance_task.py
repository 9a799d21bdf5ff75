#!/usr/bin/env python3
"""The Python SDK's conformance task: the behaviour every SDK's conformance task shares, for the
conformance suite (test/integration/conformance). It prints each transition it gets (START: its
run_number, CONFIGURE: its arguments sorted by key), sends the event `conformance` on START, fails
the transition named by CONFORMANCE_FAIL, and after EXIT stays CONFORMANCE_LINGER_MS ms, prints
`conformance: leaving` and leaves with the SDK's exit code."""
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))  # sdk/python: no install needed
from baton_task import TASK_EVENTS, run_task  # noqa: E402

sys.stdout.reconfigure(line_buffering=True)
got_exit = False


def handler(event, args, task):
    global got_exit
    print(f'conformance: got {event}')
    if event == 'CONFIGURE':
        for key in sorted(args):
            print(f'conformance: arg {key}={args[key]}')
    if event == 'START':
        print(f'conformance: run_number={task.run_number}')
        task.event('conformance', f'run {task.run_number}')
    if event == 'EXIT':
        got_exit = True
    if os.environ.get('CONFORMANCE_FAIL') == event:
        raise RuntimeError(f'asked to fail {event}')


code = run_task({event: (lambda args, task, event=event: handler(event, args, task)) for event in TASK_EVENTS})
if got_exit:
    linger_ms = os.environ.get('CONFORMANCE_LINGER_MS', '')
    if linger_ms.isdigit():
        time.sleep(int(linger_ms) / 1000)
    print('conformance: leaving')
sys.exit(code)
