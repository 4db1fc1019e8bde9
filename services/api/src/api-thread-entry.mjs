// Entry of the API thread (api-thread.ts): registers tsx in the thread, then loads the TypeScript, as
// the rest of the project is run (decision 0001: no build step). A worker does not get its parent's
// loader, and `--import tsx` in a worker's execArgv does not apply to its entry.
import { register } from 'tsx/esm/api';

register();
await import('./api-thread-worker.ts');
