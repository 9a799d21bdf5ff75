// The SDK's HPACK (core/sdk/h2/hpack.ts, huffman.ts): the Huffman code against RFC 7541 Appendix B,
// the decoder against the examples of Appendix C and against what real nghttp2 (a node:http2
// server in this process) encodes, the encoder against Appendix C, and bad blocks refused with
// an error that names the fault.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as crypto from 'node:crypto';
import * as http2 from 'node:http2';
import * as net from 'node:net';
import type { AddressInfo } from 'node:net';
import { H2Connection } from '../../../sdk/node/h2/connection.js';
import { encodeHeaders, HpackDecoder } from '../../../sdk/node/h2/hpack.js';
import { huffmanCodes } from '../../../sdk/node/h2/huffman.js';

type Fields = [string, string][];

const hex = (s: string) => Buffer.from(s.replace(/\s/g, ''), 'hex');

function pairs(flat: string[]): Fields {
  const out: Fields = [];
  for (let i = 0; i < flat.length; i += 2) out.push([flat[i]!, flat[i + 1]!]);
  return out;
}

/** a latin1 string of the byte values from..to */
function bytes(from: number, to: number): string {
  let s = '';
  for (let b = from; b <= to; b++) s += String.fromCharCode(b);
  return s;
}

test('the Huffman code is the one of RFC 7541 Appendix B', () => {
  const codes = huffmanCodes();
  assert.equal(codes.length, 257);
  // the examples the code is usually checked by
  assert.deepEqual(codes[0x30], { code: 0x0, bits: 5 }); // '0'
  assert.deepEqual(codes[0x31], { code: 0x1, bits: 5 }); // '1'
  assert.deepEqual(codes[0x32], { code: 0x2, bits: 5 }); // '2'
  assert.deepEqual(codes[0x61], { code: 0x3, bits: 5 }); // 'a'
  assert.deepEqual(codes[0x20], { code: 0x14, bits: 6 }); // ' '
  assert.deepEqual(codes[0x00], { code: 0x1ff8, bits: 13 });
  assert.deepEqual(codes[0xff], { code: 0x3ffffee, bits: 26 });
  assert.deepEqual(codes[256], { code: 0x3fffffff, bits: 30 }); // EOS: 30 ones
  // a complete prefix code: the Kraft sum is exactly 1
  assert.equal(codes.reduce((s, c) => s + 2 ** -c.bits, 0), 1);
  // all 257 (symbol:bits:hex code lines, as Appendix B lists them) hash to what Appendix B does
  const lines = codes.map((c, sym) => `${sym}:${c.bits}:${c.code.toString(16)}`).join('\n');
  assert.equal(crypto.createHash('sha256').update(lines).digest('hex'), 'ef56147e135efd07c66ddba7ee6540e738e41b7e55ec25ddc66e3341914ef4cb');
});

const REQUEST: Fields = [[':method', 'GET'], [':scheme', 'http'], [':path', '/'], [':authority', 'www.example.com']];
const REQUESTS: { fields: Fields; size: number }[] = [
  { fields: REQUEST, size: 57 },
  { fields: [...REQUEST, ['cache-control', 'no-cache']], size: 110 },
  {
    fields: [[':method', 'GET'], [':scheme', 'https'], [':path', '/index.html'], [':authority', 'www.example.com'], ['custom-key', 'custom-value']],
    size: 164,
  },
];
const RESPONSE_TAIL: Fields = [['cache-control', 'private'], ['date', 'Mon, 21 Oct 2013 20:13:21 GMT'], ['location', 'https://www.example.com']];
const RESPONSES: { fields: Fields; size: number }[] = [
  { fields: [[':status', '302'], ...RESPONSE_TAIL], size: 222 },
  { fields: [[':status', '307'], ...RESPONSE_TAIL], size: 222 },
  {
    fields: [
      [':status', '200'], ['cache-control', 'private'], ['date', 'Mon, 21 Oct 2013 20:13:22 GMT'], ['location', 'https://www.example.com'],
      ['content-encoding', 'gzip'], ['set-cookie', 'foo=ASDJKHQKBZXOQWEOPIUAXQWEOIU; max-age=3600; version=1'],
    ],
    size: 215,
  },
];

/** one connection's blocks, in order, through one decoder: fields and table size after each */
function series(name: string, tableSize: number, blocks: string[], expect: { fields: Fields; size: number }[]): void {
  const d = new HpackDecoder(tableSize);
  blocks.forEach((b, i) => {
    assert.deepEqual(pairs(d.decode(hex(b))), expect[i]!.fields, `${name}.${i + 1}`);
    assert.equal(d.table.size, expect[i]!.size, `${name}.${i + 1} table size`);
  });
}

test('RFC 7541 C.2: literal fields, with and without indexing, and indexed', () => {
  const cases: [string, Fields, number][] = [
    ['400a637573746f6d2d6b65790d637573746f6d2d686561646572', [['custom-key', 'custom-header']], 55],
    ['040c2f73616d706c652f70617468', [[':path', '/sample/path']], 0],
    ['100870617373776f726406736563726574', [['password', 'secret']], 0], // never indexed
    ['82', [[':method', 'GET']], 0],
  ];
  for (const [block, fields, size] of cases) {
    const d = new HpackDecoder();
    assert.deepEqual(pairs(d.decode(hex(block))), fields);
    assert.equal(d.table.size, size);
  }
});

test('RFC 7541 C.3 and C.4: requests, without and with Huffman, sharing the dynamic table', () => {
  series('C.3', 4096, [
    '828684410f7777772e6578616d706c652e636f6d',
    '828684be58086e6f2d6361636865',
    '828785bf400a637573746f6d2d6b65790c637573746f6d2d76616c7565',
  ], REQUESTS);
  series('C.4', 4096, [
    '828684418cf1e3c2e5f23a6ba0ab90f4ff',
    '828684be5886a8eb10649cbf',
    '828785bf408825a849e95ba97d7f8925a849e95bb8e8b4bf',
  ], REQUESTS);
});

test('RFC 7541 C.5 and C.6: responses in a 256-byte table, with eviction, without and with Huffman', () => {
  series('C.5', 256, [
    `4803333032580770726976617465611d4d6f6e2c203231204f637420323031332032303a31333a323120474d54
     6e1768747470733a2f2f7777772e6578616d706c652e636f6d`,
    '4803333037c1c0bf',
    `88c1611d4d6f6e2c203231204f637420323031332032303a31333a323220474d54c05a04677a69707738666f6f3d41
     53444a4b48514b425a584f5157454f50495541585157454f49553b206d61782d6167653d333630303b2076657273696f6e3d31`,
  ], RESPONSES);
  series('C.6', 256, [
    '488264025885aec3771a4b6196d07abe941054d444a8200595040b8166e082a62d1bff6e919d29ad171863c78f0b97c8e9ae82ae43d3',
    '4883640effc1c0bf',
    `88c16196d07abe941054d444a8200595040b8166e084a62d1bffc05a839bd9ab77ad94e7821dd7f2e6c7b335dfdfcd5b3960d5af27
     087f3672c1ab270fb5291f9587316065c003ed4ee5b1063d5007`,
  ], RESPONSES);
});

test('integers over their prefix and table size updates (RFC 7541 C.1.2, 4.2, 6.3)', () => {
  const d = new HpackDecoder();
  // 1337 with a 5-bit prefix is 1f 9a 0a (C.1.2): a size update to 1337, then :method GET
  assert.deepEqual(pairs(d.decode(hex('3f9a0a82'))), [[':method', 'GET']]);
  assert.equal(d.table.maxSize, 1337);
  // a size update to 0 empties the table
  d.decode(hex('400a637573746f6d2d6b65790d637573746f6d2d686561646572'));
  assert.equal(d.table.entries, 1);
  d.decode(hex('20'));
  assert.deepEqual([d.table.entries, d.table.size], [0, 0]);
});

test('the encoder writes static matches as indexes and the rest as literals without indexing', () => {
  assert.equal(encodeHeaders([[':method', 'GET']]).toString('hex'), '82'); // C.2.4
  assert.equal(encodeHeaders([[':path', '/sample/path']]).toString('hex'), '040c2f73616d706c652f70617468'); // C.2.2
  // content-type is static index 31: over the 4-bit prefix, so 0f 10
  assert.equal(encodeHeaders([['content-type', 'a']]).toString('hex'), '0f100161');
  const request: Fields = [
    [':method', 'POST'], [':scheme', 'http'], [':path', '/baton.v1.TaskControl/Control'], [':authority', 'localhost'],
    ['content-type', 'application/grpc'], ['te', 'trailers'], ['x-long', 'v'.repeat(300)],
  ];
  const d = new HpackDecoder();
  assert.deepEqual(pairs(d.decode(encodeHeaders(request))), request);
  assert.equal(d.table.entries, 0); // nothing was indexed
  assert.throws(() => encodeHeaders([['x', 'ü€']]), /HPACK: header value "ü€" has a character over 0xff/);
});

test('bad header blocks are refused with an error naming the fault', () => {
  const cases: [string, RegExp][] = [
    // ':path' with a Huffman string: 'a' (00011) and padding 000, not the EOS prefix
    ['048118', /HPACK: invalid Huffman padding \(not the EOS prefix\)/],
    // 'a' and 11 bits of padding
    ['04821fff', /HPACK: invalid Huffman padding \(longer than 7 bits\)/],
    // 32 one bits: EOS (30 ones) inside the string
    ['0484ffffffff', /HPACK: EOS inside a Huffman-coded string/],
    ['80', /HPACK: indexed field with index 0/],
    ['be', /HPACK: index 62 is not in the table \(61 entries\)/],
    ['040c2f73', /HPACK: a string of 12 bytes runs past the end of the header block/],
    ['1f', /HPACK: truncated integer/],
    ['04', /HPACK: truncated header block \(a string is missing\)/],
    ['1fffffffffff0f', /HPACK: integer over 2\^32/],
    ['3fe21f', /HPACK: dynamic table size update to 4097, over the 4096 we allow/],
    ['8220', /HPACK: a dynamic table size update after a header field/],
  ];
  for (const [block, error] of cases) assert.throws(() => new HpackDecoder().decode(hex(block)), error, block);
  // the correct padding decodes
  assert.deepEqual(pairs(new HpackDecoder().decode(hex('04811f'))), [[':path', 'a']]);
  assert.throws(() => new HpackDecoder(4096, 100).decode(encodeHeaders([['x', 'v'.repeat(100)]])), /HPACK: the header list is over the 100 bytes we allow/);
});

test('the decoder reads what nghttp2 encodes: every byte value, long values, repeats, never-indexed fields', async (t) => {
  const printable = bytes(0x20, 0x7e);
  const high = bytes(0x80, 0xff);
  // values over 127 bytes (a multi-byte length), ~900-byte values that nghttp2 indexes (ten of
  // them overflow the 4,096-byte table: eviction), one over the table's size, and a block over
  // 16 KB (HEADERS + CONTINUATION)
  const long = (i: number, n: number) => (printable + high).repeat(Math.ceil(n / 223)).slice(i, i + n);
  const headers: Record<string, string | string[]> = {
    'x-printable': printable, 'x-high': high, 'x-mixed': `${printable}\t${high}`, 'x-long': long(0, 200),
    'x-huge': long(3, 5000), 'x-block': high.repeat(140).slice(0, 17000), 'x-multi': ['a', printable, 'a'],
    authorization: 'Basic c2VjcmV0', // sent never-indexed (below)
  };
  for (let i = 0; i < 10; i++) headers[`x-rep-${i}`] = long(i, 900);
  const trailers: Record<string, string | string[]> = { 'grpc-status': '0', 'x-printable': printable, 'x-high-reversed': [...high].reverse().join('') };
  // the last four fit in the table (4 x 932 octets): hits, newest first so that nothing is evicted
  // before it is used; the first ones were evicted: literals again
  for (let i = 9; i >= 6; i--) trailers[`x-rep-${i}`] = long(i, 900);
  for (let i = 0; i < 3; i++) trailers[`x-rep-${i}`] = long(i, 900);

  const server = http2.createServer();
  server.on('stream', (s) => {
    s.respond({ ':status': 200, ...headers, [http2.sensitiveHeaders]: ['authorization'] }, { waitForTrailers: true });
    s.on('wantTrailers', () => s.sendTrailers(trailers));
    s.end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.after(() => server.close());
  const blocks: { fields: Fields; end: boolean }[] = [];
  const conn = await new Promise<H2Connection>((resolve, reject) => {
    const c: H2Connection = new H2Connection(net.connect((server.address() as AddressInfo).port, '127.0.0.1'),
      [[':method', 'GET'], [':scheme', 'http'], [':path', '/'], [':authority', 'localhost']], {
        onHeaders: (fields, end) => blocks.push({ fields: pairs(fields), end }),
        onData: () => {},
        onEnd: (why) => (why === 'stream ended' ? resolve(c) : reject(new Error(why))),
      });
    c.end();
  });
  conn.close();
  assert.deepEqual(blocks.map((b) => b.end), [false, true]);
  const expect = (sent: Record<string, string | string[]>, got: Fields) => {
    for (const [name, v] of Object.entries(sent)) {
      assert.deepEqual(got.filter(([n]) => n === name).map(([, x]) => x), Array.isArray(v) ? v : [v], name);
    }
  };
  const [head, tail] = blocks;
  assert.deepEqual(head!.fields[0], [':status', '200']);
  expect(headers, head!.fields);
  expect(trailers, tail!.fields);
  assert.ok(conn.blocks.decoder.table.hits >= 4, `dynamic table hits: ${conn.blocks.decoder.table.hits}`);
  assert.ok(conn.blocks.decoder.table.size <= 4096);
});
