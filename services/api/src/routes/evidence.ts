import { z } from 'zod';
import { checkChain } from '@coldchain/evidence';
import type { RouteContext } from '../app.ts';
import { principal, SECURITY } from '../auth/authenticate.ts';
import { buildEvidenceBundle } from '../evidence/bundle-builder.ts';

/** Keys, chain heads and evidence bundles (issue 11, items 2 and 3; decision 0017). */
export function registerEvidenceRoutes({ app, ops, telemetry, chains, evidenceStore, keys, clock, auth, scope, audit }: RouteContext): void {
  const security = SECURITY;

  app.get('/api/v1/keys', { schema: { summary: "The service's Ed25519 public keys that sign chain heads and bundles, current and retired (raw 32 bytes, base64url), with their fingerprints", tags: ['evidence'] } }, async (_request, reply) => {
    await keys.current();
    const list = await keys.list();
    reply.header('Cache-Control', 'public, max-age=300');
    return {
      keys: list.map((k) => ({ keyId: k.keyId, algorithm: 'Ed25519', publicKey: k.publicKey, createdAt: k.createdAt, retiredAt: k.retiredAt, isCurrent: k.retiredAt === null })),
    };
  });

  app.post('/api/v1/keys/rotate', { preValidation: auth.platform, schema: { summary: 'Makes a new signing key current (the platform); the old one stays published (retired), so heads it signed still verify', tags: ['evidence'], security } }, async (request, reply) => {
    const key = await keys.rotate();
    app.log.info({ keyId: key.keyId }, 'evidence.key_rotated');
    await audit(request, 'evidence.key_rotated', `service_key:${key.keyId}`, null);
    return reply.status(201).send({ keyId: key.keyId });
  });

  app.get(
    '/api/v1/shipments/:id/chain',
    { preValidation: auth.viewer, schema: { summary: "The shipment's evidence chain now: its signed head, the heads handed to its parties, and whether the stored chain checks out", tags: ['evidence'], security, params: z.object({ id: z.string() }) } },
    async (request) => {
      const shipment = await scope.shipment(principal(request), request.params.id);
      const head = await chains.head(shipment.id);
      const rows = await evidenceStore.chain(shipment.id, head.seq);
      const check = checkChain(rows.map((r) => r.line), shipment.id);
      const witnesses = await evidenceStore.witnesses(shipment.id);
      const problems: string[] = [];
      if (!check.ok) problems.push(check.problem);
      else if (check.hash !== head.hash) problems.push(`the stored chain ends with ${check.hash}, not the head ${head.hash}`);
      problems.push(...(await chains.discrepancies(shipment.id)));
      // Every head handed out must still be in the chain at its position: history was not rewritten.
      const hashAt = new Map(rows.map((r) => [r.seq, r.hash]));
      for (const w of witnesses) {
        if (hashAt.get(w.seq) !== w.hash) problems.push(`the head handed to ${w.to} at ${new Date(w.at).toISOString()} (entry ${w.seq}, ${w.hash}) is no longer in the chain`);
      }
      return { head, entries: rows.length, witnesses, verified: problems.length === 0, problems };
    },
  );

  app.get(
    '/api/v1/shipments/:id/evidence',
    {
      preValidation: auth.viewer,
      compress: false,
      schema: { summary: "The shipment's evidence bundle (zip; for the shipper, the platform and the parties an excursion is put on): manifest, readings (CSV and signed originals), custody and corrections, the chain, signatures and keys, results. Verify offline with npm run verify", tags: ['evidence'], security, params: z.object({ id: z.string() }) },
    },
    async (request, reply) => {
      const shipment = await scope.exportableShipment(principal(request), request.params.id);
      const { zip, head } = await buildEvidenceBundle({ shipment, chains, store: evidenceStore, keys, ops, telemetry, now: clock.now() });
      return reply
        .header('Content-Type', 'application/zip')
        .header('Content-Disposition', `attachment; filename="${shipment.id}-evidence-${head.seq}.zip"`)
        .header('Cache-Control', 'private, no-store')
        .send(Buffer.from(zip));
    },
  );
}
