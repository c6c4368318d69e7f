import { forgetOnRollback, type Queryable } from './db.ts';

// A read remembered for the rest of one transaction: a chatbot turn adds several messages, and
// each publish asked the same settings again. Only a transaction's own Queryable is memoised
// (the Db itself answers every call afresh); the memo goes with the transaction object, and a
// savepoint rolled back forgets it (what was read or written under it may be undone).

export interface TxMemo<K, V> {
  /** The value remembered in this transaction, else load()'s (remembered unless it fails). */
  get(tx: Queryable, key: K, load: () => Promise<V>): Promise<V>;
  /** Remembers what this transaction just wrote. */
  set(tx: Queryable, key: K, value: V): void;
}

export function txMemo<K, V>(): TxMemo<K, V> {
  const memo = new WeakMap<Queryable, Map<K, Promise<V>>>();
  forgetOnRollback(memo);
  const of = (tx: Queryable) => {
    let known = memo.get(tx);
    if (!known) memo.set(tx, (known = new Map()));
    return known;
  };
  return {
    get(tx, key, load) {
      if (isDb(tx)) return load();
      const known = of(tx);
      let value = known.get(key);
      if (!value) {
        value = load();
        known.set(key, value);
        value.catch(() => known.delete(key));
      }
      return value;
    },
    set(tx, key, value) {
      if (!isDb(tx)) of(tx).set(key, Promise.resolve(value));
    },
  };
}

const isDb = (q: Queryable) => 'transaction' in q;
