#!/bin/bash
# The marketplace icon, media/icon.png (128×128), from the activity-bar glyph media/layerlens.svg: its three
# layers drawn light on a rounded dark square. The PNG is committed; run this again after changing the glyph.
# Needs rsvg-convert (Debian: apt-get install librsvg2-bin).
set -euo pipefail
cd "$(dirname "$0")/.."
paths=$(grep -o '<path [^>]*/>' media/layerlens.svg | tr -d '\n')
svg=$(mktemp --suffix=.svg)
trap 'rm -f "$svg"' EXIT
cat > "$svg" <<SVG
<svg xmlns="http://www.w3.org/2000/svg" width="128" height="128" viewBox="0 0 128 128">
  <rect width="128" height="128" rx="24" fill="#1f3a5f"/>
  <g transform="translate(16 16) scale(4)" fill="none" stroke="#e8f1fb" stroke-width="1.5" stroke-linejoin="round" stroke-linecap="round">$paths</g>
</svg>
SVG
rsvg-convert --width 128 --height 128 --format png --output media/icon.png "$svg"
echo "wrote media/icon.png"
