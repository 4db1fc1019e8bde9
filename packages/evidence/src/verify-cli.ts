// npm run verify -- <bundle.zip> [--witness <seq>:<hash>]... [--json]: verifies an evidence bundle
// offline (no service, no network); each --witness is a head a party was handed earlier, which must still
// be in the chain.
// Exit 0: everything holds (a short summary). Exit 1: what does not match, each on its own line.
// Exit 2: the command was used wrongly (no file, unreadable file).
import { readFileSync } from 'node:fs';
import { verifyBundle } from './verify.ts';

const USAGE = '用法 / usage: npm run verify -- <bundle.zip> [--witness <seq>:<hash>]... [--json]\n';
const args = process.argv.slice(2);
let asJson = false;
const paths: string[] = [];
const witnesses: { seq: number; hash: string }[] = [];
for (let i = 0; i < args.length; i++) {
  const arg = args[i]!;
  if (arg === '--json') asJson = true;
  else if (arg === '--help' || arg === '-h') {
    process.stdout.write(USAGE);
    process.exit(0);
  } else if (arg === '--witness') {
    const match = /^(\d+):([0-9a-fA-F]{64})$/.exec(args[++i] ?? '');
    if (!match) {
      process.stderr.write(`--witness: expected <seq>:<64 hex digits>, got "${args[i] ?? ''}"\n${USAGE}`);
      process.exit(2);
    }
    witnesses.push({ seq: Number(match[1]), hash: match[2]!.toLowerCase() });
  } else paths.push(arg);
}
if (paths.length !== 1) {
  process.stderr.write(USAGE);
  process.exit(2);
}
let bytes: Buffer;
try {
  bytes = readFileSync(paths[0]!);
} catch (error) {
  const code = (error as NodeJS.ErrnoException).code;
  const why = code === 'ENOENT' ? '没有这个文件 / no such file' : code === 'EISDIR' ? '这是一个目录 / it is a folder' : code === 'EACCES' ? '没有读取权限 / permission denied' : (error as Error).message;
  process.stderr.write(`无法读取 / cannot read ${paths[0]}: ${why}\n`);
  process.exit(2);
}
const started = performance.now();
const report = await verifyBundle(bytes, { witnesses });
const ms = Math.round(performance.now() - started);
if (asJson) {
  process.stdout.write(JSON.stringify({ ...report, ms }, null, 2) + '\n');
} else if (report.ok) {
  const s = report.summary;
  const lines = [
    `核验通过 / VERIFIED  shipment ${s.shipmentId}`,
    `  chain: ${s.entries} entries, head ${s.head.hash} (entry ${s.head.seq}), signed by key ${s.head.keyId} at ${new Date(s.head.signedAt).toISOString()}`,
    `  messages: ${s.messages} originals (${s.signedMessages} signed by the device), ${s.readings} readings agree with readings.csv`,
    `  recomputed: ${s.excursions} excursion(s), ${s.claims} claim(s), MKT ${s.mktC === null ? 'n/a' : `${s.mktC.toFixed(2)} °C`}: all as the service recorded them`,
    `  in ${ms} ms`,
  ];
  process.stdout.write(lines.join('\n') + '\n');
} else {
  process.stdout.write(`核验失败 / NOT VERIFIED  ${report.summary.shipmentId ? `shipment ${report.summary.shipmentId}` : paths[0]}: ${report.problems.length} problem(s)\n`);
  for (const problem of report.problems) process.stdout.write(`  - ${problem}\n`);
}
process.exit(report.ok ? 0 : 1);
