// `npm run dist:desktop`: the desktop packages (AppImage and deb on Linux) from electron-builder.yml.
// BATON_ELECTRON_DIST names a directory holding an unpacked Electron of the version in
// package.json (the electron package's dist/, or a release zip unpacked): electron-builder then
// packages it instead of downloading one, which offline build machines cannot.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

const args = ['electron-builder', '--config', 'electron-builder.yml', ...process.argv.slice(2)];
const dist = process.env.BATON_ELECTRON_DIST;
if (dist) {
  const dir = path.resolve(dist);
  if (!existsSync(path.join(dir, process.platform === 'win32' ? 'electron.exe' : process.platform === 'darwin' ? 'Electron.app' : 'electron'))) {
    console.error(`baton: BATON_ELECTRON_DIST=${dist} holds no Electron (expected the electron executable in ${dir})`);
    process.exit(2);
  }
  args.push(`--config.electronDist=${dir}`);
}
const r = spawnSync('npx', args, { stdio: 'inherit' });
process.exit(r.status ?? 1);
