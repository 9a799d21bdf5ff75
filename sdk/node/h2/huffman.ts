// HPACK's Huffman code (RFC 7541 section 5.2 and Appendix B), decoding only: our own header
// values go out as plain literals, but nghttp2 (inside the agent's grpc-js server) Huffman-encodes
// every string for which that is shorter. The code is canonical (codes of one length are
// consecutive, in symbol order, and each length starts where the shorter ones left off), so the
// 257 code lengths below are all the table there is; the codes are rebuilt from them, and
// test/unit/sdk/h2-hpack.test.ts checks the result against Appendix B.

/** the code length in bits of each symbol 0..255, then EOS (256) */
const LENGTHS = [
  13, 23, 28, 28, 28, 28, 28, 28, 28, 24, 30, 28, 28, 30, 28, 28, // 0x00
  28, 28, 28, 28, 28, 28, 30, 28, 28, 28, 28, 28, 28, 28, 28, 28, // 0x10
  6, 10, 10, 12, 13, 6, 8, 11, 10, 10, 8, 11, 8, 6, 6, 6, //          0x20 ' ' to '/'
  5, 5, 5, 6, 6, 6, 6, 6, 6, 6, 7, 8, 15, 6, 12, 10, //               0x30 '0' to '?'
  13, 6, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, //                 0x40 '@' to 'O'
  7, 7, 7, 7, 7, 7, 7, 7, 8, 7, 8, 13, 19, 13, 14, 6, //              0x50 'P' to '_'
  15, 5, 6, 5, 6, 5, 6, 6, 6, 5, 7, 7, 6, 6, 6, 5, //                 0x60 '`' to 'o'
  6, 7, 6, 5, 5, 6, 7, 7, 7, 7, 7, 15, 11, 14, 13, 28, //             0x70 'p' to DEL
  20, 22, 20, 20, 22, 22, 22, 23, 22, 23, 23, 23, 23, 23, 24, 23, // 0x80
  24, 24, 22, 23, 24, 23, 23, 23, 23, 21, 22, 23, 22, 23, 23, 24, // 0x90
  22, 21, 20, 22, 22, 23, 23, 21, 23, 22, 22, 24, 21, 22, 23, 23, // 0xa0
  21, 21, 22, 21, 23, 22, 23, 23, 20, 22, 22, 22, 23, 22, 22, 23, // 0xb0
  26, 26, 20, 19, 22, 23, 22, 25, 26, 26, 26, 27, 27, 26, 24, 25, // 0xc0
  19, 21, 26, 27, 27, 26, 27, 24, 21, 21, 26, 26, 28, 27, 27, 27, // 0xd0
  20, 24, 20, 21, 22, 21, 21, 23, 22, 22, 25, 25, 24, 24, 26, 23, // 0xe0
  26, 27, 26, 26, 27, 27, 27, 27, 27, 28, 27, 27, 27, 27, 27, 26, // 0xf0
  30, //                                                              EOS
];
const EOS = 256;
const MAX_LEN = 30;

/**
 * The canonical code as decoding wants it: for each length L, the first code of that length
 * (`first[L]`), how many codes have it (`count[L]`), and where its symbols start in `symbols`
 * (sorted by length, then symbol). Built on first use: a task that never sees a Huffman string
 * (none does before its first response) pays nothing for it at start-up.
 */
interface Canonical {
  first: Int32Array;
  count: Int32Array;
  offset: Int32Array;
  symbols: Uint16Array;
}
let table: Canonical | null = null;

function build(): Canonical {
  const count = new Int32Array(MAX_LEN + 1);
  for (const l of LENGTHS) count[l]!++;
  const first = new Int32Array(MAX_LEN + 2);
  const offset = new Int32Array(MAX_LEN + 2);
  for (let l = 1, code = 0, n = 0; l <= MAX_LEN; l++) {
    first[l] = code;
    offset[l] = n;
    code = (code + count[l]!) << 1;
    n += count[l]!;
  }
  const symbols = new Uint16Array(LENGTHS.length);
  const next = offset.slice();
  for (let s = 0; s < LENGTHS.length; s++) symbols[next[LENGTHS[s]!]!++] = s; // stable: symbol order within a length
  return { first, count, offset, symbols };
}

/** Every symbol's code and length (for the tests, which compare them with RFC 7541 Appendix B). */
export function huffmanCodes(): { code: number; bits: number }[] {
  const t = (table ??= build());
  const out: { code: number; bits: number }[] = [];
  for (let l = 1; l <= MAX_LEN; l++) {
    for (let i = 0; i < t.count[l]!; i++) out[t.symbols[t.offset[l]! + i]!] = { code: t.first[l]! + i, bits: l };
  }
  return out;
}

/**
 * Decodes `buf[start, end)`, a Huffman-coded HPACK string, to a latin1 string (one char a byte).
 * Throws on an EOS symbol in the data or on padding that is longer than 7 bits or not the
 * most significant bits of EOS (all ones), as RFC 7541 section 5.2 requires.
 */
export function huffmanDecode(buf: Uint8Array, start: number, end: number): string {
  const t = (table ??= build());
  const { first, count, offset, symbols } = t;
  // the shortest code has 5 bits, so n bytes hold at most 8n/5 symbols
  const out = Buffer.allocUnsafe(Math.ceil(((end - start) * 8) / 5));
  let n = 0;
  let code = 0;
  let len = 0;
  for (let i = start; i < end; i++) {
    const byte = buf[i]!;
    for (let bit = 7; bit >= 0; bit--) {
      code = (code << 1) | ((byte >> bit) & 1);
      len++;
      const k = code - first[len]!; // never negative: a smaller code would have ended at a shorter length
      if (k < count[len]!) {
        const sym = symbols[offset[len]! + k]!;
        if (sym === EOS) throw new Error('HPACK: EOS inside a Huffman-coded string');
        out[n++] = sym;
        code = 0;
        len = 0;
      } else if (len === MAX_LEN) {
        // not reachable with a complete code (every 30-bit prefix decodes); kept as a guard
        throw new Error('HPACK: invalid Huffman code');
      }
    }
  }
  if (len > 7) throw new Error('HPACK: invalid Huffman padding (longer than 7 bits)');
  if (code !== (1 << len) - 1) throw new Error('HPACK: invalid Huffman padding (not the EOS prefix)');
  return out.toString('latin1', 0, n);
}
