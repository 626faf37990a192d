// Text and times for people. gettext, ngettext and interpolate are the globals of Django's
// JavaScript catalog (/jsi18n/); call them by those names so `makemessages -d djangojs` finds
// the strings. Times are shown in the organisation's zone, in the member's language.
import { organization } from "./boot.js";

const LOCALES = { nb: "nb-NO", sv: "sv-SE", da: "da-DK", en: "en-GB" };
export const locale = LOCALES[document.documentElement.lang] || document.documentElement.lang || "en-GB";
export const zone = organization.time_zone;

/** fmt(gettext("Booked for %(name)s"), {name}) */
export function fmt(template, values) {
  return interpolate(template, values, true);
}

const formats = {
  time: new Intl.DateTimeFormat(locale, { timeZone: zone, hour: "2-digit", minute: "2-digit" }),
  date: new Intl.DateTimeFormat(locale, { timeZone: zone, weekday: "short", day: "numeric", month: "short" }),
  longDate: new Intl.DateTimeFormat(locale, { timeZone: zone, weekday: "long", day: "numeric", month: "long", year: "numeric" }),
  dateTime: new Intl.DateTimeFormat(locale, { timeZone: zone, day: "numeric", month: "short", hour: "2-digit", minute: "2-digit" }),
  dayKey: new Intl.DateTimeFormat("en-CA", { timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit" }),
};

export const formatTime = (iso) => (iso ? formats.time.format(new Date(iso)) : "");
export const formatDate = (iso) => (iso ? formats.date.format(new Date(iso)) : "");
export const formatLongDate = (iso) => (iso ? formats.longDate.format(new Date(iso)) : "");
export const formatDateTime = (iso) => (iso ? formats.dateTime.format(new Date(iso)) : "");

/** "YYYY-MM-DD" of a moment in the organisation's zone. */
export const dayKey = (date = new Date()) => formats.dayKey.format(date);

/** Today's messages show the time, older ones the date: as chat apps do. */
export function formatWhen(iso) {
  if (!iso) return "";
  const date = new Date(iso);
  return dayKey(date) === dayKey() ? formats.time.format(date) : formats.date.format(date);
}

const relative = new Intl.RelativeTimeFormat(locale, { numeric: "auto" });
export function formatRelative(iso) {
  const seconds = (new Date(iso) - Date.now()) / 1000;
  const steps = [[60, "second"], [60, "minute"], [24, "hour"], [7, "day"], [4.35, "week"], [12, "month"], [Infinity, "year"]];
  let value = seconds;
  for (const [size, unit] of steps) {
    if (Math.abs(value) < size) return relative.format(Math.round(value), unit);
    value /= size;
  }
  return "";
}

/** The offset (minutes east of UTC) of the organisation's zone at a moment. */
function zoneOffset(date) {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat("en-US", { timeZone: zone, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit" })
      .formatToParts(date).map((part) => [part.type, part.value]),
  );
  const asUtc = Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second);
  return Math.round((asUtc - date.getTime()) / 60000);
}

/** An ISO moment as the value of an <input type="datetime-local"> in the organisation's zone. */
export function toZonedInput(iso) {
  if (!iso) return "";
  const date = new Date(iso);
  const local = new Date(date.getTime() + zoneOffset(date) * 60000);
  return local.toISOString().slice(0, 16);
}

/** The value of a datetime-local input, read in the organisation's zone, as an ISO moment. */
export function fromZonedInput(value) {
  if (!value) return null;
  const guess = new Date(`${value}:00Z`);
  const moment = new Date(guess.getTime() - zoneOffset(guess) * 60000);
  // Across a change of offset the first guess can be an hour off; one more step settles it.
  return new Date(guess.getTime() - zoneOffset(moment) * 60000).toISOString();
}

export function formatSize(bytes) {
  const units = ["B", "kB", "MB", "GB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return `${new Intl.NumberFormat(locale, { maximumFractionDigits: unit ? 1 : 0 }).format(value)} ${units[unit]}`;
}
