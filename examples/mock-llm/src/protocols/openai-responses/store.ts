// The responses a mock made and stored (store !== false), bounded, so chains, GET and item references resolve.

/** An input or output item as the Responses API lists it (always with an `id` once stored). */
export type ResponseItem = Record<string, unknown> & { id: string; type: string };

/** A stored response and what a later request continuing its chain needs from it. */
export interface StoredResponse {
  /** The response object, as returned by create and GET. */
  response: Record<string, unknown> & { id: string };
  /** The request's input items, with ids, in order (what `GET .../input_items` lists). */
  inputItems: ResponseItem[];
  /** Tokens of the whole conversation so far (inputs and visible outputs of the chain, without instructions). */
  contextTokens: number;
  /** The chain's last user text, for a continuation that sends only tool outputs. */
  userText: string;
  /** Every function call id in the chain, so a `function_call_output` can be matched to its call. */
  callIds: string[];
  /** Function calls in this response's output, which the next request in the chain must answer. */
  pendingCallIds: string[];
  background: boolean;
}

/** Stored responses by id, oldest evicted first past `limit`, with an index of their items by item id. */
export class ResponseStore {
  private readonly responses = new Map<string, StoredResponse>();
  private readonly items = new Map<string, ResponseItem>();

  constructor(private readonly limit: number) {}

  /** Remember a response and index its input and output items. */
  put(entry: StoredResponse): void {
    this.responses.set(entry.response.id, entry);
    for (const item of this.itemsOf(entry)) this.items.set(item.id, item);
    while (this.responses.size > this.limit) {
      const oldest = this.responses.keys().next().value as string;
      this.delete(oldest);
    }
  }

  /** The stored response with this id, if it is still remembered. */
  get(id: string): StoredResponse | undefined {
    return this.responses.get(id);
  }

  /** An input or output item of a stored response, for `item_reference`. */
  item(id: string): ResponseItem | undefined {
    return this.items.get(id);
  }

  /** Forget a response and its items; false when it was not stored. */
  delete(id: string): boolean {
    const entry = this.responses.get(id);
    if (!entry) return false;
    this.responses.delete(id);
    // Clients resend items with the same ids on every turn: only drop the index entry this response set.
    for (const item of this.itemsOf(entry)) if (this.items.get(item.id) === item) this.items.delete(item.id);
    return true;
  }

  /** Forget every response and item. */
  clear(): void {
    this.responses.clear();
    this.items.clear();
  }

  private itemsOf(entry: StoredResponse): ResponseItem[] {
    const output = Array.isArray(entry.response.output) ? (entry.response.output as ResponseItem[]) : [];
    return [...entry.inputItems, ...output];
  }
}
