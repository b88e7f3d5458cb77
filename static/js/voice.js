// Recorded voice: a call put together from pre-rendered clips (static/audio/voice-<lang>.ogg),
// for display machines whose browser has no Japanese or English speech voice.
// scripts/render_voice.py renders the clips; the names below are the ones it writes.

const PAUSE = { short: 0.06, phrase: 0.28 };

function placeValues(n) {
  // 3012 → [3000, 10, 2]: the place values Japanese reads, largest first, zeros silent.
  const out = [];
  for (const unit of [1000, 100, 10, 1]) {
    const digit = Math.floor(n / unit) % 10;
    if (digit) out.push(digit * unit);
  }
  return out;
}

function numberJa(n, ending) {
  // Clip names for a number whose last word carries the ending: "b" (番の方、) or "c" (番窓口へ).
  if (n === 0) return [`${ending}0`];
  const clips = [];
  if (n >= 10000) {
    placeValues(Math.floor(n / 10000) % 10000).forEach((v) => clips.push(`n${v}`));
    if (n % 10000 === 0) return [...clips, `${ending}man`];
    clips.push("man");
  }
  const values = placeValues(n % 10000);
  values.forEach((v, i) => clips.push(i === values.length - 1 ? `${ending}${v}` : `n${v}`));
  return clips;
}

function spelled(text, lang) {
  // Letters and digits of a prefix or a counter name, one by one: "A" → エー / "ay".
  return [...text.toUpperCase()].map((ch) => (/[0-9]/.test(ch)
    ? `${lang === "ja" ? "n" : "e"}${ch}` : `l${ch}`));
}

function counterClips(counter, lang) {
  // A counter named with digits ("3") is read as a number, one of letters ("B", "C12") letter
  // by letter; any other name has no clips (null): the screen shows it.
  const name = String(counter || "");
  if (/^[0-9]{1,8}$/.test(name)) return { number: parseInt(name, 10) };
  if (/^[A-Za-z]{1,3}[0-9]{0,3}$/.test(name)) return { letters: spelled(name, lang) };
  return null;
}

function splitNumber(spoken) {
  const m = /^([A-Za-z0-9]*?)([0-9]+)$/.exec(spoken || "");
  return m ? { prefix: m[1], number: parseInt(m[2], 10) } : null;
}

export function clipsJa(spoken, counter) {
  // 受付番号 A12番の方、3番窓口へお越しください → the clip names with pauses (seconds) between.
  const ticket = splitNumber(spoken);
  if (!ticket) return null;
  const clips = ["uketsuke", PAUSE.phrase, ...spelled(ticket.prefix, "ja"),
    ...numberJa(ticket.number, "b"), PAUSE.phrase];
  const place = counterClips(counter, "ja");
  if (place && place.number !== undefined) clips.push(...numberJa(place.number, "c"));
  else clips.push(...(place ? place.letters : []), "madoguchi");
  clips.push(PAUSE.short, "okoshi");
  return clips;
}

function numberEn(n) {
  if (n >= 1000000) return [...String(n)].map((d) => `e${d}`);
  const words = [];
  if (n >= 1000) { words.push(...numberEn(Math.floor(n / 1000)), "thousand"); n %= 1000; }
  if (n >= 100) { words.push(`e${Math.floor(n / 100)}`, "hundred"); n %= 100; }
  if (n >= 20) { words.push(`e${n - (n % 10)}`); n %= 10; if (n) words.push(`e${n}`); }
  else if (n > 0 || !words.length) words.push(`e${n}`);
  return words;
}

export function clipsEn(spoken, counter) {
  // Number A12, please come to counter 3.
  const ticket = splitNumber(spoken);
  if (!ticket) return null;
  const clips = ["number", PAUSE.short, ...spelled(ticket.prefix, "en"),
    ...numberEn(ticket.number), PAUSE.phrase];
  const counterName = counterClips(counter, "en");
  if (!counterName) return [...clips, "please_shown"];
  const place = counterName.letters || numberEn(counterName.number);
  place[place.length - 1] = `f${place[place.length - 1]}`;  // the sentence ends: falling voice
  return [...clips, "please", ...place];
}

export class RecordedVoice {
  // One decoded sprite per language; play() schedules the clips back to back on the shared
  // AudioContext and resolves when the sentence has been said (never waits on onended, which a
  // suspended context would never fire).
  constructor({ base, context }) {
    this.base = base;
    this.context = context;
    this.sprites = {};
  }

  load(lang) {
    if (!this.sprites[lang]) {
      this.sprites[lang] = (async () => {
        const index = await (await fetch(`${this.base}voice-${lang}.json`)).json();
        const bytes = await (await fetch(`${this.base}${index.audio}`)).arrayBuffer();
        const buffer = await this.context().decodeAudioData(bytes);
        return { index, buffer };
      })().catch((err) => { delete this.sprites[lang]; throw err; });
    }
    return this.sprites[lang];
  }

  async ready(lang) {
    try { await this.load(lang); return true; } catch (_) { return false; }
  }

  async play(lang, clips) {
    const { index, buffer } = await this.load(lang);
    const ctx = this.context();
    let at = 0;
    const start = ctx.currentTime + 0.05;
    for (const clip of clips) {
      if (typeof clip === "number") { at += clip; continue; }
      const span = index.clips[clip];
      if (!span) continue;
      const node = ctx.createBufferSource();
      node.buffer = buffer;
      node.connect(ctx.destination);
      node.start(start + at, span[0], span[1]);
      at += span[1];
    }
    await new Promise((resolve) => setTimeout(resolve, (at + 0.3) * 1000));
    return true;
  }
}
