/** NOTIFY channel: an agent hung up a PDS call from the desktop; the payload is the call id. */
export const PDS_HANGUP_CHANNEL = 'tiller_pds_hangup';
