"""The hall display's recorded voice: on a machine whose browser has no Japanese voice, every
call is still said, put together from pre-rendered clips (static/audio, scripts/render_voice.py).
"""

import json

import pytest
import requests

from tests.e2e.conftest import ROOT
from tests.e2e.test_live_screens import _clerk_api, _issue

pytestmark = pytest.mark.e2e

AUDIO = ROOT / "static" / "audio"

# Records every clip the display schedules: [offset in the sprite, duration].
CLIP_RECORDER = """
window.__noVoices = true;
window.__clips = [];
const realStart = AudioBufferSourceNode.prototype.start;
AudioBufferSourceNode.prototype.start = function (when, offset, duration) {
  if (offset !== undefined) window.__clips.push([offset, duration]);
  return realStart.call(this, when, offset, duration);
};
"""


def _manifest(lang: str) -> dict:
    return json.loads((AUDIO / f"voice-{lang}.json").read_text(encoding="utf-8"))


def _names(lang: str, spans: list) -> list[str]:
    clips = _manifest(lang)["clips"]
    by_span = {(round(a, 4), round(b, 4)): name for name, (a, b) in clips.items()}
    return [by_span[(round(a, 4), round(b, 4))] for a, b in spans]


def _module_page(server, new_page):
    page = new_page()
    page.goto(f"{server.url}/display/chuo")
    return page


def test_calls_are_composed_from_clips_as_a_japanese_clerk_would_read_them(server_at, new_page):
    page = _module_page(server_at(), new_page)
    cases = page.evaluate("""async () => {
      const v = await import("/static/js/voice.js");
      const words = (clips) => clips.filter((c) => typeof c === "string");
      return {
        a12: words(v.clipsJa("A12", "3")),
        n3012: words(v.clipsJa("3012", "12")),
        n10000: words(v.clipsJa("10000", "B")),
        n1234567: words(v.clipsJa("1234567", "1")),
        zero: words(v.clipsJa("0", "窓口あ")),
        en115: words(v.clipsEn("A115", "20")),
        en1000: words(v.clipsEn("1000", "B")),
        en_named: words(v.clipsEn("7", "こども")),
        junk: v.clipsJa("", "1"),
      };
    }""")
    assert cases["a12"] == ["uketsuke", "lA", "n10", "b2", "c3", "okoshi"]
    assert cases["n3012"] == ["uketsuke", "n3000", "n10", "b2", "n10", "c2", "okoshi"]
    assert cases["n10000"] == ["uketsuke", "n1", "bman", "lB", "madoguchi", "okoshi"]
    assert cases["n1234567"] == ["uketsuke", "n100", "n20", "n3", "man", "n4000", "n500", "n60",
                                 "b7", "c1", "okoshi"]
    assert cases["zero"] == ["uketsuke", "b0", "madoguchi", "okoshi"]
    assert cases["en115"] == ["number", "lA", "e1", "hundred", "e15", "please", "fe20"]
    assert cases["en1000"] == ["number", "e1", "thousand", "please", "flB"]
    assert cases["en_named"] == ["number", "e7", "please_shown"]
    assert cases["junk"] is None


def test_every_number_and_counter_a_display_can_call_has_its_clips(server_at, new_page):
    page = _module_page(server_at(), new_page)
    missing = page.evaluate("""async () => {
      const v = await import("/static/js/voice.js");
      const index = {};
      for (const lang of ["ja", "en"]) {
        index[lang] = (await (await fetch(`/static/audio/voice-${lang}.json`)).json()).clips;
      }
      const missing = new Set();
      const check = (lang, clips) => clips.forEach((c) => {
        if (typeof c === "string" && !(c in index[lang])) missing.add(`${lang}:${c}`);
      });
      const prefixes = ["", ..."ABCDEFGHIJKLMNOPQRSTUVWXYZ", "Z9"];
      for (let n = 0; n <= 20000; n += 1) {
        const prefix = prefixes[n % prefixes.length];
        const counter = String(n % 120);
        check("ja", v.clipsJa(prefix + n, counter));
        check("en", v.clipsEn(prefix + n, counter));
      }
      for (const counter of ["A", "b2", "C12", "こども", "住民1"]) {
        check("ja", v.clipsJa("1", counter));
        check("en", v.clipsEn("1", counter));
      }
      return [...missing];
    }""")
    assert missing == []


def test_every_clip_of_both_recordings_is_audible_speech_between_silent_gaps(server_at, new_page):
    page = _module_page(server_at(), new_page)
    report = page.evaluate("""async () => {
      const out = {};
      for (const lang of ["ja", "en"]) {
        const index = await (await fetch(`/static/audio/voice-${lang}.json`)).json();
        const bytes = await (await fetch(`/static/audio/${index.audio}`)).arrayBuffer();
        const buffer = await new OfflineAudioContext(1, 48000, 48000).decodeAudioData(bytes);
        const data = buffer.getChannelData(0);
        const rms = (from, to) => {
          const a = Math.floor(from * buffer.sampleRate), b = Math.floor(to * buffer.sampleRate);
          let sum = 0;
          for (let i = a; i < b; i += 1) sum += data[i] * data[i];
          return Math.sqrt(sum / Math.max(1, b - a));
        };
        const clips = {}, gaps = [];
        for (const [name, [start, length]] of Object.entries(index.clips)) {
          clips[name] = rms(start, start + length);
          gaps.push(rms(start + length + 0.05, start + length + 0.2));
        }
        out[lang] = { duration: buffer.duration, clips, loudestGap: Math.max(...gaps),
                      end: Math.max(...Object.values(index.clips).map(([s, l]) => s + l)) };
      }
      return out;
    }""")
    for lang in ("ja", "en"):
        r = report[lang]
        assert r["duration"] >= r["end"], lang
        quiet = {name: level for name, level in r["clips"].items() if level < 0.02}
        assert quiet == {}, f"{lang}: clips without speech {quiet}"
        assert r["loudestGap"] < 0.005, f"{lang}: sound between clips, the index is off"


def test_a_display_without_a_japanese_voice_says_the_call_with_the_recorded_clips(
        server_at, new_page):
    server = server_at()
    _issue(server)
    display = new_page((1920, 1080), init_script=CLIP_RECORDER)
    display.goto(f"{server.url}/display/chuo")
    display.wait_for_selector("#live-status[data-state=live]", state="attached")

    counter, h = _clerk_api(server)
    r = requests.post(f"{server.url}/api/v1/counters/{counter}/call", headers=h, timeout=10)
    assert r.json()["ticket"]["display_number"] == "A001"

    display.wait_for_selector(".call-card >> text=A001")
    display.wait_for_function("window.__clips.length >= 10")
    spans = display.evaluate("window.__clips")
    assert _names("ja", spans[:5]) == ["uketsuke", "lA", "b1", "c1", "okoshi"]
    assert _names("en", spans[5:]) == ["number", "lA", "e1", "please", "fe1"]
    assert display.evaluate("window.__spoken") == []


def test_a_display_with_voices_can_be_told_to_use_the_recorded_clips(server_at, new_page):
    server = server_at()
    _issue(server)
    display = new_page((1920, 1080), init_script=CLIP_RECORDER.replace(
        "window.__noVoices = true;", ""))
    display.goto(f"{server.url}/display/chuo?voice=recorded")
    display.wait_for_selector("#live-status[data-state=live]", state="attached")
    counter, h = _clerk_api(server)
    requests.post(f"{server.url}/api/v1/counters/{counter}/call", headers=h, timeout=10)
    display.wait_for_function("window.__clips.length >= 10")
    assert _names("ja", display.evaluate("window.__clips")[:5])[0] == "uketsuke"
    assert display.evaluate("window.__spoken") == []
