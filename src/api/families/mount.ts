import type { FastifyInstance } from 'fastify';
import { familyPlugin } from '../family.ts';
import type { Family, MountOptions } from './family-definition.ts';

/** Mounts one family at each of its prefixes, built from `deps` (the services, for real ones). */
export async function mountFamily<Deps>(
  app: FastifyInstance,
  family: Family<Deps>,
  deps: Deps,
  options: MountOptions = {},
): Promise<void> {
  const routes = family.routes(deps, options);
  const authentication = family.authentication(deps);
  const encryption = family.encryption?.(deps);
  for (const prefix of family.prefixes) {
    await app.register(familyPlugin, {
      prefix,
      envelope: family.wire,
      authentication,
      routes,
      wireHabits: family.wireHabits,
      ...(encryption ? { encryption } : {}),
    });
  }
}
