import { Worker } from 'node:worker_threads';
import { endWorker } from './sqlite-writer.ts';

/**
 * The writer connection's automatic checkpoint, raised from 1,000 pages to this many (16 MiB at 4 KiB
 * pages). Under continuous writes the checkpointer never catches the newest frames, and SQLite starts the
 * WAL over only after a checkpoint that copied every frame: the writer's own, at this mark, copies the few
 * the checkpointer has not yet (cheap) and lets the WAL start over, so it stays bounded. It is also the
 * backstop if the checkpointer's thread is gone.
 */
export const WRITER_AUTOCHECKPOINT_PAGES = 4_096;

/**
 * Checkpoints a WAL-mode SQLite file from its own thread and connection, so that the writer's commits
 * never pay for copying the WAL back into the database (an automatic checkpoint runs inside the commit
 * that crosses the mark, and every message in that group commit waits for it; decision 0026). PASSIVE: it never
 * blocks the writer or a reader; a checkpoint that could not finish (a reader on an old snapshot) is taken
 * up again next round. Crash-safe as any checkpoint: a committed frame is durable in the WAL first.
 */
export class WalCheckpointer {
  private worker: Worker | undefined;

  constructor(options: { path: string; pragmas: readonly string[]; intervalMs?: number }) {
    const worker = new Worker(new URL('./wal-checkpoint-worker.mjs', import.meta.url), {
      workerData: { path: options.path, pragmas: [...options.pragmas], intervalMs: options.intervalMs ?? 200 },
    });
    // The checkpoints never keep the process alive: an interrupted one is taken up by the next connection.
    worker.unref();
    // A failed checkpoint (an I/O error the writer meets too) leaves the WAL to the writer's backstop.
    worker.on('error', () => undefined);
    worker.on('exit', () => {
      if (this.worker === worker) this.worker = undefined;
    });
    this.worker = worker;
  }

  /** A last checkpoint, then the thread ends. */
  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    if (worker) await endWorker(worker);
  }
}
