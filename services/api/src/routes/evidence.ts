import type { RouteContext } from '../app.ts';

/** Keys, chain heads and evidence bundles (issue 11, items 2 and 3). */
export function registerEvidenceRoutes(_context: RouteContext): void {}
