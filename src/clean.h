/* clean: page furniture — title lines, region labels, page numbers, repeated headers. */
#ifndef K2X_CLEAN_H
#define K2X_CLEAN_H

#include "extract.h"
#include "profile.h"
#include "region.h"

/* Marks the furniture lines of page (roles TITLE, LABEL, PAGE_NUMBER, REPEATED) and sets its
 * text area. prev and next are the neighbouring pages (NULL at the ends): text repeated at the
 * same place on a neighbour is a running header or footer. prev must already be cleaned. */
void k2x_clean_page(k2x_page *page, const k2x_page *prev, const k2x_page *next,
                    const k2x_profile *profile, const k2x_regions *regions);

#endif
