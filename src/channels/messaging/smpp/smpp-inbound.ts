// What a deliver_sm means: a delivery receipt (esm_class bit 0x04) becomes a status event, any
// other deliver_sm a person's message. Kept apart from the connection handling so the mapping is
// read (and tested) on its own.
import { randomUUID } from 'node:crypto';
import type { PDU } from 'smpp';
import type { InboundEvent } from '../messaging-channel.ts';
import {
  addressIn,
  decodedText,
  ESM_DELIVERY_RECEIPT,
  parseReceipt,
  personIn,
} from './smpp-pdu-fields.ts';

/** The event of a deliver_sm, or undefined for a receipt whose state is not final or unknown. */
export function inboundEvent(pdu: PDU): InboundEvent | undefined {
  const text = decodedText(pdu.message_payload) ?? decodedText(pdu.short_message) ?? '';
  const sourceTon = Number(pdu.source_addr_ton ?? 0);
  const source = String(pdu.source_addr ?? '');
  if ((Number(pdu.esm_class ?? 0) & ESM_DELIVERY_RECEIPT) !== 0) {
    const receipt = parseReceipt(text, {
      id: pdu.receipted_message_id,
      state: pdu.message_state,
    });
    if (!receipt) return undefined;
    return {
      kind: 'status',
      providerMessageId: receipt.messageId,
      // A receipt comes from the person's number to ours.
      recipient: personIn(source, sourceTon),
      status: receipt.status,
      at: new Date(),
      ...(receipt.status === 'failed'
        ? {
            error: {
              code: receipt.err ?? receipt.stat,
              message: `the SMS centre reported ${receipt.stat}`,
            },
          }
        : {}),
    };
  }
  const id = pdu.receipted_message_id;
  return {
    kind: 'message',
    to: addressIn(String(pdu.destination_addr ?? ''), Number(pdu.dest_addr_ton ?? 0)),
    from: personIn(source, sourceTon),
    // SMPP gives a person's message no id of its own; a centre that sets one is believed.
    providerMessageId: typeof id === 'string' && id ? id : `smpp-mo-${randomUUID()}`,
    at: new Date(),
    content: { type: 'text', text },
  };
}
