import { describe, expect, it } from "vitest";
import { describeError, problemOfError, problemText } from "./errors";
import { MESSAGES } from "./i18n";

describe("errors in words", () => {
  it("keeps the request id of a masked internal error and says nothing else of it", () => {
    const problem = problemOfError({
      message: "Internal error (request id 3f2a9c1d0b7e4a55).",
      extensions: { code: "INTERNAL_SERVER_ERROR", requestId: "3f2a9c1d0b7e4a55" },
    });
    expect(problem).toEqual({ kind: "internal", detail: undefined, requestId: "3f2a9c1d0b7e4a55" });
    expect(problemText(problem, MESSAGES.zh)).toBe("服务器内部错误，请联系管理员。 请求编号：3f2a9c1d0b7e4a55");
  });

  it("finds the request id in an edge refusal's message too", () => {
    expect(problemOfError({ message: "internal error (request id abcdef0123456789)" }).requestId).toBe("abcdef0123456789");
  });

  it("names each code of the API", () => {
    const kinds = ["UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND", "BAD_USER_INPUT", "UNAVAILABLE", "DEADLINE_EXCEEDED"].map(
      (code) => problemOfError({ message: "m", extensions: { code } }).kind,
    );
    expect(kinds).toEqual(["unauthenticated", "forbidden", "not-found", "bad-input", "unavailable", "deadline"]);
  });

  it("tells a network failure from a GraphQL error", () => {
    expect(describeError({ networkError: new Error("Failed to fetch") }).kind).toBe("network");
    expect(describeError({ graphQLErrors: [{ message: "x", extensions: { code: "FORBIDDEN" } }] }).kind).toBe("forbidden");
    expect(problemText({ kind: "unavailable", detail: "the database is unavailable" }, MESSAGES.en)).toBe(
      "The database is unavailable; try again shortly. (the database is unavailable)",
    );
  });
});
