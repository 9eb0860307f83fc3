import { Alert, Button, Card, Form, Input, Typography } from "antd";
import { useState } from "react";
import { GRAPHQL } from "../lib/client";
import { fill, useMessages } from "../lib/i18n";
import { stringifyDocument } from "@urql/core";
import { cacheViewer, normaliseToken, reasonOf401, signIn, type SignOutReason } from "../lib/session";
import { MeQuery } from "./me";
import { LanguageSwitch } from "./LanguageSwitch";

/** Checks a token with the server before keeping it: a refused token is never stored. */
async function check(token: string): Promise<"ok" | SignOutReason | "network" | "unavailable"> {
  try {
    const response = await fetch(GRAPHQL, {
      method: "POST",
      headers: { "Content-Type": "application/json", Authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: stringifyDocument(MeQuery) }),
    });
    if (response.status === 401) {
      const body = (await response.json().catch(() => ({}))) as { error?: string };
      return reasonOf401(body.error);
    }
    if (response.status === 503) return "unavailable";
    const answer = (await response.json().catch(() => ({}))) as { data?: { me?: unknown } };
    if (answer.data?.me) cacheViewer(answer.data); // the first page needs no second round trip to know who
    return "ok";
  } catch {
    return "network";
  }
}

export default function SignIn({ reason, onSignedIn }: { reason: SignOutReason | null; onSignedIn: (token: string) => void }) {
  const m = useMessages();
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [form] = Form.useForm<{ token: string }>();

  async function submit({ token: typed }: { token: string }) {
    const token = normaliseToken(typed ?? "");
    if (!token) {
      setProblem(m.signIn.badShape);
      return;
    }
    setBusy(true);
    setProblem(null);
    const outcome = await check(token);
    setBusy(false);
    if (outcome === "ok") {
      form.resetFields();
      signIn(token);
      onSignedIn(token);
      return;
    }
    const messages: Record<string, string> = {
      expired: m.signIn.expired,
      revoked: m.signIn.revoked,
      invalid: m.signIn.refused,
      network: m.problems.network,
      unavailable: m.problems.unavailable,
    };
    setProblem(messages[outcome] ?? m.signIn.refused);
  }

  const ended =
    reason === "expired" ? m.signIn.expired : reason === "revoked" ? m.signIn.revoked : reason === "invalid" ? m.signIn.invalid : null;
  return (
    <main className="gc-page" style={{ maxWidth: 520, paddingTop: 48 }}>
      <div style={{ display: "flex", justifyContent: "flex-end" }}>
        <LanguageSwitch />
      </div>
      <Card>
        <Typography.Title level={1} style={{ fontSize: 24 }}>
          {m.signIn.title}
        </Typography.Title>
        {ended && <Alert type="warning" showIcon title={ended} style={{ marginBottom: 16 }} role="alert" />}
        <Typography.Paragraph>{m.signIn.intro}</Typography.Paragraph>
        <Form form={form} layout="vertical" onFinish={submit} requiredMark={false}>
          <Form.Item label={m.signIn.token} name="token" rules={[{ required: true, message: m.signIn.badShape }]}>
            <Input.Password
              data-testid="token-input"
              placeholder={m.signIn.placeholder}
              autoComplete="off"
              spellCheck={false}
              size="large"
              autoFocus
            />
          </Form.Item>
          {problem && <Alert type="error" showIcon title={problem} style={{ marginBottom: 16 }} role="alert" />}
          <Button type="primary" htmlType="submit" size="large" block loading={busy} data-testid="sign-in">
            {busy ? m.signIn.checking : m.signIn.submit}
          </Button>
        </Form>
      </Card>
      <Typography.Paragraph style={{ marginTop: 16, textAlign: "center" }}>
        {fill(m.app.subtitle, {})}
      </Typography.Paragraph>
    </main>
  );
}
