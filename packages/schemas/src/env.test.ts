import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigError, parseEnv } from './env.ts';

// A service-like schema: the shape each service declares for its environment.
const schema = z.object({
  PORT: z.coerce.number({ error: 'must be a port number' }).int('must be a whole number').min(0).max(65535, 'must be 0–65535').default(8080),
  DATA_DIR: z.string().min(1).default('./data'),
  LOG_LEVEL: z.enum(['info', 'debug', 'silent']).default('info'),
  MQTT_URL: z.string().url('must be a URL such as mqtt://127.0.0.1:1883').optional(),
  COLDCHAIN_ADMIN_TOKEN: z.string().min(16, 'must be at least 16 characters'),
});

function configError(env: Record<string, string | undefined>): ConfigError {
  try {
    parseEnv(schema, env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error(`parseEnv accepted ${JSON.stringify(env)}`);
}

describe('parseEnv', () => {
  const token = 'a-long-enough-admin-token';

  it('parses values and fills defaults', () => {
    expect(parseEnv(schema, { PORT: '9090', COLDCHAIN_ADMIN_TOKEN: token, UNRELATED: 'x' })).toEqual({
      PORT: 9090,
      DATA_DIR: './data',
      LOG_LEVEL: 'info',
      COLDCHAIN_ADMIN_TOKEN: token,
    });
  });

  const refused: Array<{ name: string; env: Record<string, string>; variable: string; value: string; rule: RegExp }> = [
    { name: 'a port that is not a number', env: { PORT: 'http' }, variable: 'PORT', value: '"http"', rule: /port number/ },
    { name: 'a port out of range', env: { PORT: '70000' }, variable: 'PORT', value: '"70000"', rule: /0–65535/ },
    { name: 'a fractional port', env: { PORT: '80.5' }, variable: 'PORT', value: '"80.5"', rule: /whole number/ },
    { name: 'an unknown log level', env: { LOG_LEVEL: 'verbose' }, variable: 'LOG_LEVEL', value: '"verbose"', rule: /info/ },
    { name: 'a broker address that is not a URL', env: { MQTT_URL: 'localhost 1883' }, variable: 'MQTT_URL', value: '"localhost 1883"', rule: /URL/ },
    { name: 'an empty data directory', env: { DATA_DIR: '' }, variable: 'DATA_DIR', value: '""', rule: /\S/ },
  ];

  for (const c of refused) {
    it(`stops on ${c.name}, naming the variable, its value and the rule`, () => {
      const error = configError({ COLDCHAIN_ADMIN_TOKEN: token, ...c.env });
      expect(error.name).toBe('ConfigError');
      expect(error.message).toContain(`${c.variable}=${c.value}`);
      const phrase = error.message.slice(error.message.indexOf(`${c.variable}=`));
      expect(phrase).toMatch(c.rule);
    });
  }

  it('says when a required variable is unset', () => {
    const error = configError({ PORT: '8080' });
    expect(error.message).toMatch(/COLDCHAIN_ADMIN_TOKEN=\(unset\)/);
  });

  it('names every bad variable at once', () => {
    const error = configError({ PORT: '-1', LOG_LEVEL: 'loud', COLDCHAIN_ADMIN_TOKEN: 'short' });
    expect(error.message).toContain('PORT="-1"');
    expect(error.message).toContain('LOG_LEVEL="loud"');
    expect(error.message).toMatch(/COLDCHAIN_ADMIN_TOKEN=\(hidden\): must be at least 16 characters/);
    expect(error.message).not.toContain('DATA_DIR');
  });

  it('never prints the value of a secret', () => {
    const error = configError({ PORT: '8080', COLDCHAIN_ADMIN_TOKEN: 'tooshort-secret' });
    expect(error.message).not.toContain('tooshort-secret');
  });
});
