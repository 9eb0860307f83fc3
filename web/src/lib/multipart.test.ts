import { describe, expect, it } from "vitest";
import { boundaryOf, interpretPart, MultipartSplitter, streamSubscription, type ExecutionPart } from "./multipart";

// the bytes `gridcare serve` (strawberry) sends for a subscription: an initial heartbeat, an event, the end
const part = (json: string) => `\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${json.length}\r\n\r\n${json}\r\n--graphql`;
const STREAM = `--graphql${part("{}")}${part('{"payload": {"data": {"qrScanned": {"name": "王秀英"}}}}')}\r\n--graphql--\r\n`;

describe("the multipart subscription stream", () => {
  it("reads the boundary of strawberry's content type", () => {
    expect(boundaryOf("multipart/mixed;boundary=graphql;subscriptionSpec=1.0,application/json")).toBe("graphql");
    expect(boundaryOf('multipart/mixed; boundary="-"')).toBe("-");
    expect(boundaryOf("multipart/mixed")).toBe("-");
  });

  it("splits parts however the chunks fall, and sees the end", () => {
    for (const size of [1, 3, 7, 64, STREAM.length]) {
      const splitter = new MultipartSplitter("graphql");
      const bodies: unknown[] = [];
      for (let i = 0; i < STREAM.length; i += size) bodies.push(...splitter.push(STREAM.slice(i, i + size)));
      expect(bodies).toEqual([{}, { payload: { data: { qrScanned: { name: "王秀英" } } } }]);
      expect(splitter.done).toBe(true);
    }
  });

  it("tells heartbeats, events and a stream ended by an error apart", () => {
    expect(interpretPart({})).toEqual({ kind: "heartbeat" });
    expect(interpretPart({ payload: { data: { a: 1 } } })).toEqual({ kind: "next", payload: { data: { a: 1 } } });
    const revoked = [{ message: "the token was revoked", extensions: { code: "UNAUTHENTICATED" } }];
    expect(interpretPart({ payload: null, errors: revoked })).toEqual({ kind: "fatal", errors: revoked });
    expect(interpretPart({ payload: { errors: revoked } })).toEqual({ kind: "next", payload: { errors: revoked } });
  });

  it("feeds a subscriber the events of a streamed answer and completes", async () => {
    const fetcher = (async () =>
      new Response(STREAM, {
        headers: { "Content-Type": "multipart/mixed;boundary=graphql;subscriptionSpec=1.0,application/json" },
      })) as typeof fetch;
    const events: ExecutionPart[] = [];
    await new Promise<void>((done, fail) =>
      streamSubscription(fetcher, "/graphql", { query: "subscription { x }" }, {
        next: (event) => events.push(event),
        error: fail,
        complete: done,
      }),
    );
    expect(events).toEqual([{ data: { qrScanned: { name: "王秀英" } } }]);
  });

  it("passes on a refusal that is not a stream as errors", async () => {
    const fetcher = (async () =>
      new Response(JSON.stringify({ errors: [{ message: "no community named 'x'" }] }), {
        status: 200,
        headers: { "Content-Type": "application/json" },
      })) as typeof fetch;
    const events: ExecutionPart[] = [];
    await new Promise<void>((done, fail) =>
      streamSubscription(fetcher, "/graphql", {}, { next: (e) => events.push(e), error: fail, complete: done }),
    );
    expect(events).toEqual([{ errors: [{ message: "no community named 'x'" }] }]);
  });
});
