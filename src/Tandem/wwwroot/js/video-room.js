// Online sessions in the session room (issue 23). The browsers of a session's participants meet peer to peer (WebRTC,
// a mesh of up to four); Tandem's real-time hub (/hubs/engagement) only relays their signalling messages and says who
// waits, is in or has left. No media reaches the server, nothing is recorded. Everything here is built with DOM
// methods (textContent, never innerHTML): names come from people.

let room = null;

export async function mount(root, options) {
  unmount();
  // The page was left before the script loaded (the element is gone): nothing to mount.
  if (!root || !root.isConnected) return;
  room = new Room(root, options);
  await room.load();
}

export function unmount() {
  if (room) {
    room.dispose();
    room = null;
  }
}

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (k === "text") node.textContent = v;
    else if (k === "class") node.className = v;
    else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children) if (c) node.append(c);
  return node;
}

// The last signals sent (s) and received (r) on a tile, by kind ("offer", "answer", "candidate"): what a test reports
// when a connection does not come up.
function note(tile, way, kind, payload) {
  let what = kind;
  if (kind === "description") {
    try { what = JSON.parse(payload).type; } catch { /* kept as "description" */ }
  }
  tile.dataset.signals = `${tile.dataset.signals || ""} ${way}:${what}`.slice(-300);
}

async function loadSignalR() {
  if (!window.signalR) {
    await import(new URL("lib/signalr/signalr.min.js", document.baseURI).href);
  }
  return window.signalR;
}

class Room {
  constructor(root, options) {
    this.root = root;
    this.guest = !!options.guest;
    this.hubPath = this.guest ? "hubs/video-guest" : "hubs/engagement";
    this.sessionId = options.sessionId;
    this.view = null;
    this.people = [];
    this.local = null;
    this.audioOnly = false;
    this.audioOn = true;
    this.videoOn = true;
    this.hub = null;
    this.peers = new Map(); // userId -> { pc, polite, makingOffer, ignoreOffer, since, tile }
    this.early = new Map(); // userId -> signals that came before the room update that makes their connection
    this.joined = false;
    this.disposed = false;
    this.timers = [];
    this.onOnline = () => this.online();
    this.onOffline = () => this.offline();
    window.addEventListener("online", this.onOnline);
    window.addEventListener("offline", this.onOffline);
    this.build();
  }

  build() {
    this.status = el("p", { class: "video-status", role: "status", "aria-live": "polite" });
    this.notice = el("p", { class: "video-notice", "aria-live": "polite" });
    this.tiles = el("div", { class: "video-tiles" });
    this.waiting = el("div", { class: "video-waiting" });
    this.controls = el("div", { class: "video-controls button-row" });
    this.devices = el("div", { class: "video-devices" });
    // Live captions from a guest (an interpreter or captioning service): shown to everyone in the call, never stored.
    this.captionLog = el("div", { class: "video-captions", role: "log", "aria-live": "polite", "aria-label": "Live captions", hidden: true });
    this.captionForm = null;
    this.root.replaceChildren(this.status, this.notice, this.waiting, this.tiles, this.captionLog, this.devices, this.controls);
  }

  say(text) {
    this.status.textContent = text;
  }

  async api() {
    const url = this.guest ? "api/video/guest" : `api/sessions/${this.sessionId}/video`;
    const response = await fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } });
    if (!response.ok) throw new Error(this.guest ? "This page is for a guest who has used their link. Open the link the therapist sent you." : `The call could not be loaded (${response.status}).`);
    const view = await response.json();
    this.sessionId = view.sessionId;
    return view;
  }

  async load() {
    try {
      this.view = await this.api();
    } catch (e) {
      this.say(e.message);
      return;
    }

    this.people = this.view.people;
    if (!this.view.isOpen) {
      this.say(this.view.closedReason || "The call is closed.");
      this.controls.replaceChildren();
      // Check again now and then, so the Join button appears when the call opens.
      this.timers.push(setTimeout(() => !this.disposed && this.load(), 30000));
      return;
    }

    // Back after a reload or a dropped page: in the call again without a click (this tab was in it, and had not left).
    if (sessionStorage.getItem(this.key()) === "in-call") {
      await this.join();
      return;
    }

    this.showJoin();
  }

  key() {
    return `tandem-video:${this.sessionId}`;
  }

  showJoin(text) {
    const others = this.people.filter(p => p.state === "Admitted" && p.userId !== this.view.myUserId).map(p => p.name);
    this.say(text || (others.length ? `In the call now: ${others.join(", ")}.` : "The call is open. Nobody has joined yet."));
    const join = el("button", { type: "button", class: "button primary", text: "Join the call", onclick: () => this.join() });
    this.controls.replaceChildren(join);
  }

  async join() {
    this.controls.replaceChildren();
    this.say("Starting your camera and microphone…");
    try {
      await this.startMedia();
    } catch (e) {
      this.say(`Your camera and microphone could not start (${e.name || e.message}). Check that the browser may use them, then try again.`);
      this.showJoin(this.status.textContent);
      return;
    }

    this.hub = await this.connection();
    try {
      await this.hub.start();
      await this.enter();
    } catch (e) {
      sessionStorage.removeItem(this.key());
      this.say(`The call could not be joined: ${this.reason(e)}`);
      this.stopMedia();
      this.showJoin(this.status.textContent);
    }
  }

  // Tandem's real-time connection for this call. Handlers of a replaced connection (after a network change) do nothing.
  async connection() {
    const signalR = await loadSignalR();
    const hub = new signalR.HubConnectionBuilder()
      .withUrl(new URL(this.hubPath, document.baseURI).href)
      .withAutomaticReconnect([0, 1000, 2000, 5000, 10000, 10000, 30000])
      .configureLogging(signalR.LogLevel.None)
      .build();
    const mine = f => (...args) => this.hub === hub && f(...args);
    hub.on("VideoRoom", mine((sessionId, people) => {
      if (sessionId !== this.sessionId) return;
      this.roomUpdates = (this.roomUpdates || 0) + 1;
      this.update(people);
    }));
    hub.on("VideoSignal", mine((sessionId, from, kind, payload) => sessionId === this.sessionId && this.onSignal(from, kind, payload)));
    hub.on("VideoCaption", mine((sessionId, name, text) => sessionId === this.sessionId && this.caption_(name, text)));
    hub.on("VideoReplaced", mine(sessionId => {
      if (sessionId !== this.sessionId) return;
      this.leaveLocally("You joined this call from another window, so this one has left it.");
    }));
    hub.onreconnecting(mine(() => this.say("The connection to Tandem dropped. Reconnecting…")));
    // A new connection: join again (the others set up their side anew).
    hub.onreconnected(mine(() => this.enter()));
    hub.onclose(mine(() => {
      if (this.joined && !this.disposed) this.say("The connection to Tandem was lost. Reload the page to join again.");
    }));
    return hub;
  }

  offline() {
    if (this.joined) this.say("Your device is offline. The call comes back by itself when it is online again.");
  }

  // Online again (often on another network: Wi-Fi to mobile data). The old connection to Tandem may be dead without
  // knowing it yet (that takes up to 30 s), so it is asked once; without an answer within 4 s a new one replaces it
  // and joins again. The connections between the browsers restart their paths either way.
  async online() {
    if (!this.joined || !this.hub) return;
    this.restartAll();
    const hub = this.hub;
    const answered = await Promise.race([
      hub.invoke("SetVideoMedia", this.sessionId, this.audioOn, this.videoOn && !this.audioOnly).then(() => true, () => false),
      new Promise(resolve => setTimeout(() => resolve(false), 4000)),
    ]);
    if (answered || this.hub !== hub || !this.joined) {
      if (answered) this.update(this.people);
      return;
    }
    this.say("Reconnecting to the call…");
    try {
      const fresh = await this.connection();
      this.hub = fresh;
      hub.stop().catch(() => { });
      await fresh.start();
      await this.enter();
    } catch (e) {
      this.say(`The connection to Tandem was lost (${this.reason(e)}). Reload the page to join again.`);
    }
  }

  reason(e) {
    const text = (e && e.message) || String(e);
    const i = text.indexOf("HubException: ");
    return i >= 0 ? text.slice(i + 14) : text;
  }

  caption_(name, text) {
    this.captionLog.hidden = false;
    this.captionLog.append(el("p", {}, el("strong", { text: `${name}: ` }), document.createTextNode(text)));
    while (this.captionLog.childElementCount > 6) this.captionLog.firstElementChild.remove();
  }

  showCaptionForm() {
    if (!this.guest || this.captionForm) return;
    const input = el("input", { id: "video-caption-text", type: "text", maxlength: "500", autocomplete: "off" });
    this.captionForm = el("form", { class: "video-caption-form" },
      el("label", { for: "video-caption-text", text: "Live captions (everyone in the call sees them; nothing is kept)" }),
      el("div", { class: "button-row" }, input, el("button", { type: "submit", class: "button", text: "Send caption" })));
    this.captionForm.addEventListener("submit", async e => {
      e.preventDefault();
      const text = input.value.trim();
      if (!text) return;
      try {
        await this.hub.invoke("SendCaption", this.sessionId, text);
        input.value = "";
      } catch (err) {
        this.notice.textContent = this.reason(err);
      }
    });
    this.root.insertBefore(this.captionForm, this.devices);
  }

  async enter() {
    // Connections from before (a reconnect) go first; what the others send from now on waits in the queue until the room
    // update says who is in (a peer is only ever made there), so an early offer is neither lost nor answered by a
    // connection that is about to be closed.
    this.joined = false;
    for (const peer of this.peers.values()) peer.pc.close();
    this.peers.clear();
    this.tiles.querySelectorAll(".video-tile[data-person]").forEach(t => t.remove());
    const updates = this.roomUpdates || 0;
    const view = await this.hub.invoke("JoinVideo", this.sessionId);
    this.view = view;
    this.joined = true;
    sessionStorage.setItem(this.key(), "in-call");
    // The room update my joining sent everyone (me too) comes before the answer and is at least as new as it.
    this.update((this.roomUpdates || 0) > updates ? this.people : view.people);
    this.showControls();
    await this.hub.invoke("SetVideoMedia", this.sessionId, this.audioOn, this.videoOn && !this.audioOnly);
  }

  async startMedia(constraints) {
    const audio = constraints?.audio ?? true;
    const video = constraints?.video ?? { width: { ideal: 640 }, height: { ideal: 480 } };
    try {
      this.local = await navigator.mediaDevices.getUserMedia({ audio, video });
      this.audioOnly = false;
    } catch (e) {
      // Video cannot be sent (no camera, refused, busy): join with sound only.
      this.local = await navigator.mediaDevices.getUserMedia({ audio, video: false });
      this.audioOnly = true;
      this.notice.textContent = "Your camera could not start, so you are joining with sound only.";
    }
    this.showSelf();
    await this.listDevices();
  }

  stopMedia() {
    if (this.local) this.local.getTracks().forEach(t => t.stop());
    this.local = null;
  }

  showSelf() {
    let self = this.tiles.querySelector(".video-self");
    if (!self) {
      const video = el("video", { autoplay: true, playsinline: true, muted: true, "aria-label": "Your own camera" });
      video.muted = true;
      self = el("figure", { class: "video-tile video-self" }, video, el("figcaption", { text: "You" }));
      this.tiles.prepend(self);
    }
    self.querySelector("video").srcObject = this.local;
    self.classList.toggle("camera-off", this.audioOnly || !this.videoOn);
  }

  async listDevices() {
    const devices = await navigator.mediaDevices.enumerateDevices();
    const pick = (kind, label, current) => {
      const list = devices.filter(d => d.kind === kind);
      if (list.length < 2) return null;
      const id = `video-${kind}`;
      const select = el("select", { id, onchange: e => this.switchDevice(kind, e.target.value) });
      list.forEach((d, i) => {
        const option = el("option", { value: d.deviceId, text: d.label || `${label} ${i + 1}` });
        if (d.deviceId === current) option.selected = true;
        select.append(option);
      });
      return el("div", { class: "field" }, el("label", { for: id, text: label }), select);
    };
    const audioTrack = this.local?.getAudioTracks()[0];
    const videoTrack = this.local?.getVideoTracks()[0];
    this.devices.replaceChildren(...[
      pick("videoinput", "Camera", videoTrack?.getSettings().deviceId),
      pick("audioinput", "Microphone", audioTrack?.getSettings().deviceId),
    ].filter(Boolean));
  }

  async switchDevice(kind, deviceId) {
    const isVideo = kind === "videoinput";
    const stream = await navigator.mediaDevices.getUserMedia(isVideo ? { video: { deviceId: { exact: deviceId } } } : { audio: { deviceId: { exact: deviceId } } });
    const track = isVideo ? stream.getVideoTracks()[0] : stream.getAudioTracks()[0];
    const old = isVideo ? this.local.getVideoTracks()[0] : this.local.getAudioTracks()[0];
    track.enabled = isVideo ? this.videoOn : this.audioOn;
    if (old) {
      this.local.removeTrack(old);
      old.stop();
    }
    this.local.addTrack(track);
    for (const peer of this.peers.values()) {
      const sender = peer.pc.getSenders().find(s => s.track && s.track.kind === track.kind) || peer.pc.getSenders().find(s => !s.track);
      if (sender) await sender.replaceTrack(track);
      else peer.pc.addTrack(track, this.local);
    }
    if (isVideo) this.audioOnly = false;
    this.showSelf();
  }

  showControls() {
    const mute = el("button", { type: "button", class: "button", "aria-pressed": String(!this.audioOn), text: this.audioOn ? "Mute" : "Unmute" });
    mute.addEventListener("click", () => this.setMedia(!this.audioOn, this.videoOn));
    const camera = el("button", { type: "button", class: "button", "aria-pressed": String(!this.videoOn), text: this.videoOn ? "Turn camera off" : "Turn camera on", disabled: this.audioOnly });
    camera.addEventListener("click", () => this.setMedia(this.audioOn, !this.videoOn));
    const leave = el("button", { type: "button", class: "button danger", text: "Leave the call", onclick: () => this.leave() });
    this.controls.replaceChildren(mute, camera, leave);
  }

  async setMedia(audioOn, videoOn) {
    this.audioOn = audioOn;
    this.videoOn = videoOn;
    this.local?.getAudioTracks().forEach(t => (t.enabled = audioOn));
    this.local?.getVideoTracks().forEach(t => (t.enabled = videoOn));
    this.showSelf();
    this.showControls();
    this.say(`${audioOn ? "Your microphone is on" : "You are muted"}; ${videoOn && !this.audioOnly ? "your camera is on" : "your camera is off"}.`);
    try {
      await this.hub.invoke("SetVideoMedia", this.sessionId, audioOn, videoOn && !this.audioOnly);
    } catch { /* the others learn it on the next change */ }
  }

  async leave() {
    try {
      await this.hub?.invoke("LeaveVideo", this.sessionId);
    } catch { /* leaving anyway */ }
    this.leaveLocally("You left the call.");
  }

  leaveLocally(text) {
    this.joined = false;
    sessionStorage.removeItem(this.key());
    for (const peer of this.peers.values()) peer.pc.close();
    this.peers.clear();
    this.early.clear();
    this.stopMedia();
    const hub = this.hub;
    this.hub = null;
    hub?.stop();
    this.tiles.replaceChildren();
    this.waiting.replaceChildren();
    this.devices.replaceChildren();
    this.captionForm?.remove();
    this.captionForm = null;
    this.notice.textContent = "";
    this.showJoin(text);
  }

  me() {
    return this.people.find(p => p.userId === this.view.myUserId);
  }

  update(people) {
    const before = new Map(this.people.map(p => [p.userId, p]));
    this.people = people;
    const me = this.me();
    if (!this.joined) return;
    const role = this.view.myRole;
    const inCallNow = me && me.state === "Admitted";

    // Waiting room: a client waits for a therapist; a guest waits for a client, who sees who the guest is first.
    const waiting = people.filter(p => p.state === "Waiting" && p.userId !== this.view.myUserId);
    const mayAdmit = p => inCallNow && (p.role === "Guest" ? role === "Client" : role === "Therapist");
    if (me && me.state === "Waiting") {
      this.waiting.replaceChildren(el("p", { class: "notice", text: this.guest
        ? "You are in the waiting room. The client will let you in; your camera and microphone are ready."
        : "You are in the waiting room. Your therapist will let you in; your camera and microphone are ready." }));
    } else if (waiting.length && inCallNow) {
      this.waiting.replaceChildren(el("h3", { text: "Waiting to join" }), el("ul", { class: "video-waiting-list" },
        ...waiting.map(p => el("li", {}, el("span", { text: `${p.name} is waiting${p.role === "Guest" ? " (a guest the therapist invited)" : ""}` }), " ",
          mayAdmit(p)
            ? el("button", { type: "button", class: "button primary", text: `Let ${p.name} in`, onclick: e => this.admit(p, e.target) })
            : el("span", { class: "muted", text: p.role === "Guest" ? "The client lets a guest in." : "" })))));
    } else {
      this.waiting.replaceChildren();
    }
    if (inCallNow) this.showCaptionForm();

    for (const p of people) {
      const was = before.get(p.userId);
      if (p.userId === this.view.myUserId) continue;
      if (was && was.state === "Admitted" && p.state !== "Admitted") this.notice.textContent = `${p.name} left the call.`;
      if (was && was.state !== "Admitted" && p.state === "Admitted" && me?.state === "Admitted") this.notice.textContent = `${p.name} joined the call.`;
    }

    // Peers: everyone else in the call, while I am in it; a person who came back (a reload) gets a new connection.
    const inCall = me && me.state === "Admitted" ? people.filter(p => p.state === "Admitted" && p.userId !== this.view.myUserId) : [];
    for (const [id, peer] of this.peers) {
      const p = inCall.find(x => x.userId === id);
      if (!p || p.lastJoinedAt !== peer.since) this.dropPeer(id);
    }
    for (const [id] of this.early) {
      if (people.some(x => x.userId === id && x.state === "Left")) this.early.delete(id);
    }
    for (const p of inCall) {
      if (!this.peers.has(p.userId)) {
        this.addPeer(p);
        // What this person sent before this page knew they were in (their offer can overtake the room update).
        const early = this.early.get(p.userId) || [];
        this.early.delete(p.userId);
        early.forEach(m => this.onSignal(p.userId, m.kind, m.payload));
      }
      this.caption(p);
    }

    if (me?.state === "Admitted") {
      this.say(inCall.length ? `You are in the call with ${inCall.map(p => p.name).join(", ")}.` : "You are in the call. Nobody else has joined yet.");
    } else if (me?.state === "Waiting") {
      this.say("Waiting to be let in.");
    }
  }

  async admit(person, button) {
    button.disabled = true;
    try {
      await this.hub.invoke("AdmitToVideo", this.sessionId, person.userId);
    } catch (e) {
      this.notice.textContent = this.reason(e);
      button.disabled = false;
    }
  }

  caption(p) {
    const peer = this.peers.get(p.userId);
    if (!peer) return;
    const parts = [p.name];
    if (!p.audioOn) parts.push("microphone off");
    if (!p.videoOn) parts.push("camera off");
    peer.tile.querySelector(".video-name").textContent = parts.join(" · ");
    peer.tile.classList.toggle("camera-off", !p.videoOn);
    peer.tile.dataset.audio = p.audioOn ? "on" : "off";
    peer.tile.dataset.camera = p.videoOn ? "on" : "off";
  }

  addPeer(p) {
    const pc = new RTCPeerConnection({ iceServers: this.view.iceServers, iceTransportPolicy: this.view.iceTransportPolicy });
    const video = el("video", { autoplay: true, playsinline: true, "aria-label": `${p.name}'s camera` });
    const tile = el("figure", { class: "video-tile", "data-person": p.userId },
      video, el("figcaption", {}, el("span", { class: "video-name", text: p.name }), " · ", el("span", { class: "video-quality", text: "Connecting…" })));
    this.tiles.append(tile);
    const polite = this.view.myUserId > p.userId;
    const peer = { pc, polite, initiator: !polite, negotiated: false, makingOffer: false, ignoreOffer: false, since: p.lastJoinedAt, tile, video, name: p.name, pending: [] };
    this.peers.set(p.userId, peer);

    this.local.getTracks().forEach(t => pc.addTrack(t, this.local));
    pc.ontrack = ({ track, streams }) => {
      video.srcObject = streams[0] || new MediaStream([track]);
      video.play?.().catch(() => { });
    };
    pc.onnegotiationneeded = async () => {
      // One side offers first (the impolite one); the other answers and only offers itself afterwards (a changed device).
      // Two first offers crossing each other could leave a connection that never starts (seen in three-way calls).
      if (!peer.initiator && !peer.negotiated) return;
      try {
        peer.makingOffer = true;
        await pc.setLocalDescription();
        await this.signal(p.userId, "description", JSON.stringify(pc.localDescription));
      } catch { /* a newer negotiation follows */ } finally {
        peer.makingOffer = false;
      }
    };
    pc.onicecandidate = ({ candidate }) => candidate && this.signal(p.userId, "candidate", JSON.stringify(candidate));
    pc.oniceconnectionstatechange = () => {
      if (pc.iceConnectionState === "failed") this.restart(p.userId, peer);
    };
    pc.onconnectionstatechange = () => {
      const state = pc.connectionState;
      tile.dataset.state = state;
      if (state === "disconnected" || state === "failed") tile.querySelector(".video-quality").textContent = "Reconnecting…";
    };
    if (!this.statsTimer) this.statsTimer = setInterval(() => this.measure(), 1000);
    return peer;
  }

  dropPeer(id) {
    const peer = this.peers.get(id);
    if (!peer) return;
    peer.pc.close();
    peer.tile.remove();
    this.peers.delete(id);
  }

  // One after another, in the order they were made: a candidate never overtakes the description it belongs to.
  signal(to, kind, payload) {
    this.outbox = (this.outbox || Promise.resolve()).then(async () => {
      const tile = this.peers.get(to)?.tile;
      try {
        await this.hub?.invoke("SendVideoSignal", this.sessionId, to, kind, payload);
        if (tile) {
          tile.dataset.sent = String(Number(tile.dataset.sent || 0) + 1);
          note(tile, "s", kind, payload);
        }
      } catch (e) {
        // The other side left (the room update says so), or the message was refused.
        if (tile) tile.dataset.refused = this.reason(e);
      }
    });
    return this.outbox;
  }

  async onSignal(from, kind, payload) {
    const peer = this.peers.get(from);
    if (!peer) {
      // Not (yet) someone this page is connected to: kept, in order, for when the room update makes the connection.
      // Dropping it would leave both sides waiting for each other (an offer nobody answers).
      if (!this.hub) return;
      const queue = this.early.get(from) || [];
      if (queue.length < 500) queue.push({ kind, payload });
      this.early.set(from, queue);
      return;
    }
    // One message at a time per person, in the order they came: a candidate waits for its description.
    peer.inbox = (peer.inbox || Promise.resolve()).then(() => this.handleSignal(peer, from, kind, payload));
    return peer.inbox;
  }

  async handleSignal(peer, from, kind, payload) {
    const pc = peer.pc;
    if (pc.signalingState === "closed") return;
    peer.tile.dataset.received = String(Number(peer.tile.dataset.received || 0) + 1);
    note(peer.tile, "r", kind, payload);
    try {
      if (kind === "description") {
        const description = JSON.parse(payload);
        const collision = description.type === "offer" && (peer.makingOffer || pc.signalingState !== "stable");
        peer.ignoreOffer = !peer.polite && collision;
        if (peer.ignoreOffer) return;
        await pc.setRemoteDescription(description);
        peer.negotiated = true;
        // Candidates that came before the description (the other side gathers them as soon as it has its own) wait until now.
        for (const candidate of peer.pending.splice(0)) {
          await pc.addIceCandidate(candidate).catch(() => { });
        }
        if (description.type === "offer") {
          await pc.setLocalDescription();
          await this.signal(from, "description", JSON.stringify(pc.localDescription));
        }
      } else if (kind === "candidate") {
        const candidate = JSON.parse(payload);
        if (!pc.remoteDescription) {
          peer.pending.push(candidate);
          return;
        }
        try {
          await pc.addIceCandidate(candidate);
        } catch (e) {
          if (!peer.ignoreOffer) throw e;
        }
      } else if (kind === "restart") {
        if (peer.initiator) pc.restartIce();
      }
    } catch { /* one bad message does not end the call */ }
  }

  restartAll() {
    for (const [id, peer] of this.peers) this.restart(id, peer);
  }

  // A new network path (the network changed, or the path failed): the side that offers restarts ICE; the other asks it to.
  restart(id, peer) {
    if (peer.initiator) peer.pc.restartIce();
    else this.signal(id, "restart", "");
  }

  // The connection-quality line of each person, and counters on the tile (what arrives: bytes, frames, the path).
  async measure() {
    for (const peer of this.peers.values()) {
      let stats;
      try {
        stats = await peer.pc.getStats();
      } catch {
        continue;
      }
      let videoBytes = 0, audioBytes = 0, frames = 0, lost = 0, received = 0, rtt = null, relay = false;
      const candidates = new Map();
      stats.forEach(s => candidates.set(s.id, s));
      stats.forEach(s => {
        if (s.type === "inbound-rtp" && s.kind === "video") { videoBytes += s.bytesReceived || 0; frames += s.framesDecoded || 0; lost += s.packetsLost || 0; received += s.packetsReceived || 0; }
        if (s.type === "inbound-rtp" && s.kind === "audio") { audioBytes += s.bytesReceived || 0; lost += s.packetsLost || 0; received += s.packetsReceived || 0; }
        if (s.type === "candidate-pair" && s.nominated && s.state === "succeeded") {
          rtt = s.currentRoundTripTime ?? rtt;
          const local = candidates.get(s.localCandidateId);
          relay = relay || (local && local.candidateType === "relay");
        }
      });
      const t = peer.tile.dataset;
      t.signaling = peer.pc.signalingState;
      t.ice = peer.pc.iceConnectionState;
      t.videoBytes = String(videoBytes);
      t.audioBytes = String(audioBytes);
      t.frames = String(frames);
      t.path = rtt === null ? "" : relay ? "relay" : "direct";
      const loss = received + lost > 0 ? lost / (received + lost) : 0;
      const quality = peer.pc.connectionState !== "connected" ? (peer.pc.connectionState === "new" || peer.pc.connectionState === "connecting" ? "Connecting…" : "Reconnecting…")
        : loss > 0.08 || (rtt ?? 0) > 0.6 ? "Poor connection" : loss > 0.02 || (rtt ?? 0) > 0.3 ? "Fair connection" : "Good connection";
      peer.tile.querySelector(".video-quality").textContent = quality;
    }
  }

  dispose() {
    this.disposed = true;
    this.timers.forEach(clearTimeout);
    clearInterval(this.statsTimer);
    window.removeEventListener("online", this.onOnline);
    window.removeEventListener("offline", this.onOffline);
    for (const peer of this.peers.values()) peer.pc.close();
    this.peers.clear();
    this.stopMedia();
    this.hub?.stop();
  }
}
