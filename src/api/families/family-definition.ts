import type { FastifyPluginAsync } from 'fastify';
import type { EncryptionLookup } from '../../modules/encryption/encryption.service.ts';
import type { Services } from '../../modules/services.ts';
import { errorTable, type AppError, type ErrorKey, type ErrorSpec } from '../../shared/errors.ts';
import type { AuthStrategy } from '../auth/strategy.ts';
import { bindEnvelope, type Envelope, type EnvelopeShape } from './envelope.ts';

/** What mounting a family may depend on beyond the services (the admin API's token). */
export interface MountOptions {
  adminToken?: string;
}

/**
 * Everything that makes an API family, in one place (src/api/families/<name>.ts, listed in
 * index.ts). `Deps` is what its routes and authentication are built from: the services for the
 * real families, anything a test family needs for its own.
 */
export interface FamilyDefinition<Deps = Services> {
  /** Short id: the column of docs/errors.md, the envelope's name in logs and errors. */
  name: string;
  /** Heading of the family in docs/errors.md. */
  title: string;
  /** Where it is mounted; the same routes answer under each. */
  prefixes: readonly string[];
  envelope: EnvelopeShape;
  /**
   * The `code` the family answers for each error of the domain table (src/shared/errors.ts).
   * A rule (the HTTP status) or a lookup with a default; every key must get a number.
   */
  errorCode(key: ErrorKey, error: ErrorSpec): number;
  /** Markdown for docs/errors.md: what `code` means in this family's envelope. */
  errorCodeDoc: string;
  /**
   * The HTTP status of an error answer; absent: the error's own status (errorTable). A family
   * whose clients read only the envelope's `code` (the Chatbot family answers business errors
   * with HTTP 200) says so here; the envelope and its `code` stay the same.
   */
  httpStatus?(error: AppError): number;
  authentication(deps: Deps): AuthStrategy;
  /** Accept what real AIRudder clients send (src/api/wire-habits.ts). */
  wireHabits: boolean;
  /** Per-app AES of bodies (docs/encryption.md); absent for a plaintext-only family. */
  encryption?: (deps: Deps) => EncryptionLookup;
  routes(deps: Deps, options: MountOptions): FastifyPluginAsync[];
}

/** A definition with its envelope bound to its error codes, ready to mount. */
export type Family<Deps = Services> = FamilyDefinition<Deps> & { readonly wire: Envelope };

export function defineFamily<Deps = Services>(definition: FamilyDefinition<Deps>): Family<Deps> {
  const codeOf = (key: ErrorKey) => definition.errorCode(key, errorTable[key]);
  const httpStatus = definition.httpStatus?.bind(definition);
  return {
    ...definition,
    wire: bindEnvelope(definition.name, definition.envelope, codeOf, httpStatus),
  };
}

/** A family whose codes are the HTTP status of each error: cloud, Tiller's /v1. */
export const httpStatusCode = (_key: ErrorKey, error: ErrorSpec): number => error.http;
