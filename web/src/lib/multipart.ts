// GraphQL subscriptions over multipart HTTP (the protocol `gridcare serve` speaks: POST with
// `Accept: multipart/mixed;subscriptionSpec=1.0`). Each part is JSON: `{}` is a heartbeat,
// `{"payload": {"data", "errors"}}` an event, `{"payload": null, "errors": [...]}` the end of the stream.

export interface GraphQLErrorLike {
  message: string;
  extensions?: Record<string, unknown>;
}

export interface ExecutionPart {
  data?: unknown;
  errors?: GraphQLErrorLike[];
}

export type Part =
  | { kind: "heartbeat" }
  | { kind: "next"; payload: ExecutionPart }
  | { kind: "fatal"; errors: GraphQLErrorLike[] };

export const ACCEPT = "multipart/mixed;subscriptionSpec=1.0,application/json";

/** The boundary named by a multipart Content-Type (strawberry's is `graphql`); `-` by default. */
export function boundaryOf(contentType: string): string {
  const match = /boundary="?([^=";,]+)"?/i.exec(contentType);
  return match?.[1] ?? "-";
}

/** What one part's JSON body means. */
export function interpretPart(json: unknown): Part {
  if (json === null || typeof json !== "object") return { kind: "fatal", errors: [{ message: "bad part" }] };
  const part = json as { payload?: ExecutionPart | null; errors?: GraphQLErrorLike[] };
  if (!("payload" in part)) {
    return part.errors?.length ? { kind: "fatal", errors: part.errors } : { kind: "heartbeat" };
  }
  if (part.payload === null || part.payload === undefined) {
    return { kind: "fatal", errors: part.errors ?? [{ message: "the stream ended" }] };
  }
  return { kind: "next", payload: part.payload };
}

/**
 * Split a stream of text chunks into the JSON bodies of its parts. Parts are delimited by
 * `\r\n--boundary` (the first by `--boundary`); `--boundary--` ends the stream. JSON bodies
 * never hold a raw CR LF, so the delimiter cannot occur inside one.
 */
export class MultipartSplitter {
  private buffer = "";
  private started = false;
  private ended = false;
  private readonly delimiter: string;

  constructor(private readonly boundary: string) {
    this.delimiter = `\r\n--${boundary}`;
  }

  get done(): boolean {
    return this.ended;
  }

  /** Feed a chunk of text; returns the parsed JSON of every part completed by it. */
  push(chunk: string): unknown[] {
    this.buffer += chunk;
    const bodies: unknown[] = [];
    if (!this.started) {
      const first = this.buffer.indexOf(`--${this.boundary}`);
      if (first < 0) return bodies;
      this.buffer = this.buffer.slice(first + this.boundary.length + 2);
      this.started = true;
    }
    for (;;) {
      if (this.buffer.startsWith("--")) {
        this.ended = true;
        return bodies;
      }
      const end = this.buffer.indexOf(this.delimiter);
      if (end < 0) return bodies;
      const part = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + this.delimiter.length);
      const body = bodyOf(part);
      if (body !== null) bodies.push(JSON.parse(body));
    }
  }
}

function bodyOf(part: string): string | null {
  const split = part.indexOf("\r\n\r\n");
  const body = (split >= 0 ? part.slice(split + 4) : part).trim();
  return body === "" ? null : body;
}

type LiveListener = (open: number) => void;
const liveListeners = new Set<LiveListener>();
let openStreams = 0;

function setOpen(delta: number) {
  openStreams += delta;
  liveListeners.forEach((listener) => listener(openStreams));
}

/** Follow how many subscription streams are open (for a "live" indicator); returns the unsubscribe function. */
export function onLiveStreams(listener: LiveListener): () => void {
  liveListeners.add(listener);
  listener(openStreams);
  return () => liveListeners.delete(listener);
}

export interface Sink {
  next(part: ExecutionPart): void;
  error(error: unknown): void;
  complete(): void;
}

/** POST a subscription and feed its events to `sink` until unsubscribed; returns the unsubscribe function. */
export function streamSubscription(
  fetcher: typeof fetch,
  url: string,
  body: unknown,
  sink: Sink,
): () => void {
  const abort = new AbortController();
  (async () => {
    const response = await fetcher(url, {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: ACCEPT },
      body: JSON.stringify(body),
      signal: abort.signal,
    });
    const type = response.headers.get("Content-Type") ?? "";
    if (!type.includes("multipart/mixed") || !response.body) {
      const answer = (await response.json().catch(() => ({}))) as ExecutionPart;
      sink.next({ errors: answer.errors ?? [{ message: `HTTP ${response.status}` }] });
      sink.complete();
      return;
    }
    const splitter = new MultipartSplitter(boundaryOf(type));
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    let live = false;
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        for (const json of splitter.push(decoder.decode(value, { stream: true }))) {
          const part = interpretPart(json);
          if (!live && part.kind !== "fatal") {
            live = true;
            setOpen(1);
          }
          if (part.kind === "next") sink.next(part.payload);
          else if (part.kind === "fatal") sink.next({ errors: part.errors });
        }
        if (splitter.done) break;
      }
    } finally {
      if (live) setOpen(-1);
    }
    sink.complete();
  })().catch((error: unknown) => {
    if (!abort.signal.aborted) sink.error(error);
  });
  return () => abort.abort();
}
