import type Database from 'better-sqlite3';
import type { Row } from './ops-rows.ts';

/**
 * A store over one SQLite connection whose statements are prepared once per SQL text (preparing took a
 * seventh of the rules' time: BENCHMARKS.md): the operational store and the accounts share the connection
 * to ops.db, each with this.
 */
export abstract class PreparedStatements {
  private readonly statements = new Map<string, Database.Statement>();

  protected constructor(protected readonly db: Database.Database) {}

  protected statement(sql: string): Database.Statement {
    let prepared = this.statements.get(sql);
    if (!prepared) {
      prepared = this.db.prepare(sql);
      this.statements.set(sql, prepared);
    }
    return prepared;
  }

  protected one(sql: string, ...params: unknown[]): Row | undefined {
    return this.statement(sql).get(...params) as Row | undefined;
  }

  protected all(sql: string, ...params: unknown[]): Row[] {
    return this.statement(sql).all(...params) as Row[];
  }
}
