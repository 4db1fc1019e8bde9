import type Database from 'better-sqlite3';
import type { ScorecardMonth, ScorecardStore, ScorecardTrigger } from '../../scorecard-ports.ts';
import { PreparedStatements } from './prepared-statements.ts';

/** Monthly scorecards on the operational store's connection to ops.db (schema v19). */
export class SqliteScorecardStore extends PreparedStatements implements ScorecardStore {
  constructor(db: Database.Database) {
    super(db);
  }

  async saveMonthOnce(month: ScorecardMonth): Promise<{ month: ScorecardMonth; isNew: boolean }> {
    return this.db.transaction(() => {
      const kept = this.read(month.month);
      if (kept) return { month: kept, isNew: false };
      this.statement('INSERT INTO scorecard_runs (month, computed_at, trigger, organisations) VALUES (?, ?, ?, ?)').run(month.month, month.computedAt, month.trigger, month.cards.length);
      for (const { orgId, card } of month.cards) {
        this.statement('INSERT INTO scorecard_months (month, org_id, computed_at, trigger, card) VALUES (?, ?, ?, ?, ?)').run(month.month, orgId, month.computedAt, month.trigger, JSON.stringify(card));
      }
      return { month, isNew: true };
    }).immediate();
  }

  private read(month: string): ScorecardMonth | undefined {
    const run = this.one('SELECT * FROM scorecard_runs WHERE month = ?', month);
    if (!run) return undefined;
    const cards = this.all('SELECT org_id, card FROM scorecard_months WHERE month = ? ORDER BY org_id', month).map((r) => ({ orgId: r.org_id as string, card: JSON.parse(r.card as string) as Record<string, unknown> }));
    return { month, computedAt: run.computed_at as number, trigger: run.trigger as ScorecardTrigger, cards };
  }

  async getMonth(month: string): Promise<ScorecardMonth | undefined> {
    return this.read(month);
  }

  async listMonths(): ReturnType<ScorecardStore['listMonths']> {
    return this.all('SELECT * FROM scorecard_runs ORDER BY month DESC').map((r) => ({ month: r.month as string, computedAt: r.computed_at as number, trigger: r.trigger as ScorecardTrigger, organisations: r.organisations as number }));
  }

  async history(orgId: string, fromMonth: string, toMonth: string): ReturnType<ScorecardStore['history']> {
    return this
      .all('SELECT month, card FROM scorecard_months WHERE org_id = ? AND month >= ? AND month <= ? ORDER BY month', orgId, fromMonth, toMonth)
      .map((r) => ({ month: r.month as string, card: JSON.parse(r.card as string) as Record<string, unknown> }));
  }
}
