import { AppError } from '../../shared/errors.ts';
import { newId } from '../../shared/ids.ts';
import { toE164 } from '../../shared/phone.ts';
import { notify, type Queryable } from '../../store/db.ts';
import { findSmsSender } from './channels.repository.ts';
import { insertBatch } from './messages.repository.ts';
import { insertOutbound } from './send-queue.repository.ts';
import { MESSAGING_NOTIFY } from './sender.ts';

// The SMS API's send (spec/workflow-api.md Appendix A, docs/sms.md): one message to each
// number, queued on the app's SMS sender, one request id (a batch) for them all.

export const MAX_SMS_LENGTH = 1_600;
export const MAX_SMS_RECIPIENTS = 1_000;

export interface SmsSendRequest {
  to: string[];
  message: string;
  from: string;
  callbackUrl?: string;
}

export async function sendSmsIn(
  tx: Queryable,
  appId: number,
  request: SmsSendRequest,
  now: Date,
): Promise<{ messageId: string }> {
  if (request.to.length === 0) throw new AppError('bad_request', 'to is empty');
  if (request.to.length > MAX_SMS_RECIPIENTS) {
    throw new AppError('bad_request', `at most ${MAX_SMS_RECIPIENTS} numbers per request`);
  }
  if (request.message.trim() === '') throw new AppError('bad_request', 'message is empty');
  if (request.message.length > MAX_SMS_LENGTH) {
    throw new AppError(
      'unsupported_content',
      `an SMS carries at most ${MAX_SMS_LENGTH} characters`,
    );
  }
  const numbers = request.to.map((to) => {
    const e164 = toE164(to.trim().startsWith('+') ? to : `+${to.trim()}`);
    if (!e164) throw new AppError('invalid_phone', JSON.stringify(to));
    return e164.slice(1);
  });
  const channel = await findSmsSender(tx, appId, request.from);
  if (!channel) throw new AppError('channel_not_found', `no SMS sender ${request.from}`);
  const batchId = newId();
  await insertBatch(tx, {
    id: batchId,
    appId,
    channelPk: channel.pk,
    kind: 'sms',
    templateId: null,
    robotId: null,
    callbackUrl: request.callbackUrl ?? null,
  });
  await insertOutbound(
    tx,
    numbers.map((userId) => ({
      id: newId(),
      appId,
      channelPk: channel.pk,
      userId,
      kind: 'sms' as const,
      content: { type: 'text', text: request.message },
      batchId,
      templateId: null,
      variables: null,
      custom: null,
      conversationId: null,
      replyTo: null,
      at: now,
    })),
  );
  await notify(tx, MESSAGING_NOTIFY);
  return { messageId: batchId };
}
