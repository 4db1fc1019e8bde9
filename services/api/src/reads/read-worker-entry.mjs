// Entry of a reader thread (read-pool.ts): registers tsx in the thread, then loads the TypeScript task
// module, as the rest of the project is run (decision 0001: no build step).
import { register } from 'tsx/esm/api';

register();
const { default: read } = await import('./read-worker.ts');
export default read;
