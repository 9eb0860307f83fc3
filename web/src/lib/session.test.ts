import { describe, expect, it } from "vitest";
import { lastSignOutReason, normaliseToken, onSignOut, readToken, reasonOf401, signIn, signOut } from "./session";

function memory() {
  const data = new Map<string, string>();
  return {
    getItem: (k: string) => data.get(k) ?? null,
    setItem: (k: string, v: string) => void data.set(k, v),
    removeItem: (k: string) => void data.delete(k),
    data,
  };
}

const TOKEN = "gc_" + "Ab3_-".repeat(9);

describe("the sign-in token", () => {
  it("is recognised however it was pasted, and refused when it cannot be one", () => {
    expect(normaliseToken(`  ${TOKEN}\n`)).toBe(TOKEN);
    expect(normaliseToken(`Bearer ${TOKEN}`)).toBe(TOKEN);
    expect(normaliseToken("bearer   " + TOKEN)).toBe(TOKEN);
    expect(normaliseToken("gc_short")).toBeNull();
    expect(normaliseToken("password123")).toBeNull();
    expect(normaliseToken(`${TOKEN} extra`)).toBeNull();
  });

  it("is kept until sign-out, which forgets it and the community and tells the app why", () => {
    const store = memory();
    const heard: string[] = [];
    const stop = onSignOut((reason) => heard.push(reason));
    signIn(TOKEN, store);
    store.setItem("gridcare.community", "长山花园社区");
    expect(readToken(store)).toBe(TOKEN);
    signOut("revoked", store);
    expect(readToken(store)).toBeNull();
    expect(store.getItem("gridcare.community")).toBeNull();
    expect(lastSignOutReason(store)).toBe("revoked");
    expect(heard).toEqual(["revoked"]);
    signIn(TOKEN, store);
    expect(lastSignOutReason(store)).toBeNull(); // said once
    signOut("user", store);
    expect(lastSignOutReason(store)).toBeNull();
    stop();
  });

  it("reads why the server refused it", () => {
    expect(reasonOf401("token revoked")).toBe("revoked");
    expect(reasonOf401("token expired")).toBe("expired");
    expect(reasonOf401("invalid token")).toBe("invalid");
    expect(reasonOf401(undefined)).toBe("invalid");
  });
});
