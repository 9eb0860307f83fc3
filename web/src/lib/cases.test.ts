import { describe, expect, it } from "vitest";
import { byDeadline, changesOpenRequests } from "./cases";
import { attemptKey, refusalText } from "./refusals";
import { MESSAGES } from "./i18n";

describe("the dispatch board", () => {
  it("puts the requests about to expire first, then those asked earlier", () => {
    const requests = [
      { id: "a", wantedUntil: "2026-06-16T12:00:00+08:00", requestedAt: "2026-06-15T09:00:00+08:00" },
      { id: "b", wantedUntil: "2026-06-16T03:00:00Z", requestedAt: "2026-06-15T10:00:00+08:00" }, // 11:00 in +08
      { id: "c", wantedUntil: "2026-06-16T11:00:00+08:00", requestedAt: "2026-06-15T08:00:00+08:00" },
    ];
    expect(byDeadline(requests).map((r) => r.id)).toEqual(["c", "b", "a"]);
    expect(requests.map((r) => r.id)).toEqual(["a", "b", "c"]); // the list given is left alone
  });

  it("refreshes on the news of requests, not of matters", () => {
    expect(changesOpenRequests({ caseKind: "request", action: "accept" })).toBe(true);
    expect(changesOpenRequests({ caseKind: "matter", action: "report" })).toBe(false);
  });
});

describe("refusals in words", () => {
  const zh = MESSAGES.zh;
  it("says why a request cannot be taken", () => {
    const refusal = { __typename: "IllegalTransition" as const, message: "", status: "accepted", action: "accept", reason: "" };
    expect(refusalText(refusal, zh)).toBe("不能接单：这件事现在已被接单。");
    expect(refusalText({ ...refusal, status: "cancelled", reason: "asked twice" }, MESSAGES.en)).toBe(
      "Cannot take it: it is cancelled now. (asked twice)",
    );
  });

  it("says what a gift costs against the balance, and an empty shelf", () => {
    expect(refusalText({ __typename: "InsufficientPoints", message: "", balance: 3, needed: 20 }, zh)).toBe(
      "积分不足：现有3分，需要20分。",
    );
    expect(refusalText({ __typename: "OutOfStock", message: "", gift: "毛巾" }, zh)).toBe("毛巾已兑完，礼品架上暂无库存。");
    expect(refusalText({ __typename: "NotFound", message: "no request" }, zh)).toBe(zh.refusals.notFound);
    expect(refusalText({ __typename: "Conflict", message: "", reason: "a resident redeems their own points" }, zh)).toBe(
      "不能这样做：a resident redeems their own points",
    );
  });

  it("makes keys the API accepts, one per attempt", () => {
    const key = attemptKey("redeem-a-gift-for-a-resident");
    expect(key.length).toBeLessThanOrEqual(64);
    expect(key).not.toBe(attemptKey("redeem-a-gift-for-a-resident"));
  });
});
