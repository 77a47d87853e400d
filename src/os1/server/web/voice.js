// Talking out loud: the microphone to the realtime socket (/v1/realtime) and its reply audio to the speakers.
// It knows nothing of the page: what the socket says goes to `onEvent`, how it ends to `onClose`.

export const EAR_RATE = 16000;     // what the socket takes and gives: 16 kHz mono PCM16 little-endian
const SEND_SAMPLES = 512;          // 32 ms, the server's frame: each message is about one frame
const PLAY_LEAD_S = 0.12;          // a little buffer before reply audio starts, so network jitter makes no gaps
const EARLY_MAX_S = 10;            // speech kept while the socket gets ready (people talk as soon as they click)
const LEVEL_EVERY_S = 0.08;        // how often the level meter moves

// Turns the microphone's rate into 16 kHz, keeping its place between blocks (for rates that don't divide evenly).
class Downsampler {
  constructor(from) { this.step = from / EAR_RATE; this.pos = 0; this.tail = new Float32Array(0); }

  push(block) {
    if (this.step === 1) return block;
    const input = new Float32Array(this.tail.length + block.length);
    input.set(this.tail);
    input.set(block, this.tail.length);
    const out = [];
    const width = Math.max(1, Math.floor(this.step)); // averaging over a step: a cheap low-pass against aliasing
    while (this.pos + width < input.length) {
      const start = Math.floor(this.pos);
      let sum = 0;
      for (let i = 0; i < width; i++) sum += input[start + i];
      out.push(sum / width);
      this.pos += this.step;
    }
    const keep = Math.floor(this.pos);
    this.tail = input.slice(keep);
    this.pos -= keep;
    return Float32Array.from(out);
  }
}

// Reply audio: PCM16 chunks scheduled back to back; `clear` silences everything scheduled, at once.
class Speaker {
  constructor(ctx, onIdle) { this.ctx = ctx; this.playHead = 0; this.sources = new Set(); this.onIdle = onIdle; }

  play(data) {
    const pcm = new Int16Array(data);
    if (!pcm.length) return;
    const buffer = this.ctx.createBuffer(1, pcm.length, EAR_RATE); // Web Audio resamples to the context's rate
    const channel = buffer.getChannelData(0);
    for (let i = 0; i < pcm.length; i++) channel[i] = pcm[i] / 32768;
    const source = this.ctx.createBufferSource();
    source.buffer = buffer;
    source.connect(this.ctx.destination);
    const at = Math.max(this.playHead, this.ctx.currentTime + PLAY_LEAD_S);
    source.start(at);
    this.playHead = at + buffer.duration;
    this.sources.add(source);
    source.onended = () => {
      this.sources.delete(source);
      if (!this.sources.size) this.onIdle();
    };
  }

  clear() {
    for (const source of this.sources) {
      try { source.stop(); } catch { /* it had ended */ }
    }
    this.sources.clear();
    this.playHead = 0;
  }
}

export class VoiceLink {
  // token, conversationId: who and where; voice: the voice id to speak with (null: the one kept for them);
  // onEvent(message): every JSON message but `ready`/`clear`; onClose({code, reason}): the socket closed (not
  // called after stop()); onState("listening" | "thinking" | "speaking"); onLevel(0…1): the microphone's level.
  // With `pushToTalk`, only what is said while held (press/release) is sent; silence otherwise.
  constructor({ token, conversationId, voice = null, onEvent, onClose, onState = () => {}, onLevel = () => {} }) {
    Object.assign(this, { token, conversationId, voice, onEvent, onClose, onState, onLevel });
    this.state = "";
    this.pushToTalk = false;
    this.holding = false;
    this.peak = 0;
    this.levelSamples = 0;
    this.ws = null;
    this.ready = false;
    this.pending = [];
    this.pendingLength = 0;
  }

  // Resolves with the socket's `ready` message once the server listens; rejects, in words, otherwise.
  async start() {
    this.stream = await navigator.mediaDevices.getUserMedia({
      audio: { channelCount: 1, echoCancellation: true, noiseSuppression: true, autoGainControl: true },
    });
    this.ctx = await this.audioContext();
    this.speaker = new Speaker(this.ctx, () => { if (this.state === "speaking") this.setState("listening"); });
    this.downsampler = new Downsampler(this.ctx.sampleRate);
    await this.ctx.audioWorklet.addModule("mic-worklet.js");
    const tap = new AudioWorkletNode(this.ctx, "mic-tap");
    tap.port.onmessage = (e) => this.capture(e.data);
    this.source.connect(tap);
    const ready = await this.connect();
    this.flush();
    return ready;
  }

  // Chrome resamples the microphone into a 16 kHz context itself; other browsers fall back to their own rate.
  async audioContext() {
    for (const options of [{ sampleRate: EAR_RATE }, {}]) {
      const ctx = new AudioContext(options);
      try {
        this.source = ctx.createMediaStreamSource(this.stream);
        await ctx.resume();
        return ctx;
      } catch {
        await ctx.close();
      }
    }
    throw new Error("This browser can't record audio here.");
  }

  connect() {
    return new Promise((resolve, reject) => {
      const scheme = location.protocol === "https:" ? "wss" : "ws";
      const ws = new WebSocket(`${scheme}://${location.host}/v1/realtime`);
      ws.binaryType = "arraybuffer";
      this.ws = ws;
      ws.onopen = () => ws.send(JSON.stringify({
        type: "hello", token: this.token, conversation_id: this.conversationId, voice: this.voice,
      }));
      ws.onmessage = (e) => {
        if (typeof e.data !== "string") { this.speaker.play(e.data); this.setState("speaking"); return; }
        const message = JSON.parse(e.data);
        if (message.type === "ready") { this.ready = true; this.setState("listening"); resolve(message); }
        else if (message.type === "clear") { this.speaker.clear(); this.setState("listening"); }
        else {
          if (message.type === "heard") this.setState("thinking");
          this.onEvent(message);
        }
      };
      ws.onclose = (e) => {
        const error = new Error(e.reason || "The voice connection closed before it was ready.");
        error.code = e.code;
        reject(error);
        if (this.ws === ws) { this.stop(); this.onClose({ code: e.code, reason: e.reason }); }
      };
    });
  }

  setState(state) {
    if (state === this.state) return;
    this.state = state;
    this.onState(state);
  }

  // The stop button: the reply is cut here at once, and on the server as a barge-in cuts it.
  interrupt() {
    this.speaker?.clear();
    this.send({ type: "interrupt" });
    if (this.state === "speaking") this.setState("listening");
  }

  // Push-to-talk: held while the person talks; released, what they said is answered at once.
  press() {
    if (this.state === "speaking") this.interrupt();
    this.holding = true;
  }

  release() {
    if (!this.holding) return;
    this.holding = false;
    this.flush();
    this.send({ type: "end_of_speech" });
  }

  send(message) {
    if (this.ws?.readyState === WebSocket.OPEN && this.ready) this.ws.send(JSON.stringify(message));
  }

  level(block) {
    for (const x of block) this.peak = Math.max(this.peak, Math.abs(x));
    this.levelSamples += block.length;
    if (this.levelSamples < LEVEL_EVERY_S * EAR_RATE) return;
    const db = 20 * Math.log10(this.peak || 1e-6);
    this.onLevel(Math.max(0, Math.min(1, (db + 60) / 60))); // -60 dBFS and below is nothing
    this.peak = 0;
    this.levelSamples = 0;
  }

  // Microphone blocks are gathered into 32 ms frames; until the socket is ready they wait (up to EARLY_MAX_S).
  // Push-to-talk not held: silence goes instead (the stream is the server's clock, and its replies' too).
  capture(block) {
    let samples = this.downsampler.push(block);
    if (this.pushToTalk && !this.holding) samples = new Float32Array(samples.length);
    this.level(samples);
    this.pending.push(samples);
    this.pendingLength += samples.length;
    if (!this.ready) {
      while (this.pendingLength > EARLY_MAX_S * EAR_RATE) this.pendingLength -= this.pending.shift().length;
      return;
    }
    if (this.pendingLength >= SEND_SAMPLES) this.flush();
  }

  flush() {
    if (this.ws?.readyState !== WebSocket.OPEN || !this.pendingLength) return;
    const pcm = new Int16Array(this.pendingLength);
    let offset = 0;
    for (const part of this.pending) {
      for (let i = 0; i < part.length; i++) pcm[offset + i] = Math.max(-1, Math.min(1, part[i])) * 32767;
      offset += part.length;
    }
    this.pending = [];
    this.pendingLength = 0;
    this.ws.send(pcm.buffer);
  }

  stop() {
    const ws = this.ws;
    this.ws = null;
    if (ws && ws.readyState <= WebSocket.OPEN) ws.close(1000);
    this.speaker?.clear();
    this.stream?.getTracks().forEach((track) => track.stop());
    if (this.ctx && this.ctx.state !== "closed") this.ctx.close();
  }
}
