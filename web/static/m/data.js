// What the technician app reads about a case, asked for in one place so that the day can fetch
// it ahead (the service worker keeps every answer, and the case then opens without a
// connection) by exactly the addresses the case view asks for later.
import { api } from "../js/api.js";
import { h } from "../js/dom.js";
import { fmt } from "../js/i18n.js";

export const THREAD_PAGE = 100;

/** {case, booking, messages, hasMore, recipients}; the booking and the recipients may be
 *  missing (null, []) when they could not be had; the case and its thread may not. */
export async function loadCase(caseId) {
  const [detail, thread, booking, recipients] = await Promise.allSettled([
    api(`/api/cases/${caseId}`),
    api(`/api/cases/${caseId}/messages`, { query: { limit: THREAD_PAGE } }),
    api(`/api/cases/${caseId}/booking`),
    api(`/api/cases/${caseId}/recipients`),
  ]);
  if (detail.status === "rejected") throw detail.reason;
  if (thread.status === "rejected") throw thread.reason;
  return {
    case: detail.value.case,
    messages: thread.value.results,
    hasMore: thread.value.has_more,
    booking: booking.status === "fulfilled" ? booking.value.booking : null,
    recipients: recipients.status === "fulfilled" ? recipients.value.results : [],
  };
}

export function olderMessages(caseId, before) {
  return api(`/api/cases/${caseId}/messages`, { query: { before, limit: THREAD_PAGE } });
}

/** Links for the visit: the map, calling and texting the contact. */
export function mapLink(address) {
  return `https://www.openstreetmap.org/search?query=${encodeURIComponent(address)}`;
}

export function phoneLinks(phone) {
  const number = (phone || "").replace(/[^\d+]/g, "");
  return number ? { call: `tel:${number}`, text: `sms:${number}` } : null;
}

/** The customer, the contact (when another person) and the buttons to call or text them. */
export function contactLine(customer, contact) {
  const who = [customer, contact && contact.name !== customer ? contact.name : ""].filter(Boolean).join(" · ");
  const phone = contact && phoneLinks(contact.phone);
  if (!who && !phone) return null;
  return h(
    "p",
    { class: "m-line m-contact" },
    h("span", {}, who),
    phone ? h("a", { class: "btn btn-small", href: phone.call, "aria-label": fmt(gettext("Call %(name)s"), { name: contact.name }) }, "📞 ", gettext("Call")) : null,
    phone ? h("a", { class: "btn btn-small", href: phone.text, "aria-label": fmt(gettext("Text %(name)s"), { name: contact.name }) }, "💬 ", gettext("SMS")) : null,
  );
}

/** "YYYY-MM-DD" moved by some days (calendar days: no time zone involved). */
export function shiftDay(day, days) {
  const date = new Date(`${day}T12:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

/** Noon UTC of a calendar day: the same day in every Nordic zone, to format it with i18n.js. */
export const dayMoment = (day) => `${day}T12:00:00Z`;
