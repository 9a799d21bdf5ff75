"""The task's side of the control socket: one gRPC call /baton.v1.TaskControl/Control at a time.

Threads, per call: grpcio's own thread takes what the task sends from a queue (the request
iterator, so any thread may send), and one reader thread of ours puts what the agent sends, and
the end of the call, into the runner's inbox. The runner (the thread that called run_task) is the
only one that dials, and it does so only after the previous call has ended.
"""
import itertools
import queue
import threading
from typing import NamedTuple, Optional

import grpc

from .gen import task_pb2, task_pb2_grpc

# One dial is one attempt: no proxy between a task and its agent; no subchannel (and its
# reconnect backoff) shared with an earlier channel, since the runner keeps its own backoff; no
# retries hidden inside the call.
CHANNEL_OPTIONS = (
    ('grpc.enable_http_proxy', 0),
    ('grpc.use_local_subchannel_pool', 1),
    ('grpc.enable_retries', 0),
)
_END = None  # put in a call's outbox: the request iterator ends, which half-closes the call


class Received(NamedTuple):
    call: int
    message: task_pb2.AgentToTask


class Ended(NamedTuple):
    call: int
    code: grpc.StatusCode
    details: str


def _requests(outbox: 'queue.Queue'):
    while True:
        message = outbox.get()
        if message is _END:
            return
        yield message


class ControlLink:
    def __init__(self, target: str, inbox: 'queue.Queue'):
        self._target = target
        self._inbox = inbox
        self._lock = threading.Lock()
        self._ids = itertools.count(1)
        self._channel: Optional[grpc.Channel] = None
        self._outbox: Optional[queue.Queue] = None
        self.call = 0  # the id of the current call, whose Received/Ended the runner acts on

    def dial(self, hello: task_pb2.TaskMsg) -> None:
        """Opens a new call whose first message is `hello`. The previous call must have ended."""
        self.release()
        channel = grpc.insecure_channel(self._target, options=CHANNEL_OPTIONS)
        outbox: queue.Queue = queue.Queue()
        outbox.put(hello)
        call = next(self._ids)
        responses = task_pb2_grpc.TaskControlStub(channel).Control(_requests(outbox))
        with self._lock:
            self._channel, self._outbox, self.call = channel, outbox, call
        threading.Thread(target=self._read, args=(call, responses), name=f'baton-task-read-{call}', daemon=True).start()

    def _read(self, call: int, responses) -> None:
        try:
            for message in responses:
                self._inbox.put(Received(call, message))
            self._inbox.put(Ended(call, grpc.StatusCode.OK, ''))
        except grpc.RpcError as error:
            self._inbox.put(Ended(call, error.code(), error.details() or ''))

    def send(self, message: task_pb2.TaskMsg) -> bool:
        """Queues a message on the current call; False when there is none (it is dropped)."""
        with self._lock:
            if self._outbox is None:
                return False
            self._outbox.put(message)
            return True

    def half_close(self) -> None:
        """Ends the task's side of the call after what is queued; the agent's side stays open."""
        with self._lock:
            outbox, self._outbox = self._outbox, None
        if outbox is not None:
            outbox.put(_END)

    def release(self) -> None:
        """Closes the current call's channel (cancelling the call if it still runs)."""
        self.half_close()  # also lets grpcio's request thread, waiting on the outbox, finish
        with self._lock:
            channel, self._channel = self._channel, None
        if channel is not None:
            channel.close()
