/**
 * `npm run accounts`: creates users and API keys through a running service's API, as the platform's
 * bootstrap admin token (docs/accounts.md). It reads the same settings as the service: the API on
 * `PORT` (or `--api`), the token from `COLDCHAIN_ADMIN_TOKEN` or `DATA_DIR/admin-token`. A password is
 * asked for without echo (or read from stdin when it is not a terminal); it never goes on the command line.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';

const USAGE = `coldchain accounts: users and API keys of an organisation (docs/accounts.md)

  npm run accounts -- add-user <orgId> <login> <admin|operator|viewer> [--name "显示名"]
                                  asks for the password (at least 10 characters) twice
  npm run accounts -- add-key <orgId> <name> <admin|operator|viewer>
                                  prints the key once: keep it, only its hash is stored
  npm run accounts -- list <orgId>
                                  the organisation's users and keys

Options: --api URL (default http://127.0.0.1:$PORT, PORT default 8080)
The admin token comes from COLDCHAIN_ADMIN_TOKEN, else DATA_DIR/admin-token (DATA_DIR default ./data).`;

function fail(message: string, code = 2): never {
  process.stderr.write(`coldchain accounts: ${message}\n`);
  if (code === 2) process.stderr.write(`\n${USAGE}\n`);
  process.exit(code);
}

/** Reads a line without echoing it on a terminal; plainly from a pipe. */
async function readSecret(prompt: string): Promise<string> {
  if (!process.stdin.isTTY) {
    const lines = createInterface({ input: process.stdin });
    for await (const line of lines) return line;
    return '';
  }
  process.stderr.write(prompt);
  process.stdin.setRawMode(true);
  process.stdin.resume();
  return new Promise((resolve) => {
    let value = '';
    const onData = (chunk: Buffer) => {
      for (const char of chunk.toString('utf8')) {
        if (char === '\r' || char === '\n') {
          process.stdin.setRawMode(false);
          process.stdin.pause();
          process.stdin.off('data', onData);
          process.stderr.write('\n');
          return resolve(value);
        }
        if (char === '\u0003') process.exit(130);
        value = char === '\u007f' ? value.slice(0, -1) : value + char;
      }
    };
    process.stdin.on('data', onData);
  });
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { api: { type: 'string' }, name: { type: 'string' }, help: { type: 'boolean', short: 'h', default: false } },
});
if (values.help || positionals.length === 0) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(values.help ? 0 : 2);
}

const api = (values.api ?? `http://127.0.0.1:${process.env.PORT ?? '8080'}`).replace(/\/$/, '');
const tokenFile = join(process.env.DATA_DIR ?? './data', 'admin-token');
const token = process.env.COLDCHAIN_ADMIN_TOKEN ?? (existsSync(tokenFile) ? readFileSync(tokenFile, 'utf8').trim() : undefined);
if (!token) fail(`no admin token: set COLDCHAIN_ADMIN_TOKEN, or run where ${tokenFile} is readable`, 1);

async function call(method: string, path: string, body?: unknown): Promise<any> {
  let response: Response;
  try {
    response = await fetch(`${api}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch {
    fail(`the service does not answer at ${api} (is it running? --api sets the address)`, 1);
  }
  const text = await response.text();
  const answer = text ? (JSON.parse(text) as { error?: { code: string; message: string } }) : {};
  if (!response.ok) fail(`${answer.error?.code ?? response.status}: ${answer.error?.message ?? text}`, 1);
  return answer;
}

const ROLES = ['admin', 'operator', 'viewer'];
const [command, orgId, ...rest] = positionals;
if (!orgId) fail(`${command} needs an organisation id`);

switch (command) {
  case 'add-user': {
    const [login, role] = rest;
    if (!login || !role || !ROLES.includes(role)) fail('add-user needs <orgId> <login> <admin|operator|viewer>');
    const password = await readSecret(`password for ${login} 密码: `);
    if (process.stdin.isTTY && (await readSecret('again 再输一次: ')) !== password) fail('the two passwords differ', 1);
    const user = await call('POST', `/api/v1/organisations/${encodeURIComponent(orgId)}/users`, { login, name: values.name ?? login, password, role });
    process.stdout.write(`created user ${user.login} (${user.role}) of ${user.orgId}: sign in at ${api}/console\n`);
    break;
  }
  case 'add-key': {
    const [name, role] = rest;
    if (!name || !role || !ROLES.includes(role)) fail('add-key needs <orgId> <name> <admin|operator|viewer>');
    const key = await call('POST', `/api/v1/organisations/${encodeURIComponent(orgId)}/api-keys`, { name, role });
    process.stderr.write(`API key ${key.id} (${key.role}) of ${key.orgId}, shown this once; send it as Authorization: Bearer <key>\n`);
    process.stdout.write(`${key.key}\n`);
    break;
  }
  case 'list': {
    const [users, keys] = await Promise.all([call('GET', `/api/v1/organisations/${encodeURIComponent(orgId)}/users`), call('GET', `/api/v1/organisations/${encodeURIComponent(orgId)}/api-keys`)]);
    for (const u of users.users) process.stdout.write(`user ${u.login}\t${u.role}\t${u.name}${u.disabledAt ? '\t(disabled)' : ''}\n`);
    for (const k of keys.apiKeys) process.stdout.write(`key  ${k.id}\t${k.role}\t${k.name}\tlast used ${k.lastUsedAt ? new Date(k.lastUsedAt).toISOString() : 'never'}${k.revokedAt ? '\t(revoked)' : ''}\n`);
    break;
  }
  default:
    fail(`unknown command ${command}`);
}
