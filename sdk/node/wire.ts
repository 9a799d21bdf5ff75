// The protobuf wire format, the little of it task.proto needs (varints, strings, doubles, nested
// messages). Why not the generated codecs: they pull in @bufbuild/protobuf and grpc-js, and every
// controlled task pays that at start-up (1,000 tasks on 2 cores: tens of seconds). The message
// layouts are in task-messages.ts; test/unit/sdk/wire.test.ts checks them against the generated ones.
const WIRE_VARINT = 0;
const WIRE_FIXED64 = 1;
const WIRE_LEN = 2;
const WIRE_FIXED32 = 5;

export class Writer {
  private buf = Buffer.allocUnsafe(128);
  private len = 0;

  private room(n: number): void {
    if (this.len + n <= this.buf.length) return;
    const b = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.len + n));
    this.buf.copy(b, 0, 0, this.len);
    this.buf = b;
  }

  private varint(v: number): void {
    this.room(10);
    while (v > 127) {
      this.buf[this.len++] = (v % 128) | 128;
      v = Math.floor(v / 128);
    }
    this.buf[this.len++] = v;
  }

  private tag(field: number, wire: number): void {
    this.varint(field * 8 + wire);
  }

  /** uint32, uint64 (up to 2^53) and non-negative int32; proto3 leaves zero out */
  uint(field: number, v: number): this {
    if (!v) return this;
    if (v < 0 || !Number.isInteger(v)) throw new RangeError(`field ${field}: ${v} is not a non-negative integer`);
    this.tag(field, WIRE_VARINT);
    this.varint(v);
    return this;
  }

  /** int32: a negative value takes ten bytes (two's complement, sign-extended to 64 bits) */
  int32(field: number, v: number): this {
    if (v >= 0) return this.uint(field, v);
    this.tag(field, WIRE_VARINT);
    let x = BigInt.asUintN(64, BigInt(v | 0));
    this.room(10);
    while (x > 127n) {
      this.buf[this.len++] = Number(x & 127n) | 128;
      x >>= 7n;
    }
    this.buf[this.len++] = Number(x);
    return this;
  }

  bool(field: number, v: boolean): this {
    return v ? this.uint(field, 1) : this;
  }

  double(field: number, v: number): this {
    if (v === 0) return this; // proto3 leaves zero (and -0) out, as the generated code does
    this.tag(field, WIRE_FIXED64);
    this.room(8);
    this.buf.writeDoubleLE(v, this.len);
    this.len += 8;
    return this;
  }

  string(field: number, s: string): this {
    if (!s) return this;
    const n = Buffer.byteLength(s);
    this.tag(field, WIRE_LEN);
    this.varint(n);
    this.room(n);
    this.buf.write(s, this.len, 'utf8');
    this.len += n;
    return this;
  }

  /** a nested message, always written (a oneof member or a repeated element may be empty) */
  message(field: number, m: Writer): this {
    const body = m.finish();
    this.tag(field, WIRE_LEN);
    this.varint(body.length);
    this.room(body.length);
    body.copy(this.buf, this.len);
    this.len += body.length;
    return this;
  }

  /** map<string, string>: one entry message (key = 1, value = 2) per pair */
  stringMap(field: number, m: Record<string, string>): this {
    for (const [k, v] of Object.entries(m)) this.message(field, new Writer().string(1, k).string(2, v));
    return this;
  }

  finish(): Buffer {
    return this.buf.subarray(0, this.len);
  }
}

export class Reader {
  private pos: number;

  constructor(private readonly buf: Buffer, start = 0, private readonly end = buf.length) {
    this.pos = start;
  }

  get done(): boolean {
    return this.pos >= this.end;
  }

  varint(): number {
    let v = 0;
    let mul = 1;
    for (;;) {
      if (this.pos >= this.end) throw new Error('protobuf: truncated varint');
      const b = this.buf[this.pos++]!;
      v += (b & 127) * mul;
      if (b < 128) return v;
      mul *= 128;
      if (mul > 2 ** 70) throw new Error('protobuf: varint longer than 10 bytes');
    }
  }

  /** the next field: its number and wire type */
  tag(): { field: number; wire: number } {
    const t = this.varint();
    return { field: Math.floor(t / 8), wire: t % 8 };
  }

  /** a length-delimited field's bytes, as a Reader over them */
  sub(): Reader {
    const n = this.varint();
    if (this.pos + n > this.end) throw new Error('protobuf: a field runs past the end of its message');
    const r = new Reader(this.buf, this.pos, this.pos + n);
    this.pos += n;
    return r;
  }

  string(): string {
    const n = this.varint();
    if (this.pos + n > this.end) throw new Error('protobuf: a string runs past the end of its message');
    const s = this.buf.toString('utf8', this.pos, this.pos + n);
    this.pos += n;
    return s;
  }

  double(): number {
    if (this.pos + 8 > this.end) throw new Error('protobuf: truncated double');
    const v = this.buf.readDoubleLE(this.pos);
    this.pos += 8;
    return v;
  }

  /** steps over a field this reader does not know (newer agents may send more) */
  skip(wire: number): void {
    if (wire === WIRE_VARINT) this.varint();
    else if (wire === WIRE_FIXED64) this.pos += 8;
    else if (wire === WIRE_LEN) this.sub();
    else if (wire === WIRE_FIXED32) this.pos += 4;
    else throw new Error(`protobuf: wire type ${wire} is not supported`);
    if (this.pos > this.end) throw new Error('protobuf: a field runs past the end of its message');
  }

  /** map<string, string> entry (key = 1, value = 2) into `into` */
  stringMapEntry(into: Record<string, string>): void {
    const r = this.sub();
    let k = '';
    let v = '';
    while (!r.done) {
      const { field, wire } = r.tag();
      if (field === 1 && wire === WIRE_LEN) k = r.string();
      else if (field === 2 && wire === WIRE_LEN) v = r.string();
      else r.skip(wire);
    }
    into[k] = v;
  }
}

export const WIRE = { VARINT: WIRE_VARINT, FIXED64: WIRE_FIXED64, LEN: WIRE_LEN } as const;
