// The envelope of each registered API family, with its error codes bound. The families
// themselves, and the shapes of their envelopes, are in src/api/families/.
import { cloudFamily, pdsFamily, v1Family } from './families/index.ts';

export type { Envelope, EnvelopeShape } from './families/envelope.ts';

export const cloudEnvelope = cloudFamily.wire;
export const pdsEnvelope = pdsFamily.wire;
export const v1Envelope = v1Family.wire;
