/**
 * Prints a dev bearer token: npm run -s token -- --role agent [--dealer D-1] [--sub alice]
 * Signs with AUTH_JWT_SECRET, the same variable the services verify with.
 */
import { parseArgs } from 'node:util';
import { loadConfig, platformEnvSchema } from '../config';
import { roles, type Role } from './roles';
import { signToken } from './tokens';

const { values } = parseArgs({
  options: {
    role: { type: 'string', multiple: true },
    dealer: { type: 'string' },
    sub: { type: 'string' },
    ttl: { type: 'string', default: '12h' },
  },
});

const requested = values.role ?? [];
const unknown = requested.filter((r) => !(roles as readonly string[]).includes(r));
if (requested.length === 0 || unknown.length > 0) {
  process.stderr.write(`--role must be one of: ${roles.join(', ')}${unknown.length ? ` (got ${unknown.join(', ')})` : ''}\n`);
  process.exit(2);
}
if (requested.includes('dealer') && !values.dealer) {
  process.stderr.write('--dealer <id> is required with --role dealer\n');
  process.exit(2);
}

const env = loadConfig(platformEnvSchema);
const token = await signToken(
  {
    sub: values.sub ?? `dev-${requested[0]}`,
    roles: requested as Role[],
    ...(values.dealer ? { dealerId: values.dealer } : {}),
  },
  { secret: env.AUTH_JWT_SECRET, issuer: env.AUTH_ISSUER },
  values.ttl,
);
process.stdout.write(`${token}\n`);
