import type { RouteContext } from '../app.ts';

/** The trip report PDF: GET /api/v1/shipments/{id}/report.pdf (issue 11, item 5). */
export function registerReportRoutes(_context: RouteContext): void {}
