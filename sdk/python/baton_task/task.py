"""A controlled task: its state, its last configuration, and how it answers one transition."""
import sys
import threading
from collections.abc import Mapping
from typing import Callable, Dict, Optional

from .gen import task_pb2
from .settings import Settings
from .states import DONE, ERROR, HANDLER_NAMES, STANDBY, TRANSITIONS

Handler = Callable[[Dict[str, str], 'Task'], object]


def resolve_handlers(handlers) -> Dict[str, Handler]:
    """The handler of each event, from a mapping ({'configure': fn, ...}), an object with methods
    configure(args, task), start, stop, reset, exit (any may be missing), or one callable
    handler(event, args, task) for every event. TypeError names what does not fit."""
    names = {name: event for event, name in HANDLER_NAMES.items()}
    if isinstance(handlers, Mapping):
        unknown = sorted(str(key) for key in handlers if str(key).lower() not in names)
        if unknown:
            raise TypeError(f'run_task: no event for handler {", ".join(unknown)} (expected {", ".join(names)})')
        found = {names[str(key).lower()]: fn for key, fn in handlers.items() if fn is not None}
    elif any(hasattr(handlers, name) for name in names):
        found = {event: getattr(handlers, name) for name, event in names.items() if getattr(handlers, name, None) is not None}
    elif callable(handlers):
        return {event: (lambda args, task, event=event: handlers(event, args, task)) for event in HANDLER_NAMES}
    else:
        raise TypeError(f'run_task: handlers must be a mapping, an object with {", ".join(names)} methods, or a callable')
    for event, fn in found.items():
        if not callable(fn):
            raise TypeError(f'run_task: the {HANDLER_NAMES[event]} handler is not callable')
    return found


class Task:
    """What a handler gets besides its arguments. `state` is the task's state, `config` the last
    CONFIGURE arguments, `run_number` START's run_number (0 before any)."""

    def __init__(self, settings: Settings, handlers: Dict[str, Handler], send: Callable[[task_pb2.TaskMsg], bool]):
        self.id = settings.task_id
        self.name = settings.name
        self.env_id = settings.env_id
        self.node = settings.node
        self.state = STANDBY
        self.config: Dict[str, str] = {}
        self.run_number = 0
        self._handlers = handlers
        self._send = send
        self._lock = threading.Lock()  # state and _failure: error() may come from any thread
        self._in_handler = False
        self._failure: Optional[str] = None

    def event(self, kind: str, message: str = '', data: Optional[Mapping] = None) -> bool:
        """Sends a task event (END_OF_STREAM, INTERNAL_ERROR or a kind of your own) to the
        controller. From any thread. False when no agent has the task now: the event is dropped."""
        fields = {str(key): str(value) for key, value in (data or {}).items()}
        return self._send(task_pb2.TaskMsg(event=task_pb2.TaskEvent(kind=kind, message=message, data=fields)))

    def error(self, reason: str) -> None:
        """The task failed on its own (not in answer to a transition): state ERROR, and an
        INTERNAL_ERROR event with `reason`. Called during a handler, that transition fails with
        `reason` too. From any thread."""
        with self._lock:
            if self.state == DONE:
                return
            self.state = ERROR
            if self._in_handler:
                self._failure = reason
        self.event('INTERNAL_ERROR', reason)

    def apply(self, transition: task_pb2.Transition) -> task_pb2.TransitionReply:
        """Runs the handler of one transition if the state machine allows it; the reply to send."""
        event = transition.event

        def reply(ok: bool, state: str, error: str = '') -> task_pb2.TransitionReply:
            return task_pb2.TransitionReply(seq=transition.seq, ok=ok, state=state, error=error)

        rule = TRANSITIONS.get(event)
        if rule is None:
            return reply(False, self.state, f'unknown event {event}')
        if self.state not in rule.allowed_from:
            return reply(False, self.state, f'{event} is not allowed from {self.state}')
        args = dict(transition.args)
        if event == 'CONFIGURE':
            self.config = dict(args)
        if event == 'START':
            run_number = args.get('run_number', '0')
            self.run_number = int(run_number) if run_number.isascii() and run_number.isdigit() else 0
        handler = self._handlers.get(event)
        with self._lock:
            self._in_handler, self._failure = True, None
        try:
            if handler is not None:
                handler(args, self)
        except Exception as failure:  # the handler's words go back to the agent
            words = str(failure) or type(failure).__name__
            with self._lock:
                self.state = ERROR
            sys.stderr.write(f'{self.name}: {event} failed: {words}\n')
            sys.stderr.flush()
            return reply(False, ERROR, words)
        finally:
            with self._lock:
                self._in_handler = False
        with self._lock:
            if self._failure is not None:
                return reply(False, ERROR, self._failure)
            self.state = rule.to
            return reply(True, self.state)
