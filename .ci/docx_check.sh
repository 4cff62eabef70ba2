#!/usr/bin/env bash
# The period report's Word file opened by a real word processor: the city demo's four-year report
# (`lamtheo report … --format docx`) converted by LibreOffice (`soffice --headless --convert-to pdf`); the PDF
# must have pages and carry the document's fixed parts and a figure from records. The pages are rendered to
# PNG under target/report-pdf/ for people to look at.
# Usage: .ci/docx_check.sh
set -euo pipefail
cd "$(dirname "$0")/.."

apt_install() {
  apt-get install -y --no-install-recommends "$@" >/dev/null 2>&1 \
    || (apt-get update >/dev/null 2>&1 && apt-get install -y --no-install-recommends "$@" >/dev/null 2>&1)
}
if ! command -v soffice >/dev/null 2>&1; then
  echo "Installing LibreOffice Writer (Debian)"
  apt_install libreoffice-writer-nogui fonts-liberation
fi
command -v pdftoppm >/dev/null 2>&1 || apt_install poppler-utils

cargo build --quiet --bin lamtheo
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
LAMTHEO_LOG=warn target/debug/lamtheo --data-dir "$work/data" demo >"$work/demo.log" 2>&1 \
  || { cat "$work/demo.log" >&2; exit 1; }
LAMTHEO_LOG=error target/debug/lamtheo --data-dir "$work/data" report --unit TU-BT --from 2016-06-21 --to 2020-05-20 \
  --format docx --output "$work/bao-cao.docx"
(cd "$work" && HOME="$work" soffice --headless --convert-to pdf bao-cao.docx >/dev/null 2>&1)
test -s "$work/bao-cao.pdf" || { echo "LibreOffice did not convert the report" >&2; exit 1; }
pages="$(pdfinfo "$work/bao-cao.pdf" | awk '/^Pages:/ {print $2}')"
echo "report: $pages pages"
text="$(pdftotext -layout "$work/bao-cao.pdf" -)"
missing=0
for want in "ĐẢNG CỘNG SẢN VIỆT NAM" "THÀNH ỦY" "BÁO CÁO" "Bến Tre, ngày" "T/M BAN THƯỜNG VỤ" "Nơi nhận" "3.520"; do
  if ! grep -qF "$want" <<<"$text"; then
    echo "the PDF lacks \"$want\"" >&2
    missing=1
  fi
done
rm -rf target/report-pdf && mkdir -p target/report-pdf
cp "$work/bao-cao.docx" "$work/bao-cao.pdf" target/report-pdf/
pdftoppm -png -r 50 "$work/bao-cao.pdf" target/report-pdf/trang
exit $missing
