#!/usr/bin/env node
// The `baton` command: runs the compiled CLI (npm run build makes dist/).
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 20 || (major === 20 && minor < 19)) {
  console.error(`baton: needs Node.js 20.19 or newer (this is ${process.version})`);
  process.exit(2);
}
import('../dist/core/cli/main.js').catch((err) => {
  if (err && err.code === 'ERR_MODULE_NOT_FOUND' && String(err.message).includes('dist/core/cli/main.js')) {
    console.error('baton: dist/ is missing; run `npm run build` first');
    process.exit(2);
  }
  throw err;
});
