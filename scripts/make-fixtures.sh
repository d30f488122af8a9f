#!/usr/bin/env bash
# Regenerates the content-type test corpus in test/fixtures/files/: real files made by the tools
# that make them in the wild, tricky but genuine variants (edge/), and disguised files
# (disguises/), plus manifest.json, which describes every file. README.md there is kept.
#
# Needs these Debian 12 (bookworm) packages and installs none of them:
#   libreoffice-writer-nogui libreoffice-calc-nogui libreoffice-impress-nogui fonts-dejavu-core
#   imagemagick libheif-examples ffmpeg p7zip-full zip unzip gzip tar pandoc python3 python3-docx
# Install them with:
#   apt-get install -y --no-install-recommends libreoffice-writer-nogui libreoffice-calc-nogui \
#     libreoffice-impress-nogui fonts-dejavu-core imagemagick libheif-examples ffmpeg p7zip-full \
#     zip unzip gzip tar pandoc python3 python3-docx
#
# Usage: scripts/make-fixtures.sh   (from anywhere; tests never run it, the output is committed)
#
# Most output is byte-identical between runs. The exceptions are files from tools that store the
# current time or a random ID and have no option to fix it: LibreOffice's ODF, OOXML and PDF files
# (zip entry times, document metadata, PDF /ID and dates), the files derived from them, and
# python-docx's DOCX (zip entry times). LibreOffice's .doc, .xls and .ppt and pandoc's DOCX repeat
# exactly.
set -euo pipefail

repo_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
out_dir="$repo_dir/test/fixtures/files"

# Debian's python3 has python-docx; a python3 earlier in PATH (pyenv, venv) may not.
python=${PYTHON:-/usr/bin/python3}
# ImageMagick's own binary, in case a wrapper named convert comes first in PATH.
convert=${CONVERT:-/usr/bin/convert}

missing=()
for tool in soffice ffmpeg heif-enc zip unzip gzip tar 7z pandoc "$python" "$convert"; do
  command -v "$tool" >/dev/null || missing+=("$tool")
done
if ((${#missing[@]} > 0)); then
  echo "make-fixtures: missing tools: ${missing[*]}; install the packages listed at the top of $0" >&2
  exit 1
fi
"$python" -c 'import docx' 2>/dev/null || {
  echo "make-fixtures: $python cannot import docx; install python3-docx or set PYTHON" >&2
  exit 1
}

# Fixed clock for every tool that honours it, and for the mtimes stored in archives.
export SOURCE_DATE_EPOCH=1704067200 # 2024-01-01T00:00:00Z
export TZ=UTC LC_ALL=C.UTF-8

work_dir=$(mktemp -d)
trap 'rm -rf "$work_dir"' EXIT
src="$work_dir/src"
mkdir -p "$src"
manifest_rows="$work_dir/manifest.rows"
: >"$manifest_rows"

lo_version=$(soffice --version | awk 'NR == 1 {print $1 " " $2}')
im_version=$("$convert" -version | awk 'NR == 1 {print $2 " " $3}')
ffmpeg_version=$(ffmpeg -version | awk 'NR == 1 {print "ffmpeg " $3}')
heif_version="heif-enc (libheif $(dpkg-query -W -f '${Version}' libheif-examples))"
zip_version=$(zip -v | awk 'NR == 2 {print "Info-ZIP Zip " $4}')
gzip_version=$(gzip --version | awk 'NR == 1 {print $1 " " $2}')
tar_version=$(tar --version | awk 'NR == 1 {print "GNU tar " $4}')
sevenzip_version=$(7z | awk '/^7-Zip/ {print "7-Zip " $3; exit}')
pandoc_version=$(pandoc --version | awk 'NR == 1 {print $1 " " $2}')
python_version=$("$python" -c 'import platform; print("Python " + platform.python_version())')
python_docx_version="python-docx $(dpkg-query -W -f '${Version}' python3-docx)"

# Append one manifest entry. Arguments: file (relative to out_dir), kind, fileName, declaredType,
# expectedType ("" for disguises, stored as null), family, madeBy, note.
record() {
  if [[ ! -f "$out_dir/$1" ]]; then
    echo "make-fixtures: $1 was not created" >&2
    exit 1
  fi
  if [[ "$*" == *$'\n'* ]]; then
    echo "make-fixtures: manifest values for $1 contain a newline" >&2
    exit 1
  fi
  local IFS=$'\x1f'
  printf '%s\n' "$*" >>"$manifest_rows"
}

# Fix the mtime of files that go into archives, so the archives do not depend on the clock.
pin_mtime() {
  touch -d "@$SOURCE_DATE_EPOCH" "$@"
}

rm -rf "${out_dir:?}"/{documents,images,audio,video,archives,text,other,edge,disguises}
rm -f "$out_dir/manifest.json"
mkdir -p "$out_dir"/{documents,images,audio,video,archives,text,other,edge,disguises}

# ---------------------------------------------------------------------------------------------
# Sources that the office, image and archive tools convert.

cat >"$src/report.fodt" <<'EOF'
<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
  xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"
  xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"
  office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.text">
 <office:body>
  <office:text>
   <text:h text:outline-level="1">Quarterly site report</text:h>
   <text:p>This document is part of the Attache content-type test corpus.</text:p>
   <text:p>Crew: Dana, Eli, Noa. Status: all inspections passed — no open items.</text:p>
   <table:table table:name="Hours">
    <table:table-column table:number-columns-repeated="2"/>
    <table:table-row>
     <table:table-cell><text:p>Day</text:p></table:table-cell>
     <table:table-cell><text:p>Hours</text:p></table:table-cell>
    </table:table-row>
    <table:table-row>
     <table:table-cell><text:p>Monday</text:p></table:table-cell>
     <table:table-cell><text:p>7.5</text:p></table:table-cell>
    </table:table-row>
   </table:table>
  </office:text>
 </office:body>
</office:document>
EOF

cat >"$src/slides.fodp" <<'EOF'
<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
  xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0"
  xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"
  xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0"
  xmlns:presentation="urn:oasis:names:tc:opendocument:xmlns:presentation:1.0"
  office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.presentation">
 <office:body>
  <office:presentation>
   <draw:page draw:name="Slide 1">
    <draw:frame svg:x="2cm" svg:y="2cm" svg:width="20cm" svg:height="3cm">
     <draw:text-box><text:p>Safety briefing</text:p></draw:text-box>
    </draw:frame>
    <draw:frame svg:x="2cm" svg:y="6cm" svg:width="20cm" svg:height="8cm">
     <draw:text-box><text:p>Part of the Attache content-type test corpus.</text:p></draw:text-box>
    </draw:frame>
   </draw:page>
  </office:presentation>
 </office:body>
</office:document>
EOF

printf 'employee,date,hours,site\r\n' >"$src/timesheet.csv"
for day in 01 02 03 04 05; do
  printf 'Dana,2024-01-%s,7.5,North\r\nEli,2024-01-%s,8,South\r\n' "$day" "$day" >>"$src/timesheet.csv"
done

# A spreadsheet of about 100 KB, to show that LibreOffice Calc puts [Content_Types].xml before the
# worksheet, so it stays near the start however large the sheet is. The rows come from a fixed
# linear congruential sequence, so they repeat exactly.
"$python" - "$src/large-timesheet.csv" <<'EOF'
import sys

state = 12345
def next_value(limit):
    global state
    state = (state * 1103515245 + 12345) % 2**31
    return state % limit

names = ["Dana", "Eli", "Noa", "Omer", "Tal", "Yael", "Ido", "Maya"]
with open(sys.argv[1], "w", newline="") as out:
    out.write("employee,date,hours,site,ticket\r\n")
    for row in range(3000):
        out.write("%s,2024-%02d-%02d,%d.%d,Site %d,T-%06d\r\n" % (
            names[next_value(len(names))], 1 + next_value(12), 1 + next_value(28),
            next_value(12), next_value(10), next_value(400), next_value(1000000)))
EOF

# ---------------------------------------------------------------------------------------------
# Office documents (LibreOffice headless).

lo_profile="file://$work_dir/lo-profile"
# Convert $1 to the format and filter in $2 (soffice's --convert-to syntax) into directory $3.
lo_convert() {
  soffice "-env:UserInstallation=$lo_profile" --headless --convert-to "$2" --outdir "$3" "$1" \
    >"$work_dir/soffice.log" 2>&1 || {
    cat "$work_dir/soffice.log" >&2
    echo "make-fixtures: soffice failed to convert $1 to $2" >&2
    exit 1
  }
}

lo_out="$work_dir/lo"
mkdir -p "$lo_out"
lo_convert "$src/report.fodt" 'docx:MS Word 2007 XML' "$lo_out"
lo_convert "$src/report.fodt" 'odt' "$lo_out"
lo_convert "$src/report.fodt" 'doc:MS Word 97' "$lo_out"
lo_convert "$src/report.fodt" 'pdf:writer_pdf_Export' "$lo_out"
lo_convert "$src/slides.fodp" 'pptx:Impress MS PowerPoint 2007 XML' "$lo_out"
lo_convert "$src/slides.fodp" 'odp' "$lo_out"
lo_convert "$src/slides.fodp" 'ppt:MS PowerPoint 97' "$lo_out"
# CSV import filter options: comma separator, double-quote text delimiter, UTF-8, start at line 1.
csv_in='--infilter=CSV:44,34,76,1'
for target in 'xlsx:Calc MS Excel 2007 XML' 'ods' 'xls:MS Excel 97'; do
  soffice "-env:UserInstallation=$lo_profile" --headless "$csv_in" --convert-to "$target" \
    --outdir "$lo_out" "$src/timesheet.csv" >"$work_dir/soffice.log" 2>&1 || {
    cat "$work_dir/soffice.log" >&2
    exit 1
  }
done
mkdir -p "$lo_out/large"
soffice "-env:UserInstallation=$lo_profile" --headless "$csv_in" \
  --convert-to 'xlsx:Calc MS Excel 2007 XML' --outdir "$lo_out/large" "$src/large-timesheet.csv" \
  >"$work_dir/soffice.log" 2>&1

lo_cmd="$lo_version: soffice --headless --convert-to"
declare -A office_types=(
  [docx]=application/vnd.openxmlformats-officedocument.wordprocessingml.document
  [xlsx]=application/vnd.openxmlformats-officedocument.spreadsheetml.sheet
  [pptx]=application/vnd.openxmlformats-officedocument.presentationml.presentation
  [odt]=application/vnd.oasis.opendocument.text
  [ods]=application/vnd.oasis.opendocument.spreadsheet
  [odp]=application/vnd.oasis.opendocument.presentation
  [doc]=application/msword
  [xls]=application/vnd.ms-excel
  [ppt]=application/vnd.ms-powerpoint
  [pdf]=application/pdf
)
# Copy LibreOffice output $1 to documents/$2 and record it. Arguments: source name, target name,
# family, filter used, note.
add_office() {
  local ext=${2##*.}
  cp "$lo_out/$1" "$out_dir/documents/$2"
  record "documents/$2" genuine "$2" "${office_types[$ext]}" "${office_types[$ext]}" "$3" \
    "$lo_cmd '$4' ${5%%|*}" "${5#*|}"
}
add_office report.docx report.docx document 'docx:MS Word 2007 XML' \
  'report.fodt|Word 2007+ document from LibreOffice, which writes [Content_Types].xml as the last zip entry and sets bit 3 (data descriptor) on every entry.'
add_office report.odt report.odt document odt \
  'report.fodt|OpenDocument text whose first zip entry is the stored mimetype file.'
add_office report.doc report.doc document 'doc:MS Word 97' \
  'report.fodt|Legacy Word 97-2003 document in a Compound File Binary (CFB) container.'
add_office report.pdf report.pdf pdf 'pdf:writer_pdf_Export' \
  'report.fodt|PDF exported by LibreOffice Writer.'
add_office timesheet.xlsx timesheet.xlsx spreadsheet 'xlsx:Calc MS Excel 2007 XML' \
  "timesheet.csv $csv_in|Excel 2007+ workbook from LibreOffice Calc."
add_office timesheet.ods timesheet.ods spreadsheet ods \
  "timesheet.csv $csv_in|OpenDocument spreadsheet whose first zip entry is the stored mimetype file."
add_office timesheet.xls timesheet.xls spreadsheet 'xls:MS Excel 97' \
  "timesheet.csv $csv_in|Legacy Excel 97-2003 workbook in a CFB container."
add_office slides.pptx slides.pptx presentation 'pptx:Impress MS PowerPoint 2007 XML' \
  'slides.fodp|PowerPoint 2007+ presentation from LibreOffice Impress.'
add_office slides.odp slides.odp presentation odp \
  'slides.fodp|OpenDocument presentation whose first zip entry is the stored mimetype file.'
add_office slides.ppt slides.ppt presentation 'ppt:MS PowerPoint 97' \
  'slides.fodp|Legacy PowerPoint 97-2003 presentation in a CFB container; about 450 KB because LibreOffice always stores a 384x288 preview bitmap in it.'

# ---------------------------------------------------------------------------------------------
# Images (ImageMagick, libheif). "rose:" and "logo:" are images built into ImageMagick.

im=("$convert")
# Drop the date/time chunks and profiles that would make the output depend on the clock.
im_clean=(-strip -define png:exclude-chunks=date,time)
"${im[@]}" rose: -resize 140x92 "${im_clean[@]}" "$src/rose.png"
"${im[@]}" logo: -resize 160x120 "${im_clean[@]}" "$src/logo.png"

im_cmd="$im_version: convert"
"${im[@]}" "$src/rose.png" -quality 85 -strip "$out_dir/images/rose.jpg"
record images/rose.jpg genuine rose.jpg image/jpeg image/jpeg image \
  "$im_cmd rose: -resize 140x92 -quality 85 -strip rose.jpg" 'Baseline JPEG with a JFIF header.'
"${im[@]}" "$src/rose.png" -quality 85 -interlace Plane -strip "$out_dir/images/rose-progressive.jpg"
record images/rose-progressive.jpg genuine rose-progressive.jpg image/jpeg image/jpeg image \
  "$im_cmd rose: -resize 140x92 -quality 85 -interlace Plane -strip rose-progressive.jpg" \
  'Progressive JPEG, which uses the SOF2 marker where baseline JPEG uses SOF0.'
cp "$src/rose.png" "$out_dir/images/rose.png"
record images/rose.png genuine rose.png image/png image/png image \
  "$im_cmd rose: -resize 140x92 -strip -define png:exclude-chunks=date,time rose.png" \
  'Truecolour PNG.'
"${im[@]}" "$src/rose.png" -colors 64 "$out_dir/images/rose.gif"
record images/rose.gif genuine rose.gif image/gif image/gif image \
  "$im_cmd rose: -resize 140x92 -colors 64 rose.gif" 'GIF89a image with a 64-colour palette.'
"${im[@]}" "$src/rose.png" -quality 80 "$out_dir/images/rose.webp"
record images/rose.webp genuine rose.webp image/webp image/webp image \
  "$im_cmd rose: -resize 140x92 -quality 80 rose.webp" 'Lossy WebP in a RIFF container.'
"${im[@]}" "$src/rose.png" -strip "BMP3:$out_dir/images/rose.bmp"
record images/rose.bmp genuine rose.bmp image/bmp image/bmp image \
  "$im_cmd rose: -resize 140x92 -strip BMP3:rose.bmp" 'Windows 3 bitmap with a BITMAPINFOHEADER.'
"${im[@]}" "$src/rose.png" -strip -compress LZW "$out_dir/images/rose.tiff"
record images/rose.tiff genuine rose.tiff image/tiff image/tiff image \
  "$im_cmd rose: -resize 140x92 -strip -compress LZW rose.tiff" 'Little-endian LZW-compressed TIFF.'
"${im[@]}" "$src/logo.png" -define icon:auto-resize=32,16 "$out_dir/images/favicon.ico"
record images/favicon.ico genuine favicon.ico image/vnd.microsoft.icon image/vnd.microsoft.icon image \
  "$im_cmd logo: -resize 160x120 -define icon:auto-resize=32,16 favicon.ico" \
  'Windows icon with 32x32 and 16x16 images.'

heif_cmd="$heif_version: heif-enc"
heif-enc -q 50 -o "$out_dir/images/rose.heic" "$src/rose.png" >/dev/null
record images/rose.heic genuine rose.heic image/heic image/heic image \
  "$heif_cmd -q 50 -o rose.heic rose.png (x265 encoder)" 'HEIC still image, ftyp major brand heic.'
heif-enc -A -q 50 -o "$out_dir/images/rose.avif" "$src/rose.png" >/dev/null
record images/rose.avif genuine rose.avif image/avif image/avif image \
  "$heif_cmd -A -q 50 -o rose.avif rose.png (aom encoder)" 'AVIF still image, ftyp major brand avif.'

cat >"$out_dir/images/badge.svg" <<'EOF'
<svg xmlns="http://www.w3.org/2000/svg" width="120" height="40" viewBox="0 0 120 40">
  <rect width="120" height="40" rx="6" fill="#2b6cb0"/>
  <text x="60" y="26" font-family="sans-serif" font-size="16" fill="#fff" text-anchor="middle">attache</text>
</svg>
EOF
record images/badge.svg genuine badge.svg image/svg+xml image/svg+xml image \
  'hand-written by make-fixtures.sh' 'SVG that starts directly with the <svg> element.'

cat >"$out_dir/images/badge-xml-declaration.svg" <<'EOF'
<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" width="120" height="40" viewBox="0 0 120 40">
  <rect width="120" height="40" rx="6" fill="#2f855a"/>
  <text x="60" y="26" font-family="sans-serif" font-size="16" fill="#fff" text-anchor="middle">ok</text>
</svg>
EOF
record images/badge-xml-declaration.svg genuine badge-xml-declaration.svg image/svg+xml \
  image/svg+xml image 'hand-written by make-fixtures.sh' \
  'SVG that starts with an XML declaration, so its first bytes look like any XML file.'

# ---------------------------------------------------------------------------------------------
# Audio and video (ffmpeg). One second of a test pattern and a 440 Hz tone; the bitexact flags
# keep the encoder version and creation time out of the output.

ff=(ffmpeg -hide_banner -loglevel error -y -threads 1)
ff_video=(-f lavfi -i 'testsrc2=size=96x64:rate=10:duration=1')
ff_audio=(-f lavfi -i 'sine=frequency=440:sample_rate=22050:duration=1')
ff_exact=(-map_metadata -1 -fflags +bitexact -flags:v +bitexact -flags:a +bitexact)
ff_cmd="$ffmpeg_version: ffmpeg -f lavfi -i testsrc2=size=96x64:rate=10:duration=1 -f lavfi -i sine=frequency=440:sample_rate=22050:duration=1 -map_metadata -1 -fflags +bitexact -flags:v +bitexact -flags:a +bitexact"
ff_cmd_audio="$ffmpeg_version: ffmpeg -f lavfi -i sine=frequency=440:sample_rate=22050:duration=1 -map_metadata -1 -fflags +bitexact -flags:a +bitexact"
h264=(-c:v libx264 -preset veryfast -crf 35 -pix_fmt yuv420p)
aac=(-c:a aac -b:a 32k -ac 1)

"${ff[@]}" "${ff_audio[@]}" "${ff_exact[@]}" "${aac[@]}" "$out_dir/audio/tone.m4a"
record audio/tone.m4a genuine tone.m4a audio/mp4 audio/mp4 audio \
  "$ff_cmd_audio -c:a aac -b:a 32k -ac 1 tone.m4a" \
  'AAC in an MPEG-4 container that ffmpeg writes with ftyp major brand M4A.'
"${ff[@]}" "${ff_audio[@]}" "${ff_exact[@]}" -c:a libmp3lame -b:a 32k -ac 1 "$out_dir/audio/tone.mp3"
record audio/tone.mp3 genuine tone.mp3 audio/mpeg audio/mpeg audio \
  "$ff_cmd_audio -c:a libmp3lame -b:a 32k -ac 1 tone.mp3" 'MP3 that starts with an ID3v2 tag.'
"${ff[@]}" "${ff_audio[@]}" "${ff_exact[@]}" -c:a pcm_s16le -ar 8000 -ac 1 "$out_dir/audio/tone.wav"
record audio/tone.wav genuine tone.wav audio/wav audio/wav audio \
  "$ff_cmd_audio -c:a pcm_s16le -ar 8000 -ac 1 tone.wav" '16-bit PCM WAVE in a RIFF container.'
"${ff[@]}" "${ff_audio[@]}" "${ff_exact[@]}" -c:a libvorbis -q:a 0 -ac 1 "$out_dir/audio/tone.ogg"
record audio/tone.ogg genuine tone.ogg audio/ogg audio/ogg audio \
  "$ff_cmd_audio -c:a libvorbis -q:a 0 -ac 1 tone.ogg" 'Vorbis audio in an Ogg container.'
"${ff[@]}" "${ff_audio[@]}" "${ff_exact[@]}" -c:a libopus -b:a 24k -ac 1 "$out_dir/audio/tone.opus"
record audio/tone.opus genuine tone.opus audio/ogg audio/ogg audio \
  "$ff_cmd_audio -c:a libopus -b:a 24k -ac 1 tone.opus" 'Opus audio in an Ogg container.'

"${ff[@]}" "${ff_video[@]}" "${ff_audio[@]}" "${ff_exact[@]}" "${h264[@]}" "${aac[@]}" \
  "$out_dir/video/clip.mp4"
record video/clip.mp4 genuine clip.mp4 video/mp4 video/mp4 video \
  "$ff_cmd -c:v libx264 -preset veryfast -crf 35 -pix_fmt yuv420p -c:a aac -b:a 32k -ac 1 clip.mp4" \
  'H.264 and AAC in MP4, ftyp major brand isom, moov after mdat.'
"${ff[@]}" "${ff_video[@]}" "${ff_audio[@]}" "${ff_exact[@]}" "${h264[@]}" "${aac[@]}" \
  "$out_dir/video/clip.mov"
record video/clip.mov genuine clip.mov video/quicktime video/quicktime video \
  "$ff_cmd -c:v libx264 -preset veryfast -crf 35 -pix_fmt yuv420p -c:a aac -b:a 32k -ac 1 clip.mov" \
  'H.264 and AAC in a QuickTime file, ftyp major brand qt.'
"${ff[@]}" "${ff_video[@]}" "${ff_audio[@]}" "${ff_exact[@]}" \
  -c:v libvpx-vp9 -b:v 0 -crf 50 -c:a libopus -b:a 24k -ac 1 "$out_dir/video/clip.webm"
record video/clip.webm genuine clip.webm video/webm video/webm video \
  "$ff_cmd -c:v libvpx-vp9 -b:v 0 -crf 50 -c:a libopus -b:a 24k -ac 1 clip.webm" \
  'VP9 and Opus in WebM, an EBML file with DocType webm.'
"${ff[@]}" "${ff_video[@]}" "${ff_audio[@]}" "${ff_exact[@]}" "${h264[@]}" "${aac[@]}" \
  "$out_dir/video/clip.mkv"
record video/clip.mkv genuine clip.mkv video/x-matroska video/x-matroska video \
  "$ff_cmd -c:v libx264 -preset veryfast -crf 35 -pix_fmt yuv420p -c:a aac -b:a 32k -ac 1 clip.mkv" \
  'H.264 and AAC in Matroska, an EBML file with DocType matroska.'
"${ff[@]}" "${ff_video[@]}" "${ff_audio[@]}" "${ff_exact[@]}" \
  -c:v mpeg4 -q:v 10 -c:a libmp3lame -b:a 32k -ac 1 "$out_dir/video/clip.avi"
record video/clip.avi genuine clip.avi video/x-msvideo video/x-msvideo video \
  "$ff_cmd -c:v mpeg4 -q:v 10 -c:a libmp3lame -b:a 32k -ac 1 clip.avi" \
  'MPEG-4 Part 2 video and MP3 in AVI, a RIFF container.'

# ---------------------------------------------------------------------------------------------
# Archives (zip, gzip, tar, 7-Zip) of two small text files.

archive_src="$work_dir/archive-src"
mkdir -p "$archive_src"
printf 'Site notes for the Attache test corpus.\n' >"$archive_src/notes.txt"
cp "$src/timesheet.csv" "$archive_src/timesheet.csv"
pin_mtime "$archive_src"/*
tar_exact=(--sort=name "--mtime=@$SOURCE_DATE_EPOCH" --owner=0 --group=0 --numeric-owner --format=ustar)

(cd "$archive_src" && zip -q -X -9 "$out_dir/archives/bundle.zip" notes.txt timesheet.csv)
record archives/bundle.zip genuine bundle.zip application/zip application/zip archive \
  "$zip_version: zip -X -9 bundle.zip notes.txt timesheet.csv" 'Plain zip of two text files.'
gzip -n -9 -c "$archive_src/notes.txt" >"$out_dir/archives/notes.txt.gz"
record archives/notes.txt.gz genuine notes.txt.gz application/gzip application/gzip archive \
  "$gzip_version: gzip -n -9 -c notes.txt > notes.txt.gz" 'Gzip stream of one text file.'
tar -C "$archive_src" "${tar_exact[@]}" -cf "$out_dir/archives/bundle.tar" notes.txt timesheet.csv
record archives/bundle.tar genuine bundle.tar application/x-tar application/x-tar archive \
  "$tar_version: tar ${tar_exact[*]} -cf bundle.tar notes.txt timesheet.csv" \
  'POSIX ustar archive, identified by the ustar magic at offset 257.'
tar -C "$archive_src" "${tar_exact[@]}" -cf - notes.txt timesheet.csv | gzip -n -9 \
  >"$out_dir/archives/bundle.tgz"
record archives/bundle.tgz genuine bundle.tgz application/gzip application/gzip archive \
  "$tar_version, $gzip_version: tar ${tar_exact[*]} -cf - notes.txt timesheet.csv | gzip -n -9 > bundle.tgz" \
  'Gzip-compressed tar; the npm package mime-types 3 has no entry for .tgz, so application/gzip is chosen by hand.'
(cd "$archive_src" && 7z a -bd -bso0 -mx=9 -mmt=1 "$out_dir/archives/bundle.7z" notes.txt timesheet.csv)
record archives/bundle.7z genuine bundle.7z application/x-7z-compressed application/x-7z-compressed \
  archive "$sevenzip_version: 7z a -mx=9 -mmt=1 bundle.7z notes.txt timesheet.csv" '7-Zip archive.'

# ---------------------------------------------------------------------------------------------
# Hand-made text files.

hand='hand-written by make-fixtures.sh'
printf 'employee,date,hours\nDana,2024-01-02,7.5\nEli,2024-01-02,8\n"Cohen, Noa",2024-01-03,6\n' \
  >"$out_dir/text/hours.csv"
record text/hours.csv genuine hours.csv text/csv text/csv text "$hand" \
  'CSV with a quoted field that contains a comma.'
printf 'Meeting notes\nAttendees: Dana, Eli, Noa\nCafé at 10:00 — bring the plans.\n' \
  >"$out_dir/text/notes-utf8.txt"
record text/notes-utf8.txt genuine notes-utf8.txt text/plain text/plain text "$hand" \
  'UTF-8 text without a BOM that contains non-ASCII characters.'
printf 'Meeting notes\r\nCafé at 10:00 — bring the plans.\r\n' | iconv -f UTF-8 -t UTF-16LE \
  | { printf '\xff\xfe'; cat; } >"$out_dir/text/notes-utf16le-bom.txt"
record text/notes-utf16le-bom.txt genuine notes-utf16le-bom.txt text/plain text/plain text \
  "$hand (iconv -f UTF-8 -t UTF-16LE, BOM FF FE prepended)" \
  'UTF-16LE text with a byte order mark, as Windows Notepad saves "Unicode" text.'
printf '{\n  "site": "North",\n  "crew": ["Dana", "Eli"],\n  "hours": 15.5,\n  "closed": false\n}\n' \
  >"$out_dir/text/site.json"
record text/site.json genuine site.json application/json application/json text "$hand" \
  'Small JSON object.'
printf '<?xml version="1.0" encoding="UTF-8"?>\n<sites>\n  <site id="1" name="North"/>\n  <site id="2" name="South"/>\n</sites>\n' \
  >"$out_dir/text/sites.xml"
record text/sites.xml genuine sites.xml application/xml application/xml text "$hand" \
  'XML document with an XML declaration.'
cat >"$out_dir/text/page.html" <<'EOF'
<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>Site report</title>
  </head>
  <body>
    <h1>Site report</h1>
    <p>Part of the Attache content-type test corpus.</p>
  </body>
</html>
EOF
record text/page.html genuine page.html text/html text/html text "$hand" \
  'HTML5 page that starts with a doctype.'
cat >"$out_dir/text/readme.md" <<'EOF'
# Site report

- Crew: Dana, Eli
- Hours: **15.5**

See the [schedule](https://example.com/schedule).
EOF
record text/readme.md genuine readme.md text/markdown text/markdown text "$hand" 'Markdown text.'
: >"$out_dir/text/empty.txt"
record text/empty.txt genuine empty.txt text/plain text/plain text "$hand (0 bytes)" \
  'Empty file, which no signature can identify but an honest .txt upload can be.'

# ---------------------------------------------------------------------------------------------
# A minimal Windows executable: a PE32+ (x86-64) console program whose only code is
# "xor eax, eax; ret", so it exits with status 0.

"$python" - "$out_dir/other/hello.exe" <<'EOF'
import struct
import sys

file_alignment = 0x200
section_alignment = 0x1000

# DOS header: "MZ" and, at 0x3C, the offset of the PE header that follows it directly.
dos_header = bytearray(0x40)
dos_header[0:2] = b"MZ"
struct.pack_into("<I", dos_header, 0x3C, len(dos_header))

optional_header_size = 112 + 16 * 8
coff_header = struct.pack(
    "<4sHHIIIHH",
    b"PE\0\0",
    0x8664,  # machine: x86-64
    1,  # number of sections
    0,  # time stamp, left at 0 so the file is reproducible
    0,
    0,
    optional_header_size,
    0x0023,  # relocations stripped, executable image, large address aware
)
optional_header = struct.pack(
    "<HBBIIIIIQIIHHHHHHIIIIHHQQQQII",
    0x20B,  # PE32+
    14, 0,  # linker version
    file_alignment,  # size of code
    0, 0,  # size of initialised and uninitialised data
    section_alignment,  # entry point RVA: start of .text
    section_alignment,  # base of code
    0x140000000,  # image base
    section_alignment,
    file_alignment,
    6, 0, 0, 0, 6, 0,  # OS, image and subsystem versions (Windows Vista and later)
    0,  # Win32 version value
    2 * section_alignment,  # size of image: headers page + .text page
    file_alignment,  # size of headers
    0,  # checksum, not checked for programs
    3,  # subsystem: Windows console
    0x0100,  # DLL characteristics: NX compatible
    0x100000, 0x1000, 0x100000, 0x1000,  # stack and heap reserve and commit
    0,  # loader flags
    16,  # number of data directories, all empty
) + bytes(16 * 8)
code = bytes([0x31, 0xC0, 0xC3])  # xor eax, eax; ret
section_header = struct.pack(
    "<8sIIIIIIHHI",
    b".text",
    len(code),  # virtual size
    section_alignment,  # virtual address
    file_alignment,  # size of raw data
    file_alignment,  # pointer to raw data
    0, 0, 0, 0,
    0x60000020,  # code, executable, readable
)
headers = bytes(dos_header) + coff_header + optional_header + section_header
image = headers.ljust(file_alignment, b"\0") + code.ljust(file_alignment, b"\0")
with open(sys.argv[1], "wb") as out:
    out.write(image)
EOF
record other/hello.exe genuine hello.exe application/x-msdos-program application/x-msdos-program \
  executable "$python_version: struct-packed PE32+ header in make-fixtures.sh" \
  'Minimal PE32+ console program; mime-types 3 maps .exe to application/x-msdos-program, file-type 21 reports application/x-msdownload and IANA registers application/vnd.microsoft.portable-executable.'

# ---------------------------------------------------------------------------------------------
# Edge cases: genuine files that are easy to misjudge.

# Re-zip the LibreOffice DOCX through a pipe, with [Content_Types].xml moved to the front as
# Microsoft Word orders it. Info-ZIP cannot seek back on a pipe, so it sets general-purpose bit 3
# and writes the CRC and compressed size in a data descriptor after each entry.
unzip -q "$lo_out/report.docx" -d "$work_dir/docx-tree"
mapfile -t docx_entries < <(
  echo '[Content_Types].xml'
  zipinfo -1 "$lo_out/report.docx" | grep -vxF '[Content_Types].xml'
)
(cd "$work_dir/docx-tree" && pin_mtime "${docx_entries[@]}" && zip -q -X - "${docx_entries[@]}") \
  | cat >"$out_dir/edge/streamed.docx"
"$python" - "$out_dir/edge/streamed.docx" <<'EOF'
import sys
import zipfile

with zipfile.ZipFile(sys.argv[1]) as archive:
    without_descriptor = [i.filename for i in archive.infolist() if not i.flag_bits & 0x08]
if without_descriptor:
    sys.exit("make-fixtures: streamed.docx entries without bit 3: %s" % without_descriptor)
EOF
record edge/streamed.docx edge streamed.docx "${office_types[docx]}" "${office_types[docx]}" \
  document "$zip_version: zip -X - '[Content_Types].xml' <other entries of documents/report.docx in their order> | cat > streamed.docx" \
  'DOCX zipped to a pipe with [Content_Types].xml first, so a detector must find the end of that first entry from its data descriptor (local header compressed size 0).'

cp "$lo_out/large/large-timesheet.xlsx" "$out_dir/edge/content-types-not-first.xlsx"
record edge/content-types-not-first.xlsx edge content-types-not-first.xlsx "${office_types[xlsx]}" \
  "${office_types[xlsx]}" spreadsheet \
  "$lo_cmd 'xlsx:Calc MS Excel 2007 XML' large-timesheet.csv $csv_in (3000 generated rows)" \
  'XLSX of about 100 KB whose [Content_Types].xml is the 7th of 9 zip entries, after the workbook parts and before the large worksheet.'

# A presentation with an embedded incompressible picture. LibreOffice Impress writes the picture
# early and [Content_Types].xml as the last entry of a PPTX, so that entry starts past 64 KiB.
"${im[@]}" -seed 1 -size 150x150 xc: +noise Random -depth 8 "${im_clean[@]}" "$src/noise.png"
"$python" - "$src/slides.fodp" "$src/noise.png" "$src/photo-slides.fodp" <<'PYTHON'
import base64
import sys

template = open(sys.argv[1], encoding="utf-8").read()
picture = base64.b64encode(open(sys.argv[2], "rb").read()).decode("ascii")
frame = ('    <draw:frame svg:x="2cm" svg:y="10cm" svg:width="4cm" svg:height="4cm">'
         "<draw:image><office:binary-data>%s</office:binary-data></draw:image></draw:frame>\n"
         % picture)
open(sys.argv[3], "w", encoding="utf-8").write(
    template.replace("   </draw:page>", frame + "   </draw:page>", 1))
PYTHON
lo_convert "$src/photo-slides.fodp" 'pptx:Impress MS PowerPoint 2007 XML' "$lo_out/photo"
cp "$lo_out/photo/photo-slides.pptx" "$out_dir/edge/content-types-past-64k.pptx"
"$python" - "$out_dir/edge/content-types-past-64k.pptx" <<'PYTHON'
import sys
import zipfile

with zipfile.ZipFile(sys.argv[1]) as archive:
    offset = archive.getinfo("[Content_Types].xml").header_offset
if offset <= 64 * 1024:
    sys.exit("make-fixtures: [Content_Types].xml starts at %d, not past 64 KiB" % offset)
PYTHON
record edge/content-types-past-64k.pptx edge content-types-past-64k.pptx "${office_types[pptx]}" \
  "${office_types[pptx]}" presentation \
  "$lo_cmd 'pptx:Impress MS PowerPoint 2007 XML' photo-slides.fodp (slides.fodp plus a 150x150 noise PNG from convert -seed 1 -size 150x150 xc: +noise Random -depth 8)" \
  'PPTX whose last entry, [Content_Types].xml, starts past 64 KiB behind an embedded picture, as in any LibreOffice PPTX with more than 64 KiB of pictures.'

"${im[@]}" rose: -resize 220x144 -strip -compress None "$out_dir/edge/ifd-at-end.tiff"
record edge/ifd-at-end.tiff edge ifd-at-end.tiff image/tiff image/tiff image \
  "$im_cmd rose: -resize 220x144 -strip -compress None ifd-at-end.tiff" \
  'Uncompressed TIFF of about 95 KB whose first IFD, which ImageMagick writes after the pixel data, starts past 64 KiB.'

"${ff[@]}" "${ff_audio[@]}" "${ff_exact[@]}" "${aac[@]}" -f mp4 "$out_dir/edge/aac-isom-brand.m4a"
record edge/aac-isom-brand.m4a edge aac-isom-brand.m4a audio/mp4 audio/mp4 audio \
  "$ff_cmd_audio -c:a aac -b:a 32k -ac 1 -f mp4 aac-isom-brand.m4a" \
  'AAC-only .m4a with the generic MP4 brand isom instead of M4A, so signature sniffing calls it video/mp4.'

"$python" - "$out_dir/edge/python-docx.docx" <<'EOF'
import sys
import docx

document = docx.Document()
document.add_heading("Crew schedule", level=1)
document.add_paragraph("Written by python-docx for the Attache content-type test corpus.")
document.save(sys.argv[1])
EOF
record edge/python-docx.docx edge python-docx.docx "${office_types[docx]}" "${office_types[docx]}" \
  document "$python_docx_version ($python_version): docx.Document().save()" \
  'DOCX from python-docx, whose template orders zip entries differently from LibreOffice.'
lo_convert "$out_dir/edge/python-docx.docx" 'doc:MS Word 97' "$lo_out/from-python-docx"
cp "$lo_out/from-python-docx/python-docx.doc" "$out_dir/edge/legacy-word97.doc"
record edge/legacy-word97.doc edge legacy-word97.doc application/msword application/msword \
  document "$lo_cmd 'doc:MS Word 97' python-docx.docx" \
  'Legacy Word document; its CFB container is shared with .xls, .ppt and .msi, so the bytes alone say only CFB.'

printf '# Crew schedule\n\nWritten by **pandoc** for the Attache content-type test corpus.\n' \
  >"$src/pandoc.md"
pandoc "$src/pandoc.md" -o "$out_dir/edge/pandoc.docx"
record edge/pandoc.docx edge pandoc.docx "${office_types[docx]}" "${office_types[docx]}" document \
  "$pandoc_version: pandoc pandoc.md -o pandoc.docx" \
  'DOCX from pandoc, a second non-LibreOffice writer.'

"${im[@]}" "$src/logo.png" -quality 90 "$src/IMG_0001.jpg"
heif-enc -q 50 -o "$out_dir/edge/IMG_0001.HEIC" "$src/IMG_0001.jpg" >/dev/null
record edge/IMG_0001.HEIC edge IMG_0001.HEIC image/heic image/heic image \
  "$heif_cmd -q 50 -o IMG_0001.HEIC IMG_0001.jpg (x265 encoder; the JPEG from convert logo: -resize 160x120)" \
  'HEIC with an upper-case extension and the file name an iPhone gives it.'

# Add "isom" to the compatible brands of an ffmpeg QuickTime file. The ftyp box grows by 4 bytes,
# so every chunk offset in stco/co64 is moved by 4 as well.
"${ff[@]}" "${ff_video[@]}" "${ff_audio[@]}" "${ff_exact[@]}" "${h264[@]}" "${aac[@]}" \
  "$src/camera.mov"
"$python" - "$src/camera.mov" "$out_dir/edge/camera-extra-brand.MOV" <<'EOF'
import struct
import sys

EXTRA_BRAND = b"isom"
CONTAINERS = {b"moov", b"trak", b"mdia", b"minf", b"stbl", b"edts", b"dinf"}

data = bytearray(open(sys.argv[1], "rb").read())
ftyp_size, ftyp_type = struct.unpack_from(">I4s", data, 0)
if ftyp_type != b"ftyp" or data[8:12] != b"qt  ":
    sys.exit("make-fixtures: %s does not start with a QuickTime ftyp box" % sys.argv[1])


def shift_chunk_offsets(start, end, delta):
    """Add delta to every stco/co64 entry among the boxes in data[start:end]."""
    position = start
    while position < end:
        size, box_type = struct.unpack_from(">I4s", data, position)
        header = 8
        if size == 1:
            size = struct.unpack_from(">Q", data, position + 8)[0]
            header = 16
        if size < header:
            sys.exit("make-fixtures: invalid box size %d at offset %d" % (size, position))
        if box_type in CONTAINERS:
            shift_chunk_offsets(position + header, position + size, delta)
        elif box_type in (b"stco", b"co64"):
            count = struct.unpack_from(">I", data, position + header + 4)[0]
            entry_format = ">I" if box_type == b"stco" else ">Q"
            entry_size = struct.calcsize(entry_format)
            first = position + header + 8
            for index in range(count):
                offset = first + index * entry_size
                value = struct.unpack_from(entry_format, data, offset)[0]
                struct.pack_into(entry_format, data, offset, value + delta)
        position += size


shift_chunk_offsets(ftyp_size, len(data), len(EXTRA_BRAND))
data[ftyp_size:ftyp_size] = EXTRA_BRAND
struct.pack_into(">I", data, 0, ftyp_size + len(EXTRA_BRAND))
open(sys.argv[2], "wb").write(data)
EOF
record edge/camera-extra-brand.MOV edge camera-extra-brand.MOV video/quicktime video/quicktime video \
  "$ff_cmd -c:v libx264 -preset veryfast -crf 35 -pix_fmt yuv420p -c:a aac -b:a 32k -ac 1 camera.mov, then make-fixtures.sh appends compatible brand isom to ftyp and shifts stco offsets by 4" \
  'QuickTime file whose ftyp lists isom as an extra compatible brand next to qt, so only the major brand marks it as QuickTime.'

pdf="$lo_out/report.pdf"
{ printf '\n'; cat "$pdf"; } >"$out_dir/edge/leading-newline.pdf"
record edge/leading-newline.pdf edge leading-newline.pdf application/pdf application/pdf pdf \
  "$lo_cmd 'pdf:writer_pdf_Export' report.fodt, then one LF prepended" \
  'PDF with a newline before %PDF-, which PDF readers accept within the first 1024 bytes.'
{ printf '\xef\xbb\xbf'; cat "$pdf"; } >"$out_dir/edge/utf8-bom.pdf"
record edge/utf8-bom.pdf edge utf8-bom.pdf application/pdf application/pdf pdf \
  "$lo_cmd 'pdf:writer_pdf_Export' report.fodt, then a UTF-8 BOM (EF BB BF) prepended" \
  'PDF with a UTF-8 byte order mark before %PDF-, as some text-oriented pipelines add.'
{
  "$python" -c '
import random
import sys
junk = bytes(random.Random(7).randrange(256) for _ in range(500))
assert b"%PDF" not in junk
sys.stdout.buffer.write(junk)'
  cat "$pdf"
} >"$out_dir/edge/leading-junk.pdf"
record edge/leading-junk.pdf edge leading-junk.pdf application/pdf application/pdf pdf \
  "$lo_cmd 'pdf:writer_pdf_Export' report.fodt, then 500 bytes from Python random.Random(7) prepended" \
  'PDF with 500 bytes of binary junk before %PDF-, still inside the 1024 bytes that PDF readers search.'

cat >"$out_dir/edge/inkscape-style.svg" <<'EOF'
<?xml version="1.0" encoding="UTF-8" standalone="no"?>
<!-- Created for the Attache content-type test corpus -->
<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">
<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64" viewBox="0 0 64 64" version="1.1">
  <circle cx="32" cy="32" r="28" fill="#c53030"/>
</svg>
EOF
record edge/inkscape-style.svg edge inkscape-style.svg image/svg+xml image/svg+xml image "$hand" \
  'SVG that starts with an XML declaration, a comment and a doctype before the <svg> element.'

printf 'a,b\n' >"$out_dir/edge/four-bytes.csv"
record edge/four-bytes.csv edge four-bytes.csv text/csv text/csv text "$hand (printf 'a,b\\n')" \
  'CSV of exactly four bytes, shorter than most signatures.'

tar -C "$archive_src" "${tar_exact[@]}" -czf "$out_dir/edge/site-backup.tgz" notes.txt timesheet.csv
record edge/site-backup.tgz edge site-backup.tgz application/gzip application/gzip archive \
  "$tar_version: tar ${tar_exact[*]} -czf site-backup.tgz notes.txt timesheet.csv" \
  'Gzip-compressed tar made by tar -z; mime-types 3 returns nothing for .tgz, so the type must come from the bytes.'

# ---------------------------------------------------------------------------------------------
# Disguises: files whose bytes do not match the name or the declared type.

: >"$out_dir/disguises/photo.png"
record disguises/photo.png disguise photo.png image/png '' image "$hand (0 bytes)" \
  'Empty file named as a PNG.'

boundary='----WebKitFormBoundaryq3Hc7LmT0aXy9PzR'
{
  printf -- '--%s\r\n' "$boundary"
  printf 'Content-Disposition: form-data; name="file"; filename="report.pdf"\r\n'
  printf 'Content-Type: application/pdf\r\n\r\n'
  cat "$pdf"
  printf '\r\n--%s--\r\n' "$boundary"
} >"$out_dir/disguises/multipart-wrapped.pdf"
record disguises/multipart-wrapped.pdf disguise report.pdf application/pdf '' pdf \
  "$hand: documents/report.pdf inside a multipart/form-data body with boundary $boundary" \
  'Whole multipart/form-data request body stored as the file, as a client that posts FormData to a raw-upload URL produces; %PDF- is not at offset 0.'

printf '{"tag":"WEBP","size":123,"note":"bytes 8-11 spell WEBP but there is no RIFF header"}\n' \
  >"$out_dir/disguises/fake.webp"
record disguises/fake.webp disguise fake.webp image/webp '' image "$hand" \
  'JSON whose bytes 8-11 are WEBP, to catch a check that skips the RIFF magic at offset 0.'

cat >"$out_dir/disguises/avatar.png" <<'EOF'
<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10" onload="alert(document.domain)">
  <rect width="10" height="10" fill="red"/>
</svg>
EOF
record disguises/avatar.png disguise avatar.png image/png '' image "$hand" \
  'SVG with an onload script named as a PNG, which a browser runs if it is served as SVG.'

disguise_zip="$work_dir/disguise-zip"
mkdir -p "$disguise_zip"
printf 'first file\n' >"$disguise_zip/a.txt"
printf 'second file\n' >"$disguise_zip/b.txt"
pin_mtime "$disguise_zip"/*
(cd "$disguise_zip" && zip -q -X "$out_dir/disguises/contract.docx" a.txt b.txt)
record disguises/contract.docx disguise contract.docx "${office_types[docx]}" '' document \
  "$zip_version: zip -X contract.docx a.txt b.txt" \
  'Plain zip of two text files named as a DOCX; it has no [Content_Types].xml.'

cp "$out_dir/images/rose.png" "$out_dir/disguises/export.csv"
record disguises/export.csv disguise export.csv text/csv '' text 'cp images/rose.png export.csv' \
  'PNG bytes named as a CSV.'
cp "$out_dir/images/rose.png" "$out_dir/disguises/scan.pdf"
record disguises/scan.pdf disguise scan.pdf application/pdf '' pdf 'cp images/rose.png scan.pdf' \
  'PNG bytes named as a PDF.'
cp "$out_dir/other/hello.exe" "$out_dir/disguises/invoice.pdf.exe"
record disguises/invoice.pdf.exe disguise invoice.pdf.exe application/pdf '' pdf \
  'cp other/hello.exe invoice.pdf.exe' \
  'Windows executable whose name looks like a PDF to a person who sees only invoice.pdf; declared as the PDF the name suggests.'

# ---------------------------------------------------------------------------------------------
# manifest.json from the recorded rows.

"$python" - "$manifest_rows" "$out_dir/manifest.json" <<'EOF'
import json
import os
import sys

fields = ["file", "kind", "fileName", "declaredType", "expectedType", "family", "madeBy", "note"]
entries = []
with open(sys.argv[1], encoding="utf-8") as rows:
    for line in rows:
        values = line.rstrip("\n").split("\x1f")
        if len(values) != len(fields):
            sys.exit("make-fixtures: manifest row has %d fields, expected %d: %r"
                     % (len(values), len(fields), line))
        entry = dict(zip(fields, values))
        entry["expectedType"] = entry["expectedType"] or None
        entries.append(entry)

out_dir = os.path.dirname(sys.argv[2])
on_disk = sorted(
    os.path.relpath(os.path.join(folder, name), out_dir)
    for folder, _, names in os.walk(out_dir)
    for name in names
    if folder != out_dir
)
listed = sorted(entry["file"] for entry in entries)
if on_disk != listed:
    sys.exit("make-fixtures: files and manifest differ: %s"
             % sorted(set(on_disk).symmetric_difference(listed)))

with open(sys.argv[2], "w", encoding="utf-8") as out:
    json.dump(entries, out, indent=2, ensure_ascii=False)
    out.write("\n")
EOF

# Reject any file over the 300 KB ceiling that keeps the corpus small. The exception is the
# LibreOffice .ppt: LibreOffice 7.4 stores an uncompressed 384x288 32-bit preview bitmap (about
# 432 KiB) in every .ppt it writes, whatever the slide size, and has no option to leave it out.
oversized=$(find "$out_dir" -type f -size +300k ! -path "$out_dir/documents/slides.ppt")
if [[ -n "$oversized" ]]; then
  echo "make-fixtures: files over 300 KB: $oversized" >&2
  exit 1
fi
echo "make-fixtures: wrote $(wc -l <"$manifest_rows") files and manifest.json to $out_dir"
