import { z } from 'zod';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { RouteContext } from '../app.ts';
import { principal, SECURITY } from '../auth/authenticate.ts';
import { REPORT_LANGS } from '../report/report-labels.ts';
import type { ReportLang } from '../report/report-labels.ts';
import { gatherTripReportData } from '../report/trip-report-data.ts';
import { renderTripReport } from '../report/trip-report-pdf.ts';

const reportSchema = {
  tags: ['shipments'],
  security: SECURITY,
  params: z.object({ id: z.string() }),
  querystring: z.object({ lang: z.enum(REPORT_LANGS, { message: 'lang must be "zh" or "en"' }).default('zh') }),
};

/**
 * The trip report PDF: GET /api/v1/shipments/{id}/report.pdf (issue 11, item 5), in Chinese (default)
 * or English. The QR code and links in it are absolute URLs on the host the request came to (its
 * scheme and Host, or X-Forwarded-Proto/-Host from a trusted proxy), so a report fetched through the
 * public address points at the public consumer page.
 */
export function registerReportRoutes({ app, ops, profiles, reads, evidence, clock, auth, scope }: RouteContext): void {
  async function sendReport(request: FastifyRequest, reply: FastifyReply, id: string, lang: ReportLang) {
    const shipment = await scope.exportableShipment(principal(request), id);
    const data = await gatherTripReportData({ ops, profiles, reads, evidence }, shipment, { baseUrl: `${request.protocol}://${request.host}`, now: clock.now() });
    if (!data.chain.isAvailable) request.log.warn({ shipmentId: shipment.id, problem: data.chain.problem }, 'report.chain_unavailable');
    const pdf = await renderTripReport(data, lang);
    // The id is restricted to safe characters at creation; anything else is replaced, never echoed raw.
    const filename = `${shipment.id.replace(/[^A-Za-z0-9_.-]/g, '_')}-report-${lang}.pdf`;
    return reply
      .header('content-type', 'application/pdf')
      .header('content-disposition', `attachment; filename="${filename}"`)
      .header('cache-control', 'private, no-store')
      .send(pdf);
  }

  app.get('/api/v1/shipments/:id/report.pdf', { preValidation: auth.viewer, schema: { ...reportSchema, summary: "A shipment's trip report (PDF, A4): legs and handoffs, the temperature curve, excursions and their attribution, measures, claims, the evidence chain head and how to verify it" } }, (request, reply) =>
    sendReport(request, reply, request.params.id, request.query.lang),
  );
  // The same answer where issue 11 found a 404.
  app.get('/api/v1/shipments/:id/report', { preValidation: auth.viewer, schema: { ...reportSchema, summary: 'The trip report PDF, as at report.pdf' } }, (request, reply) =>
    sendReport(request, reply, request.params.id, request.query.lang),
  );
}
