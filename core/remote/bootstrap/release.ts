// The agent release a node runs: what `baton agent` needs from this build (bin/, package.json,
// dist/core, dist/sdk, dist/assets) and the production dependencies of package.json (their
// closure in node_modules, each package folder whole), as one tar.gz named by the SHA-256 of its
// content. A node keeps each release in releases/<hash>/, so a re-run with an unchanged build
// finds it there and sends nothing. The tarball is made once per content in
// $BATON_HOME/releases/ (system tar: it keeps modes and links, and every node has it to unpack).
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BatonError } from '../../model/errors.js';

export interface Release {
  /** SHA-256 (hex, first 16) of every file's path, mode and content */
  hash: string;
  tarball: string;
  tarballBytes: number;
  /** bytes of the unpacked files */
  unpackedBytes: number;
  files: number;
}

const BUILD_PARTS = ['bin', 'package.json', 'dist/core', 'dist/sdk', 'dist/assets'];

/** The package folders of package.json's dependencies and theirs, hoisted as npm installs them. */
function productionPackages(root: string): string[] {
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
  const seen = new Set<string>();
  const todo = Object.keys(pkg.dependencies ?? {});
  while (todo.length) {
    const name = todo.pop()!;
    if (seen.has(name)) continue;
    const dir = path.join(root, 'node_modules', name);
    if (!fs.existsSync(path.join(dir, 'package.json'))) continue; // an optional dependency not installed here
    seen.add(name);
    const dep = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as {
      dependencies?: Record<string, string>;
      optionalDependencies?: Record<string, string>;
    };
    todo.push(...Object.keys(dep.dependencies ?? {}), ...Object.keys(dep.optionalDependencies ?? {}));
  }
  return [...seen].sort().map((n) => path.join('node_modules', n));
}

/** Every file and symbolic link under the parts, as paths relative to root, sorted. */
function listFiles(root: string, parts: string[]): string[] {
  const out: string[] = [];
  const walk = (rel: string) => {
    const st = fs.lstatSync(path.join(root, rel));
    if (st.isDirectory()) for (const e of fs.readdirSync(path.join(root, rel)).sort()) walk(path.join(rel, e));
    else if (st.isFile() || st.isSymbolicLink()) out.push(rel);
  };
  for (const p of parts) if (fs.existsSync(path.join(root, p))) walk(p);
  return out.sort();
}

/** The release of the build at `root` (the package root), made or found in `cacheDir`. */
export function makeRelease(root: string, cacheDir: string): Release {
  if (!fs.existsSync(path.join(root, 'dist', 'core', 'cli', 'main.js'))) {
    throw new BatonError('NOT_FOUND', `no build at ${root} (dist/core/cli/main.js): run npm run build first`, { where: root });
  }
  const files = listFiles(root, [...BUILD_PARTS, ...productionPackages(root)]);
  const hash = createHash('sha256');
  let unpackedBytes = 0;
  for (const rel of files) {
    const abs = path.join(root, rel);
    const st = fs.lstatSync(abs);
    hash.update(`${rel}\0${st.mode & 0o777}\0`);
    if (st.isSymbolicLink()) hash.update(`-> ${fs.readlinkSync(abs)}`);
    else {
      hash.update(fs.readFileSync(abs));
      unpackedBytes += st.size;
    }
    hash.update('\0');
  }
  const id = hash.digest('hex').slice(0, 16);
  fs.mkdirSync(cacheDir, { recursive: true, mode: 0o700 });
  const tarball = path.join(cacheDir, `baton-agent-${id}.tar.gz`);
  if (!fs.existsSync(tarball)) {
    const list = path.join(cacheDir, `${id}.files`);
    fs.writeFileSync(list, files.join('\n') + '\n');
    const tmp = `${tarball}.${process.pid}.tmp`;
    try {
      execFileSync('tar', ['-czf', tmp, '-C', root, '--no-recursion', '--owner=0', '--group=0', '--numeric-owner', '-T', list], {
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      fs.renameSync(tmp, tarball);
    } catch (e) {
      fs.rmSync(tmp, { force: true });
      throw new BatonError('INTERNAL', `making the agent release ${tarball}: ${(e as Error).message}`, { where: tarball });
    } finally {
      fs.rmSync(list, { force: true });
    }
  }
  return { hash: id, tarball, tarballBytes: fs.statSync(tarball).size, unpackedBytes, files: files.length };
}
