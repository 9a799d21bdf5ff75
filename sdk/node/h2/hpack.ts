// HPACK (RFC 7541). The decoder reads the server's header blocks, with the dynamic table: its
// state spans the connection, so every block is decoded, in order, whatever stream it is for.
// The encoder writes our request headers once per call, as static-table matches or literals
// without indexing and without Huffman: it never adds to the server's copy of our table, so it
// keeps no state and SETTINGS_HEADER_TABLE_SIZE from the server does not concern it.
// Strings are latin1 (one char a byte), so any byte the server sends comes back unchanged.
import { huffmanDecode } from './huffman.js';
import { STATIC_COUNT, STATIC_TABLE } from './static-table.js';

/** RFC 7541 section 4.1: an entry's size is its name and value octets plus 32 */
const ENTRY_OVERHEAD = 32;

export class HpackDecoder {
  // the dynamic table, oldest first: index STATIC_COUNT + 1 is the last element
  private readonly names: string[] = [];
  private readonly values: string[] = [];
  private size = 0;
  private maxSize: number;
  private hits = 0;
  // the block being decoded
  private buf: Buffer = Buffer.alloc(0);
  private pos = 0;
  private end = 0;

  /**
   * `tableLimit`: our SETTINGS_HEADER_TABLE_SIZE (the server's encoder may not size the table above
   * it); `listLimit`: our SETTINGS_MAX_HEADER_LIST_SIZE (name + value + 32 for each field).
   */
  constructor(private readonly tableLimit = 4096, private readonly listLimit = Infinity) {
    this.maxSize = tableLimit;
  }

  /** the dynamic table: size in RFC 7541 octets, entries, limit, and references to it so far (for the tests) */
  get table(): { size: number; entries: number; maxSize: number; hits: number } {
    return { size: this.size, entries: this.names.length, maxSize: this.maxSize, hits: this.hits };
  }

  /** One complete header block -> [name, value, name, value, ...]. Throws an Error naming the fault. */
  decode(buf: Buffer, start = 0, end = buf.length): string[] {
    this.buf = buf;
    this.pos = start;
    this.end = end;
    const out: string[] = [];
    let listSize = 0;
    while (this.pos < this.end) {
      const b = buf[this.pos]!;
      let name: string;
      let value: string;
      if (b & 0x80) {
        // indexed field (6.1)
        const i = this.int(7);
        if (i === 0) throw new Error('HPACK: indexed field with index 0');
        if (i <= STATIC_COUNT) {
          [name, value] = STATIC_TABLE[i]!;
        } else {
          const k = this.slot(i);
          name = this.names[k]!;
          value = this.values[k]!;
        }
      } else if (b & 0x40) {
        // literal with incremental indexing (6.2.1)
        const i = this.int(6);
        name = i ? this.nameAt(i) : this.string();
        value = this.string();
        this.add(name, value);
      } else if (b & 0x20) {
        // dynamic table size update (6.3): only before the block's first field (4.2)
        if (out.length) throw new Error('HPACK: a dynamic table size update after a header field');
        const n = this.int(5);
        if (n > this.tableLimit) throw new Error(`HPACK: dynamic table size update to ${n}, over the ${this.tableLimit} we allow`);
        this.maxSize = n;
        this.evictFor(0);
        continue;
      } else {
        // literal without indexing (0000) or never indexed (0001) (6.2.2, 6.2.3)
        const i = this.int(4);
        name = i ? this.nameAt(i) : this.string();
        value = this.string();
      }
      listSize += name.length + value.length + ENTRY_OVERHEAD;
      if (listSize > this.listLimit) throw new Error(`HPACK: the header list is over the ${this.listLimit} bytes we allow`);
      out.push(name, value);
    }
    this.buf = Buffer.alloc(0); // do not keep the block alive
    return out;
  }

  /** an integer with an N-bit prefix (5.1) */
  private int(prefixBits: number): number {
    const mask = (1 << prefixBits) - 1;
    let v = this.buf[this.pos++]! & mask;
    if (v < mask) return v;
    for (let shift = 0; ; shift += 7) {
      if (this.pos >= this.end) throw new Error('HPACK: truncated integer');
      if (shift > 28) throw new Error('HPACK: integer over 2^32');
      const b = this.buf[this.pos++]!;
      v += (b & 127) * 2 ** shift;
      if (b < 128) return v;
    }
  }

  /** a string literal (5.2), plain or Huffman-coded */
  private string(): string {
    if (this.pos >= this.end) throw new Error('HPACK: truncated header block (a string is missing)');
    const huffman = this.buf[this.pos]! & 0x80;
    const n = this.int(7);
    if (n > this.end - this.pos) throw new Error(`HPACK: a string of ${n} bytes runs past the end of the header block`);
    const s = huffman ? huffmanDecode(this.buf, this.pos, this.pos + n) : this.buf.toString('latin1', this.pos, this.pos + n);
    this.pos += n;
    return s;
  }

  private nameAt(i: number): string {
    return i <= STATIC_COUNT ? STATIC_TABLE[i]![0] : this.names[this.slot(i)]!;
  }

  /** where dynamic index i (> STATIC_COUNT) is in names/values */
  private slot(i: number): number {
    const k = this.names.length - (i - STATIC_COUNT);
    if (k < 0) throw new Error(`HPACK: index ${i} is not in the table (${STATIC_COUNT + this.names.length} entries)`);
    this.hits++;
    return k;
  }

  private add(name: string, value: string): void {
    const n = name.length + value.length + ENTRY_OVERHEAD;
    this.evictFor(n);
    // an entry bigger than the whole table empties it and is not added (4.4)
    if (n > this.maxSize) return;
    this.names.push(name);
    this.values.push(value);
    this.size += n;
  }

  /** evicts the oldest entries until `room` more octets fit (4.3, 4.4) */
  private evictFor(room: number): void {
    let drop = 0;
    while (this.size + room > this.maxSize && drop < this.names.length) {
      this.size -= this.names[drop]!.length + this.values[drop]!.length + ENTRY_OVERHEAD;
      drop++;
    }
    if (drop) {
      this.names.splice(0, drop);
      this.values.splice(0, drop);
    }
  }
}

/**
 * A header block for `headers` (lowercase names; latin1 values): a static-table entry where name
 * and value match, else a literal without indexing (with the static name index where there is one).
 */
export function encodeHeaders(headers: readonly (readonly [string, string])[]): Buffer {
  const out: number[] = [];
  for (const [name, value] of headers) {
    let nameIndex = 0;
    let both = 0;
    for (let i = 1; i <= STATIC_COUNT && !both; i++) {
      const [n, v] = STATIC_TABLE[i]!;
      if (n !== name) continue;
      nameIndex ||= i;
      if (v === value) both = i;
    }
    if (both) {
      writeInt(out, 0x80, 7, both);
      continue;
    }
    writeInt(out, 0x00, 4, nameIndex);
    if (!nameIndex) writeString(out, name);
    writeString(out, value);
  }
  return Buffer.from(out);
}

function writeInt(out: number[], flags: number, prefixBits: number, v: number): void {
  const mask = (1 << prefixBits) - 1;
  if (v < mask) {
    out.push(flags | v);
    return;
  }
  out.push(flags | mask);
  for (v -= mask; v >= 128; v = Math.floor(v / 128)) out.push((v % 128) | 128);
  out.push(v);
}

function writeString(out: number[], s: string): void {
  if (/[^\x00-\xff]/.test(s)) throw new Error(`HPACK: header value ${JSON.stringify(s)} has a character over 0xff`);
  writeInt(out, 0x00, 7, s.length);
  for (let i = 0; i < s.length; i++) out.push(s.charCodeAt(i));
}
