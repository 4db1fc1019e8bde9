import { execFile } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiClient, DEMO_ORGS, DEMO_ROLE_ORGS, HUB_AC_FAILURE, planJourney, replayJourney } from '@coldchain/firmware-sim';
import type { ApiClient, JourneySpec } from '@coldchain/firmware-sim';
import { entryLine, sha256Hex, signText, verifyBundle } from '@coldchain/evidence';
import type { ChainEntry, Manifest } from '@coldchain/evidence';
import type { Alert, Claim } from '@coldchain/storage';
import { eventually, startAllInOne } from './helpers/all-in-one.ts';
import type { RunningService } from './helpers/all-in-one.ts';

const run = promisify(execFile);
const HOUR = 3_600_000;
const START = Math.floor((Date.now() - 3 * 86_400_000) / HOUR) * HOUR;
const ROOT = join(import.meta.dirname, '..');

/**
 * Issue 11, items 1–4: a signed logger's journey through the real service (embedded broker, ingest,
 * rules, API) with the hub's air-conditioning failing; its evidence bundle verifies offline, and each
 * single change — to a reading, a custody event, a signature, a result — is caught, also when an
 * insider holding the service's key signs the changed bundle again.
 */
describe('evidence bundle and offline verifier (issue 11)', () => {
  let service: RunningService;
  let api: ApiClient;
  let bundle: Uint8Array;
  let witnessed: { seq: number; hash: string };
  const spec: JourneySpec = {
    shipmentId: 'LZ-EVIDENCE-1',
    deviceId: 'logger-LZ-EVIDENCE-1',
    plan: planJourney({ startAt: START, seed: 7, acFailure: HUB_AC_FAILURE }),
    orgs: DEMO_ROLE_ORGS,
    origin: '海南省海口市',
    destination: '湖北省武汉市',
    boxes: 300,
    goodsValueCents: 300 * 9_900,
    freightCents: 300 * 1_500,
  };

  const get = async (path: string) => fetch(new URL(path, service.info.apiUrl), { headers: { authorization: `Bearer ${service.info.adminToken}` } });

  beforeAll(async () => {
    service = await startAllInOne();
    api = createApiClient(service.info.apiUrl, service.info.adminToken);
    for (const org of DEMO_ORGS) await api.upsertOrganisation(org);
    await replayJourney(spec, api, service.info.mqttUrl);
    await eventually('the hub excursion cleared and its claim filed', async () => {
      const { alerts } = await api.call<{ alerts: Alert[] }>('GET', `/api/v1/alerts?kind=excursion&shipmentId=${spec.shipmentId}`);
      const { claims } = await api.call<{ claims: Claim[] }>('GET', `/api/v1/claims?shipmentId=${spec.shipmentId}`);
      return alerts[0]?.conditionState === 'cleared' && claims.length === 1 ? true : undefined;
    }, 60_000);
    const response = await get(`/api/v1/shipments/${spec.shipmentId}/evidence`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/zip');
    bundle = new Uint8Array(await response.arrayBuffer());
    const chain = await (await get(`/api/v1/shipments/${spec.shipmentId}/chain`)).json();
    witnessed = chain.witnesses.at(-1);
  }, 180_000);
  afterAll(async () => {
    await service?.stop();
  });

  it('verifies: every message signed by the logger, readings, custody and chain hold, results recomputed', async () => {
    const report = await verifyBundle(bundle, { witnesses: [witnessed] });
    expect(report).toMatchObject({ ok: true });
    if (!report.ok) return;
    const { summary } = report;
    // The logger uploads at most 200 readings a message.
    expect(summary.messages).toBeGreaterThanOrEqual(Math.ceil(summary.readings / 200));
    expect(summary.signedMessages).toBe(summary.messages);
    expect(summary.readings).toBe(spec.plan.readings.filter((r) => r.ts <= spec.plan.endAt).length);
    expect(summary.excursions).toBe(1);
    expect(summary.claims).toBe(1);
    expect(summary.mktC).toBeGreaterThan(0);
  });

  it('publishes the signing key, and the chain status names the heads handed out at each handoff', async () => {
    const { keys } = await (await fetch(new URL('/api/v1/keys', service.info.apiUrl))).json();
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatchObject({ algorithm: 'Ed25519', isCurrent: true, retiredAt: null });
    const chain = await (await get(`/api/v1/shipments/${spec.shipmentId}/chain`)).json();
    expect(chain).toMatchObject({ verified: true, problems: [] });
    expect(chain.head.keyId).toBe(keys[0].keyId);
    // One head per handoff of the plan (delivery included).
    expect(chain.witnesses.map((w: { to: string }) => w.to.split(':')[0])).toEqual(spec.plan.handoffs.map((h) => (h.stage === 'delivered' ? 'delivery' : 'handoff')));
  });

  it('the command line verifies it offline: exit 0 and a summary; exit 1 naming the problem', async () => {
    const dir = service.dataDir;
    const good = join(dir, 'bundle.zip');
    writeFileSync(good, bundle);
    const ok = await run('npx', ['tsx', 'packages/evidence/src/verify-cli.ts', good, '--witness', `${witnessed.seq}:${witnessed.hash}`], { cwd: ROOT });
    expect(ok.stdout).toContain('核验通过 / VERIFIED');
    const bad = join(dir, 'bad.zip');
    writeFileSync(bad, tamper(bundle, 'results.json', (t) => t.replace(/"amountCents": (\d+)/, (_m, n) => `"amountCents": ${Number(n) + 100}`)));
    const failed = await run('npx', ['tsx', 'packages/evidence/src/verify-cli.ts', bad], { cwd: ROOT }).catch((error: { code: number; stdout: string }) => error);
    expect(failed).toMatchObject({ code: 1 });
    expect((failed as { stdout: string }).stdout).toContain('results.json: SHA-256');
  });

  /** The service's private key, as an insider would have it. */
  function insiderKey(): string {
    const keysDir = join(service.dataDir, 'keys');
    return readFileSync(join(keysDir, readdirSync(keysDir)[0]!), 'utf8');
  }

  const problemsOf = async (bytes: Uint8Array, witnesses: { seq: number; hash: string }[] = []) => {
    const report = await verifyBundle(bytes, { witnesses });
    return report.ok ? [] : report.problems;
  };

  it('a changed reading: caught by the manifest, and by the originals when the manifest is signed again', async () => {
    const change = (t: string) => t.replace(/^(logger-LZ-EVIDENCE-1,\d+,[^,]+,)([\d.-]+)/m, (_m, head, temp) => `${head}${(Number(temp) + 1).toFixed(2)}`);
    expect(await problemsOf(tamper(bundle, 'readings.csv', change))).toContainEqual(expect.stringMatching(/^readings\.csv: SHA-256 .* does not match the manifest/));
    expect(await problemsOf(tamper(bundle, 'readings.csv', change, insiderKey()))).toEqual([expect.stringMatching(/^readings\.csv line 2 \(.*\): [\d.-]+ °C, the original says [\d.-]+ °C$/)]);
  });

  it('a changed custody event: caught in the custody file and, when the chain itself is changed, by the chain', async () => {
    const key = insiderKey();
    const station = (t: string) => t.replace('"station": "', '"station": "X');
    expect(await problemsOf(tamper(bundle, 'custody.json', station, key))).toEqual(['custody.json: the custody events differ from those in the chain']);
    // One byte of a custody entry in the chain: the next entry no longer names its hash.
    const chainChange = (t: string) => t.replace(/("kind":"custody".*?"station":")/, '$1X');
    const problems = await problemsOf(tamper(bundle, 'chain.jsonl', chainChange, key));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^chain\.jsonl: entry \d+: "prev" is not the hash of entry \d+ \(the chain is broken there\)$/);
  });

  it('a changed signature: the head signature, and a device signature inside an original', async () => {
    const flip = (sig: string) => (sig[0] === 'A' ? 'B' : 'A') + sig.slice(1);
    expect(await problemsOf(tamper(bundle, 'head.sig', flip, insiderKey()))).toEqual([expect.stringMatching(/^head\.sig: the signature does not verify over head\.json with key/)]);
    const originalChange = (t: string) => {
      const lines = t.split('\n');
      const o = JSON.parse(lines[3]!);
      const envelope = JSON.parse(Buffer.from(o.payload, 'base64').toString('utf8'));
      envelope.sig = flip(envelope.sig);
      lines[3] = JSON.stringify({ ...o, payload: Buffer.from(JSON.stringify(envelope)).toString('base64') });
      return lines.join('\n');
    };
    const problems = await problemsOf(tamper(bundle, 'originals.jsonl', originalChange, insiderKey()));
    expect(problems[0]).toMatch(/^originals\.jsonl: message \d+ does not hash to chain entry \d+'s SHA-256/);
    // An insider who also re-hashes the chain to the changed original and signs it all again: the
    // device's own signature still gives it away.
    const forged = (() => {
      const files = unzipSync(tamper(bundle, 'originals.jsonl', originalChange));
      const changed = JSON.parse(strFromU8(files['originals.jsonl']!).split('\n')[3]!) as { messageId: number; payload: string };
      const sha = sha256Hex(Buffer.from(changed.payload, 'base64'));
      files['chain.jsonl'] = strToU8(rehash(strFromU8(files['chain.jsonl']!), (entry) => {
        const body = entry.body as { messageId?: number; sha256?: string };
        if (entry.kind === 'message' && body.messageId === changed.messageId) body.sha256 = sha;
      }));
      return resignHead(zipSync(files), insiderKey());
    })();
    expect(await problemsOf(forged)).toEqual([expect.stringMatching(/^originals\.jsonl: message \d+ \(chain entry \d+\): the device's signature does not verify with its key [0-9a-f]{16}$/)]);
    // Its readings are then backed by nothing: named once, with the count.
    expect(problems).toContainEqual(expect.stringMatching(/^readings\.csv line \d+ \(.*\): no original holds a reading at this time \(nor for \d+ more row\(s\)\)$/));
  });

  it('a changed result: the claim amount and the MKT, each named', async () => {
    const key = insiderKey();
    const amount = await problemsOf(tamper(bundle, 'results.json', (t) => t.replace(/"amountCents": (\d+)/, (_m, n) => `"amountCents": ${Number(n) + 100}`), key));
    expect(amount).toContainEqual(expect.stringMatching(/^results\.json: claim .*: \d+ fen from .*; recomputed: \d+ fen from /));
    expect(amount).toContainEqual(expect.stringMatching(/^results\.json: claim .*: amountCents is \d+, the chain's claim says \d+$/));
    // The excursion left out of the results: the originals show it, and its claim stands on nothing.
    const noExcursion = await problemsOf(tamper(bundle, 'results.json', (t) => JSON.stringify({ ...JSON.parse(t), excursions: [] }, null, 2), key));
    expect(noExcursion).toContainEqual(expect.stringMatching(/^results\.json: the originals show an excursion of rule \S+ beginning at .* that the results leave out$/));
    expect(noExcursion).toContainEqual(expect.stringMatching(/^results\.json: claim \S+ \(\d+ fen from \S+\) stands, but its excursion \S+ did not begin within the journey$/));
    const mkt = await problemsOf(tamper(bundle, 'results.json', (t) => t.replace(/"mktC": ([\d.]+)/, (_m, n) => `"mktC": ${Number(n) + 0.5}`), key));
    expect(mkt).toEqual([expect.stringMatching(/^results\.json: measures\.mktC is [\d.]+; recomputed from the originals: [\d.]+$/)]);
  });

  it('a history rewritten by an insider, consistent and signed again, is caught by a head handed out at a handoff', async () => {
    const key = insiderKey();
    // Rewrite the first message entry's recorded arrival and re-hash every entry after it.
    let isChanged = false;
    const rewrite = (t: string) =>
      rehash(t, (entry) => {
        if (!isChanged && entry.kind === 'message') {
          (entry.body as { receivedAt: number }).receivedAt += 1;
          isChanged = true;
        }
      });
    const rewritten = resignHead(tamper(bundle, 'chain.jsonl', rewrite), key);
    expect(await problemsOf(rewritten)).toEqual([]);
    expect(await problemsOf(rewritten, [witnessed])).toEqual([expect.stringMatching(/^witnessed head \d+:[0-9a-f]{64} is not in this chain .*the history was rewritten after it was handed out$/)]);
  });
});

/** The chain's lines with `change` applied to each entry, every link re-hashed: a consistent forgery. */
function rehash(chain: string, change: (entry: ChainEntry) => void): string {
  let prev = '0'.repeat(64);
  const out: string[] = [];
  for (const line of chain.split('\n').filter(Boolean)) {
    const entry = JSON.parse(line) as ChainEntry;
    change(entry);
    entry.prev = prev;
    const next = entryLine(entry);
    prev = sha256Hex(next);
    out.push(next);
  }
  return out.join('\n') + '\n';
}

/** A bundle with one file changed; with `key`, the manifest is signed again (an insider's forgery). */
function tamper(bundle: Uint8Array, name: string, change: (text: string) => string, key?: string): Uint8Array {
  const files = unzipSync(bundle);
  const before = strFromU8(files[name]!);
  const after = change(before);
  expect(after).not.toBe(before);
  files[name] = strToU8(after);
  if (key) resignManifest(files, key);
  return zipSync(files);
}

function resignManifest(files: Record<string, Uint8Array>, key: string): void {
  const manifest = JSON.parse(strFromU8(files['manifest.json']!)) as Manifest;
  manifest.files = manifest.files.map((f) => ({ ...f, sha256: sha256Hex(files[f.name]!), bytes: files[f.name]!.length }));
  const text = JSON.stringify(manifest, null, 2);
  files['manifest.json'] = strToU8(text);
  files['manifest.sig'] = strToU8(signText(text, key));
}

/** Signs a new head over the bundle's (rewritten) chain with the service's key, and the manifest again. */
function resignHead(bundle: Uint8Array, key: string): Uint8Array {
  const files = unzipSync(bundle);
  const lines = strFromU8(files['chain.jsonl']!).split('\n').filter(Boolean);
  const hash = sha256Hex(lines.at(-1)!);
  const head = JSON.parse(strFromU8(files['head.json']!));
  const text = JSON.stringify({ ...head, hash });
  files['head.json'] = strToU8(text);
  files['head.sig'] = strToU8(signText(text, key));
  const manifest = JSON.parse(strFromU8(files['manifest.json']!)) as Manifest;
  manifest.chain = { seq: lines.length, hash };
  files['manifest.json'] = strToU8(JSON.stringify(manifest, null, 2));
  resignManifest(files, key);
  return zipSync(files);
}
