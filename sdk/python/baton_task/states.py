"""The task state machine of proto/task.proto: which events a task accepts in which state, and the
state each one leads to. The one table of the Python SDK; the Node and C SDKs each keep the same
table in their own language."""
from typing import Dict, NamedTuple, Tuple

STANDBY = 'STANDBY'
CONFIGURED = 'CONFIGURED'
RUNNING = 'RUNNING'
ERROR = 'ERROR'
DONE = 'DONE'
TASK_STATES = (STANDBY, CONFIGURED, RUNNING, ERROR, DONE)


class Rule(NamedTuple):
    allowed_from: Tuple[str, ...]
    to: str


TRANSITIONS: Dict[str, Rule] = {
    'CONFIGURE': Rule((STANDBY,), CONFIGURED),
    'START': Rule((CONFIGURED,), RUNNING),
    'STOP': Rule((RUNNING,), CONFIGURED),
    'RESET': Rule((CONFIGURED,), STANDBY),
    'EXIT': Rule((STANDBY, CONFIGURED, RUNNING, ERROR), DONE),
}
TASK_EVENTS = tuple(TRANSITIONS)

# the handler method (or mapping key) that answers each event
HANDLER_NAMES: Dict[str, str] = {event: event.lower() for event in TASK_EVENTS}
