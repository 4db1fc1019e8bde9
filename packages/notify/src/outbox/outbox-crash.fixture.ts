// Child process of outbox-crash.test.ts: enqueues one webhook delivery and starts sending it; the test
// kills this process with SIGKILL while the request is in flight.
import { Outbox } from './outbox.ts';

const [path, url] = process.argv.slice(2);
if (!path || !url) throw new Error('usage: outbox-crash.fixture.ts <outbox path> <receiver url>');
const outbox = new Outbox({ path });
const result = await outbox.enqueue({ key: 'k-crash', channel: 'webhook', url, secret: 'whsec_carrier', payload: { type: 'claim.filed', seq: 1 } });
if (!result.ok) throw new Error(result.message);
outbox.start();
