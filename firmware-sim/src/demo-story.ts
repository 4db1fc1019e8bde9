import type { Logger } from 'pino';
import type { ApiClient } from './api-client.ts';

/** What the story needs of a claim and a scorecard, as the API answers them. */
type ClaimView = { id: string; liableOrgId: string; status: string; amountCents: number; goodsShareCents: number; advancedCents?: number; respondBy: number; filedAt: number };
type Card = { orgId: string; score: number | null; grade: string | null; claimsAnsweredLate: number };

/** The Beijing-time month of an instant, `YYYY-MM` (the scorecards' months). */
function beijingMonth(ms: number): string {
  return new Date(ms + 8 * 60 * 60_000).toISOString().slice(0, 7);
}

const fen = (cents: number) => `¥${(cents / 100).toFixed(2)}`;

/**
 * The whole after-sales story on the demo's failing shipment (issue 13, item 8): the hub's air-conditioning
 * fails and a claim is filed against it; a consumer reports 12 of 40 lychees bad and is paid in seconds;
 * the hub does not answer within its deadline (divided by DEMO_SPEED: 2 h in 10 s at 720×), the claim
 * escalates, the platform advances the rest of it, and the hub's score for the month drops. Each step is
 * logged in Chinese and English; everything goes through the public HTTP API, as the parties would.
 */
export async function runAfterSalesStory(options: {
  api: ApiClient;
  apiUrl: string;
  shipmentId: string;
  traceCode: string;
  /** The organisation that holds the hub leg (the demo's warehouse). */
  hubOrgId: string;
  log: Logger;
  isStopping: () => boolean;
  /** Wall-clock time source. */
  now?: () => number;
  pollMs?: number;
}): Promise<void> {
  const { api, log, hubOrgId } = options;
  const now = options.now ?? Date.now;
  const pollMs = options.pollMs ?? 1000;
  const sleep = () => new Promise((resolve) => setTimeout(resolve, pollMs));

  /** Polls until `find` answers, or the demo stops (then null). */
  async function waitFor<T>(find: () => Promise<T | undefined>): Promise<T | null> {
    while (!options.isStopping()) {
      const found = await find().catch(() => undefined);
      if (found !== undefined) return found;
      await sleep();
    }
    return null;
  }

  const hubCard = async (): Promise<Card | undefined> => {
    const answer = await api.call<{ scorecards: Card[] }>('GET', `/api/v1/scorecards?month=${beijingMonth(now())}`);
    return answer.scorecards.find((c) => c.orgId === hubOrgId);
  };

  // 1. The claim against the hub, filed by the rules once the excursion passes the claim threshold.
  const claim = await waitFor(async () => {
    const { claims } = await api.call<{ claims: ClaimView[] }>('GET', `/api/v1/claims?shipmentId=${encodeURIComponent(options.shipmentId)}`);
    return claims.find((c) => c.liableOrgId === hubOrgId);
  });
  if (!claim) return;
  log.info({ claimId: claim.id, amount: fen(claim.amountCents), respondBy: new Date(claim.respondBy).toISOString() }, `demo.story 索赔已向枢纽仓提出，须在 ${Math.round((claim.respondBy - claim.filedAt) / 1000)} 秒内答复 / claim filed against the hub`);

  // 2. A consumer reports 12 of 40 lychees bad, from the trace page, without an account.
  const reportedAt = now();
  const response = await fetch(new URL(`/api/v1/trace/${encodeURIComponent(options.traceCode)}/after-sales`, options.apiUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ badCount: 12, totalCount: 40, boxes: 1, orderRef: `DEMO-${options.shipmentId}`.slice(0, 64) }),
  });
  const request = (await response.json()) as { id?: string; state?: string; valueCents?: number; error?: { message: string } };
  if (!response.ok || !request.id) {
    log.warn({ status: response.status, error: request.error?.message }, 'demo.story 消费者售后申请未被受理 / the consumer report was refused');
  } else {
    log.info(
      { requestId: request.id, state: request.state, value: fen(request.valueCents ?? 0), decidedInMs: now() - reportedAt, follow: `/api/v1/trace/${options.traceCode}/after-sales/${request.id}` },
      `demo.story 消费者报告 12/40 个坏果：${request.state === 'paid' ? '已秒赔' : request.state} / consumer reported 12 of 40 bad: ${request.state}`,
    );
  }

  // 3. The hub does not answer: the claim escalates to the platform at its deadline. The hub's card is
  // read just before it and just after, so what moves it is the late answer, not other shipments.
  await waitFor(async () => (now() >= claim.respondBy - pollMs ? true : undefined));
  const before = await hubCard().catch(() => undefined);
  const escalated = await waitFor(async () => {
    const { claim: c } = await api.call<{ claim: ClaimView }>('GET', `/api/v1/claims/${claim.id}`);
    return c.status === 'escalated' ? c : undefined;
  });
  if (!escalated) return;
  log.warn({ claimId: claim.id }, 'demo.story 枢纽仓未在时限内答复，索赔已升级至平台 / the hub did not answer in time: the claim escalated');

  // 4. The platform advances the rest of the claim, to recover from the hub.
  const rest = escalated.amountCents - (escalated.advancedCents ?? 0);
  if (rest > 0) {
    await api.call('POST', `/api/v1/claims/${claim.id}/advance`, { amountCents: rest, note: '平台先行垫付 / the platform advances' });
    log.info({ claimId: claim.id, advanced: fen(rest), total: fen(escalated.amountCents) }, `demo.story 平台先行垫付 ${fen(rest)} / the platform advanced ${fen(rest)}`);
  }

  // 5. The hub's score for the month, before and after.
  const after = await hubCard().catch(() => undefined);
  log.info(
    { hub: hubOrgId, before: before?.score ?? null, after: after?.score ?? null, grade: after?.grade ?? null, lateClaimAnswers: [before?.claimsAnsweredLate ?? null, after?.claimsAnsweredLate ?? null] },
    `demo.story 枢纽仓本月超时未答复索赔 ${before?.claimsAnsweredLate ?? '—'} → ${after?.claimsAnsweredLate ?? '—'}，信用分 ${before?.score ?? '—'} → ${after?.score ?? '—'} / the hub's late claim answers and score this month`,
  );
}
