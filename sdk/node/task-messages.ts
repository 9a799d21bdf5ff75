// task.proto's messages on the task's side: TaskMsg out, AgentToTask in, laid out by field number
// as proto/task.proto and proto/common.proto (ChannelCounter) say. Types come from the generated
// code (type-only imports: nothing of it is loaded at run time).
import type { ChannelCounter } from '../../core/rpc/gen/common.js';
import type { AgentToTask, TaskMsg, Transition } from '../../core/rpc/gen/task.js';
import { Reader, WIRE, Writer } from './wire.js';

function counterBody(c: ChannelCounter): Writer {
  return new Writer().string(1, c.channel).uint(2, c.messages).uint(3, c.bytes).double(4, c.msgRate).double(5, c.byteRate);
}

export function encodeTaskMsg(m: TaskMsg): Buffer {
  const w = new Writer();
  const msg = m.msg;
  if (!msg) return w.finish();
  switch (msg.$case) {
    case 'hello': {
      const h = msg.hello;
      return w.message(1, new Writer().string(1, h.taskId).string(2, h.token).int32(3, h.pid).string(4, h.state)).finish();
    }
    case 'reply': {
      const r = msg.reply;
      return w.message(2, new Writer().uint(1, r.seq).bool(2, r.ok).string(3, r.state).string(4, r.error)).finish();
    }
    case 'event': {
      const e = msg.event;
      return w.message(3, new Writer().string(1, e.kind).string(2, e.message).stringMap(3, e.data)).finish();
    }
    case 'counters': {
      const body = new Writer();
      for (const c of msg.counters.channels) body.message(1, counterBody(c));
      return w.message(4, body).finish();
    }
  }
}

function decodeTransition(r: Reader): Transition {
  const t: Transition = { seq: 0, event: '', args: {}, deadlineMs: 0 };
  while (!r.done) {
    const { field, wire } = r.tag();
    if (field === 1 && wire === WIRE.VARINT) t.seq = r.varint();
    else if (field === 2 && wire === WIRE.LEN) t.event = r.string();
    else if (field === 3 && wire === WIRE.LEN) r.stringMapEntry(t.args);
    else if (field === 4 && wire === WIRE.VARINT) t.deadlineMs = r.varint();
    else r.skip(wire);
  }
  return t;
}

/** Throws on a malformed message (the caller drops the connection and dials again). */
export function decodeAgentToTask(buf: Buffer): AgentToTask {
  const r = new Reader(buf);
  const out: AgentToTask = { msg: undefined };
  while (!r.done) {
    const { field, wire } = r.tag();
    if (field === 1 && wire === WIRE.LEN) out.msg = { $case: 'transition', transition: decodeTransition(r.sub()) };
    else if (field === 2 && wire === WIRE.LEN) {
      r.sub(); // TaskWelcome has no fields (yet): newer agents' ones are skipped with it
      out.msg = { $case: 'welcome', welcome: {} };
    } else r.skip(wire);
  }
  return out;
}
