/* Baton task SDK for C (see baton_task.h). Three small layers, bottom up: protobuf for
 * task.proto's few messages, HTTP/2 frames for one client stream, and the control loop. */
#define _POSIX_C_SOURCE 200809L
#include "baton_task.h"

#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

static void die(const char *what) {
  fprintf(stderr, "baton task: %s\n", what);
  exit(1);
}

/* ---- a growable byte buffer ---- */
typedef struct {
  unsigned char *p;
  size_t len, cap;
} buf_t;

static void buf_put(buf_t *b, const void *d, size_t n) {
  if (b->len + n > b->cap) {
    size_t c = b->cap ? b->cap : 256;
    while (c < b->len + n) c *= 2;
    b->p = realloc(b->p, c);
    if (!b->p) die("out of memory");
    b->cap = c;
  }
  memcpy(b->p + b->len, d, n);
  b->len += n;
}
static void buf_byte(buf_t *b, unsigned v) {
  unsigned char c = (unsigned char)v;
  buf_put(b, &c, 1);
}
static void buf_u32(buf_t *b, uint32_t v) {
  unsigned char c[4] = {(unsigned char)(v >> 24), (unsigned char)(v >> 16), (unsigned char)(v >> 8), (unsigned char)v};
  buf_put(b, c, 4);
}
static void buf_consume(buf_t *b, size_t n) {
  memmove(b->p, b->p + n, b->len - n);
  b->len -= n;
}
static uint32_t get_u32(const unsigned char *p) {
  return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* ---- protobuf: writing (proto3 leaves zero values out) ---- */
static void pb_varint(buf_t *b, uint64_t v) {
  while (v > 127) {
    buf_byte(b, (unsigned)(v & 127) | 128);
    v >>= 7;
  }
  buf_byte(b, (unsigned)v);
}
static void pb_tag(buf_t *b, int field, int wire) { pb_varint(b, (uint64_t)field << 3 | (uint64_t)wire); }
static void pb_uint(buf_t *b, int field, uint64_t v) {
  if (!v) return;
  pb_tag(b, field, 0);
  pb_varint(b, v);
}
static void pb_string(buf_t *b, int field, const char *s) {
  size_t n = strlen(s);
  if (!n) return;
  pb_tag(b, field, 2);
  pb_varint(b, n);
  buf_put(b, s, n);
}
static void pb_message(buf_t *b, int field, const buf_t *m) {
  pb_tag(b, field, 2);
  pb_varint(b, m->len);
  buf_put(b, m->p, m->len);
}

/* ---- protobuf: reading; `bad` is set on a malformed message and stays set ---- */
typedef struct {
  const unsigned char *p, *end;
  int bad;
} rd_t;

static uint64_t rd_varint(rd_t *r) {
  uint64_t v = 0;
  for (int shift = 0; r->p < r->end && shift < 70; shift += 7) {
    unsigned char c = *r->p++;
    if (shift < 64) v |= (uint64_t)(c & 127) << shift;
    if (!(c & 128)) return v;
  }
  r->bad = 1;
  return 0;
}
static rd_t rd_sub(rd_t *r) {
  uint64_t n = rd_varint(r);
  rd_t s = {r->p, r->p, 1};
  if (r->bad || n > (uint64_t)(r->end - r->p)) {
    r->bad = 1;
    return s;
  }
  s.end = r->p + n;
  s.bad = 0;
  r->p += n;
  return s;
}
static void rd_skip(rd_t *r, int wire) {
  size_t need = wire == 1 ? 8 : wire == 5 ? 4 : 0;
  if (wire == 0) rd_varint(r);
  else if (wire == 2) rd_sub(r);
  else if (need && (size_t)(r->end - r->p) >= need) r->p += need;
  else r->bad = 1;
}
/* a length-delimited field as a NUL-terminated copy in `arena` (freed after the message) */
static char *rd_string(rd_t *r, char **arena, int *used, int max) {
  rd_t s = rd_sub(r);
  if (r->bad || *used >= max) {
    r->bad = 1;
    return NULL;
  }
  size_t n = (size_t)(s.end - s.p);
  char *c = malloc(n + 1);
  if (!c) die("out of memory");
  memcpy(c, s.p, n);
  c[n] = 0;
  arena[(*used)++] = c;
  return c;
}

/* ---- the messages ---- */
#define ARENA_MAX (2 * BATON_MAX_ARGS + 4)
typedef struct {
  int is_transition, is_welcome;
  uint64_t seq;
  const char *event;
  baton_args args;
  char *arena[ARENA_MAX];
  int used;
} agent_msg;

static void msg_free(agent_msg *m) {
  for (int i = 0; i < m->used; i++) free(m->arena[i]);
  m->used = 0;
}

/* AgentToTask: transition = 1 {seq 1, event 2, args 3 (map entry: key 1, value 2), deadline_ms 4}; welcome = 2 */
static int decode_agent_msg(const unsigned char *p, size_t n, agent_msg *m) {
  memset(m, 0, sizeof *m);
  m->event = "";
  rd_t r = {p, p + n, 0};
  while (!r.bad && r.p < r.end) {
    uint64_t tag = rd_varint(&r);
    int field = (int)(tag >> 3), wire = (int)(tag & 7);
    if (field == 2 && wire == 2) {
      rd_sub(&r);
      m->is_welcome = 1;
    } else if (field == 1 && wire == 2) {
      rd_t t = rd_sub(&r);
      m->is_transition = 1;
      while (!r.bad && !t.bad && t.p < t.end) {
        uint64_t ttag = rd_varint(&t);
        int f = (int)(ttag >> 3), w = (int)(ttag & 7);
        if (f == 1 && w == 0) m->seq = rd_varint(&t);
        else if (f == 2 && w == 2) m->event = rd_string(&t, m->arena, &m->used, ARENA_MAX);
        else if (f == 3 && w == 2 && m->args.count < BATON_MAX_ARGS) {
          rd_t e = rd_sub(&t);
          const char *k = "", *v = "";
          while (!t.bad && !e.bad && e.p < e.end) {
            uint64_t etag = rd_varint(&e);
            if (etag == (1 << 3 | 2)) k = rd_string(&e, m->arena, &m->used, ARENA_MAX);
            else if (etag == (2 << 3 | 2)) v = rd_string(&e, m->arena, &m->used, ARENA_MAX);
            else rd_skip(&e, (int)(etag & 7));
          }
          if (e.bad) t.bad = 1;
          m->args.keys[m->args.count] = k;
          m->args.values[m->args.count++] = v;
        } else rd_skip(&t, w);
      }
      if (t.bad || !m->event) r.bad = 1;
    } else rd_skip(&r, wire);
  }
  return r.bad ? -1 : 0;
}

/* TaskMsg: hello = 1 {task_id 1, token 2, pid 3, state 4}; reply = 2 {seq 1, ok 2, state 3, error 4} */
static void encode_hello(buf_t *out, const char *id, const char *token, const char *state) {
  buf_t h = {0};
  pb_string(&h, 1, id);
  pb_string(&h, 2, token);
  pb_uint(&h, 3, (uint64_t)getpid());
  pb_string(&h, 4, state);
  pb_message(out, 1, &h);
  free(h.p);
}
/* TaskMsg event = 3 {kind 1, message 2, data 3 (map entry: key 1, value 2)} */
static void encode_event(buf_t *out, const char *kind, const char *message, const baton_args *data) {
  buf_t e = {0}, entry = {0};
  pb_string(&e, 1, kind);
  pb_string(&e, 2, message);
  for (int i = 0; data && i < data->count && i < BATON_MAX_ARGS; i++) {
    entry.len = 0;
    pb_string(&entry, 1, data->keys[i] ? data->keys[i] : "");
    pb_string(&entry, 2, data->values[i] ? data->values[i] : "");
    pb_message(&e, 3, &entry);
  }
  pb_message(out, 3, &e);
  free(e.p);
  free(entry.p);
}
static void encode_reply(buf_t *out, uint64_t seq, int ok, const char *state, const char *error) {
  buf_t r = {0};
  pb_uint(&r, 1, seq);
  pb_uint(&r, 2, ok ? 1 : 0);
  pb_string(&r, 3, state);
  pb_string(&r, 4, error);
  pb_message(out, 2, &r);
  free(r.p);
}

/* ---- HTTP/2 (RFC 9113), the client side of one stream (id 1) ---- */
enum { H2_DATA = 0, H2_HEADERS = 1, H2_RST_STREAM = 3, H2_SETTINGS = 4, H2_PING = 6, H2_GOAWAY = 7, H2_WINDOW_UPDATE = 8 };
enum { F_END_STREAM = 1, F_ACK = 1, F_END_HEADERS = 4, F_PADDED = 8 };
#define STREAM 1
#define MAX_FRAME 16384 /* SETTINGS_MAX_FRAME_SIZE: we keep the default */

static void h2_frame_header(buf_t *b, size_t len, int type, int flags, uint32_t stream) {
  buf_byte(b, (unsigned)(len >> 16));
  buf_byte(b, (unsigned)(len >> 8));
  buf_byte(b, (unsigned)len);
  buf_byte(b, (unsigned)type);
  buf_byte(b, (unsigned)flags);
  buf_u32(b, stream);
}
static void h2_window_update(buf_t *b, uint32_t stream, uint32_t n) {
  h2_frame_header(b, 4, H2_WINDOW_UPDATE, 0, stream);
  buf_u32(b, n);
}
/* one gRPC message (flag byte, 4-byte length) in DATA frames of at most MAX_FRAME bytes; with
 * end_stream the last frame half-closes the stream */
static void h2_grpc_message(buf_t *out, const buf_t *msg, int end_stream) {
  buf_t g = {0};
  buf_byte(&g, 0);
  buf_u32(&g, (uint32_t)msg->len);
  buf_put(&g, msg->p, msg->len);
  for (size_t off = 0; off < g.len; off += MAX_FRAME) {
    size_t n = g.len - off < MAX_FRAME ? g.len - off : MAX_FRAME;
    h2_frame_header(out, n, H2_DATA, end_stream && off + n == g.len ? F_END_STREAM : 0, STREAM);
    buf_put(out, g.p + off, n);
  }
  free(g.p);
}
/* HPACK string literal, no Huffman: 7-bit prefix length */
static void hpack_string(buf_t *b, const char *s) {
  size_t n = strlen(s);
  if (n < 127) buf_byte(b, (unsigned)n);
  else {
    buf_byte(b, 127);
    for (n -= 127; n >= 128; n >>= 7) buf_byte(b, (unsigned)(n & 127) | 128);
    buf_byte(b, (unsigned)n);
  }
  buf_put(b, s, strlen(s));
}
/* The request: :method POST and :scheme http from the static table, the rest literal without
 * indexing (static name indexes 4 :path, 1 :authority, 31 content-type; te is a new name). */
static void h2_request(buf_t *out, const char *path) {
  buf_t h = {0};
  buf_byte(&h, 0x83);
  buf_byte(&h, 0x86);
  buf_byte(&h, 0x04);
  hpack_string(&h, path);
  buf_byte(&h, 0x01);
  hpack_string(&h, "localhost");
  buf_byte(&h, 0x0f);
  buf_byte(&h, 31 - 15);
  hpack_string(&h, "application/grpc");
  buf_byte(&h, 0x00);
  hpack_string(&h, "te");
  hpack_string(&h, "trailers");
  h2_frame_header(out, h.len, H2_HEADERS, F_END_HEADERS, STREAM);
  buf_put(out, h.p, h.len);
  free(h.p);
}

/* a broken connection must be a failed write, not a SIGPIPE that kills the task: send() with
 * MSG_NOSIGNAL, or SO_NOSIGPIPE on the socket where there is no such flag (set in dial) */
#ifndef MSG_NOSIGNAL
#define MSG_NOSIGNAL 0
#endif
static int write_all(int fd, const buf_t *b) {
  for (size_t off = 0; off < b->len;) {
    ssize_t n = send(fd, b->p + off, b->len - off, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return -1;
    off += (size_t)n;
  }
  return 0;
}

static int no_sigpipe(int fd) {
#ifdef SO_NOSIGPIPE
  int one = 1;
  if (fd >= 0) setsockopt(fd, SOL_SOCKET, SO_NOSIGPIPE, &one, sizeof one);
#endif
  return fd;
}
/* whether `address` can never be dialled: not unix:///absolute/path (that fits a socket address)
 * nor host:port */
static int bad_address(const char *address) {
  if (strncmp(address, "unix:", 5) == 0) {
    const char *path = address + 5;
    if (strncmp(path, "//", 2) == 0) path += 2;
    return path[0] != '/' || strlen(path) >= sizeof(((struct sockaddr_un *)0)->sun_path);
  }
  const char *colon = strrchr(address, ':');
  return !colon || colon == address || !colon[1] || colon - address >= 256;
}

/* unix:///path (or unix:/path) or host:port ([v6]:port) -> a connected socket, -1 if it could not
 * connect (the agent may be restarting: try again), -2 if the address itself is wrong */
static int dial(const char *address) {
  if (strncmp(address, "unix:", 5) == 0) {
    const char *path = address + 5;
    if (strncmp(path, "//", 2) == 0) path += 2;
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    if (path[0] != '/' || strlen(path) >= sizeof sa.sun_path) return -2;
    strcpy(sa.sun_path, path);
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    if (fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof sa) == 0) return no_sigpipe(fd);
    if (fd >= 0) close(fd);
    return -1;
  }
  char host[256];
  const char *colon = strrchr(address, ':');
  if (!colon || colon == address || !colon[1] || (size_t)(colon - address) >= sizeof host) return -2;
  memcpy(host, address, (size_t)(colon - address));
  host[colon - address] = 0;
  char *h = host;
  if (h[0] == '[' && h[strlen(h) - 1] == ']') {
    h[strlen(h) - 1] = 0;
    h++;
  }
  struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM}, *res;
  if (getaddrinfo(h, colon + 1, &hints, &res) != 0) return -1;
  int fd = -1;
  for (struct addrinfo *a = res; a && fd < 0; a = a->ai_next) {
    fd = socket(a->ai_family, a->ai_socktype, a->ai_protocol);
    if (fd >= 0 && connect(fd, a->ai_addr, a->ai_addrlen) != 0) {
      close(fd);
      fd = -1;
    }
  }
  freeaddrinfo(res);
  return no_sigpipe(fd);
}

/* ---- the task's state machine (core/model/states.ts TASK_TRANSITION_TABLE) ---- */
static const struct {
  const char *event;
  const char *from[4];
  const char *to;
} TABLE[] = {
    {"CONFIGURE", {"STANDBY"}, "CONFIGURED"},
    {"START", {"CONFIGURED"}, "RUNNING"},
    {"STOP", {"RUNNING"}, "CONFIGURED"},
    {"RESET", {"CONFIGURED"}, "STANDBY"},
    {"EXIT", {"STANDBY", "CONFIGURED", "RUNNING", "ERROR"}, "DONE"},
    {"RECOVER", {"ERROR"}, "STANDBY"},
};

#define RETRY_MIN_MS 100
#define RETRY_MAX_MS 2000

struct baton_task {
  baton_handler handler;
  void *user;
  const char *state; /* a static string */
  char *address, *id, *token, *name;
  int fd;       /* the current call's socket; -1 between calls */
  int welcomed; /* the current call brought a message: the agent accepted the hello */
  int ever_welcomed; /* some call did: before that, a dial that fails counts as a refusal */
  int broken;   /* a write on the current call failed: end it at the next dispatch */
  int dispatching;
  int status;   /* BATON_CONTINUE until the task must leave */
  int refusals, retry_ms;
  long long grace_ms, lost_at, next_dial_at; /* monotonic ms */
  buf_t in, grpc, out;
};

static char last_error[512];

const char *baton_last_error(void) { return last_error; }

/* says why on stderr and keeps it for baton_last_error */
static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(last_error, sizeof last_error, fmt, ap);
  va_end(ap);
  fprintf(stderr, "%s\n", last_error);
}

static long long now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* BATON_ORPHAN_GRACE_MS as the agent passes it (0 = wait forever); the agent's default, 300 s, when
 * absent or unreadable (core/model/orphan-grace.ts) */
static long long orphan_grace_ms(const char *v) {
  char *end;
  if (!v || !*v) return 300000;
  errno = 0;
  long long n = strtoll(v, &end, 10);
  return errno || *end || n < 0 ? 300000 : n;
}

const char *baton_arg(const baton_args *args, const char *key) {
  for (int i = 0; i < args->count; i++)
    if (strcmp(args->keys[i], key) == 0) return args->values[i];
  return NULL;
}

/* writes what is queued; a failure marks the call broken (ended by the next dispatch) */
static void flush(baton_task *t) {
  if (t->fd >= 0 && !t->broken && t->out.len && write_all(t->fd, &t->out) != 0) t->broken = 1;
  t->out.len = 0;
}

/* the call is gone: wait RETRY_MIN_MS doubling to RETRY_MAX_MS before the next dial, unless the
 * orphan grace has run out */
static void schedule_dial(baton_task *t) {
  long long now = now_ms();
  if (t->grace_ms > 0 && now - t->lost_at >= t->grace_ms) {
    say("%s: no agent at %s for %.1f s (BATON_ORPHAN_GRACE_MS %lld); leaving rather than running on as an orphan", t->name, t->address,
        (double)(now - t->lost_at) / 1000.0, t->grace_ms);
    t->status = BATON_ORPHANED;
    return;
  }
  t->next_dial_at = now + t->retry_ms;
  t->retry_ms = t->retry_ms * 2 > RETRY_MAX_MS ? RETRY_MAX_MS : t->retry_ms * 2;
}

static void end_call(baton_task *t) {
  close(t->fd);
  t->fd = -1;
  t->broken = 0;
  t->in.len = t->grpc.len = t->out.len = 0;
  if (t->welcomed) {
    t->refusals = 0;
    t->retry_ms = RETRY_MIN_MS;
    t->lost_at = now_ms();
  } else if (++t->refusals >= 3) {
    /* a call that ended before the agent's welcome: the hello was refused */
    say("%s: the agent refused this task (task %s: 3 hellos without a welcome); leaving", t->name, t->id);
    t->status = BATON_REFUSED;
    return;
  }
  schedule_dial(t);
}

/* dials, and sends the preface, the request and the hello with the current state */
static void start_call(baton_task *t) {
  int fd = dial(t->address);
  if (fd < 0) {
    /* never welcomed: the agent listened before it spawned this task, so no agent to dial means it
     * died between the spawn and the hello; nobody was told of the task (an agent reports a
     * controlled task once it said hello), so it leaves rather than wait out the orphan grace (0:
     * it waits for an agent for good) */
    if (!t->ever_welcomed && t->grace_ms > 0 && ++t->refusals >= 3) {
      say("%s: no agent ever welcomed this task (no agent at %s, 3 dials); its agent is gone before the task said hello, and no one else knows it: leaving",
          t->name, t->address);
      t->status = BATON_REFUSED;
      return;
    }
    schedule_dial(t);
    return;
  }
  t->fd = fd;
  t->welcomed = 0;
  static const char PREFACE[] = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";
  buf_put(&t->out, PREFACE, sizeof PREFACE - 1);
  h2_frame_header(&t->out, 6, H2_SETTINGS, 0, 0); /* SETTINGS_ENABLE_PUSH = 0 */
  buf_byte(&t->out, 0);
  buf_byte(&t->out, 2);
  buf_u32(&t->out, 0);
  h2_request(&t->out, "/baton.v1.TaskControl/Control");
  buf_t hello = {0};
  encode_hello(&hello, t->id, t->token, t->state);
  h2_grpc_message(&t->out, &hello, 0);
  free(hello.p);
  flush(t);
}

/* applies one transition and queues the reply; after EXIT the reply half-closes the stream and
 * the task has left */
static void apply(baton_task *t, const agent_msg *m) {
  char error[512] = "";
  int ok = 0, known = 0, allowed = 0;
  const char *to = t->state;
  for (size_t i = 0; i < sizeof TABLE / sizeof TABLE[0]; i++) {
    if (strcmp(TABLE[i].event, m->event) != 0) continue;
    known = 1;
    to = TABLE[i].to;
    for (int j = 0; j < 4 && TABLE[i].from[j]; j++) allowed |= strcmp(TABLE[i].from[j], t->state) == 0;
  }
  if (!known) snprintf(error, sizeof error, "unknown event %s", m->event);
  else if (!allowed) snprintf(error, sizeof error, "%s is not allowed from %s", m->event, t->state);
  else if (t->handler && t->handler(m->event, &m->args, error, sizeof error, t->user) != 0) {
    t->state = "ERROR";
    if (!error[0]) snprintf(error, sizeof error, "%s failed", m->event);
  } else {
    t->state = to;
    ok = 1;
    error[0] = 0;
  }
  int leaving = known && allowed && strcmp(m->event, "EXIT") == 0;
  buf_t reply = {0};
  encode_reply(&reply, m->seq, ok, t->state, error);
  h2_grpc_message(&t->out, &reply, leaving);
  free(reply.p);
  if (leaving) t->status = ok ? BATON_EXITED : BATON_EXIT_FAILED;
}

/* handles the whole frames and messages in t->in; returns 1 when the call is over */
static int handle_input(baton_task *t) {
  int ended = 0;
  while (t->in.len >= 9 && !ended) {
    const unsigned char *in = t->in.p;
    size_t len = (size_t)in[0] << 16 | (size_t)in[1] << 8 | in[2];
    int type = in[3], flags = in[4];
    uint32_t stream = get_u32(in + 5) & 0x7fffffff;
    if (len > MAX_FRAME) return 1; /* FRAME_SIZE_ERROR: we never allowed more */
    if (t->in.len < 9 + len) break;
    const unsigned char *p = in + 9;
    if (type == H2_DATA && stream == STREAM) {
      size_t pad = (flags & F_PADDED) && len ? (size_t)p[0] + 1 : 0;
      if (pad <= len) buf_put(&t->grpc, p + (pad ? 1 : 0), len - pad);
      if (len) { /* give the window back at once: messages here are small and few */
        h2_window_update(&t->out, 0, (uint32_t)len);
        h2_window_update(&t->out, STREAM, (uint32_t)len);
      }
      if (flags & F_END_STREAM) ended = 1;
    } else if (type == H2_HEADERS && stream == STREAM) {
      if (flags & F_END_STREAM) ended = 1; /* trailers: the call is over (its status is not read) */
    } else if (type == H2_RST_STREAM && stream == STREAM) {
      ended = 1;
    } else if (type == H2_SETTINGS && !(flags & F_ACK)) {
      h2_frame_header(&t->out, 0, H2_SETTINGS, F_ACK, 0);
    } else if (type == H2_PING && !(flags & F_ACK) && len == 8) {
      h2_frame_header(&t->out, 8, H2_PING, F_ACK, 0);
      buf_put(&t->out, p, 8);
    } else if (type == H2_GOAWAY && len >= 8 && get_u32(p + 4) != 0) {
      ended = 1; /* a graceful GOAWAY lets the call finish; an error ends it */
    }
    buf_consume(&t->in, 9 + len);
  }
  /* the messages that came before the end of the call still count */
  while (t->grpc.len >= 5 && t->status == BATON_CONTINUE) {
    uint32_t mlen = get_u32(t->grpc.p + 1);
    if (t->grpc.p[0] != 0 || mlen > 64u << 20) return 1; /* compressed (never offered) or absurd: drop the call, dial again */
    if (t->grpc.len < 5 + (size_t)mlen) break;
    agent_msg m;
    int bad = decode_agent_msg(t->grpc.p + 5, mlen, &m) != 0;
    if (!bad) {
      t->welcomed = t->ever_welcomed = 1;
      if (m.is_transition) apply(t, &m);
    }
    msg_free(&m);
    buf_consume(&t->grpc, 5 + (size_t)mlen);
    if (bad) return 1;
  }
  return ended;
}

baton_task *baton_open(baton_handler handler, void *user) {
  const char *address = getenv("BATON_CONTROL"), *id = getenv("BATON_TASK_ID"), *token = getenv("BATON_TASK_TOKEN");
  const char *name = getenv("BATON_TASK_NAME") && *getenv("BATON_TASK_NAME") ? getenv("BATON_TASK_NAME") : id;
  if (!address || !*address || !id || !*id || !token || !*token) {
    say("this program is a Baton controlled task and runs under a baton agent: BATON_CONTROL, BATON_TASK_ID and BATON_TASK_TOKEN must be set");
    errno = EINVAL;
    return NULL;
  }
  if (bad_address(address)) {
    say("%s: BATON_CONTROL %s: expected unix:///absolute/path or host:port", name, address);
    errno = EINVAL;
    return NULL;
  }
  baton_task *t = calloc(1, sizeof *t);
  if (!t) die("out of memory");
  t->handler = handler;
  t->user = user;
  t->state = "STANDBY";
  t->address = strdup(address);
  t->id = strdup(id);
  t->token = strdup(token);
  t->name = strdup(name);
  if (!t->address || !t->id || !t->token || !t->name) die("out of memory");
  t->fd = -1;
  t->retry_ms = RETRY_MIN_MS;
  t->grace_ms = orphan_grace_ms(getenv("BATON_ORPHAN_GRACE_MS"));
  t->lost_at = now_ms(); /* when the task last lost its agent, or started */
  start_call(t);
  return t;
}

int baton_fd(const baton_task *t) { return t->status == BATON_CONTINUE ? t->fd : -1; }

int baton_timeout(const baton_task *t) {
  if (t->status != BATON_CONTINUE || t->broken) return 0;
  if (t->fd >= 0) return -1;
  long long wait = t->next_dial_at - now_ms();
  return wait < 0 ? 0 : (int)wait;
}

int baton_exit_code(int status) { return status == BATON_CONTINUE ? -1 : status == BATON_EXITED ? 0 : 1; }

int baton_dispatch(baton_task *t, int timeout_ms) {
  if (t->status != BATON_CONTINUE) return t->status;
  if (t->fd >= 0 && t->broken) end_call(t);
  if (t->status != BATON_CONTINUE) return t->status;
  if (t->fd < 0) {
    int wait = baton_timeout(t);
    if (timeout_ms >= 0 && timeout_ms < wait) {
      poll(NULL, 0, timeout_ms);
      return BATON_CONTINUE;
    }
    if (wait > 0) poll(NULL, 0, wait);
    start_call(t);
    return t->status;
  }
  struct pollfd pfd = {.fd = t->fd, .events = POLLIN};
  /* without a limit the read itself waits (one system call fewer per transition for baton_run) */
  if (timeout_ms >= 0 && poll(&pfd, 1, timeout_ms) <= 0) return BATON_CONTINUE; /* nothing yet, or a signal */
  t->dispatching = 1;
  unsigned char chunk[16384];
  int ended = 0;
  ssize_t n;
  do { /* what is there now; more only if a full chunk came and more waits */
    n = read(t->fd, chunk, sizeof chunk);
    if (n < 0 && errno == EINTR) break; /* a signal: back to the caller, who dispatches again */
    if (n <= 0) {
      ended = 1;
      break;
    }
    buf_put(&t->in, chunk, (size_t)n);
    ended = handle_input(t);
    flush(t);
    pfd.revents = 0;
  } while (!ended && t->status == BATON_CONTINUE && n == (ssize_t)sizeof chunk && poll(&pfd, 1, 0) > 0);
  t->dispatching = 0;
  /* after EXIT the socket stays open until baton_close, so that the agent reads the reply whole */
  if (t->status == BATON_CONTINUE && (ended || t->broken)) end_call(t);
  return t->status;
}

int baton_event_data(baton_task *t, const char *kind, const char *message, const baton_args *data) {
  if (t->status != BATON_CONTINUE) {
    errno = EPIPE;
    return -1;
  }
  if (t->fd < 0 || t->broken) {
    errno = ENOTCONN;
    return -1;
  }
  buf_t event = {0};
  encode_event(&event, kind ? kind : "", message ? message : "", data);
  h2_grpc_message(&t->out, &event, 0);
  free(event.p);
  if (!t->dispatching) flush(t); /* from a handler: sent with the reply, after it in the queue */
  if (t->broken) {
    errno = EPIPE;
    return -1;
  }
  return 0;
}

int baton_event(baton_task *t, const char *kind, const char *message) { return baton_event_data(t, kind, message, NULL); }

int baton_error(baton_task *t, const char *reason) {
  if (t->status != BATON_CONTINUE) {
    errno = EPIPE;
    return -1;
  }
  t->state = "ERROR";
  return baton_event(t, "INTERNAL_ERROR", reason);
}

const char *baton_state(const baton_task *t) { return t->state; }

void baton_close(baton_task *t) {
  if (!t) return;
  if (t->fd >= 0) close(t->fd);
  free(t->in.p);
  free(t->grpc.p);
  free(t->out.p);
  free(t->address);
  free(t->id);
  free(t->token);
  free(t->name);
  free(t);
}

int baton_run(baton_handler handler, void *user) {
  baton_task *t = baton_open(handler, user);
  if (!t) return 2;
  int status;
  while ((status = baton_dispatch(t, -1)) == BATON_CONTINUE) {
  }
  fflush(NULL); /* the program's own lines, before the agent may stop it */
  baton_close(t);
  return baton_exit_code(status);
}
