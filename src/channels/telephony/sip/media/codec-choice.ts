// The codec that SDP offer/answer settled on, as the signalling side hands it to the media side.
// Kept here as a plain type so the media code does not depend on the SDP code.

export interface CodecChoice {
  /** PCMU/PCMA: G.711 at 8000 Hz. L16: 16-bit big-endian linear PCM, mono, at 16000 Hz. */
  name: 'PCMU' | 'PCMA' | 'L16';
  payloadType: number;
  clockRate: number;
  /** The payload type of RFC 4733 telephone-event, when the far end accepted it. */
  dtmfPayloadType?: number;
}
