"""Render the hall display's recorded voice: the fallback for screens without a Japanese voice.

The hall display speaks with the browser's speech synthesis. A display PC or media stick
without a Japanese (or English) voice would stay silent, so every call can also be put together
from pre-rendered clips: "受付番号" + "A" + "十" + "二番の方、" + "三番窓口へ" + "お越しください".
This script renders those clips once, offline, and writes for each language one audio sprite
(``static/audio/voice-<lang>.ogg``, Ogg Opus) and its index (``voice-<lang>.json``: where each
clip starts and how long it lasts). ``static/js/voice.js`` composes a call from the same clip
names. The files are committed; the display needs nothing installed.

Japanese: Open JTalk (Debian ``open-jtalk``, ``open-jtalk-mecab-naist-jdic``) with the HTS
voice "Mei" (MMDAgent, Nagoya Institute of Technology, CC BY 3.0). English: Piper with the
en_US "joe" voice (CC0 data). ``scripts/render_voice.sh`` installs both and runs this script.

Usage: python scripts/render_voice.py --mei PATH --piper PATH --piper-model PATH [--out DIR]
"""

import argparse
import json
import shutil
import subprocess
import tempfile
import wave
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RATE = 48000  # Opus works at 48 kHz; every clip is resampled to it
GAP = 0.25  # silence between clips in the sprite, so no clip bleeds into the next
JDIC = "/var/lib/mecab/dic/open-jtalk/naist-jdic"

KANJI = "〇一二三四五六七八九"
# Readings the dictionary gets wrong or ambiguous when a numeral stands alone (はち alone is
# read as the particle わ; シー as スィー), checked in Open JTalk's phoneme trace.
UNIT_KANA = {1: "イチ", 2: "ニ", 3: "サン", 4: "ヨン", 5: "ゴ", 6: "ロク", 7: "ナナ",
             8: "ハチ", 9: "キュウ"}
LETTERS_JA = {
    "A": "エー", "B": "ビー", "C": "シイ", "D": "ディー", "E": "イー", "F": "エフ", "G": "ジー",
    "H": "エイチ", "I": "アイ", "J": "ジェー", "K": "ケー", "L": "エル", "M": "エム", "N": "エヌ",
    "O": "オー", "P": "ピー", "Q": "キュー", "R": "アール", "S": "エス", "T": "ティー",
    "U": "ユー", "V": "ブイ", "W": "ダブリュー", "X": "エックス", "Y": "ワイ", "Z": "ゼット",
}
LETTERS_EN = {
    "A": "ay", "B": "bee", "C": "see", "D": "dee", "E": "ee", "F": "eff", "G": "gee",
    "H": "aitch", "I": "eye", "J": "jay", "K": "kay", "L": "el", "M": "em", "N": "en", "O": "oh",
    "P": "pee", "Q": "cue", "R": "ar", "S": "ess", "T": "tee", "U": "you", "V": "vee",
    "W": "double you", "X": "ex", "Y": "why", "Z": "zee",
}
EN_WORDS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
            "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
            "eighteen", "nineteen"]
EN_TENS = {20: "twenty", 30: "thirty", 40: "forty", 50: "fifty", 60: "sixty", 70: "seventy",
           80: "eighty", 90: "ninety"}


def reading(value: int) -> str:
    """One place value as written for Open JTalk: 1 → イチ, 10 → 十, 300 → 三百, 8000 → 八千."""
    for unit, name in ((1000, "千"), (100, "百"), (10, "十")):
        if value >= unit:
            digit = value // unit
            return (KANJI[digit] if digit > 1 else "") + name
    return UNIT_KANA[value]


def place_values() -> list[int]:
    return [d * unit for unit in (1000, 100, 10, 1) for d in range(1, 10)]


def japanese_clips() -> dict[str, str]:
    """Clip name → text. ``n<v>``: a place value inside a number ("三百" of 312); ``b<v>``:
    the last place value of a ticket number, with "番の方、"; ``c<v>``: of a counter, with
    "番窓口へ"."""
    clips = {"uketsuke": "受付番号", "madoguchi": "窓口へ", "okoshi": "お越しください",
             "man": "万", "n0": "ゼロ", "b0": "ゼロ番の方、", "c0": "ゼロ番窓口へ",
             "bman": "万番の方、", "cman": "万番窓口へ"}
    for value in place_values():
        word = reading(value)
        clips[f"n{value}"] = word
        clips[f"b{value}"] = f"{word}番の方、"
        clips[f"c{value}"] = f"{word}番窓口へ"
    clips.update({f"l{letter}": kana for letter, kana in LETTERS_JA.items()})
    return clips


def english_clips() -> dict[str, str]:
    clips = {"number": "Number", "please": "please come to counter",
             "please_shown": "please come to the counter shown on the screen.",
             "hundred": "hundred", "thousand": "thousand"}
    clips.update({f"e{n}": word for n, word in enumerate(EN_WORDS)})
    clips.update({f"e{n}": word for n, word in EN_TENS.items()})
    clips.update({f"l{letter}": word for letter, word in LETTERS_EN.items()})
    # The last word of the sentence, said with a falling voice: "f" + the clip's name.
    clips.update({f"f{name}": f"{text}." for name, text in list(clips.items())
                  if name[0] in "el" or name in ("hundred", "thousand")})
    return clips


def run(cmd: list[str], **kw) -> None:
    subprocess.run(cmd, check=True, **kw)


def render_japanese(text: str, out: Path, mei: str) -> None:
    run(["open_jtalk", "-x", JDIC, "-m", mei, "-r", "0.95", "-ow", str(out)],
        input=text.encode(), stdout=subprocess.DEVNULL)


def render_english(text: str, out: Path, piper: str, model: str) -> None:
    run([piper, "-m", model, "-f", str(out)], input=text.encode(),
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def tidy(raw: Path, out: Path) -> float:
    """Trim leading and trailing silence, resample to 48 kHz mono, fade the edges; seconds.
    ``-R``: the same dither every time, so an unchanged clip renders to the same bytes."""
    run(["sox", "-R", str(raw), "-r", str(RATE), "-c", "1", "-b", "16", str(out),
         "silence", "1", "0.01", "0.3%", "reverse", "silence", "1", "0.01", "0.3%",
         "fade", "t", "0.01", "reverse", "fade", "t", "0.005", "pad", "0.02", "0.02",
         "gain", "-n", "-3"])
    with wave.open(str(out)) as w:
        return w.getnframes() / w.getframerate()


def build_sprite(lang: str, clips: dict[str, str], render, out_dir: Path, credit: str) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        parts, index, at = [], {}, GAP
        for i, (name, text) in enumerate(clips.items()):
            raw, clean = tmp / f"{i}-raw.wav", tmp / f"{i}.wav"
            render(text, raw)
            length = tidy(raw, clean)
            index[name] = [round(at, 4), round(length, 4)]
            parts.append(clean)
            at += length + GAP
        gap = tmp / "gap.wav"
        run(["sox", "-n", "-r", str(RATE), "-c", "1", "-b", "16", str(gap), "trim", "0", str(GAP)])
        joined = tmp / "sprite.wav"
        sequence = [str(gap)]
        for part in parts:
            sequence += [str(part), str(gap)]
        run(["sox", "-R", *sequence, str(joined)])
        audio = out_dir / f"voice-{lang}.ogg"
        run(["opusenc", "--quiet", "--bitrate", "32", "--comp", "10", str(joined), str(audio)])
    manifest = {"lang": lang, "voice": credit, "audio": audio.name, "clips": index,
                "texts": clips}
    (out_dir / f"voice-{lang}.json").write_text(dump(manifest), encoding="utf-8")
    return manifest


def dump(manifest: dict) -> str:
    """The index as JSON with one clip per line, so a re-render shows as a readable diff."""
    lines = []
    for key, value in manifest.items():
        if isinstance(value, dict):
            inner = ",\n".join(f"  {json.dumps(k)}: {json.dumps(v, ensure_ascii=False)}"
                               for k, v in value.items())
            lines.append(f" {json.dumps(key)}: {{\n{inner}\n }}")
        else:
            lines.append(f" {json.dumps(key)}: {json.dumps(value, ensure_ascii=False)}")
    return "{\n" + ",\n".join(lines) + "\n}\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mei", required=True, help="path to mei_normal.htsvoice")
    parser.add_argument("--piper", required=True, help="path to the piper executable")
    parser.add_argument("--piper-model", required=True, help="path to en_US-joe-medium.onnx")
    parser.add_argument("--out", default=str(ROOT / "static" / "audio"))
    args = parser.parse_args()
    for tool in ("open_jtalk", "sox", "opusenc"):
        if not shutil.which(tool):
            raise SystemExit(f"{tool} is missing: run scripts/render_voice.sh")
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    build_sprite("ja", japanese_clips(), lambda t, p: render_japanese(t, p, args.mei), out,
                 "Open JTalk, HTS voice Mei (MMDAgent Project, Nagoya Institute of Technology, "
                 "CC BY 3.0)")
    build_sprite("en", english_clips(),
                 lambda t, p: render_english(t, p, args.piper, args.piper_model), out,
                 "Piper, en_US joe medium (CC0 data)")
    for lang in ("ja", "en"):
        print(f"{out / f'voice-{lang}.ogg'}: {(out / f'voice-{lang}.ogg').stat().st_size} bytes")


if __name__ == "__main__":
    main()
