// The technician app (/m/): my day and the cases of its visits, made for a phone and for working
// without a connection. The service worker (/sw.js) keeps the page, its scripts and what the hub
// answered; the outbox keeps what was written until the hub has it. The staff app's modules
// (api, dom, i18n, live, router, thread) do the rest as they do there.
import { fill, h } from "../js/dom.js";
import { fmt } from "../js/i18n.js";
import { live } from "../js/live.js";
import { route, startRouter } from "../js/router.js";
import { flush, onOutbox, pending, startOutbox } from "./outbox.js";
import { pushSwitch } from "./push.js";

route("/m/", "day", () => import("./day.js"));
route("/m/day/:date/", "day", () => import("./day.js"));
route("/m/cases/:id/", "case", () => import("./case.js"));

const KEEP = /^\/(static|jsi18n)\//;

async function startWorker() {
  if (!("serviceWorker" in navigator)) return;
  try {
    await navigator.serviceWorker.register("/sw.js", { scope: "/", updateViaCache: "none" });
    const registration = await navigator.serviceWorker.ready;
    // What this page loaded before the worker could see it (the first visit), kept for the
    // next time the app opens without a connection.
    const urls = performance
      .getEntriesByType("resource")
      .map((entry) => new URL(entry.name))
      .filter((url) => url.origin === location.origin && KEEP.test(url.pathname))
      .map((url) => url.pathname + url.search);
    registration.active?.postMessage({ type: "keep", urls: [...new Set(urls)] });
  } catch (error) {
    // Without the worker the app still works while there is a connection.
    console.warn("service worker:", error);
  }
}

/** The line in the top bar: without a connection, and how much is waiting to be sent. */
async function showConnection() {
  const line = document.getElementById("m-connection");
  const waiting = (await pending()).length;
  const parts = [];
  if (!navigator.onLine) parts.push(h("span", { class: "m-offline" }, gettext("Offline")));
  if (waiting) {
    parts.push(
      h(
        "span",
        { class: "m-waiting-total", dataset: { testid: "waiting-total" } },
        "🕓 ",
        fmt(ngettext("%(count)s waiting", "%(count)s waiting", waiting), { count: waiting }),
      ),
    );
  }
  fill(line, parts);
  line.hidden = !parts.length;
}

/** The menu closes when one taps elsewhere or goes elsewhere in the app. */
function closingMenu() {
  const menu = document.querySelector(".m-menu");
  document.addEventListener("click", (event) => {
    if (menu.open && (!menu.contains(event.target) || event.target.closest("a[data-link]"))) menu.open = false;
  });
}

function start() {
  closingMenu();
  fill(document.getElementById("m-push-switch"), pushSwitch());
  window.addEventListener("online", showConnection);
  window.addEventListener("offline", showConnection);
  onOutbox(showConnection);
  showConnection();
  startOutbox();
  live.on("hello", () => flush());
  live.start();
  startRouter(document.getElementById("view"));
  startWorker();
}

start();
