// Copies the committed descriptor set (core/rpc/gen/baton.desc, written by gen-proto.sh) into dist/,
// where the controller serves it for gRPC server reflection (core/controller/server/reflection.ts):
// tsc copies only what it compiles, and a packaged app has dist/ but not core/.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const from = path.join(root, 'core', 'rpc', 'gen', 'baton.desc');
const to = path.join(root, 'dist', 'core', 'rpc', 'gen', 'baton.desc');
fs.mkdirSync(path.dirname(to), { recursive: true });
fs.copyFileSync(from, to);
