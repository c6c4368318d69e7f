import { checkLinkSignature, linkSignature } from '../../shared/signed-link.ts';

// Links to recordings that work without an Authorization header (a browser, a CRM, a player can
// open them) and only until they expire: the URL carries its expiry and an HMAC-SHA256 of what
// it opens and that expiry, under a key only the server knows.

/** Default lifetime of a link: 24 hours, like a token. */
export const LINK_LIFETIME_SECONDS = 86_400;

/** What a link opens: one call's recording, or one part of the archive of a task's recordings. */
export type LinkSubject = { kind: 'call'; id: string } | { kind: 'task'; id: string; part: number };

export interface LinkSignerOptions {
  key: string;
  publicUrl: string;
  lifetimeSeconds?: number;
  now?: () => Date;
}

export class LinkSigner {
  readonly #key: string;
  readonly #publicUrl: string;
  readonly #lifetime: number;
  readonly #now: () => Date;

  constructor(options: LinkSignerOptions) {
    this.#key = options.key;
    this.#publicUrl = options.publicUrl.replace(/\/+$/, '');
    this.#lifetime = options.lifetimeSeconds ?? LINK_LIFETIME_SECONDS;
    this.#now = options.now ?? (() => new Date());
  }

  /** `<publicUrl>/recordings/<callId>.wav?…` or `<publicUrl>/recordings/task/<taskId>.zip?…`. */
  url(subject: LinkSubject): string {
    const expires = Math.floor(this.#now().getTime() / 1000) + this.#lifetime;
    const path =
      subject.kind === 'call'
        ? `/recordings/${subject.id}.wav?`
        : `/recordings/task/${subject.id}.zip?${subject.part > 1 ? `part=${subject.part}&` : ''}`;
    return `${this.#publicUrl}${path}expires=${expires}&sig=${this.#sign(subject, expires)}`;
  }

  /** True when the signature is ours for this subject and expiry, and the expiry has not passed. */
  verify(subject: LinkSubject, expires: string, sig: string): boolean {
    return checkLinkSignature(this.#key, subjectOf(subject), expires, sig, this.#now().getTime());
  }

  #sign(subject: LinkSubject, expires: number): string {
    return linkSignature(this.#key, subjectOf(subject), expires);
  }
}

// The kind is signed too: a call id's signature never opens a task archive of the same id.
function subjectOf(subject: LinkSubject): string {
  return subject.kind === 'call' ? `call:${subject.id}` : `task:${subject.id}:${subject.part}`;
}
