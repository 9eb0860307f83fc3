import { Button, Result } from "antd";
import { Link } from "react-router";
import { useMessages } from "../lib/i18n";

export function NotFound() {
  const m = useMessages();
  return (
    <Result
      status="404"
      title={m.notFound.title}
      extra={
        <Link to="/">
          <Button type="primary">{m.notFound.back}</Button>
        </Link>
      }
    />
  );
}
