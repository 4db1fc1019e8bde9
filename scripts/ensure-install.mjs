#!/usr/bin/env node
// Installs the workspace's dependencies when they are missing or older than pnpm-lock.yaml, so that
// `npm start` and `npm test` work on a machine that has only Node.js and npm. pnpm is pinned in
// package.json ("packageManager") and run through npx when it is not installed.
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const pnpmSpec = pkg.packageManager; // e.g. "pnpm@12.4.2"
const pnpmVersion = pnpmSpec.split('@')[1];
const lockFile = join(root, 'pnpm-lock.yaml');
const stampFile = join(root, 'node_modules', '.coldchain-install-stamp');

// Every manifest of the workspace: a package added or changed since the last install needs one.
function manifests() {
  const files = ['pnpm-lock.yaml', 'package.json', 'pnpm-workspace.yaml'];
  for (const dir of ['firmware-sim', 'dashboards', 'test']) files.push(join(dir, 'package.json'));
  for (const parent of ['packages', 'services']) {
    if (!existsSync(join(root, parent))) continue;
    for (const name of readdirSync(join(root, parent)).sort()) files.push(join(parent, name, 'package.json'));
  }
  return files;
}

function fingerprint() {
  const hash = createHash('sha256');
  for (const file of manifests()) {
    const path = join(root, file);
    if (existsSync(path)) hash.update(readFileSync(path));
  }
  return hash.digest('hex');
}

function pnpmCommand() {
  try {
    const version = execFileSync('pnpm', ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    if (version === pnpmVersion) return ['pnpm', []];
  } catch {
    // no pnpm on PATH: fall through to npx
  }
  return ['npx', ['--yes', pnpmSpec]];
}

const wanted = fingerprint();
const current = existsSync(stampFile) ? readFileSync(stampFile, 'utf8').trim() : '';
if (current !== wanted) {
  const [cmd, prefix] = pnpmCommand();
  const args = [...prefix, 'install', ...(existsSync(lockFile) ? ['--frozen-lockfile'] : [])];
  process.stderr.write(`coldchain: installing dependencies (${[cmd, ...args].join(' ')}) ...\n`);
  try {
    execFileSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, CI: process.env.CI ?? '' } });
  } catch (error) {
    process.stderr.write(
      `coldchain: dependency install failed (${error.message}).\n` +
        `  If a package.json changed, update the lockfile with: npx --yes ${pnpmSpec} install\n` +
        '  Otherwise check access to the npm registry and try again.\n',
    );
    process.exit(1);
  }
  writeFileSync(stampFile, wanted + '\n');
}
