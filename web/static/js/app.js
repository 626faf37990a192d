// The staff app: header (organisation, language, live status, bell) and the views by address.
import { api } from "./api.js";
import { isDispatcher } from "./boot.js";
import { $ } from "./dom.js";
import { live } from "./live.js";
import { startBell } from "./notifications.js";
import { route, startRouter } from "./router.js";
import { toastError } from "./ui.js";

route("/", "inbox", () => import("./inbox.js"));
route("/cases/:id/", "case", () => import("./case.js"));
route("/board/", "board", () => import("./board.js"));
route("/letters/", "letters", () => import("./letters.js"));
route("/settings/", "settings", () => import("./settings.js"));
route("/settings/:section/", "settings", () => import("./settings.js"));

function showLiveStatus() {
  const status = $("#live-status");
  let shownOffline = false;
  live.on("live.status", ({ state }) => {
    document.documentElement.dataset.live = state;
    if (state === "open") {
      status.textContent = shownOffline ? gettext("Connected again") : "";
      shownOffline = false;
      setTimeout(() => {
        if (live.state === "open") status.textContent = "";
      }, 3000);
    } else if (state === "closed") {
      shownOffline = true;
      status.textContent = gettext("Offline: reconnecting…");
    }
  });
}

function wireUserMenu() {
  const orgSwitch = $("#org-switch");
  orgSwitch?.addEventListener("change", async () => {
    try {
      await api("/api/me/organization", { method: "POST", body: { organization: Number(orgSwitch.value) } });
      location.assign("/");
    } catch (error) {
      toastError(error);
    }
  });
  const language = $("#language-switch");
  language?.addEventListener("change", async () => {
    try {
      await api("/api/me", { method: "PATCH", body: { language: language.value } });
      location.reload();
    } catch (error) {
      toastError(error);
    }
  });
}

// The letters folder is the office's: a technician has nothing to do there.
if (!isDispatcher) $('[data-nav="letters"]').hidden = true;
showLiveStatus();
wireUserMenu();
startBell();
live.start();
startRouter($("#view"));
