import {
  makeAnswer,
  makeOffer,
  negotiate,
  parseSdp,
  SdpError,
  type CodecChoice,
  type CodecName,
} from './signalling/sdp.ts';

// The SDP of a call as the adapter and the test peer use it: our offer, the media an answer
// sets up, and an answer to an offer. A body that is not SDP, or shares no codec with us, sets up
// no media (undefined): the caller ends the call with a clear cause rather than throwing.

export interface MediaSetup {
  /** Where the far end wants our RTP. */
  remote: { host: string; port: number };
  choice: CodecChoice;
}

/** Our offer: the wideband codec first (the offline recogniser needs 16 kHz), then G.711. */
export function offerSdp(host: string, port: number, codecs?: readonly CodecName[]): string {
  return makeOffer({ host, port, ...(codecs ? { codecs } : {}) });
}

/** The media an answer (or a 183's early media) sets up. */
export function answerMedia(sdp: string): MediaSetup | undefined {
  const described = parseOrUndefined(sdp);
  const choice = described && negotiate(described);
  return described && choice
    ? { remote: { host: described.host, port: described.port }, choice }
    : undefined;
}

/** An answer to an offer, accepting `codecs` only (default all we speak). */
export function answerSdp(
  offer: string,
  host: string,
  port: number,
  codecs?: readonly CodecName[],
): (MediaSetup & { sdp: string }) | undefined {
  const described = parseOrUndefined(offer);
  const choice = described && negotiate(described, codecs);
  if (!described || !choice) return undefined;
  return {
    remote: { host: described.host, port: described.port },
    choice,
    sdp: makeAnswer({ host, port, offer: described, choice }),
  };
}

function parseOrUndefined(sdp: string) {
  try {
    return parseSdp(sdp);
  } catch (error) {
    if (error instanceof SdpError) return undefined;
    throw error;
  }
}
