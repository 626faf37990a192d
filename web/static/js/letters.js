// The letters folder (/letters/): booking letters written and waiting to be printed and posted.
// Print all opens every letter as one PDF; a letter in the post is removed, so the folder shows
// what has not gone out yet. Whether a letter was printed is not known to the hub: this browser
// remembers which it opened for printing (see the report's API note), so the folder can say so.
import { api, errorText } from "./api.js";
import { isDispatcher, organization } from "./boot.js";
import { clear, debounce, h } from "./dom.js";
import { fmt, formatDateTime } from "./i18n.js";
import { live } from "./live.js";
import { toastError } from "./ui.js";

const STORE = `hub.letters.printed.${organization.id}`;

function printedMarks() {
  try {
    return JSON.parse(localStorage.getItem(STORE) || "{}");
  } catch {
    return {};
  }
}

function rememberPrinted(ids) {
  const marks = printedMarks();
  const now = new Date().toISOString();
  for (const id of ids) marks[id] = marks[id] || now;
  try {
    localStorage.setItem(STORE, JSON.stringify(marks));
  } catch {
    // Private mode or full: the folder just does not remember.
  }
}

function forget(ids, keep) {
  const marks = printedMarks();
  for (const id of ids) delete marks[id];
  // Letters no longer in the folder need no mark.
  if (keep) for (const id of Object.keys(marks)) if (!keep.has(Number(id))) delete marks[id];
  try {
    localStorage.setItem(STORE, JSON.stringify(marks));
  } catch {
    // as above
  }
}

export function mount(root) {
  let letters = [];
  let disposed = false;
  const status = h("p", { class: "visually-hidden", role: "status", "aria-live": "polite" });
  const toolbar = h("div", { class: "letters-tools" });
  const body = h("div", { class: "letters-body" });
  const view = h(
    "section",
    { class: "letters", "data-testid": "letters", "aria-labelledby": "letters-title" },
    h(
      "header",
      { class: "letters-head" },
      h("h1", { id: "letters-title", tabindex: "-1" }, gettext("Letters")),
      h("p", { class: "muted" }, gettext("Booking letters waiting to be printed and posted. Remove a letter once it is in the post.")),
      toolbar,
    ),
    status,
    body,
  );
  root.append(view);

  function announce(text) {
    status.textContent = "";
    setTimeout(() => {
      status.textContent = text;
    }, 50);
  }

  if (!isDispatcher) {
    body.append(h("p", { class: "empty" }, gettext("Dispatchers and administrators look after the letters folder.")));
    return () => {};
  }

  async function load() {
    view.setAttribute("aria-busy", "true");
    try {
      const data = await api("/api/letters");
      if (disposed) return;
      letters = data.results;
      forget([], new Set(letters.map((letter) => letter.id)));
      render();
    } catch (error) {
      if (disposed) return;
      clear(body).append(
        h("div", { class: "empty" }, h("p", {}, errorText(error)), h("button", { type: "button", class: "btn", on: { click: load } }, gettext("Try again"))),
      );
    } finally {
      view.removeAttribute("aria-busy");
    }
  }

  function render() {
    const marks = printedMarks();
    const printed = letters.filter((letter) => marks[letter.id]);
    clear(toolbar);
    if (letters.length) {
      toolbar.append(
        h(
          "a",
          {
            class: "btn btn-primary",
            href: "/api/letters/print",
            target: "_blank",
            rel: "noopener",
            on: {
              click: () => {
                rememberPrinted(letters.map((letter) => letter.id));
                setTimeout(render, 0); // after the link has opened: a removed link would not
                announce(gettext("All letters opened for printing."));
              },
            },
          },
          fmt(ngettext("Print all (%(count)s letter)", "Print all (%(count)s letters)", letters.length), { count: letters.length }),
        ),
      );
      if (printed.length) {
        const removeButton = h(
          "button",
          { type: "button", class: "btn" },
          fmt(ngettext("Remove %(count)s printed letter", "Remove %(count)s printed letters", printed.length), { count: printed.length }),
        );
        removeButton.addEventListener("click", () => removeMany(removeButton, printed));
        toolbar.append(removeButton);
      }
    }
    clear(body);
    if (!letters.length) {
      body.append(h("p", { class: "empty" }, gettext("The letters folder is empty: every letter has gone out.")));
      return;
    }
    body.append(
      h(
        "table",
        { class: "letters-table" },
        h("caption", { class: "visually-hidden" }, gettext("Letters waiting to be printed")),
        h(
          "thead",
          {},
          h(
            "tr",
            {},
            h("th", { scope: "col" }, gettext("Case")),
            h("th", { scope: "col" }, gettext("Recipient")),
            h("th", { scope: "col" }, gettext("Written")),
            h("th", { scope: "col" }, gettext("Printed")),
            h("th", { scope: "col" }, h("span", { class: "visually-hidden" }, gettext("Actions"))),
          ),
        ),
        h("tbody", {}, letters.map((letter) => row(letter, marks[letter.id]))),
      ),
      h("p", { class: "muted letters-note" }, gettext("“Printed” is remembered by this browser when a letter is opened with Print all or Download.")),
    );
  }

  function row(letter, printedAt) {
    const recipient = h("div", {}, h("span", { class: "letters-name" }, letter.recipient || "—"), letter.address ? h("span", { class: "muted letters-address" }, letter.address) : null);
    const download = h(
      "a",
      {
        class: "btn btn-small",
        href: letter.url,
        download: letter.name,
        "aria-label": fmt(gettext("Download %(name)s"), { name: letter.name }),
        on: {
          click: () => {
            rememberPrinted([letter.id]);
            setTimeout(render, 0);
          },
        },
      },
      gettext("Download"),
    );
    const remove = h(
      "button",
      { type: "button", class: "btn btn-small", "aria-label": fmt(gettext("Remove %(name)s from the folder"), { name: letter.name }) },
      gettext("Remove"),
    );
    const confirmSlot = h("div", { class: "letters-confirm" });
    remove.addEventListener("click", () => {
      if (printedAt) {
        removeOne(remove, letter);
        return;
      }
      // Not printed here yet: ask first, in the row.
      const yes = h("button", { type: "button", class: "btn btn-small bk-danger" }, gettext("Remove anyway"));
      const no = h("button", { type: "button", class: "btn btn-small" }, gettext("Keep"));
      yes.addEventListener("click", () => removeOne(yes, letter));
      no.addEventListener("click", () => {
        clear(confirmSlot);
        remove.hidden = false;
        remove.focus();
      });
      remove.hidden = true;
      clear(confirmSlot).append(h("p", {}, gettext("Not printed here yet. Remove it anyway?")), yes, no);
      no.focus();
    });
    return h(
      "tr",
      { dataset: { letterId: letter.id, caseId: letter.case_id } },
      h(
        "td",
        { "data-label": gettext("Case") },
        h("div", {}, h("a", { href: `/cases/${letter.case_id}/`, "data-link": true }, h("strong", {}, letter.reference)), h("span", { class: "muted letters-file" }, letter.name)),
      ),
      h("td", { "data-label": gettext("Recipient") }, recipient),
      h("td", { "data-label": gettext("Written") }, h("time", { datetime: letter.created }, formatDateTime(letter.created))),
      h(
        "td",
        { "data-label": gettext("Printed") },
        printedAt
          ? h("span", { class: "badge bk-printed" }, fmt(gettext("Yes, %(time)s"), { time: formatDateTime(printedAt) }))
          : h("span", { class: "badge bk-unprinted" }, gettext("Not yet")),
      ),
      h("td", { class: "letters-actions" }, h("div", { class: "bk-buttons" }, download, remove), confirmSlot),
    );
  }

  async function removeOne(button, letter) {
    button.disabled = true;
    try {
      await api(letter.url, { method: "DELETE" });
      letters = letters.filter((l) => l.id !== letter.id);
      forget([letter.id]);
      render();
      announce(fmt(gettext("%(name)s removed from the folder."), { name: letter.name }));
      view.querySelector("h1").focus();
    } catch (error) {
      toastError(error);
      button.disabled = false;
    }
  }

  async function removeMany(button, some) {
    button.disabled = true;
    let removed = 0;
    for (const letter of some) {
      try {
        await api(letter.url, { method: "DELETE" });
        letters = letters.filter((l) => l.id !== letter.id);
        forget([letter.id]);
        removed += 1;
      } catch (error) {
        toastError(error);
        break;
      }
    }
    render();
    announce(fmt(ngettext("%(count)s letter removed from the folder.", "%(count)s letters removed from the folder.", removed), { count: removed }));
    view.querySelector("h1").focus();
  }

  // A booking sent as a letter puts one in the folder: look again.
  const reloadSoon = debounce(load, 500);
  const unsubscribe = live.on("booking.updated", (frame) => {
    if (frame.booking.channel === "letter") reloadSoon();
  });

  load();

  return () => {
    disposed = true;
    unsubscribe();
  };
}
