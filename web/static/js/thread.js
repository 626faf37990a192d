// One message in the thread: who, when, what, its files, how far it got (ticks) and which
// colleagues have read up to it.
import { h } from "./dom.js";
import { fmt, formatDateTime, formatSize, formatWhen } from "./i18n.js";
import { label } from "./ui.js";

const TICKS = {
  queued: ["🕓", () => gettext("Queued")],
  sending: ["🕓", () => gettext("Sending")],
  sent: ["✓", () => gettext("Sent")],
  delivered: ["✓✓", () => gettext("Delivered")],
  opened: ["✓✓", () => gettext("Opened")],
  read: ["✓✓", () => gettext("Read")],
  failed: ["⚠", () => gettext("Failed")],
};

/** The furthest a delivery got: opened beats delivered beats sent. */
function deliveryStep(delivery) {
  if (delivery.state === "failed") return "failed";
  if (delivery.opened_at) return "opened";
  if (delivery.delivered_at || delivery.state === "delivered") return "delivered";
  if (delivery.sent_at || delivery.state === "sent") return "sent";
  return delivery.state in TICKS ? delivery.state : "queued";
}

export function ticks(message) {
  if (message.direction !== "out" || message.audience !== "customer") return null;
  const deliveries = message.deliveries || [];
  if (!deliveries.length) {
    if (message.channel !== "web") return null;
    const read = message.read_by_customer;
    return h("span", { class: ["ticks", read ? "read" : "sent"], title: read ? gettext("Read in the portal") : gettext("In the portal") }, read ? "✓✓" : "✓");
  }
  // An e-mail or SMS whose link the customer opened: read in the portal, as a message there.
  const portalRead = message.read_by_customer
    ? h("span", { class: ["ticks", "read"], title: gettext("Read in the portal"), dataset: { portalRead: "" } }, h("span", { "aria-hidden": "true" }, "✓✓"), h("span", { class: "visually-hidden" }, ` ${gettext("Read in the portal")}`))
    : null;
  return h(
    "span",
    { class: "ticks-list" },
    portalRead,
    deliveries.map((delivery) => {
      const step = deliveryStep(delivery);
      const [mark, text] = TICKS[step];
      const detail = step === "failed" && delivery.error ? `${text()}: ${delivery.error}` : text();
      return h(
        "span",
        { class: ["ticks", step], dataset: { deliveryState: step }, title: `${label("channel", delivery.channel)} ${delivery.recipient}: ${detail}` },
        h("span", { "aria-hidden": "true" }, mark),
        h("span", { class: step === "failed" ? "tick-text" : "visually-hidden" }, ` ${detail}`),
      );
    }),
  );
}

function attachmentView(file) {
  const image = file.content_type.startsWith("image/");
  return h(
    "a",
    { class: ["attachment", image && "image"], href: file.url, target: "_blank", rel: "noopener" },
    image ? h("img", { src: file.url, alt: file.name, loading: "lazy" }) : h("span", { "aria-hidden": "true" }, "📎 "),
    h("span", { class: image ? "visually-hidden" : "" }, `${file.name} (${formatSize(file.size)})`),
  );
}

export function messageView(message, { seenBy = [] } = {}) {
  const internal = message.audience === "internal";
  const mine = message.author.kind === "member" && message.direction !== "in";
  const system = message.author.kind === "system" || message.automatic;
  return h(
    "article",
    {
      class: ["message", internal ? "internal" : "customer", message.direction, system && "system", mine && "staff"],
      dataset: { messageId: message.id },
      "aria-label": fmt(gettext("%(author)s, %(when)s"), { author: message.author.name, when: formatDateTime(message.created) }),
    },
    h(
      "header",
      {},
      h("strong", { class: "author" }, message.author.name),
      internal ? h("span", { class: "internal-mark" }, gettext("Internal note")) : h("span", { class: "channel" }, label("channel", message.channel)),
      h("time", { datetime: message.created, title: formatDateTime(message.created) }, formatWhen(message.created)),
      message.edited ? h("span", { class: "muted" }, gettext("(edited)")) : null,
    ),
    h("div", { class: "text" }, message.text),
    message.attachments.length ? h("div", { class: "attachments" }, message.attachments.map(attachmentView)) : null,
    h(
      "footer",
      {},
      ticks(message),
      seenBy.length ? h("span", { class: "seen-by", dataset: { testid: "seen-by" } }, fmt(gettext("Seen by %(names)s"), { names: seenBy.join(", ") })) : null,
    ),
  );
}
