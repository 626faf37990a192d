// Writing on a case: to the customer (portal, e-mail or SMS, with the SMS counter and the
// templates) or an internal note (with @ autocomplete of colleagues); files by drag and drop.
// Enter sends, Shift+Enter starts a new line. Every post carries a client_id, so a retry after a
// lost answer is stored once.
import { api } from "./api.js";
import { boot } from "./boot.js";
import { debounce, fill, h } from "./dom.js";
import { fmt, formatSize } from "./i18n.js";
import { live } from "./live.js";
import { select, toast, toastError } from "./ui.js";

const TYPING_EVERY_MS = 2000;

export class Composer {
  /** caseData: the case payload (kept current by the case view through update()). */
  constructor(caseData, { onPosted }) {
    this.case = caseData;
    this.audience = "customer";
    this.onPosted = onPosted;
    this.files = [];
    this.recipients = [];
    this.lastTyping = 0;
    this.templates = null;
    this.previewSms = debounce(() => this.updateSmsCounter(), 250);
    this.element = this.render();
    this.loadRecipients();
  }

  render() {
    this.text = h("textarea", {
      id: "composer-text",
      rows: 3,
      "aria-label": gettext("Message"),
      on: { input: () => this.input(), keydown: (event) => this.keydown(event) },
    });
    this.channel = select([], "", { "aria-label": gettext("Send by"), on: { change: () => this.channelChanged() } });
    this.recipient = select([], "", { "aria-label": gettext("To") });
    this.counter = h("span", { class: "sms-counter", "aria-live": "polite", "data-testid": "sms-counter" });
    this.gsm7 = h("input", { type: "checkbox", on: { change: () => this.updateSmsCounter() } });
    this.gsm7Label = h("label", { class: "inline", hidden: true }, this.gsm7, ` ${gettext("Send as plain characters (cheaper)")}`);
    this.fileInput = h("input", { type: "file", multiple: true, class: "visually-hidden", id: "composer-files", on: { change: (event) => this.upload([...event.target.files]) } });
    this.fileList = h("ul", { class: "composer-files", "aria-label": gettext("Files to send") });
    this.suggestions = h("ul", { class: "mention-suggestions", role: "listbox", id: "mention-suggestions", hidden: true });
    this.refusal = h("p", { class: "composer-refusal", role: "status", hidden: true });
    this.templateButton = h("button", { type: "button", class: "btn btn-small", "aria-haspopup": "dialog", on: { click: () => this.toggleTemplates() } }, gettext("Templates"));
    this.templatePanel = h("div", { class: "template-panel", hidden: true, role: "dialog", "aria-label": gettext("Templates") });
    this.sendButton = h("button", { type: "submit", class: "btn btn-primary" }, gettext("Send"));
    this.customerTools = h("div", { class: "composer-channel" }, this.channel, this.recipient, this.templateButton);
    const form = h(
      "form",
      { class: "composer", "data-testid": "composer", on: { submit: (event) => { event.preventDefault(); this.send(); } } },
      this.refusal,
      this.customerTools,
      this.templatePanel,
      h("div", { class: "composer-input" }, this.text, this.suggestions),
      this.fileList,
      h(
        "div",
        { class: "composer-actions" },
        h("label", { for: "composer-files", class: "btn btn-small", title: gettext("Attach files") }, "📎 ", gettext("Attach")),
        this.fileInput,
        this.counter,
        this.gsm7Label,
        h("span", { class: "hint" }, gettext("Enter sends · Shift+Enter new line")),
        this.sendButton,
      ),
    );
    for (const type of ["dragenter", "dragover"]) {
      form.addEventListener(type, (event) => {
        if (!event.dataTransfer?.types.includes("Files")) return;
        event.preventDefault();
        form.classList.add("dropping");
      });
    }
    form.addEventListener("dragleave", (event) => {
      if (!form.contains(event.relatedTarget)) form.classList.remove("dropping");
    });
    form.addEventListener("drop", (event) => {
      event.preventDefault();
      form.classList.remove("dropping");
      this.upload([...event.dataTransfer.files]);
    });
    return form;
  }

  async loadRecipients() {
    try {
      this.recipients = (await api(`/api/cases/${this.case.id}/recipients`)).results;
    } catch (error) {
      this.recipients = [];
      toastError(error);
    }
    this.fillChannels();
  }

  fillChannels() {
    const options = [["web", gettext("Portal")]];
    if (this.recipients.some((contact) => contact.email)) options.push(["email", gettext("E-mail")]);
    if (this.recipients.some((contact) => contact.phone && !contact.sms_opted_out)) options.push(["sms", gettext("SMS")]);
    const current = this.channel.value || (options.find(([key]) => key === "email") ? "email" : options.at(-1)[0]);
    fill(this.channel, ...options.map(([key, text]) => h("option", { value: key, selected: key === current }, text)));
    this.channelChanged();
  }

  channelChanged() {
    const channel = this.channel.value;
    const contacts = this.recipients.filter((contact) => (channel === "email" ? contact.email : channel === "sms" ? contact.phone && !contact.sms_opted_out : false));
    fill(this.recipient, ...contacts.map((contact) => h("option", { value: channel === "email" ? contact.email : contact.phone }, `${contact.name} <${channel === "email" ? contact.email : contact.phone}>`)));
    this.recipient.hidden = !contacts.length;
    this.counter.hidden = channel !== "sms";
    this.gsm7Label.hidden = true;
    if (channel === "sms") this.updateSmsCounter();
    this.templates = null;
    this.templatePanel.hidden = true;
  }

  setAudience(audience) {
    this.audience = audience;
    this.element.classList.toggle("internal", audience === "internal");
    this.customerTools.hidden = audience === "internal";
    this.counter.hidden = audience === "internal" || this.channel.value !== "sms";
    this.text.placeholder = audience === "internal" ? gettext("Internal note: only colleagues see it. @name to mention") : gettext("Message to the customer");
    this.text.setAttribute("aria-label", audience === "internal" ? gettext("Internal note") : gettext("Message to the customer"));
    this.sendButton.textContent = audience === "internal" ? gettext("Add note") : gettext("Send");
    this.update(this.case);
  }

  /** The case changed (live): the bell decides whether the customer can be written to. */
  update(caseData) {
    this.case = caseData;
    const refused = this.audience === "customer" && !caseData.customer_channel;
    this.refusal.hidden = !refused;
    this.refusal.textContent = refused ? gettext("Customer messages are turned off for this case (the bell). Turn them on to write to the customer.") : "";
    this.text.disabled = refused;
    this.sendButton.disabled = refused;
  }

  input() {
    const now = Date.now();
    if (now - this.lastTyping > TYPING_EVERY_MS && this.text.value) {
      this.lastTyping = now;
      live.send({ type: "typing", case_id: this.case.id });
    }
    if (this.audience === "internal") this.suggestMentions();
    else if (this.channel.value === "sms") this.previewSms();
  }

  keydown(event) {
    if (!this.suggestions.hidden && this.keyInSuggestions(event)) return;
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      this.send();
    }
  }

  // ---------------------------------------------------------------- @ mentions

  mentionQuery() {
    const before = this.text.value.slice(0, this.text.selectionStart);
    const found = before.match(/(^|\s)@([\p{L}\p{N}._-]*)$/u);
    return found ? found[2].toLowerCase() : null;
  }

  suggestMentions() {
    const query = this.mentionQuery();
    if (query === null) return this.hideSuggestions();
    const matches = boot.colleagues.members
      .filter((member) => member.handle.toLowerCase().startsWith(query) || member.name.toLowerCase().split(/\s+/).some((part) => part.startsWith(query)))
      .slice(0, 6);
    if (!matches.length) return this.hideSuggestions();
    this.active = 0;
    fill(this.suggestions, 
      ...matches.map((member, index) =>
        h(
          "li",
          { role: "option", id: `mention-${member.id}`, "aria-selected": String(index === 0), dataset: { handle: member.handle }, on: { mousedown: (event) => { event.preventDefault(); this.chooseMention(member.handle); } } },
          h("strong", {}, member.name),
          h("span", { class: "muted" }, ` @${member.handle}`),
        ),
      ),
    );
    this.suggestions.hidden = false;
    this.text.setAttribute("aria-controls", "mention-suggestions");
    this.text.setAttribute("aria-activedescendant", this.suggestions.firstChild.id);
  }

  keyInSuggestions(event) {
    const options = [...this.suggestions.children];
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      this.active = (this.active + (event.key === "ArrowDown" ? 1 : options.length - 1)) % options.length;
      options.forEach((option, index) => option.setAttribute("aria-selected", String(index === this.active)));
      this.text.setAttribute("aria-activedescendant", options[this.active].id);
      return true;
    }
    if (event.key === "Enter" || event.key === "Tab") {
      event.preventDefault();
      this.chooseMention(options[this.active].dataset.handle);
      return true;
    }
    if (event.key === "Escape") {
      this.hideSuggestions();
      return true;
    }
    return false;
  }

  chooseMention(handle) {
    const position = this.text.selectionStart;
    const before = this.text.value.slice(0, position).replace(/@[\p{L}\p{N}._-]*$/u, `@${handle} `);
    this.text.value = before + this.text.value.slice(position);
    this.text.selectionStart = this.text.selectionEnd = before.length;
    this.hideSuggestions();
    this.text.focus();
  }

  hideSuggestions() {
    this.suggestions.hidden = true;
    this.text.removeAttribute("aria-activedescendant");
  }

  // ---------------------------------------------------------------- SMS counter

  async updateSmsCounter() {
    const text = this.text.value;
    if (this.channel.value !== "sms" || this.audience !== "customer") return;
    if (!text) {
      this.counter.textContent = "";
      return;
    }
    try {
      const answer = await api("/api/sms/preview", { method: "POST", body: { text, recipients: 1, gsm7: this.gsm7.checked } });
      this.gsm7Label.hidden = answer.encoding === "gsm7" && !this.gsm7.checked;
      this.counter.textContent = fmt(
        ngettext("%(segments)s SMS · %(remaining)s characters left · %(encoding)s · %(cost)s %(currency)s", "%(segments)s SMS · %(remaining)s characters left · %(encoding)s · %(cost)s %(currency)s", answer.segments),
        { ...answer, encoding: answer.encoding === "gsm7" ? "GSM-7" : gettext("Unicode (UCS-2)") },
      );
    } catch (error) {
      this.counter.textContent = "";
      toastError(error);
    }
  }

  // ---------------------------------------------------------------- templates

  async toggleTemplates() {
    if (!this.templatePanel.hidden) {
      this.templatePanel.hidden = true;
      return;
    }
    const channel = this.channel.value === "sms" ? "sms" : "email";
    this.templatePanel.hidden = false;
    fill(this.templatePanel, h("p", { class: "muted" }, gettext("Loading…")));
    try {
      this.templates ??= (await api("/api/settings/templates")).templates.filter((template) => template.channel === channel);
    } catch (error) {
      toastError(error);
      this.templatePanel.hidden = true;
      return;
    }
    const preview = h("div", { class: "template-preview", "aria-live": "polite" });
    const insert = h("button", { type: "button", class: "btn btn-primary btn-small", disabled: true }, gettext("Use this text"));
    const list = h("ul", { class: "template-list" }, this.templates.map((template) =>
      h("li", {}, h("button", { type: "button", class: "linkish", on: { click: async () => {
        try {
          const rendered = await api(`/api/cases/${this.case.id}/templates/preview`, { method: "POST", body: { purpose: template.purpose, channel } });
          fill(preview, rendered.subject ? h("strong", {}, rendered.subject) : null, h("pre", {}, rendered.body));
          insert.disabled = false;
          insert.onclick = () => {
            this.text.value = rendered.body;
            this.templatePanel.hidden = true;
            this.text.focus();
            this.previewSms();
          };
        } catch (error) {
          toastError(error);
        }
      } } }, template.purpose_label)),
    ));
    fill(this.templatePanel, h("h3", {}, gettext("Templates")), list, preview, h("div", { class: "row" }, insert, h("button", { type: "button", class: "btn btn-small", on: { click: () => (this.templatePanel.hidden = true) } }, gettext("Close"))));
  }

  // ---------------------------------------------------------------- files

  async upload(files) {
    for (const file of files) {
      const item = { name: file.name, size: file.size, id: null, state: "uploading" };
      this.files.push(item);
      this.renderFiles();
      const form = new FormData();
      form.append("file", file);
      try {
        const answer = await api(`/api/cases/${this.case.id}/attachments`, { method: "POST", form });
        item.id = answer.id;
        item.state = "ready";
      } catch (error) {
        this.files = this.files.filter((other) => other !== item);
        toast(fmt(gettext("%(name)s was not attached: %(reason)s"), { name: file.name, reason: error.message }), "error");
      }
      this.renderFiles();
    }
    this.fileInput.value = "";
  }

  renderFiles() {
    fill(this.fileList, 
      ...this.files.map((file) =>
        h(
          "li",
          { class: ["file-chip", file.state] },
          `${file.name} (${formatSize(file.size)})`,
          file.state === "uploading" ? h("span", { class: "muted" }, ` ${gettext("uploading…")}`) : null,
          h("button", { type: "button", class: "linkish", "aria-label": fmt(gettext("Remove %(name)s"), { name: file.name }), on: { click: () => { this.files = this.files.filter((other) => other !== file); this.renderFiles(); } } }, "✕"),
        ),
      ),
    );
  }

  // ---------------------------------------------------------------- send

  async send() {
    const text = this.text.value.trim();
    if (this.sendButton.disabled) return;
    if (this.files.some((file) => file.state === "uploading")) {
      toast(gettext("Wait until the files are uploaded."));
      return;
    }
    if (!text && !this.files.length) return;
    const body = { audience: this.audience, text, client_id: crypto.randomUUID(), attachments: this.files.map((file) => file.id) };
    if (this.audience === "customer") {
      body.channel = this.channel.value;
      if (this.recipient.value && body.channel !== "web") body.to = [this.recipient.value];
      if (body.channel === "sms" && this.gsm7.checked) body.gsm7 = true;
    }
    // The draft leaves the box at once, as in a chat app: what is typed while it is on its way
    // (on this tab or the other) belongs to the next message, and a refusal puts it back.
    const draft = this.text.value;
    const files = this.files;
    this.text.value = "";
    this.files = [];
    this.renderFiles();
    this.counter.textContent = "";
    this.sendButton.disabled = true;
    try {
      this.onPosted(await this.post(body));
    } catch (error) {
      if (!this.text.value) this.text.value = draft;
      this.files = [...files, ...this.files];
      this.renderFiles();
      toastError(error);
    } finally {
      this.update(this.case);
      this.text.focus();
    }
  }

  /** One retry with the same client_id when the answer was lost on the way. */
  async post(body) {
    try {
      return await api(`/api/cases/${this.case.id}/messages`, { method: "POST", body });
    } catch (error) {
      if (error.status) throw error;
      await new Promise((resolve) => setTimeout(resolve, 1000));
      return api(`/api/cases/${this.case.id}/messages`, { method: "POST", body });
    }
  }
}
