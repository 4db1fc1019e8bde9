import type { z } from 'zod';

/** A configuration error naming the variables that are wrong. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/**
 * Parses a service's environment once, at start. A bad value throws a ConfigError whose message names
 * the variable and the rule, for main.ts to print before it exits.
 */
export function parseEnv<S extends z.ZodType>(schema: S, env: Record<string, string | undefined>): z.infer<S> {
  const parsed = schema.safeParse(env);
  if (parsed.success) return parsed.data;
  const lines = parsed.error.issues.map((issue) => {
    const name = issue.path.map(String).join('.') || '(environment)';
    const value = env[name];
    // Secrets are named, never printed: a config error ends up in logs.
    const shown = value === undefined ? '(unset)' : /TOKEN|PASSWORD|SECRET|KEY/i.test(name) ? '(hidden)' : JSON.stringify(value);
    return `${name}=${shown}: ${issue.message}`;
  });
  throw new ConfigError(`invalid configuration: ${lines.join('; ')}`);
}
