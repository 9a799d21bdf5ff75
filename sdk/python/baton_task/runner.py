"""run_task: dial the agent, say hello, answer transitions until EXIT; re-dial a broken call; give
up after three refusals, after three calls without a welcome before the first one (the agent
died between the spawn and the hello: no one else knows the task), or after the orphan grace.

Threading model: everything here, handlers included, runs on the thread that called run_task, one
transition at a time, in the order the agent sent them. link.py's reader thread only passes
messages into the inbox this thread waits on; Task.event and Task.error may be called from any
thread."""
import os
import queue
import sys
import time
from typing import Mapping, Optional

import grpc

from .gen import task_pb2
from .link import ControlLink, Ended, Received
from .settings import ORPHAN_GRACE_ENV, Settings, SettingsError, settings_from
from .task import Task, resolve_handlers

RETRY_MIN_MS = 100
RETRY_MAX_MS = 2000
REFUSALS_TO_LEAVE = 3
# before its first welcome: calls in a row that end without one (refused, or no agent to dial),
# after which the task leaves. Its agent listened before it spawned the task, so no agent means it
# died before the hello; that launch was never reported, and nobody else knows the task. Not with
# an orphan grace of 0, which waits for an agent for good.
UNWELCOMED_TO_LEAVE = 3
# after EXIT the task half-closes its side and waits this long for the agent to end the call, so
# that the reply is on its way before the program goes on (or leaves)
EXIT_FLUSH_S = 2.0


def _say(line: str) -> None:
    sys.stderr.write(line + '\n')
    sys.stderr.flush()


def run_task(handlers, env: Optional[Mapping[str, str]] = None) -> int:
    """Runs this process as a Baton controlled task until EXIT, then returns the exit code for the
    program to leave with (0 after an ok EXIT, 1 when the EXIT handler failed, the agent refused
    the task three times, or no agent was reached for BATON_ORPHAN_GRACE_MS). Without BATON_CONTROL,
    BATON_TASK_ID and BATON_TASK_TOKEN, or with a BATON_CONTROL that is not an address, it says so
    on stderr and exits with code 2 (SystemExit)."""
    try:
        settings = settings_from(os.environ if env is None else env)
    except SettingsError as problem:
        _say(str(problem))
        raise SystemExit(2) from None
    return _Runner(settings, resolve_handlers(handlers)).run()


class _Runner:
    def __init__(self, settings: Settings, handlers):
        self.settings = settings
        self.inbox: queue.Queue = queue.Queue()
        self.link = ControlLink(settings.target, self.inbox)
        self.task = Task(settings, handlers, self.link.send)
        self.grace_s = settings.orphan_grace_ms / 1000
        # when the task last lost its agent (or started); None while an agent has it. Monotonic:
        # a step of the wall clock must not end a task early or late.
        self.lost_at: Optional[float] = time.monotonic()

    def hello(self) -> task_pb2.TaskMsg:
        s = self.settings
        return task_pb2.TaskMsg(hello=task_pb2.TaskHello(task_id=s.task_id, token=s.token, pid=os.getpid(), state=self.task.state))

    def orphan_deadline(self) -> Optional[float]:
        return None if self.lost_at is None or self.grace_s <= 0 else self.lost_at + self.grace_s

    def orphaned(self) -> int:
        lost_s = time.monotonic() - (self.lost_at or 0)
        s = self.settings
        _say(f'{s.name}: no agent at {s.control} for {lost_s:.1f} s ({ORPHAN_GRACE_ENV} {s.orphan_grace_ms}); leaving rather than running on as an orphan')
        return 1

    def run(self) -> int:
        try:
            return self.serve()
        finally:
            self.link.release()

    def serve(self) -> int:
        retry_ms = RETRY_MIN_MS
        refusals = 0
        unwelcomed = 0  # calls ended without a welcome while no agent ever welcomed the task
        welcomed_once = False
        self.link.dial(self.hello())
        while True:
            deadline = self.orphan_deadline()
            try:
                item = self.inbox.get(timeout=None if deadline is None else max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                return self.orphaned()  # a call that neither ends nor brings a welcome
            if item.call != self.link.call:
                continue  # from a call already given up
            if isinstance(item, Received):
                # any message (the agent welcomes an accepted hello first) means it has the task
                retry_ms, refusals, self.lost_at = RETRY_MIN_MS, 0, None
                welcomed_once = True
                if item.message.WhichOneof('msg') == 'transition':
                    code = self.answer(item.message.transition)
                    if code is not None:
                        return code
                continue
            assert isinstance(item, Ended)
            self.link.release()
            if item.code == grpc.StatusCode.UNAUTHENTICATED:
                refusals += 1
                if refusals >= REFUSALS_TO_LEAVE:
                    _say(f'{self.settings.name}: the agent refused this task ({item.details}); leaving')
                    return 1
            else:
                refusals = 0
            if not welcomed_once and self.grace_s > 0:
                unwelcomed += 1
                if unwelcomed >= UNWELCOMED_TO_LEAVE:
                    s = self.settings
                    _say(
                        f'{s.name}: no agent ever welcomed this task ({item.details or item.code}); its agent is gone before '
                        'the task said hello, and no one else knows it: leaving'
                    )
                    return 1
            if self.lost_at is None:
                self.lost_at = time.monotonic()
            deadline = self.orphan_deadline()
            pause_s = retry_ms / 1000
            if deadline is not None and time.monotonic() + pause_s >= deadline:
                time.sleep(max(0.0, deadline - time.monotonic()))
                return self.orphaned()
            time.sleep(pause_s)
            retry_ms = min(retry_ms * 2, RETRY_MAX_MS)
            self.link.dial(self.hello())

    def answer(self, transition: task_pb2.Transition) -> Optional[int]:
        """Answers one transition; after EXIT, half-closes the call and gives the exit code."""
        reply = self.task.apply(transition)
        self.link.send(task_pb2.TaskMsg(reply=reply))
        if transition.event != 'EXIT':
            return None
        self.link.half_close()
        self.wait_for_end(time.monotonic() + EXIT_FLUSH_S)
        return 0 if reply.ok else 1

    def wait_for_end(self, until: float) -> None:
        while True:
            try:
                item = self.inbox.get(timeout=max(0.0, until - time.monotonic()))
            except queue.Empty:
                return
            if isinstance(item, Ended) and item.call == self.link.call:
                return
