// The typed refusals of the API's mutations (nothing was changed), said in words of the console's language.
import { fill, type Messages } from "./i18n";

export type Refusal =
  | { __typename: "NotFound"; message: string }
  | { __typename: "Invalid"; message: string; field: string; reason: string }
  | { __typename: "Conflict"; message: string; reason: string }
  | { __typename: "IllegalTransition"; message: string; status: string; action: string; reason: string }
  | { __typename: "InsufficientPoints"; message: string; balance: number; needed: number }
  | { __typename: "OutOfStock"; message: string; gift: string };

type Labels = Record<string, string>;

/** A refusal in a sentence: Chinese (or English) first, the server's own reason after it when it adds something. */
export function refusalText(refusal: Refusal, m: Messages): string {
  const r = m.refusals;
  switch (refusal.__typename) {
    case "NotFound":
      return r.notFound;
    case "Invalid":
      return fill(r.invalid, { field: refusal.field, reason: refusal.reason });
    case "Conflict":
      return fill(r.conflict, { reason: refusal.reason });
    case "IllegalTransition": {
      const action = (r.actions as Labels)[refusal.action] ?? refusal.action;
      const status = (r.statuses as Labels)[refusal.status.toLowerCase()] ?? refusal.status;
      const why = refusal.reason ? ` (${refusal.reason})` : "";
      return fill(r.illegal, { action, status }) + why;
    }
    case "InsufficientPoints":
      return fill(r.insufficient, { balance: refusal.balance, needed: refusal.needed });
    case "OutOfStock":
      return fill(r.outOfStock, { gift: refusal.gift });
  }
}

/** A key for one attempt of a mutation: a retry of the same attempt sends the same key and changes nothing twice. */
export function attemptKey(what: string): string {
  const random = globalThis.crypto?.randomUUID?.() ?? `${Date.now()}-${Math.random().toString(36).slice(2)}`;
  return `console:${what.slice(0, 16)}:${random}`;
}
