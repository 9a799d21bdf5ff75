#!/usr/bin/env node
// The `baton` command: runs the compiled CLI (npm run build makes dist/).
import('../dist/core/cli/main.js').catch((err) => {
  if (err && err.code === 'ERR_MODULE_NOT_FOUND') {
    console.error('baton: dist/ is missing; run `npm run build` first');
    process.exit(2);
  }
  throw err;
});
