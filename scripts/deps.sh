#!/usr/bin/env bash
# Installs the Debian packages kaigi2xlsx needs to build, run and test, when any is missing.
# Usage: scripts/deps.sh [run|test|office|fuzz|bench]   (test adds what the test suite needs;
# office only LibreOffice Calc, which the optional xlsx_office test opens every workbook with;
# reportlab only ReportLab, the second producer of the reportlab test's PDFs;
# fuzz adds clang with libFuzzer and llvm-symbolizer for scripts/fuzz.sh; bench the tools
# scripts/bench.sh compares with: pdftotext, mutool, pdf2txt, and GNU time)
set -euo pipefail

# libpoppler-private-dev: poppler's core API, for the paths a page draws (src/extract_rules.cc).
# libtesseract-dev (with libleptonica-dev) and tesseract-ocr-jpn: OCR of scanned pages (src/ocr.c).
packages=(build-essential cmake pkg-config libglib2.0-dev libpoppler-glib-dev
          libpoppler-private-dev libjson-glib-dev libxlsxwriter-dev libcairo2-dev
          libpango1.0-dev fonts-ipaexfont libtesseract-dev libleptonica-dev tesseract-ocr-jpn
          gettext)
case "${1:-run}" in
  test) packages+=(libcmocka-dev poppler-utils python3 python3-openpyxl valgrind) ;;
  office) packages=(libreoffice-calc-nogui) ;;
  reportlab) packages=(python3-reportlab) ;;
  fuzz) packages+=(clang libclang-rt-dev llvm) ;;
  bench) packages+=(libcmocka-dev poppler-utils python3 python3-openpyxl mupdf-tools
                    python3-pdfminer time) ;;
esac

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "Installing: ${missing[*]}" >&2
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
