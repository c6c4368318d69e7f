// Recording links for the TALKRESULT webhook, made inside the transaction that files the form.
// A link is signed with the server's link key, which the recordings service loads from the store
// on first use; loading it inside a transaction would wait for the embedded store's one connection
// that the transaction holds. So the key is loaded once at start (`warm`), outside any
// transaction, and until then the webhook goes without a recLink rather than risk that wait.

export interface SignedCallLinks {
  signedLinks(callIds: string[]): Promise<Map<string, string>>;
  linkKey(): Promise<string>;
}

export class RecLinks {
  readonly #links: SignedCallLinks | undefined;
  #ready = false;

  /** `links` undefined: recordings are off, and no event carries a recLink. */
  constructor(links: SignedCallLinks | undefined) {
    this.#links = links;
  }

  async warm(): Promise<void> {
    if (!this.#links) return;
    await this.#links.linkKey();
    this.#ready = true;
  }

  /** The call's recording link ("" when recordings are off or the key is not loaded yet). */
  async of(callId: string): Promise<string> {
    if (!this.#links || !this.#ready) return '';
    return (await this.#links.signedLinks([callId])).get(callId) ?? '';
  }
}
