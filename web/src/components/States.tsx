import { Alert, Button, Empty } from "antd";
import { describeError, problemText } from "../lib/errors";
import { useMessages } from "../lib/i18n";

export function Loading({ label }: { label?: string }) {
  const m = useMessages();
  return (
    <div role="status" aria-live="polite" style={{ display: "flex", gap: 12, alignItems: "center", padding: 24 }}>
      <span className="gc-spinner" aria-hidden />
      <span>{label ?? m.common.loading}</span>
    </div>
  );
}

export function Nothing({ label }: { label?: string }) {
  const m = useMessages();
  return <Empty description={label ?? m.common.empty} />;
}

/** An error in words, with its request id when the server masked it, and a way to try again. */
export function Failure({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const m = useMessages();
  return (
    <Alert
      type="error"
      showIcon
      role="alert"
      data-testid="error"
      title={problemText(describeError(error), m)}
      action={
        onRetry ? (
          <Button size="small" onClick={onRetry}>
            {m.common.retry}
          </Button>
        ) : undefined
      }
    />
  );
}

/** A page's heading and its actions. */
export function PageTitle({ title, extra }: { title: string; extra?: React.ReactNode }) {
  return (
    <div style={{ display: "flex", alignItems: "center", gap: 12, flexWrap: "wrap", marginBottom: 12 }}>
      <h1 style={{ margin: 0, marginRight: "auto" }}>{title}</h1>
      {extra}
    </div>
  );
}

export function residentPath(id: string): string {
  return `/residents/${encodeURIComponent(id)}`;
}
