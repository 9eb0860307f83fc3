// Days and times as people read them. "Today" is always passed in, so nothing here reads the clock by itself.
import type { Lang } from "./i18n";

/** A plain day (`2026-11-30`) as `2026年11月30日` or `30 Nov 2026`. */
export function formatDay(day: string | null | undefined, lang: Lang): string {
  if (!day) return "—";
  const [y, m, d] = day.split("-").map(Number);
  if (!y || !m || !d) return day;
  if (lang === "zh") return `${y}年${m}月${d}日`;
  const month = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"][m - 1];
  return `${d} ${month} ${y}`;
}

/** The time of a moment (`2026-11-30T09:05:00+08:00`) as `09:05` in the browser's zone. */
export function formatTime(moment: string, lang: Lang): string {
  const at = new Date(moment);
  if (Number.isNaN(at.getTime())) return moment;
  return at.toLocaleTimeString(lang === "zh" ? "zh-CN" : "en-GB", { hour: "2-digit", minute: "2-digit" });
}

/** Whole days from `from` to `to` (plain days). */
export function daysBetween(from: string, to: string): number {
  const ms = Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`);
  return Math.round(ms / 86_400_000);
}

/** The moment of a visit recorded now: ISO 8601 with the offset, as recordVisit takes it. */
export function visitMoment(now: Date): string {
  return now.toISOString();
}
