"""Baton task SDK for Python: the task side of proto/task.proto (see sdk/python/README.md).

    import sys
    from baton_task import run_task
    sys.exit(run_task({'configure': lambda args, task: print(args), 'start': ...}))
"""
from .runner import run_task
from .settings import DEFAULT_ORPHAN_GRACE_MS, ORPHAN_GRACE_ENV
from .states import TASK_EVENTS, TASK_STATES, TRANSITIONS
from .task import Task

__all__ = ['run_task', 'Task', 'TASK_EVENTS', 'TASK_STATES', 'TRANSITIONS', 'ORPHAN_GRACE_ENV', 'DEFAULT_ORPHAN_GRACE_MS']
