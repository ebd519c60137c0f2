// A run's live stream: /ws/executions/<id>/. Keeps the last event number it has seen and, when
// the connection drops, reconnects asking for the events after it, so nothing is lost.
// Commands get an id; send() resolves on the server's ack and rejects on its error frame.

export class LiveSocket {
  constructor(path, { onFrame, onStatus, after = 0 }) {
    this.path = path;
    this.onFrame = onFrame;
    this.onStatus = onStatus;
    this.lastSeq = after;
    this.nextId = 1;
    this.pending = new Map();
    this.closedForGood = false;
    this.retry = 500;
    this.connect();
  }

  url() {
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    return `${scheme}://${location.host}${this.path}?after=${this.lastSeq}`;
  }

  connect() {
    this.onStatus("connecting");
    const ws = new WebSocket(this.url());
    this.ws = ws;
    ws.onopen = () => { this.retry = 500; this.onStatus("live"); };
    ws.onmessage = (msg) => {
      let frame;
      try { frame = JSON.parse(msg.data); } catch { return; }
      if (frame.type === "events") {
        // The server keeps the stream in order; this only guards against a replay we asked for.
        frame.events = frame.events.filter((e) => e.id > this.lastSeq);
        if (frame.events.length) this.lastSeq = frame.events[frame.events.length - 1].id;
      }
      if ((frame.type === "ack" || frame.type === "error") && frame.id != null && this.pending.has(frame.id)) {
        const { resolve, reject } = this.pending.get(frame.id);
        this.pending.delete(frame.id);
        if (frame.type === "ack") resolve(frame); else reject(frame);
        return;
      }
      this.onFrame(frame);
    };
    ws.onclose = (e) => {
      for (const { reject } of this.pending.values()) reject({ error: "disconnected", detail: "The connection dropped." });
      this.pending.clear();
      if (e.code >= 4400 && e.code < 4500) {
        this.closedForGood = true;
        this.onStatus("closed", e.reason);
        return;
      }
      this.onStatus("reconnecting");
      setTimeout(() => this.connect(), this.retry);
      this.retry = Math.min(this.retry * 2, 8000);
    };
  }

  send(command) {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      if (!this.ws || this.ws.readyState !== WebSocket.OPEN) {
        reject({ error: "disconnected", detail: "Not connected: wait a moment and try again." });
        return;
      }
      this.pending.set(id, { resolve, reject });
      this.ws.send(JSON.stringify({ ...command, id }));
    });
  }
}
