// The staff socket (docs/REALTIME.md): one per tab, reconnecting with backoff, and on every
// (re)connect asking the database for what it may have missed: each open case replays after the
// newest message the page holds, the inbox syncs after the newest activity it has seen.

const BACKOFF_MS = [500, 1000, 2000, 4000, 8000, 15000];

class Live {
  constructor() {
    this.handlers = new Map();
    this.socket = null;
    this.state = "closed";
    this.attempt = 0;
    this.cases = new Map(); // case id → () => newest message id the page holds (or null)
    this.inboxSince = null;
    this.pending = new Map(); // ref → {resolve, reject}
    this.nextRef = 1;
    this.stopped = false;
  }

  /** Calls fn(frame) for every frame of that type ("*" for all); returns the unsubscribe. */
  on(type, fn) {
    if (!this.handlers.has(type)) this.handlers.set(type, new Set());
    this.handlers.get(type).add(fn);
    return () => this.handlers.get(type).delete(fn);
  }

  emit(type, frame) {
    for (const key of [type, "*"]) {
      for (const fn of this.handlers.get(key) || []) {
        try {
          fn(frame);
        } catch (error) {
          console.error(error);
        }
      }
    }
  }

  start() {
    this.stopped = false;
    this.connect();
    window.addEventListener("online", () => this.state !== "open" && this.reconnectNow());
  }

  connect() {
    const scheme = location.protocol === "https:" ? "wss:" : "ws:";
    this.setState("connecting");
    const socket = new WebSocket(`${scheme}//${location.host}/ws/`);
    this.socket = socket;
    socket.addEventListener("message", (event) => this.receive(JSON.parse(event.data)));
    socket.addEventListener("close", (event) => {
      if (this.socket !== socket) return;
      this.socket = null;
      for (const { reject } of this.pending.values()) reject(new Error("closed"));
      this.pending.clear();
      if (event.code === 4401) {
        this.setState("closed");
        location.assign(`/login/?next=${encodeURIComponent(location.pathname)}`);
        return;
      }
      this.setState("closed");
      if (!this.stopped) this.scheduleReconnect();
    });
  }

  scheduleReconnect() {
    const base = BACKOFF_MS[Math.min(this.attempt, BACKOFF_MS.length - 1)];
    this.attempt += 1;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.connect(), base + Math.random() * base * 0.3);
  }

  reconnectNow() {
    clearTimeout(this.timer);
    if (!this.socket) this.connect();
  }

  setState(state) {
    this.state = state;
    this.emit("live.status", { type: "live.status", state });
  }

  receive(frame) {
    if (frame.type === "hello") {
      this.attempt = 0;
      this.setState("open");
      this.resume();
    }
    if (frame.ref && this.pending.has(frame.ref)) {
      const { resolve, reject } = this.pending.get(frame.ref);
      this.pending.delete(frame.ref);
      if (frame.type === "error") reject(Object.assign(new Error(frame.message), frame));
      else resolve(frame);
    }
    this.emit(frame.type, frame);
  }

  resume() {
    for (const [caseId, since] of this.cases) this.sendOpen(caseId, since());
    if (this.inboxSince) this.send({ type: "sync", since: this.inboxSince });
  }

  sendOpen(caseId, since) {
    const frame = { type: "open", case_id: caseId };
    if (since) frame.since = since;
    this.send(frame);
  }

  /** Sends when connected; frames while disconnected are dropped: resume catches up. */
  send(frame) {
    if (this.socket && this.socket.readyState === WebSocket.OPEN) {
      this.socket.send(JSON.stringify(frame));
      return true;
    }
    return false;
  }

  /** Sends and resolves with the answer carrying the same ref. */
  request(frame) {
    const ref = String(this.nextRef++);
    return new Promise((resolve, reject) => {
      if (!this.send({ ...frame, ref })) reject(new Error("offline"));
      else this.pending.set(ref, { resolve, reject });
    });
  }

  /** Listen to a case while it is on screen. since(): newest message id held, or null. */
  openCase(caseId, since) {
    this.cases.set(caseId, since);
    this.sendOpen(caseId, since());
    return () => {
      this.cases.delete(caseId);
      this.send({ type: "close", case_id: caseId });
    };
  }

  /** The newest last_activity the inbox holds: a reconnect syncs from there. */
  sawActivity(iso) {
    if (iso && (!this.inboxSince || Date.parse(iso) > Date.parse(this.inboxSince))) this.inboxSince = iso;
  }
}

export const live = new Live();
