// Hall announcements: a chime, then Japanese, then English, one call at a time, never cut off;
// the browser's speech voices, or recorded clips where the browser has no voice (voice.js).
import { chime } from "./live.js";
import { clipsEn, clipsJa } from "./voice.js";

// Per language: the name of its recorded clips, how to compose them, the sentence to speak.
const LANGUAGES = {
  "ja-JP": { recorded: "ja", clips: clipsJa, sentence: sentenceJa },
  "en-US": { recorded: "en", clips: clipsEn, sentence: sentenceEn },
};

export function spokenNumber(displayNumber) {
  // "A001" is read "A1": the zero padding is for the printed ticket, not for the ear.
  const m = /^([^0-9]*)0*([0-9]+)$/.exec(displayNumber || "");
  return m ? `${m[1]}${m[2]}` : displayNumber;
}

export function sentenceJa(displayNumber, counter) {
  const place = /^[0-9]+$/.test(counter) ? `${counter}番窓口` : `${counter}窓口`;
  return `受付番号 ${spokenNumber(displayNumber)}番の方、${place}へお越しください`;
}

export function sentenceEn(displayNumber, counter) {
  return `Number ${spokenNumber(displayNumber)}, please come to counter ${counter}.`;
}

function voiceFor(lang) {
  const voices = window.speechSynthesis ? window.speechSynthesis.getVoices() : [];
  return voices.find((v) => v.lang === lang) ||
    voices.find((v) => v.lang && v.lang.startsWith(lang.slice(0, 2)));
}

export function speak(text, lang) {
  return new Promise((resolve) => {
    const synth = window.speechSynthesis;
    if (!synth || typeof SpeechSynthesisUtterance === "undefined") { resolve(false); return; }
    const u = new SpeechSynthesisUtterance(text);
    u.lang = lang;
    u.rate = lang.startsWith("ja") ? 0.9 : 0.95;
    const voice = voiceFor(lang);
    if (voice) u.voice = voice;
    let done = false;
    const finish = () => { if (!done) { done = true; resolve(true); } };
    u.onend = finish;
    u.onerror = finish;
    // Some engines never report the end: never let one utterance stall the queue.
    setTimeout(finish, 3000 + text.length * 300);
    synth.speak(u);
  });
}

export class Announcer {
  // voice: "auto" speaks with the browser's voice for a language and falls back to the recorded
  // clips (a RecordedVoice) where the browser has none; "recorded" always uses the clips;
  // "browser" never does.
  constructor({ onStart, recorded = null, voice = "auto" } = {}) {
    this.queue = [];
    this.busy = false;
    this.onStart = onStart;
    this.recorded = recorded;
    this.voice = voice;
  }

  async say(call, lang) {
    const language = LANGUAGES[lang];
    const wantClips = this.voice === "recorded" || (this.voice === "auto" && !voiceFor(lang));
    if (wantClips && this.recorded) {
      const clips = language.clips(spokenNumber(call.display_number), call.counter);
      if (clips && await this.recorded.ready(language.recorded)) {
        return this.recorded.play(language.recorded, clips);
      }
    }
    return speak(language.sentence(call.display_number, call.counter), lang);
  }

  push(call) {
    this.queue.push(call);
    if (!this.busy) this.run();
  }

  async run() {
    this.busy = true;
    while (this.queue.length) {
      const call = this.queue.shift();
      if (this.onStart) this.onStart(call);
      await chime();
      await this.say(call, "ja-JP");
      await this.say(call, "en-US");
    }
    this.busy = false;
  }
}
