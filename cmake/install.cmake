# What `cmake --install` and CPack add to the install rules of the targets: the man page and
# the Debian package (scripts/package.sh builds it; scripts/test-deb.sh checks it).

# The man page names the installed data directory, so it is configured, then gzipped as Debian
# ships man pages (-n: no name or time inside, so the package builds the same twice).
set(K2X_MAN_DATADIR ${CMAKE_INSTALL_FULL_DATADIR}/kaigi2xlsx)
configure_file(doc/kaigi2xlsx.1.in ${CMAKE_CURRENT_BINARY_DIR}/kaigi2xlsx.1 @ONLY)
add_custom_command(
  OUTPUT ${CMAKE_CURRENT_BINARY_DIR}/kaigi2xlsx.1.gz
  COMMAND gzip -9nkf ${CMAKE_CURRENT_BINARY_DIR}/kaigi2xlsx.1
  DEPENDS ${CMAKE_CURRENT_BINARY_DIR}/kaigi2xlsx.1
  COMMENT "Compressing the man page" VERBATIM)
add_custom_target(k2x_man ALL DEPENDS ${CMAKE_CURRENT_BINARY_DIR}/kaigi2xlsx.1.gz)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/kaigi2xlsx.1.gz DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME kaigi2xlsx)
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "convert Japanese ministry meeting PDFs to spreadsheets")
# The summary above is the first line of Description; this is the rest.
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION
    "kaigi2xlsx reads bundles of regional reports, such as those of the AD joint
meetings of the MHLW community mental health care programme, from PDF or
pdftotext output, and writes per input an xlsx workbook, a JSON document,
CSV files and a review PDF: one row per report with its prefecture and area,
the goal/status table row by row, and every item of the other sections.
Batches run in parallel, incrementally and under a lock, for nightly runs.")
set(K2X_MAINTAINER "kaigi2xlsx maintainers <maintainers@users.noreply.b-seed-ada95fc5.example>"
    CACHE STRING "Maintainer field of the Debian package")
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${K2X_MAINTAINER}")
set(CPACK_DEBIAN_PACKAGE_SECTION text)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_RELEASE 1)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
# The library packages come from dpkg-shlibdeps, with the sonames and versions of the Debian
# the package is built on (bookworm: libpoppler-glib8, liblept5, libglib2.0-0, libjson-glib-1.0-0,
# libxlsxwriter4, libcairo2, libpango-1.0-0, libpangocairo-1.0-0, libc6); the fonts the review
# PDF is drawn with are no library, so they are named here.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# Tesseract is loaded at run time (src/ocr.c says why), so dpkg-shlibdeps cannot see it; its
# Japanese language data is no library either.
set(CPACK_DEBIAN_PACKAGE_DEPENDS "fonts-ipaexfont, libtesseract5, tesseract-ocr-jpn")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "poppler-utils")
set(CPACK_STRIP_FILES ON)
include(CPack)
