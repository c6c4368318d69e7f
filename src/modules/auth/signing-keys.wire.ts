import { formatDateTime } from '../../shared/time.ts';
import type { NewSigningKey, SigningKeyInfo } from './signing-keys.service.ts';

// The /v1 and admin wire shapes of a signing key: snake_case, times in the app's zone.

export function signingKeyWire(key: SigningKeyInfo, zone: string) {
  return {
    key_id: key.keyId,
    lenient: key.lenient,
    create_time: formatDateTime(key.createdAt, zone),
    revoke_time: key.revokedAt ? formatDateTime(key.revokedAt, zone) : null,
  };
}

export function newSigningKeyWire(created: NewSigningKey, zone: string) {
  return { ...signingKeyWire(created.key, zone), secret: created.secret };
}
