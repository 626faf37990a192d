// The settings screen (/settings/ and /settings/<section>/): a menu of sections, and the
// section shown. Everyone has their profile, their notifications and (to read) the texts sent to
// customers; administrators also run the members, teams, the organisation, SMS, mail and
// booking settings. Each section loads its own data, keeps what was typed when the hub refuses
// it, and shows the hub's error next to the field it names.
import { api, ApiError, errorText } from "./api.js";
import { isAdmin, me, organization } from "./boot.js";
import { $, debounce, fill, h } from "./dom.js";
import { fmt, formatDateTime, locale } from "./i18n.js";
import { setQuery } from "./router.js";
import { choices, field, label, select, toast } from "./ui.js";

// Set before a reload (a new language), so the page says "Saved." once it is back.
const SAVED_FLAG = "hub.settings.saved";
const LANGUAGES = ["nb", "sv", "da", "en"];
const ADMIN_SECTIONS = new Set(["members", "teams", "organization", "sms", "mail", "booking"]);
const SHELL_TITLE = document.title;
// The section shown last, so that moving between sections moves the focus to the new heading
// (and the first view of the screen leaves it where the router put it).
let shownBefore = null;
let uid = 0;
const nextId = (prefix) => `${prefix}-${++uid}`;

function sections() {
  const all = [
    { key: "profile", title: gettext("My profile"), render: profileSection },
    { key: "notifications", title: gettext("Notifications"), render: notificationsSection },
    { key: "members", title: gettext("Members"), render: membersSection },
    { key: "teams", title: gettext("Teams"), render: teamsSection },
    { key: "organization", title: gettext("Organisation"), render: organizationSection },
    { key: "templates", title: gettext("Texts to customers"), render: templatesSection },
    { key: "sms", title: gettext("SMS"), render: smsSection },
    { key: "mail", title: gettext("E-mail"), render: mailSection },
    { key: "booking", title: gettext("Booking"), render: bookingSection },
  ];
  return all.filter((section) => isAdmin || !ADMIN_SECTIONS.has(section.key));
}

export function mount(root, params, query) {
  const controller = new AbortController();
  const html = document.documentElement;
  delete html.dataset.ready;
  const visible = sections();
  const key = params.section || (isAdmin ? "members" : "profile");
  const current = visible.find((section) => section.key === key) || null;
  const ctx = {
    signal: controller.signal,
    query,
    cleanups: [],
    ready() {
      if (!controller.signal.aborted) html.dataset.ready = "settings";
    },
  };

  const nav = h(
    "nav",
    { class: "st-nav", "aria-label": gettext("Settings sections") },
    h(
      "ul",
      {},
      visible.map((section) =>
        h(
          "li",
          {},
          h(
            "a",
            { href: `/settings/${section.key}/`, "data-link": true, "aria-current": section.key === key ? "page" : null },
            section.title,
          ),
        ),
      ),
    ),
  );
  const heading = h("h2", { id: "st-section-title", tabindex: "-1" }, current ? current.title : gettext("Settings"));
  const content = h("div", { class: "st-content" });
  const view = h(
    "section",
    { class: "settings", "data-testid": "settings", "data-section": key, "aria-labelledby": "st-title" },
    h("h1", { id: "st-title", class: "st-title" }, isAdmin ? gettext("Settings") : gettext("My settings")),
    h("div", { class: "st-layout" }, nav, h("section", { class: "st-section", "aria-labelledby": "st-section-title" }, heading, content)),
  );
  root.append(view);
  document.title = `${current ? current.title : gettext("Settings")} · ${SHELL_TITLE}`;
  // On a phone the menu is one scrolling line: bring the chosen section into it.
  nav.querySelector("[aria-current]")?.scrollIntoView({ block: "nearest", inline: "center" });
  if (shownBefore !== null && shownBefore !== key) heading.focus();
  shownBefore = key;

  if (sessionStorage.getItem(SAVED_FLAG)) {
    sessionStorage.removeItem(SAVED_FLAG);
    toast(gettext("Saved."));
  }

  if (current) {
    Promise.resolve(current.render(content, ctx)).catch((error) => {
      if (!controller.signal.aborted) fill(content, h("p", { class: "empty", role: "alert" }, errorText(error)));
      throw error;
    });
  } else {
    const text = ADMIN_SECTIONS.has(key) ? gettext("Only administrators can see this section.") : gettext("There is no such settings section.");
    fill(content, h("p", { class: "empty" }, text));
    ctx.ready();
  }

  return () => {
    controller.abort();
    for (const cleanup of ctx.cleanups) cleanup();
    if (html.dataset.ready === "settings") delete html.dataset.ready;
    document.title = SHELL_TITLE;
  };
}

// --- pieces --------------------------------------------------------------------------------------

/** Load with `fetcher`, then `draw(data)` into `body`; a failure says why, with a retry. */
async function load(body, ctx, fetcher, draw) {
  fill(body, h("p", { class: "muted st-loading" }, gettext("Loading…")));
  body.setAttribute("aria-busy", "true");
  let data;
  try {
    data = await fetcher();
  } catch (error) {
    if (ctx.signal.aborted) return;
    body.removeAttribute("aria-busy");
    fill(
      body,
      h(
        "div",
        { class: "empty", role: "alert" },
        h("p", {}, errorText(error)),
        h("button", { type: "button", class: "btn", on: { click: () => load(body, ctx, fetcher, draw) } }, gettext("Try again")),
      ),
    );
    return;
  }
  if (ctx.signal.aborted) return;
  body.removeAttribute("aria-busy");
  fill(body);
  draw(data);
  ctx.ready();
}

const get = (ctx, path, options = {}) => api(path, { ...options, signal: ctx.signal });

function input(name, value, props = {}) {
  return h("input", { type: "text", name, value: value ?? "", ...props });
}

/** A checkbox with its label beside it, and a hint under both. */
function checkField(labelText, control, hint = "") {
  control.id = control.id || nextId("st-check");
  const hintNode = hint ? h("small", { class: "hint", id: `${control.id}-hint` }, hint) : null;
  if (hintNode) control.setAttribute("aria-describedby", hintNode.id);
  return h("div", { class: "st-check" }, control, h("label", { for: control.id }, labelText), hintNode);
}

function checkbox(name, checked, props = {}) {
  return h("input", { type: "checkbox", name, checked, ...props });
}

function describedBy(control, id, add) {
  const ids = new Set((control.getAttribute("aria-describedby") || "").split(" ").filter(Boolean));
  if (add) ids.add(id);
  else ids.delete(id);
  if (ids.size) control.setAttribute("aria-describedby", [...ids].join(" "));
  else control.removeAttribute("aria-describedby");
}

/** Where a form shows what the hub refused: next to the control named by the error's field
 *  (and the focus moved there), else in the form's own alert line. Typing in a control clears
 *  its error. */
function formErrors(form) {
  const general = h("p", { class: "st-form-error", role: "alert", hidden: true });
  const marked = new Set();

  function clearControl(control) {
    const node = document.getElementById(`${control.id}-error`);
    node?.remove();
    control.removeAttribute("aria-invalid");
    describedBy(control, `${control.id}-error`, false);
    marked.delete(control);
  }

  function mark(control, message) {
    control.id = control.id || nextId("st-control");
    clearControl(control);
    const node = h("p", { class: "field-error", id: `${control.id}-error`, role: "alert" }, message);
    const holder = control.closest(".field, .st-check");
    if (holder && form.contains(holder)) holder.append(node);
    else control.after(node);
    control.setAttribute("aria-invalid", "true");
    describedBy(control, node.id, true);
    marked.add(control);
    control.focus();
  }

  form.addEventListener("input", (event) => {
    if (marked.has(event.target)) clearControl(event.target);
  });
  form.addEventListener("change", (event) => {
    if (marked.has(event.target)) clearControl(event.target);
  });

  return {
    general,
    mark,
    clear() {
      for (const control of [...marked]) clearControl(control);
      general.hidden = true;
      general.textContent = "";
    },
    show(error) {
      const message = errorText(error);
      if (!message) return;
      const name = error instanceof ApiError && error.field ? error.field : null;
      const control = name ? form.querySelector(`[name="${CSS.escape(name)}"]`) : null;
      if (control) {
        mark(control, message);
      } else {
        general.textContent = message;
        general.hidden = false;
      }
    },
  };
}

/** Runs `fn` with `button` busy and the form's old errors gone; a refusal is shown by `errors`.
 *  Resolves true when `fn` went through. */
async function attempt(button, errors, fn) {
  errors.clear();
  button.disabled = true;
  button.setAttribute("aria-busy", "true");
  try {
    await fn();
    return true;
  } catch (error) {
    errors.show(error);
    return false;
  } finally {
    button.disabled = false;
    button.removeAttribute("aria-busy");
  }
}

/** The fields of `next` that differ from `before`. */
function changes(next, before) {
  return Object.fromEntries(Object.entries(next).filter(([name, value]) => value !== before[name]));
}

function saved() {
  toast(gettext("Saved."));
}

function submitButton(text = gettext("Save")) {
  return h("button", { type: "submit", class: "btn btn-primary" }, text);
}

function capitalized(text, language) {
  return text ? text.charAt(0).toLocaleUpperCase(language) + text.slice(1) : text;
}

/** A language's name in itself ("Svenska"), as language menus show them. */
function nativeName(code) {
  try {
    return capitalized(new Intl.DisplayNames([code], { type: "language" }).of(code), code);
  } catch {
    return code;
  }
}

/** A language's name in the member's language. */
function languageName(code) {
  try {
    return capitalized(new Intl.DisplayNames([locale], { type: "language" }).of(code), locale);
  } catch {
    return code;
  }
}

function countryName(code) {
  try {
    return new Intl.DisplayNames([locale], { type: "region" }).of(code);
  } catch {
    return code;
  }
}

const numbers = new Intl.NumberFormat(locale);
const listFormat = (items) => {
  try {
    return new Intl.ListFormat(locale, { type: "conjunction" }).format(items);
  } catch {
    return items.join(", ");
  }
};

async function copyText(text) {
  try {
    await navigator.clipboard.writeText(text);
  } catch {
    // No clipboard permission (or not a secure page): the old way.
    const area = h("textarea", { readonly: true, class: "st-offscreen", "aria-hidden": "true" });
    area.value = text;
    document.body.append(area);
    area.select();
    document.execCommand("copy");
    area.remove();
  }
  toast(gettext("Copied."));
}

function copyButton(text, accessibleName) {
  return h("button", { type: "button", class: "btn btn-small", "aria-label": accessibleName, on: { click: () => copyText(text) } }, gettext("Copy"));
}

// --- profile -------------------------------------------------------------------------------------

function profileSection(body, ctx) {
  const name = input("name", me.name, { required: true, maxlength: 150, autocomplete: "name" });
  const language = select(
    [["", fmt(gettext("The organisation's (%(language)s)"), { language: nativeName(organization.locale) })], ...LANGUAGES.map((code) => [code, nativeName(code)])],
    me.chosen_language || "",
    { name: "language" },
  );
  const save = submitButton();
  const form = h(
    "form",
    { class: "card st-form", novalidate: true, "aria-labelledby": "st-section-title" },
    field(gettext("Name"), name, gettext("How colleagues see you in this organisation.")),
    field(gettext("Language"), language, gettext("The language the hub speaks to you. The page reloads in the new language.")),
  );
  const errors = formErrors(form);
  form.append(errors.general, h("div", { class: "st-actions" }, save));
  const teams = me.teams.map((team) => team.name);
  const facts = h(
    "dl",
    { class: "st-facts card" },
    h("dt", {}, gettext("Handle")),
    h("dd", {}, `@${me.handle}`),
    h("dt", {}, gettext("Role")),
    h("dd", {}, label("role", me.role)),
    h("dt", {}, gettext("Organisation")),
    h("dd", {}, organization.name),
    h("dt", {}, gettext("Teams")),
    h("dd", {}, teams.length ? listFormat(teams) : gettext("None")),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const wanted = changes({ name: name.value, language: language.value }, { name: me.name, language: me.chosen_language || "" });
    if (!Object.keys(wanted).length) {
      saved();
      return;
    }
    await attempt(save, errors, async () => {
      const answer = await get(ctx, "/api/me", { method: "PATCH", body: wanted });
      if ("language" in wanted) {
        sessionStorage.setItem(SAVED_FLAG, "1");
        location.reload();
        return;
      }
      me.name = answer.member.name;
      name.value = me.name;
      const summary = $(".usermenu summary");
      if (summary) summary.textContent = me.name;
      saved();
    });
  });
  fill(body, h("div", { class: "st-columns" }, form, facts));
  ctx.ready();
}

// --- notifications -------------------------------------------------------------------------------

function notificationsSection(body, ctx) {
  return load(body, ctx, () => get(ctx, "/api/notifications/preferences"), (data) => drawPreferences(body, ctx, data));
}

function drawPreferences(body, ctx, data) {
  const cells = new Map(data.preferences.map((cell) => [`${cell.kind}:${cell.channel}`, cell]));
  const blocked = data.channels.filter((channel) => data.preferences.some((cell) => cell.channel === channel.value && cell.blocked_by_policy));
  const blockedNote = blocked.length
    ? h(
        "p",
        { class: "st-note st-note-warn", id: nextId("st-blocked") },
        fmt(gettext("Your administrator has switched off notifications by %(channels)s for you, so those boxes cannot be changed. Your choices are kept and apply again if they are switched back on."), {
          channels: listFormat(blocked.map((channel) => channel.label.toLocaleLowerCase(locale))),
        }),
      )
    : null;
  const boxes = [];
  const table = h(
    "table",
    { class: "st-table st-grid" },
    h("caption", { class: "visually-hidden" }, gettext("What you are told of, and how")),
    h(
      "thead",
      {},
      h(
        "tr",
        {},
        h("th", { scope: "col" }, gettext("When")),
        data.channels.map((channel) =>
          h(
            "th",
            { scope: "col" },
            channel.label,
            blocked.includes(channel) ? h("span", { class: "badge st-badge-off" }, gettext("Off by administrator")) : null,
          ),
        ),
      ),
    ),
    h(
      "tbody",
      {},
      data.kinds.map((kind) =>
        h(
          "tr",
          {},
          h("th", { scope: "row" }, kind.label),
          data.channels.map((channel) => {
            const cell = cells.get(`${kind.value}:${channel.value}`);
            if (!cell) return h("td", { "data-label": channel.label }, "—");
            const box = checkbox(`${kind.value}:${channel.value}`, cell.blocked_by_policy ? cell.delivered : cell.enabled, {
              disabled: cell.blocked_by_policy,
              "aria-label": fmt(gettext("%(kind)s: %(channel)s"), { kind: kind.label, channel: channel.label }),
              "aria-describedby": cell.blocked_by_policy && blockedNote ? blockedNote.id : null,
              dataset: { kind: kind.value, channel: channel.value },
            });
            if (!cell.blocked_by_policy) boxes.push({ box, cell });
            return h("td", { "data-label": channel.label }, h("label", { class: "st-cell" }, box, h(
                  "span",
                  { class: "st-cell-text", "aria-hidden": "true" },
                  channel.label,
                  cell.blocked_by_policy ? h("span", { class: "st-cell-off" }, " · ", gettext("Off by administrator")) : null,
                )));
          }),
        ),
      ),
    ),
  );
  const save = submitButton();
  const defaults = h(
    "button",
    {
      type: "button",
      class: "btn",
      on: {
        click: () => {
          for (const { box, cell } of boxes) box.checked = cell.default;
          toast(gettext("The defaults are filled in. Save to keep them."));
        },
      },
    },
    gettext("Back to the defaults"),
  );
  const notices = h("div", { class: "st-notices", role: "status" }, (data.notices || []).map((text) => h("p", { class: "st-note st-note-warn" }, text)));
  const form = h(
    "form",
    { class: "card st-form", novalidate: true, "aria-labelledby": "st-section-title" },
    h("p", { class: "muted" }, gettext("Choose what the hub tells you of, and how. In the app means the bell at the top.")),
    blockedNote,
    notices,
    h("div", { class: "st-table-wrap" }, table),
  );
  const errors = formErrors(form);
  form.append(errors.general, h("div", { class: "st-actions" }, save, defaults));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const preferences = boxes.map(({ box, cell }) => ({ kind: cell.kind, channel: cell.channel, enabled: box.checked }));
    await attempt(save, errors, async () => {
      const answer = await get(ctx, "/api/notifications/preferences", { method: "PUT", body: { preferences } });
      fill(body);
      drawPreferences(body, ctx, answer);
      saved();
      body.querySelector("button[type=submit]")?.focus();
    });
  });
  body.append(form);
}

// --- members -------------------------------------------------------------------------------------

function membersSection(body, ctx) {
  return load(
    body,
    ctx,
    () => Promise.all([get(ctx, "/api/members"), get(ctx, "/api/teams")]),
    ([memberData, teamData]) => drawMembers(body, ctx, memberData.members, teamData.teams),
  );
}

function byName(a, b) {
  return a.name.localeCompare(b.name, locale);
}

function drawMembers(body, ctx, members, teams) {
  const teamNames = new Map(teams.map((team) => [team.id, team.name]));
  const editors = new Map(); // member id → the open editor's row
  const tbody = h("tbody");
  const result = h("div", { class: "st-result-slot" });
  const filter = h("input", { type: "search", name: "filter", autocomplete: "off", placeholder: gettext("Name, handle, e-mail…") });
  const count = h("p", { class: "muted st-count", "aria-live": "polite" });
  const addButton = h("button", { type: "button", class: "btn btn-primary", "aria-expanded": "false", "aria-controls": "st-add-member", "data-testid": "add-member" }, gettext("Add member"));
  const addSlot = h("div", { id: "st-add-member", hidden: true });

  function sorted() {
    return [...members].sort((a, b) => Number(b.is_active) - Number(a.is_active) || byName(a, b));
  }

  function matches(member) {
    const text = filter.value.trim().toLocaleLowerCase(locale);
    if (!text) return true;
    return [member.name, member.handle, member.email, member.username, member.phone].some((value) => (value || "").toLocaleLowerCase(locale).includes(text));
  }

  function renderRows() {
    const shown = sorted().filter(matches);
    fill(
      tbody,
      shown.map((member) => [row(member), editors.get(member.id) || null]),
    );
    count.textContent = fmt(ngettext("%(count)s member", "%(count)s members", shown.length), { count: numbers.format(shown.length) });
    if (!shown.length) tbody.append(h("tr", {}, h("td", { colspan: 7, class: "empty" }, gettext("No member matches."))));
  }

  function row(member) {
    const memberTeams = member.team_ids.map((id) => teamNames.get(id)).filter(Boolean);
    const editing = editors.has(member.id);
    const edit = h(
      "button",
      {
        type: "button",
        class: "btn btn-small",
        "aria-expanded": String(editing),
        "aria-controls": `st-edit-${member.id}`,
        "aria-label": fmt(gettext("Change %(name)s"), { name: member.name }),
        on: { click: () => toggleEditor(member) },
      },
      editing ? gettext("Close") : gettext("Change"),
    );
    return h(
      "tr",
      { class: ["st-member", member.is_active ? null : "st-inactive"], dataset: { memberId: member.id } },
      h(
        "th",
        { scope: "row", "data-label": gettext("Name") },
        h("span", { class: "st-member-name" }, member.name),
        member.id === me.id ? h("span", { class: "badge" }, gettext("You")) : null,
        h("span", { class: "muted st-handle" }, `@${member.handle}`),
      ),
      h("td", { "data-label": gettext("Role") }, label("role", member.role)),
      h("td", { "data-label": gettext("Login") }, h("span", {}, member.username), h("span", { class: "muted st-email" }, member.email)),
      h("td", { "data-label": gettext("Mobile") }, member.phone || h("span", { class: "muted" }, "—")),
      h("td", { "data-label": gettext("Teams") }, memberTeams.length ? listFormat(memberTeams) : h("span", { class: "muted" }, "—")),
      h(
        "td",
        { "data-label": gettext("Status") },
        member.is_active ? h("span", { class: "badge st-badge-ok" }, gettext("Active")) : h("span", { class: "badge" }, gettext("Deactivated")),
      ),
      h("td", { class: "st-row-actions" }, edit),
    );
  }

  function editButton(memberId) {
    return tbody.querySelector(`tr[data-member-id="${memberId}"] .st-row-actions button`);
  }

  function toggleEditor(member) {
    if (editors.has(member.id)) {
      editors.delete(member.id);
      renderRows();
      editButton(member.id)?.focus();
      return;
    }
    editors.set(member.id, memberEditor(member));
    renderRows();
    editors.get(member.id).querySelector("input[name=name]")?.focus();
  }

  function memberEditor(member) {
    const name = input("name", member.name, { required: true, maxlength: 150, autocomplete: "off" });
    const handle = input("handle", member.handle, { maxlength: 40, autocomplete: "off", autocapitalize: "none", spellcheck: "false" });
    const phone = input("phone", member.phone, { type: "tel", autocomplete: "off" });
    const role = select(choices("role"), member.role, { name: "role" });
    const self = member.id === me.id;
    const active = checkbox("is_active", member.is_active, { disabled: self });
    const emailAllowed = checkbox("email_allowed", true, { disabled: true });
    const smsAllowed = checkbox("sms_allowed", true, { disabled: true });
    let policy = null;
    const policyStatus = h("p", { class: "muted hint" }, gettext("Loading…"));
    const save = submitButton();
    const cancel = h("button", { type: "button", class: "btn", on: { click: () => toggleEditor(member) } }, gettext("Cancel"));
    const form = h(
      "form",
      { class: "st-edit", novalidate: true, "aria-label": fmt(gettext("Change %(name)s"), { name: member.name }) },
      h(
        "div",
        { class: "st-fields" },
        field(gettext("Name"), name),
        field(gettext("Handle"), handle, gettext("What colleagues type after @ to mention them.")),
        field(gettext("Mobile"), phone, gettext("For SMS notifications to them.")),
        field(gettext("Role"), role),
      ),
      checkField(gettext("Active"), active, self ? gettext("You cannot deactivate yourself.") : gettext("A deactivated member cannot log in here; their messages and cases stay.")),
      h(
        "fieldset",
        { class: "st-fieldset" },
        h("legend", {}, gettext("Notifications they may get")),
        policyStatus,
        h("div", { class: "row" }, checkField(gettext("By e-mail"), emailAllowed), checkField(gettext("By SMS"), smsAllowed)),
        h("p", { class: "hint" }, gettext("In the app they are always told. Which notifications they get is their own choice.")),
      ),
    );
    const errors = formErrors(form);
    form.append(errors.general, h("div", { class: "st-actions" }, save, cancel));
    form.addEventListener("keydown", (event) => {
      if (event.key === "Escape") {
        event.preventDefault();
        toggleEditor(member);
      }
    });
    get(ctx, `/api/members/${member.id}/notification-policy`)
      .then((answer) => {
        policy = answer;
        emailAllowed.checked = answer.email_allowed;
        smsAllowed.checked = answer.sms_allowed;
        emailAllowed.disabled = false;
        smsAllowed.disabled = false;
        policyStatus.remove();
      })
      .catch((error) => {
        policyStatus.textContent = errorText(error);
      });
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const wanted = changes(
        { name: name.value, handle: handle.value.trim().replace(/^@/, ""), phone: phone.value.trim(), role: role.value, is_active: active.checked },
        member,
      );
      const wantedPolicy = policy ? changes({ email_allowed: emailAllowed.checked, sms_allowed: smsAllowed.checked }, policy) : {};
      await attempt(save, errors, async () => {
        let changed = member;
        if (Object.keys(wanted).length) changed = await get(ctx, `/api/members/${member.id}`, { method: "PATCH", body: wanted });
        if (Object.keys(wantedPolicy).length) policy = await get(ctx, `/api/members/${member.id}/notification-policy`, { method: "PUT", body: wantedPolicy });
        Object.assign(member, changed);
        if (member.id === me.id && member.role !== "admin") {
          sessionStorage.setItem(SAVED_FLAG, "1");
          location.assign("/settings/");
          return;
        }
        editors.delete(member.id);
        renderRows();
        editButton(member.id)?.focus();
        saved();
      });
    });
    return h("tr", { class: "st-edit-row", id: `st-edit-${member.id}` }, h("td", { colspan: 7 }, form));
  }

  function openAdd() {
    const open = addSlot.hidden;
    addSlot.hidden = !open;
    addButton.setAttribute("aria-expanded", String(open));
    if (open) {
      fill(addSlot, addMemberForm());
      addSlot.querySelector("input")?.focus();
    } else {
      fill(addSlot);
      addButton.focus();
    }
  }

  function addMemberForm() {
    const name = input("name", "", { required: true, maxlength: 150, autocomplete: "off" });
    const username = input("username", "", { required: true, maxlength: 150, autocomplete: "off", autocapitalize: "none", spellcheck: "false" });
    const email = input("email", "", { type: "email", required: true, autocomplete: "off" });
    const role = select(choices("role"), "technician", { name: "role" });
    const handle = input("handle", "", { maxlength: 40, autocomplete: "off", autocapitalize: "none", spellcheck: "false" });
    const phone = input("phone", "", { type: "tel", autocomplete: "off" });
    const password = input("password", "", { type: "password", autocomplete: "new-password" });
    const save = submitButton(gettext("Add member"));
    const cancel = h("button", { type: "button", class: "btn", on: { click: openAdd } }, gettext("Cancel"));
    const form = h(
      "form",
      { class: "card st-form st-add", novalidate: true, "aria-labelledby": "st-add-title", "data-testid": "add-member-form" },
      h("h3", { id: "st-add-title" }, gettext("Add a member")),
      h(
        "div",
        { class: "st-fields" },
        field(gettext("Name"), name),
        field(gettext("Role"), role),
        field(gettext("Username"), username, gettext("What they log in with. Someone who already works in another organisation keeps their username: give it with their e-mail address.")),
        field(gettext("E-mail"), email),
        field(gettext("Handle (optional)"), handle, gettext("What colleagues type after @. Made from the name when left empty.")),
        field(gettext("Mobile (optional)"), phone, gettext("For SMS notifications to them.")),
        field(gettext("Password (optional)"), password, gettext("Leave it empty and the hub makes a temporary password, shown once.")),
      ),
    );
    const errors = formErrors(form);
    form.append(errors.general, h("div", { class: "st-actions" }, save, cancel));
    form.addEventListener("keydown", (event) => {
      if (event.key === "Escape") {
        event.preventDefault();
        openAdd();
      }
    });
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const wanted = { name: name.value, username: username.value, email: email.value, role: role.value };
      if (handle.value.trim()) wanted.handle = handle.value.trim();
      if (phone.value.trim()) wanted.phone = phone.value.trim();
      if (password.value) wanted.password = password.value;
      await attempt(save, errors, async () => {
        const answer = await get(ctx, "/api/members", { method: "POST", body: wanted });
        members.push(answer.member);
        addSlot.hidden = true;
        addButton.setAttribute("aria-expanded", "false");
        fill(addSlot);
        filter.value = "";
        renderRows();
        showAdded(answer);
      });
    });
    return form;
  }

  function showAdded(answer) {
    const added = answer.member;
    const title = h("h3", { tabindex: "-1" }, fmt(gettext("%(name)s was added."), { name: added.name }));
    const done = h("button", { type: "button", class: "btn", on: { click: () => fill(result) } }, gettext("Done"));
    let secret = null;
    if (answer.temporary_password) {
      const password = answer.temporary_password;
      secret = h(
        "div",
        { class: "st-secret" },
        h("p", { class: "st-secret-label" }, gettext("Temporary password, shown only this once:")),
        h(
          "div",
          { class: "st-secret-value" },
          h("code", { "data-testid": "temporary-password", translate: "no" }, password),
          copyButton(password, gettext("Copy the temporary password")),
        ),
        h("p", { class: "hint" }, fmt(gettext("Give it to %(name)s together with the username %(username)s. The hub does not store it readably, so it cannot be shown again."), { name: added.name, username: added.username })),
      );
    }
    fill(
      result,
      h(
        "div",
        { class: "card st-result", "data-testid": "member-added" },
        title,
        secret,
        answer.existing_user ? h("p", {}, gettext("They already had a login from another organisation: they log in here with their usual username and password.")) : null,
        !secret && !answer.existing_user ? h("p", {}, gettext("They log in with their username and the password you gave.")) : null,
        h("div", { class: "st-actions" }, done),
      ),
    );
    title.focus();
  }

  addButton.addEventListener("click", openAdd);
  filter.addEventListener("input", debounce(renderRows, 150));
  const table = h(
    "table",
    { class: "st-table st-members" },
    h("caption", { class: "visually-hidden" }, gettext("Members")),
    h(
      "thead",
      {},
      h(
        "tr",
        {},
        h("th", { scope: "col" }, gettext("Name")),
        h("th", { scope: "col" }, gettext("Role")),
        h("th", { scope: "col" }, gettext("Login")),
        h("th", { scope: "col" }, gettext("Mobile")),
        h("th", { scope: "col" }, gettext("Teams")),
        h("th", { scope: "col" }, gettext("Status")),
        h("th", { scope: "col" }, h("span", { class: "visually-hidden" }, gettext("Actions"))),
      ),
    ),
    tbody,
  );
  body.append(
    h("div", { class: "st-toolbar" }, addButton, h("div", { class: "st-filter" }, field(gettext("Filter members"), filter)), count),
    addSlot,
    result,
    h("div", { class: "st-table-wrap st-stack" }, table),
  );
  renderRows();
}

// --- teams ---------------------------------------------------------------------------------------

function teamsSection(body, ctx) {
  return load(
    body,
    ctx,
    () => Promise.all([get(ctx, "/api/teams"), get(ctx, "/api/members")]),
    ([teamData, memberData]) => drawTeams(body, ctx, teamData.teams, memberData.members),
  );
}

function drawTeams(body, ctx, teams, members) {
  const list = h("ul", { class: "st-teams" });
  const addSlot = h("div", { id: "st-add-team", hidden: true });
  const addButton = h("button", { type: "button", class: "btn btn-primary", "aria-expanded": "false", "aria-controls": "st-add-team", "data-testid": "new-team" }, gettext("New team"));
  const editing = new Set();
  const memberName = (id) => members.find((member) => member.id === id)?.name;

  function memberPicker(chosen) {
    const choosable = [...members].filter((member) => member.is_active || chosen.includes(member.id)).sort(byName);
    return h(
      "fieldset",
      { class: "st-fieldset st-picker" },
      h("legend", {}, gettext("Members")),
      choosable.length
        ? h(
            "div",
            { class: "st-picker-list" },
            choosable.map((member) =>
              checkField(
                [
                  member.is_active ? member.name : fmt(gettext("%(name)s (deactivated)"), { name: member.name }),
                  h("span", { class: "muted st-picker-handle" }, ` @${member.handle}`),
                ],
                checkbox("member_ids", chosen.includes(member.id), { value: String(member.id) }),
              ),
            ),
          )
        : h("p", { class: "muted" }, gettext("No members yet.")),
    );
  }

  const picked = (form) => [...form.querySelectorAll("input[name=member_ids]:checked")].map((box) => Number(box.value));

  function teamForm(team, { onDone, onCancel }) {
    const name = input("name", team ? team.name : "", { required: true, maxlength: 100, autocomplete: "off" });
    const save = submitButton(team ? gettext("Save") : gettext("Create team"));
    const cancel = h("button", { type: "button", class: "btn", on: { click: onCancel } }, gettext("Cancel"));
    const form = h(
      "form",
      { class: "st-form st-team-form", novalidate: true, "aria-label": team ? fmt(gettext("Change the team %(name)s"), { name: team.name }) : gettext("New team") },
      field(gettext("Team name"), name),
      memberPicker(team ? team.member_ids : []),
    );
    const errors = formErrors(form);
    form.append(errors.general, h("div", { class: "st-actions" }, save, cancel));
    form.addEventListener("keydown", (event) => {
      if (event.key === "Escape") {
        event.preventDefault();
        onCancel();
      }
    });
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const memberIds = picked(form);
      await attempt(save, errors, async () => {
        if (team) {
          const wanted = {};
          if (name.value !== team.name) wanted.name = name.value;
          if (JSON.stringify([...memberIds].sort((a, b) => a - b)) !== JSON.stringify(team.member_ids)) wanted.member_ids = memberIds;
          const answer = Object.keys(wanted).length ? await get(ctx, `/api/teams/${team.id}`, { method: "PATCH", body: wanted }) : team;
          onDone(answer);
        } else {
          onDone(await get(ctx, "/api/teams", { method: "POST", body: { name: name.value, member_ids: memberIds } }));
        }
      });
    });
    return form;
  }

  function render(focusTeam = null) {
    const sorted = [...teams].sort(byName);
    fill(
      list,
      sorted.map((team) => teamCard(team)),
      sorted.length ? null : h("li", { class: "empty" }, gettext("No teams yet. A team can be assigned cases together, and colleagues can mention it.")),
    );
    if (focusTeam) list.querySelector(`[data-team-id="${focusTeam}"] h3`)?.focus();
  }

  function teamCard(team) {
    const card = h("li", { class: "card st-team", dataset: { teamId: team.id }, "aria-labelledby": `st-team-${team.id}` });
    if (editing.has(team.id)) {
      card.append(
        h("h3", { id: `st-team-${team.id}`, class: "visually-hidden" }, team.name),
        teamForm(team, {
          onDone: (answer) => {
            Object.assign(team, answer);
            editing.delete(team.id);
            render(team.id);
            saved();
          },
          onCancel: () => {
            editing.delete(team.id);
            render(team.id);
          },
        }),
      );
      return card;
    }
    const names = team.member_ids.map(memberName).filter(Boolean).sort((a, b) => a.localeCompare(b, locale));
    const problem = h("p", { class: "st-form-error", role: "alert", hidden: true });
    const remove = h("button", { type: "button", class: "btn btn-small btn-danger" }, gettext("Delete"));
    remove.addEventListener("click", async () => {
      problem.hidden = true;
      if (!window.confirm(fmt(gettext("Delete the team %(name)s?"), { name: team.name }))) return;
      remove.disabled = true;
      try {
        await get(ctx, `/api/teams/${team.id}`, { method: "DELETE" });
        teams.splice(teams.indexOf(team), 1);
        render();
        toast(fmt(gettext("The team %(name)s was deleted."), { name: team.name }));
        addButton.focus();
      } catch (error) {
        remove.disabled = false;
        problem.textContent = errorText(error);
        problem.hidden = false;
      }
    });
    card.append(
      h("h3", { id: `st-team-${team.id}`, tabindex: "-1" }, team.name),
      h(
        "p",
        { class: "muted st-team-meta" },
        fmt(ngettext("%(count)s member", "%(count)s members", names.length), { count: numbers.format(names.length) }),
        " · ",
        fmt(ngettext("%(count)s case assigned", "%(count)s cases assigned", team.case_count), { count: numbers.format(team.case_count) }),
      ),
      names.length ? h("ul", { class: "st-names" }, names.map((name) => h("li", { class: "badge" }, name))) : h("p", { class: "muted" }, gettext("No members.")),
      h(
        "div",
        { class: "st-actions" },
        h(
          "button",
          {
            type: "button",
            class: "btn btn-small",
            "aria-label": fmt(gettext("Change the team %(name)s"), { name: team.name }),
            on: {
              click: () => {
                editing.add(team.id);
                render();
                list.querySelector(`[data-team-id="${team.id}"] input[name=name]`)?.focus();
              },
            },
          },
          gettext("Change"),
        ),
        remove,
      ),
      problem,
    );
    return card;
  }

  function toggleAdd() {
    const open = addSlot.hidden;
    addSlot.hidden = !open;
    addButton.setAttribute("aria-expanded", String(open));
    if (!open) {
      fill(addSlot);
      addButton.focus();
      return;
    }
    fill(
      addSlot,
      h(
        "div",
        { class: "card st-add" },
        h("h3", {}, gettext("New team")),
        teamForm(null, {
          onDone: (team) => {
            teams.push(team);
            toggleAdd();
            render(team.id);
            toast(fmt(gettext("The team %(name)s was created."), { name: team.name }));
          },
          onCancel: toggleAdd,
        }),
      ),
    );
    addSlot.querySelector("input[name=name]")?.focus();
  }

  addButton.addEventListener("click", toggleAdd);
  body.append(h("div", { class: "st-toolbar" }, addButton), addSlot, list);
  render();
}

// --- organisation --------------------------------------------------------------------------------

function timeZones() {
  try {
    return Intl.supportedValuesOf("timeZone");
  } catch {
    return ["Europe/Oslo", "Europe/Stockholm", "Europe/Copenhagen", "Europe/Helsinki", "Atlantic/Reykjavik", "UTC"];
  }
}

function organizationSection(body, ctx) {
  return load(body, ctx, () => get(ctx, "/api/settings/organization"), (data) => drawOrganization(body, ctx, data));
}

function drawOrganization(body, ctx, data) {
  let current = data;
  const name = input("name", data.name, { required: true, maxlength: 200, autocomplete: "organization" });
  const language = select(LANGUAGES.map((code) => [code, languageName(code)]), data.locale, { name: "locale" });
  const zoneList = h("datalist", { id: nextId("st-zones") }, timeZones().map((zone) => h("option", { value: zone })));
  const zone = input("time_zone", data.time_zone, { list: zoneList.id, autocomplete: "off", spellcheck: "false", autocapitalize: "none" });
  const prefix = input("case_prefix", data.case_prefix, { maxlength: 8, autocomplete: "off", autocapitalize: "characters", spellcheck: "false", class: "st-short" });
  prefix.addEventListener("input", () => {
    const at = prefix.selectionStart;
    prefix.value = prefix.value.toUpperCase();
    prefix.setSelectionRange(at, at);
  });
  const save = submitButton();
  const form = h(
    "form",
    { class: "card st-form", novalidate: true, "aria-labelledby": "st-section-title" },
    field(gettext("Name"), name, gettext("Shown to customers in texts and mail, and at the top of the app.")),
    field(gettext("Language"), language, gettext("The language of texts to customers, and of members who have not chosen their own.")),
    field(gettext("Time zone"), zone, gettext("Times on the board and in texts to customers are in this zone.")),
    zoneList,
    field(
      gettext("Case number prefix"),
      prefix,
      fmt(gettext("1 to 8 letters A–Z: case numbers look like %(example)s. A new prefix applies to every case, old ones too."), { example: `${data.case_prefix}-1042` }),
    ),
  );
  const errors = formErrors(form);
  const facts = h(
    "div",
    { class: "card st-side" },
    h("dl", { class: "st-facts st-facts-stacked" }, h("dt", {}, gettext("Country")), h("dd", {}, countryName(data.country)), h("dt", {}, gettext("Identifier")), h("dd", {}, h("code", {}, data.slug))),
    h("p", { class: "hint" }, gettext("Set when the organisation was created: the hub's operator can change them.")),
  );
  form.append(errors.general, h("div", { class: "st-actions" }, save));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const wanted = changes({ name: name.value, locale: language.value, time_zone: zone.value.trim(), case_prefix: prefix.value.trim() }, current);
    if (!Object.keys(wanted).length) {
      saved();
      return;
    }
    await attempt(save, errors, async () => {
      current = await get(ctx, "/api/settings/organization", { method: "PATCH", body: wanted });
      // The app's language (when the member follows the organisation's) and its clock come from
      // the page: a reload shows them changed everywhere.
      if (wanted.time_zone || (wanted.locale && !me.chosen_language)) {
        sessionStorage.setItem(SAVED_FLAG, "1");
        location.reload();
        return;
      }
      Object.assign(organization, { name: current.name, locale: current.locale, case_prefix: current.case_prefix });
      const brand = $(".topbar .brand");
      if (brand) brand.textContent = current.name;
      name.value = current.name;
      prefix.value = current.case_prefix;
      saved();
    });
  });
  body.append(h("div", { class: "st-columns" }, form, facts));
}

// --- texts to customers --------------------------------------------------------------------------

const TAG_RE = /\{([A-Za-z][A-Za-z0-9_]*)\}/g;

function unknownTags(text, known) {
  return [...new Set([...text.matchAll(TAG_RE)].map((match) => match[1]).filter((tag) => !known.has(tag)))];
}

function templatesSection(body, ctx) {
  return load(
    body,
    ctx,
    () => Promise.all([get(ctx, "/api/settings/templates"), get(ctx, "/api/cases", { query: { limit: 20 } }).catch(() => ({ results: [] }))]),
    ([data, cases]) => drawTemplates(body, ctx, data, cases.results),
  );
}

function drawTemplates(body, ctx, data, recentCases) {
  const canEdit = data.can_edit;
  const known = new Set(data.tags.map((tag) => tag.tag));
  const keyOf = (t) => `${t.purpose}.${t.channel}`;
  const wanted = ctx.query.get("text");
  let selected = data.templates.find((t) => keyOf(t) === wanted) || data.templates[0];
  let dirty = false;
  let caseId = (recentCases.find((c) => c.booking_state) || recentCases[0])?.id ?? null;
  const picker = h("nav", { class: "st-tpl-picker", "aria-label": gettext("Texts") });
  const editorSlot = h("div", { class: "st-tpl-main" });

  function renderPicker() {
    const purposes = [];
    for (const t of data.templates) {
      let group = purposes.find((p) => p.purpose === t.purpose);
      if (!group) purposes.push((group = { purpose: t.purpose, label: t.purpose_label, items: [] }));
      group.items.push(t);
    }
    fill(
      picker,
      h(
        "ul",
        {},
        purposes.map((group) =>
          h(
            "li",
            { class: "st-tpl-group" },
            h("span", { class: "st-tpl-purpose", id: `st-tpl-${group.purpose}` }, group.label),
            h(
              "span",
              { class: "st-tpl-channels", role: "group", "aria-labelledby": `st-tpl-${group.purpose}` },
              group.items.map((t) =>
                h(
                  "button",
                  {
                    type: "button",
                    class: ["chip", t.is_default ? null : "st-own"],
                    "aria-pressed": String(t === selected),
                    "aria-label": `${t.purpose_label}: ${t.channel_label}${t.is_default ? "" : ` (${gettext("own text")})`}`,
                    on: { click: () => choose(t) },
                  },
                  t.channel_label,
                  t.is_default ? null : h("span", { class: "st-own-mark", "aria-hidden": "true", title: gettext("Own text") }, "●"),
                ),
              ),
            ),
          ),
        ),
      ),
    );
  }

  function choose(t) {
    if (t === selected) return;
    if (dirty && !window.confirm(gettext("Discard your changes to this text?"))) return;
    selected = t;
    dirty = false;
    setQuery({ text: keyOf(t) });
    renderPicker();
    renderEditor();
    editorSlot.querySelector("h3")?.focus();
  }

  function renderEditor() {
    const t = selected;
    const subject = t.has_subject ? input("subject", t.subject, { readonly: !canEdit, autocomplete: "off" }) : null;
    const text = h("textarea", { name: "body", rows: t.channel === "sms" ? 6 : 14, readonly: !canEdit, spellcheck: "true" });
    text.value = t.body;
    const subjectCount = h("small", { class: "st-counter", "aria-live": "off" });
    const bodyCount = h("small", { class: "st-counter", "aria-live": "off" });
    const subjectTags = h("p", { class: "field-error", role: "alert", hidden: true });
    const bodyTags = h("p", { class: "field-error", role: "alert", hidden: true });
    let lastField = text;
    const save = canEdit ? submitButton() : null;
    const reset =
      canEdit && !t.is_default
        ? h("button", { type: "button", class: "btn btn-danger" }, gettext("Back to the default text"))
        : null;
    const heading = h("h3", { tabindex: "-1" }, `${t.purpose_label} · ${t.channel_label}`);
    const state = h("span", { class: ["badge", t.is_default ? null : "st-badge-own"] }, t.is_default ? gettext("The hub's default text") : gettext("Own text"));
    // Under each field: what is wrong with its tags, and how long it is; both describe it.
    const withNotes = (control, fieldNode, problem, count) => {
      problem.id = nextId("st-tags");
      count.id = nextId("st-count");
      describedBy(control, problem.id, true);
      describedBy(control, count.id, true);
      fieldNode.append(h("div", { class: "st-under" }, problem, count));
      return fieldNode;
    };
    const form = h(
      "form",
      { class: "card st-form st-tpl-form", novalidate: true, "aria-label": `${t.purpose_label} · ${t.channel_label}` },
      h("div", { class: "st-tpl-head" }, heading, state),
      canEdit ? null : h("p", { class: "st-note" }, gettext("Only administrators can change the texts. You can read them and see them filled in for a case.")),
      subject ? withNotes(subject, field(gettext("Subject"), subject), subjectTags, subjectCount) : null,
      withNotes(text, field(t.channel === "sms" ? gettext("Text of the SMS") : gettext("Text"), text), bodyTags, bodyCount),
    );
    const errors = formErrors(form);
    form.append(errors.general);
    if (canEdit) form.append(h("div", { class: "st-actions" }, save, reset));

    function counter(node, length, max) {
      node.textContent = fmt(gettext("%(count)s of %(max)s characters"), { count: numbers.format(length), max: numbers.format(max) });
      node.classList.toggle("st-over", length > max);
    }

    function tagProblem(node, tags) {
      // Set only when it changes: an alert read out again at every key would drown the typing.
      const message = tags.length
        ? fmt(ngettext("Unknown tag %(tags)s: the hub cannot fill it in. Choose one from the list.", "Unknown tags %(tags)s: the hub cannot fill them in. Choose from the list.", tags.length), {
            tags: tags.map((tag) => `{${tag}}`).join(", "),
          })
        : "";
      node.hidden = !message;
      if (node.textContent !== message) node.textContent = message;
    }

    function invalid(control, bad) {
      if (bad) control.setAttribute("aria-invalid", "true");
      else control.removeAttribute("aria-invalid");
    }

    function check() {
      counter(bodyCount, text.value.length, t.body_max);
      tagProblem(bodyTags, unknownTags(text.value, known));
      invalid(text, !bodyTags.hidden || text.value.length > t.body_max);
      if (subject) {
        counter(subjectCount, subject.value.length, t.subject_max);
        tagProblem(subjectTags, unknownTags(subject.value, known));
        invalid(subject, !subjectTags.hidden || subject.value.length > t.subject_max);
      }
    }

    const tagList = h(
      "details",
      { class: "st-tags card", open: canEdit && window.matchMedia("(min-width: 761px)").matches },
      h("summary", {}, canEdit ? gettext("Tags: click one to insert it where the cursor is") : gettext("Tags")),
      h(
        "ul",
        {},
        data.tags.map((tag) =>
          h(
            "li",
            {},
            canEdit
              ? h(
                  "button",
                  {
                    type: "button",
                    class: "st-tag",
                    "aria-label": fmt(gettext("Insert %(tag)s"), { tag: `{${tag.tag}}` }),
                    "aria-describedby": `st-tag-${tag.tag}`,
                    on: { click: () => insertTag(tag.tag) },
                  },
                  `{${tag.tag}}`,
                )
              : h("code", { class: "st-tag" }, `{${tag.tag}}`),
            h("span", { class: "muted", id: `st-tag-${tag.tag}` }, tag.description),
          ),
        ),
      ),
    );

    function insertTag(tag) {
      const target = lastField;
      const insert = `{${tag}}`;
      const start = target.selectionStart ?? target.value.length;
      const end = target.selectionEnd ?? start;
      target.focus();
      target.setRangeText(insert, start, end, "end");
      target.dispatchEvent(new Event("input", { bubbles: true }));
    }

    for (const control of [subject, text].filter(Boolean)) {
      control.addEventListener("focus", () => {
        lastField = control;
      });
    }
    form.addEventListener("input", () => {
      dirty = true;
      check();
      schedulePreview();
    });
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      if (!canEdit) return;
      const done = await attempt(save, errors, async () => {
        const answer = await get(ctx, `/api/settings/templates/${t.purpose}/${t.channel}`, { method: "PUT", body: { subject: subject ? subject.value : "", body: text.value } });
        replace(t, answer);
        saved();
      });
      // The hub's refusal of a tag says more (it suggests the tag meant): it replaces ours.
      if (!done) {
        if (document.getElementById(`${text.id}-error`)) bodyTags.hidden = true;
        if (subject && document.getElementById(`${subject.id}-error`)) subjectTags.hidden = true;
      }
    });
    reset?.addEventListener("click", async () => {
      if (!window.confirm(gettext("Replace this text with the hub's default? Your own text is deleted."))) return;
      await attempt(reset, errors, async () => {
        const answer = await get(ctx, `/api/settings/templates/${t.purpose}/${t.channel}`, { method: "DELETE" });
        replace(t, answer);
        toast(gettext("The default text is back."));
      });
    });

    function replace(old, answer) {
      const fresh = { ...old, ...answer };
      data.templates[data.templates.indexOf(old)] = fresh;
      selected = fresh;
      dirty = false;
      renderPicker();
      renderEditor();
      editorSlot.querySelector("h3")?.focus();
    }

    // The preview: the text as the customer of a case would read it.
    const preview = h("div", { class: "st-preview-out", "aria-live": "polite", "aria-atomic": "true" }, h("p", { class: "muted" }, gettext("Loading…")));
    const caseSelect = h("select", { name: "case" });
    const caseSearch = h("input", { type: "search", name: "case_search", autocomplete: "off", placeholder: gettext("Case number or words") });
    let cases = recentCases;
    let sequence = 0;

    function fillCases() {
      fill(
        caseSelect,
        cases.length ? null : h("option", { value: "" }, gettext("No case found")),
        cases.map((c) => h("option", { value: String(c.id), selected: c.id === caseId }, `${c.reference} · ${c.title || gettext("(no title)")}`)),
      );
      if (cases.length && !cases.some((c) => c.id === caseId)) caseId = cases[0].id;
    }

    async function runPreview() {
      const mine = ++sequence;
      if (!caseId) {
        fill(preview, h("p", { class: "muted" }, gettext("There is no case to show the text on yet.")));
        return;
      }
      const request = { purpose: t.purpose, channel: t.channel };
      if (canEdit) {
        request.body = text.value;
        if (subject) request.subject = subject.value;
      }
      preview.setAttribute("aria-busy", "true");
      try {
        const answer = await get(ctx, `/api/cases/${caseId}/templates/preview`, { method: "POST", body: request });
        if (mine !== sequence) return;
        const parts = answer.segments;
        fill(
          preview,
          answer.subject ? h("p", { class: "st-preview-subject" }, h("span", { class: "muted" }, `${gettext("Subject")}: `), answer.subject) : null,
          h("div", { class: ["st-preview-body", t.channel === "sms" ? "st-preview-sms" : null], "data-testid": "template-preview" }, answer.body),
          parts
            ? h(
                "p",
                { class: "muted st-segments" },
                fmt(ngettext("%(count)s SMS · %(remaining)s characters left · %(encoding)s", "%(count)s SMS · %(remaining)s characters left · %(encoding)s", parts.count), {
                  count: numbers.format(parts.count),
                  remaining: numbers.format(parts.remaining),
                  encoding: parts.encoding === "gsm7" ? "GSM-7" : gettext("Unicode (UCS-2)"),
                }),
              )
            : null,
        );
      } catch (error) {
        if (mine !== sequence || ctx.signal.aborted) return;
        fill(preview, h("p", { class: "error" }, errorText(error)));
      } finally {
        if (mine === sequence) preview.removeAttribute("aria-busy");
      }
    }
    const schedulePreview = debounce(() => {
      if (!ctx.signal.aborted) runPreview();
    }, 350);

    caseSelect.addEventListener("change", () => {
      caseId = Number(caseSelect.value) || null;
      runPreview();
    });
    caseSearch.addEventListener(
      "input",
      debounce(async () => {
        try {
          const answer = await get(ctx, "/api/cases", { query: { q: caseSearch.value.trim(), limit: 20 } });
          cases = answer.results;
          fillCases();
          caseId = Number(caseSelect.value) || null;
          runPreview();
        } catch (error) {
          if (!ctx.signal.aborted) fill(preview, h("p", { class: "error" }, errorText(error)));
        }
      }, 300),
    );

    const previewPanel = h(
      "section",
      { class: "card st-preview", "aria-labelledby": "st-preview-title" },
      h("h3", { id: "st-preview-title" }, gettext("Preview")),
      h("div", { class: "st-preview-case" }, field(gettext("Show it for the case"), caseSelect), field(gettext("Find a case"), caseSearch)),
      preview,
    );

    fillCases();
    check();
    fill(editorSlot, h("div", { class: "st-tpl-edit" }, form, tagList), previewPanel);
    runPreview();
  }

  body.append(
    h("p", { class: "muted" }, gettext("What the hub sends customers about their bookings. The tags in braces are filled in for each case.")),
    picker,
    editorSlot,
  );
  renderPicker();
  renderEditor();
  const warn = (event) => {
    if (dirty) event.preventDefault();
  };
  window.addEventListener("beforeunload", warn);
  ctx.cleanups.push(() => window.removeEventListener("beforeunload", warn));
}

// --- SMS -----------------------------------------------------------------------------------------

function smsSection(body, ctx) {
  return load(body, ctx, () => get(ctx, "/api/settings/sms"), (data) => drawSms(body, ctx, data));
}

function drawSms(body, ctx, data) {
  let current = data;
  const provider = select(choices("sms_provider"), data.provider, { name: "provider" });
  const account = input("account", data.account, { autocomplete: "off", spellcheck: "false", autocapitalize: "none" });
  const secret = input("secret", "", { type: "password", autocomplete: "new-password", placeholder: data.secret_set ? "••••••••" : "" });
  const number = input("virtual_number", data.virtual_number, { type: "tel", autocomplete: "off" });
  const price = input("price_per_segment", data.price_per_segment, { type: "number", min: 0, max: 99.99, step: 0.001, inputmode: "decimal", class: "st-short" });
  const sender = input("sender_name", data.sender_name, { maxlength: 11, autocomplete: "off" });
  const save = submitButton();
  const secretState = h("span", { class: ["badge", data.secret_set ? "st-badge-ok" : null] }, data.secret_set ? gettext("Set") : gettext("Not set"));
  const form = h(
    "form",
    { class: "card st-form", novalidate: true, "aria-labelledby": "st-section-title" },
    h("h3", {}, gettext("Provider")),
    field(gettext("SMS provider"), provider),
    field(gettext("Account"), account, gettext("The account ID or API user name at the provider.")),
    h(
      "div",
      { class: "field" },
      h("label", { for: (secret.id = nextId("st-secret")) }, gettext("Secret"), " ", secretState),
      secret,
      h(
        "small",
        { class: "hint", id: `${secret.id}-hint` },
        data.secret_set ? gettext("A secret is stored and never shown. Type a new one to replace it; leave it empty to keep it.") : gettext("The provider's API password or auth token. It is stored encrypted and never shown again."),
      ),
    ),
    h("h3", {}, gettext("Sender")),
    field(gettext("Virtual number"), number, gettext("A number customers can answer. Without one, SMS go out under the sender name and cannot be answered.")),
    field(gettext("Sender name"), sender, gettext("Shown as the sender of SMS that cannot be answered (at most 11 letters and digits).")),
    h(
      "p",
      { class: ["st-note", data.replies_possible ? null : "st-note-warn"] },
      data.replies_possible ? gettext("Customers can answer the SMS you send.") : gettext("Customers cannot answer the SMS you send until a virtual number is set."),
    ),
    h("h3", {}, gettext("Price")),
    h(
      "div",
      { class: "field" },
      h("label", { for: (price.id = nextId("st-price")) }, gettext("Price per SMS part")),
      h("div", { class: "st-inline-field" }, price, h("span", { class: "muted" }, data.currency)),
      h("small", { class: "hint" }, gettext("For the cost shown before sending. A long SMS is sent as several parts.")),
    ),
  );
  secret.setAttribute("aria-describedby", `${secret.id}-hint`);
  const errors = formErrors(form);
  form.append(errors.general, h("div", { class: "st-actions" }, save));
  const addresses = h(
    "section",
    { class: "card st-addresses", "aria-labelledby": "st-sms-urls" },
    h("h3", { id: "st-sms-urls" }, gettext("Addresses to give the provider")),
    h("p", { class: "muted" }, gettext("Enter these at the provider, so that answers and delivery reports reach the hub.")),
    urlLine(gettext("Incoming SMS"), data.inbound_url),
    urlLine(gettext("Delivery reports"), data.status_url),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const wanted = changes(
      { provider: provider.value, account: account.value.trim(), virtual_number: number.value.trim(), sender_name: sender.value.trim(), price_per_segment: price.value },
      current,
    );
    if (secret.value) wanted.secret = secret.value;
    if (!Object.keys(wanted).length) {
      saved();
      return;
    }
    await attempt(save, errors, async () => {
      current = await get(ctx, "/api/settings/sms", { method: "PUT", body: wanted });
      fill(body);
      drawSms(body, ctx, current);
      saved();
      body.querySelector("button[type=submit]")?.focus();
    });
  });
  body.append(h("div", { class: "st-columns" }, form, addresses));
}

function urlLine(title, url) {
  const id = nextId("st-url");
  return h(
    "div",
    { class: "st-url" },
    h("span", { class: "st-url-label", id }, title),
    h("code", { "aria-labelledby": id }, url),
    copyButton(url, fmt(gettext("Copy: %(what)s"), { what: title })),
  );
}

// --- mail ----------------------------------------------------------------------------------------

function mailSection(body, ctx) {
  return load(
    body,
    ctx,
    () => Promise.all([get(ctx, "/api/settings/mail"), get(ctx, "/api/settings/mailboxes")]),
    ([settings, boxes]) => {
      const sending = h("div");
      const logo = h("div");
      const mailboxes = h("div");
      body.append(h("div", { class: "st-stack-gap" }, sending, logo, mailboxes));
      drawMailSettings(sending, ctx, settings);
      drawLogo(logo, ctx, settings);
      drawMailboxes(mailboxes, ctx, boxes.results);
    },
  );
}

function securityChoices(withStartTls) {
  return [
    withStartTls ? ["starttls", gettext("STARTTLS (usually port 587)")] : null,
    ["tls", gettext("TLS (usually port 465, or 993 for a mailbox)")],
    ["none", gettext("None (only on a trusted network)")],
  ].filter(Boolean);
}

function drawMailSettings(slot, ctx, data) {
  let current = data;
  const from = input("from_address", data.from_address, { type: "email", autocomplete: "off" });
  const reply = input("reply_address", data.reply_address, { type: "email", autocomplete: "off" });
  const host = input("smtp_host", data.smtp_host, { autocomplete: "off", spellcheck: "false", autocapitalize: "none" });
  const port = input("smtp_port", data.smtp_port, { type: "number", min: 1, max: 65535, inputmode: "numeric", class: "st-short" });
  const security = select(securityChoices(true), data.smtp_security, { name: "smtp_security" });
  const user = input("smtp_username", data.smtp_username, { autocomplete: "off", spellcheck: "false", autocapitalize: "none" });
  const password = input("smtp_password", "", { type: "password", autocomplete: "new-password", placeholder: data.smtp_password_set ? "••••••••" : "" });
  const forget = data.smtp_password_set ? checkbox("forget_password", false) : null;
  const track = checkbox("track_opens", data.track_opens);
  const save = submitButton();
  const passwordState = h("span", { class: ["badge", data.smtp_password_set ? "st-badge-ok" : null] }, data.smtp_password_set ? gettext("Set") : gettext("Not set"));
  password.id = nextId("st-smtp-password");
  const form = h(
    "form",
    { class: "card st-form", novalidate: true, "aria-labelledby": "st-mail-sending" },
    h("h3", { id: "st-mail-sending" }, gettext("Sending")),
    h("p", { class: "muted" }, gettext("Without an SMTP server of your own, mail goes out through the hub's. Answers come back to the case either way.")),
    h(
      "div",
      { class: "st-fields" },
      field(gettext("Sender address"), from, gettext("Shown as the sender. Empty: the hub's address.")),
      field(gettext("Reply address"), reply, gettext("A mailbox the hub listens to that takes plus-addresses (post+…@your-domain). Empty: the hub's own reply domain.")),
      field(gettext("SMTP server"), host, gettext("Empty: the hub sends the mail.")),
      field(gettext("Port"), port),
      field(gettext("Security"), security),
      field(gettext("User name"), user),
      h(
        "div",
        { class: "field" },
        h("label", { for: password.id }, gettext("Password"), " ", passwordState),
        password,
        h("small", { class: "hint", id: `${password.id}-hint` }, data.smtp_password_set ? gettext("Stored and never shown. Type a new one to replace it; leave it empty to keep it.") : gettext("Stored encrypted and never shown again.")),
      ),
    ),
    forget ? checkField(gettext("Remove the stored password"), forget) : null,
    checkField(gettext("Show when a customer opens a mail"), track, gettext("Best effort: many mail clients block the image that tells.")),
  );
  password.setAttribute("aria-describedby", `${password.id}-hint`);
  const errors = formErrors(form);
  form.append(errors.general, h("div", { class: "st-actions" }, save));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const wanted = changes(
      {
        from_address: from.value.trim(),
        reply_address: reply.value.trim(),
        smtp_host: host.value.trim(),
        smtp_port: port.value === "" ? null : Number(port.value),
        smtp_security: security.value,
        smtp_username: user.value.trim(),
        track_opens: track.checked,
      },
      current,
    );
    if (password.value) wanted.smtp_password = password.value;
    else if (forget?.checked) wanted.smtp_password = "";
    if (!Object.keys(wanted).length) {
      saved();
      return;
    }
    await attempt(save, errors, async () => {
      current = await get(ctx, "/api/settings/mail", { method: "PUT", body: wanted });
      fill(slot);
      drawMailSettings(slot, ctx, current);
      saved();
      slot.querySelector("button[type=submit]")?.focus();
    });
  });
  slot.append(form);
}

const LOGO_MAX = 512 * 1024;

function drawLogo(slot, ctx, data) {
  const file = h("input", { type: "file", name: "logo", accept: "image/png,image/jpeg,image/gif" });
  const upload = submitButton(gettext("Upload logo"));
  const remove = data.has_logo ? h("button", { type: "button", class: "btn btn-danger" }, gettext("Remove logo")) : null;
  const form = h(
    "form",
    { class: "card st-form", novalidate: true, "aria-labelledby": "st-logo-title" },
    h("h3", { id: "st-logo-title" }, gettext("Logo")),
    h("p", { class: data.has_logo ? "st-note" : "muted" }, data.has_logo ? gettext("Your logo is at the top of every mail to customers.") : gettext("No logo yet: mail to customers starts with your organisation's name.")),
    field(data.has_logo ? gettext("Replace the logo") : gettext("Logo image"), file, gettext("PNG, JPEG or GIF, at most 512 kB.")),
  );
  const errors = formErrors(form);
  form.append(errors.general, h("div", { class: "st-actions" }, upload, remove));
  const redraw = (answer, message) => {
    fill(slot);
    drawLogo(slot, ctx, answer);
    toast(message);
    slot.querySelector("input[type=file]")?.focus();
  };
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const chosen = file.files[0];
    await attempt(upload, errors, async () => {
      if (!chosen) throw new ApiError(400, { message: gettext("Choose an image first."), field: "logo" });
      if (chosen.size > LOGO_MAX) throw new ApiError(413, { message: gettext("The image is larger than 512 kB."), field: "logo" });
      const payload = new FormData();
      payload.append("logo", chosen);
      redraw(await get(ctx, "/api/settings/mail/logo", { method: "POST", form: payload }), gettext("The logo is saved."));
    });
  });
  remove?.addEventListener("click", async () => {
    if (!window.confirm(gettext("Remove the logo from your mail?"))) return;
    await attempt(remove, errors, async () => {
      redraw(await get(ctx, "/api/settings/mail/logo", { method: "DELETE" }), gettext("The logo is removed."));
    });
  });
  slot.append(form);
}

function drawMailboxes(slot, ctx, boxes) {
  const list = h("div", { class: "st-table-wrap st-stack" });
  const addSlot = h("div", { id: "st-add-mailbox", hidden: true });
  const addButton = h("button", { type: "button", class: "btn", "aria-expanded": "false", "aria-controls": "st-add-mailbox" }, gettext("Add mailbox"));

  function render() {
    if (!boxes.length) {
      fill(list, h("p", { class: "empty" }, gettext("The hub listens to no mailbox of yours yet. Mail sent to the reply addresses still reaches the cases.")));
      return;
    }
    fill(
      list,
      h(
        "table",
        { class: "st-table" },
        h("caption", { class: "visually-hidden" }, gettext("Mailboxes")),
        h(
          "thead",
          {},
          h("tr", {}, [gettext("Name"), gettext("Account"), gettext("Folder"), gettext("Status"), gettext("Last checked")].map((title) => h("th", { scope: "col" }, title))),
        ),
        h(
          "tbody",
          {},
          boxes.map((box) =>
            h(
              "tr",
              {},
              h("th", { scope: "row", "data-label": gettext("Name") }, box.name),
              h("td", { "data-label": gettext("Account") }, `${box.username} @ ${box.host}:${box.port}`),
              h("td", { "data-label": gettext("Folder") }, box.folder),
              h(
                "td",
                { "data-label": gettext("Status") },
                box.last_error
                  ? h("span", { class: "st-box-error" }, h("span", { class: "badge st-badge-bad" }, gettext("Error")), " ", box.last_error)
                  : box.is_active
                    ? h("span", { class: "badge st-badge-ok" }, gettext("Active"))
                    : h("span", { class: "badge" }, gettext("Paused")),
              ),
              h("td", { "data-label": gettext("Last checked") }, box.last_checked ? formatDateTime(box.last_checked) : gettext("Not yet")),
            ),
          ),
        ),
      ),
    );
  }

  function toggleAdd() {
    const open = addSlot.hidden;
    addSlot.hidden = !open;
    addButton.setAttribute("aria-expanded", String(open));
    if (!open) {
      fill(addSlot);
      addButton.focus();
      return;
    }
    const name = input("name", "", { required: true, maxlength: 100, autocomplete: "off" });
    const host = input("host", "", { required: true, autocomplete: "off", spellcheck: "false", autocapitalize: "none" });
    const port = input("port", "993", { type: "number", min: 1, max: 65535, inputmode: "numeric", class: "st-short" });
    const security = select(securityChoices(false), "tls", { name: "security" });
    const user = input("username", "", { required: true, autocomplete: "off", spellcheck: "false", autocapitalize: "none" });
    const password = input("password", "", { type: "password", required: true, autocomplete: "new-password" });
    const folder = input("folder", "INBOX", { autocomplete: "off", spellcheck: "false" });
    const save = submitButton(gettext("Add mailbox"));
    const form = h(
      "form",
      { class: "card st-form st-add", novalidate: true, "aria-labelledby": "st-add-mailbox-title" },
      h("h3", { id: "st-add-mailbox-title" }, gettext("Add a mailbox")),
      h("p", { class: "muted" }, gettext("The hub reads new mail in it (IMAP) and files it on cases, within half a minute.")),
      h(
        "div",
        { class: "st-fields" },
        field(gettext("Name"), name, gettext("For you, e.g. “Service inbox”.")),
        field(gettext("IMAP server"), host),
        field(gettext("Port"), port),
        field(gettext("Security"), security),
        field(gettext("User name"), user),
        field(gettext("Password"), password),
        field(gettext("Folder"), folder),
      ),
    );
    const errors = formErrors(form);
    form.append(errors.general, h("div", { class: "st-actions" }, save, h("button", { type: "button", class: "btn", on: { click: toggleAdd } }, gettext("Cancel"))));
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      await attempt(save, errors, async () => {
        const answer = await get(ctx, "/api/settings/mailboxes", {
          method: "POST",
          body: {
            name: name.value,
            host: host.value,
            port: port.value === "" ? null : Number(port.value),
            security: security.value,
            username: user.value,
            password: password.value,
            folder: folder.value,
          },
        });
        boxes.push(answer);
        boxes.sort((a, b) => a.name.localeCompare(b.name, locale));
        toggleAdd();
        render();
        toast(fmt(gettext("The mailbox %(name)s was added."), { name: answer.name }));
      });
    });
    fill(addSlot, form);
    name.focus();
  }

  addButton.addEventListener("click", toggleAdd);
  slot.append(
    h(
      "section",
      { class: "card st-form", "aria-labelledby": "st-mailboxes-title" },
      h("div", { class: "st-section-head" }, h("h3", { id: "st-mailboxes-title" }, gettext("Mailboxes the hub listens to")), addButton),
      addSlot,
      list,
    ),
  );
  render();
}

// --- booking -------------------------------------------------------------------------------------

function bookingSection(body, ctx) {
  return load(body, ctx, () => get(ctx, "/api/settings/booking"), (data) => drawBooking(body, ctx, data));
}

function hourLabel(hour) {
  return `${String(hour).padStart(2, "0")}:00`;
}

function drawBooking(body, ctx, data) {
  let current = data;
  const number = (name, min, max) => input(name, data[name], { type: "number", min, max, step: 1, inputmode: "numeric", class: "st-short" });
  const smsHours = number("sms_answer_hours", 1, 720);
  const emailHours = number("email_answer_hours", 1, 720);
  const letterDays = number("letter_answer_days", 1, 60);
  const reminder = select(Array.from({ length: 24 }, (_, hour) => [String(hour), hourLabel(hour)]), String(data.reminder_hour), { name: "reminder_hour" });
  const hourBefore = checkbox("remind_hour_before", data.remind_hour_before);
  const channel = select(choices("booking_channel"), data.default_channel, { name: "default_channel" });
  const save = submitButton();
  const unit = (control, text) => h("div", { class: "st-inline-field" }, control, h("span", { class: "muted" }, text));
  const numberField = (title, control, text, hint) => {
    control.id = nextId("st-number");
    const hintNode = h("small", { class: "hint", id: `${control.id}-hint` }, hint);
    control.setAttribute("aria-describedby", hintNode.id);
    return h("div", { class: "field" }, h("label", { for: control.id }, title), unit(control, text), hintNode);
  };
  const form = h(
    "form",
    { class: "card st-form", novalidate: true, "aria-labelledby": "st-section-title" },
    h(
      "fieldset",
      { class: "st-fieldset" },
      h("legend", {}, gettext("Time to answer a booking")),
      h("p", { class: "hint" }, gettext("When a customer has not answered by then, the booking is marked for a manual follow-up.")),
      numberField(gettext("By SMS"), smsHours, gettext("hours"), gettext("1 to 720 hours.")),
      numberField(gettext("By e-mail"), emailHours, gettext("hours"), gettext("1 to 720 hours.")),
      numberField(gettext("By letter"), letterDays, gettext("days"), gettext("1 to 60 days.")),
    ),
    h(
      "fieldset",
      { class: "st-fieldset" },
      h("legend", {}, gettext("Reminders")),
      field(gettext("Reminder the day before the visit, at"), reminder, fmt(gettext("In the organisation's time zone (%(zone)s)."), { zone: organization.time_zone })),
      checkField(gettext("Also remind an hour before the visit"), hourBefore),
    ),
    h("fieldset", { class: "st-fieldset" }, h("legend", {}, gettext("Sending")), field(gettext("Send bookings by"), channel, gettext("What the booking panel suggests; it can be changed for each booking."))),
  );
  const errors = formErrors(form);
  form.append(errors.general, h("div", { class: "st-actions" }, save));
  const whole = (control) => (control.value === "" ? null : Number(control.value));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const wanted = changes(
      {
        sms_answer_hours: whole(smsHours),
        email_answer_hours: whole(emailHours),
        letter_answer_days: whole(letterDays),
        reminder_hour: Number(reminder.value),
        remind_hour_before: hourBefore.checked,
        default_channel: channel.value,
      },
      current,
    );
    if (!Object.keys(wanted).length) {
      saved();
      return;
    }
    await attempt(save, errors, async () => {
      current = await get(ctx, "/api/settings/booking", { method: "PUT", body: wanted });
      saved();
    });
  });
  body.append(form);
}
