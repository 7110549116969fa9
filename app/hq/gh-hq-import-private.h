/* What HQ's member import shares between its halves: gh-hq-import-rows.c turns a
 * parsed member into the rows COPY sends and the normalised feed line,
 * gh-hq-import.c runs the batches and the SQL.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "members/gh-member-feed.h"

G_BEGIN_DECLS

/* The rows of one batch, in COPY's text format, for the three staging tables. */
typedef struct {
  GString *members;   /* gh_member_in */
  GString *items;     /* gh_item_in */
  GString *consents;  /* gh_consent_in */
} GhHqImportRows;

/* The member's line as HQ hands it to kiosks: the feed's fields in a fixed order,
 * times in UTC, attributes as the CRM wrote them, and "ref" always present. The same
 * member sent twice gives the same bytes, which is how an unchanged member is told. */
char *_gh_hq_member_line    (const GhMember  *member,
                             const char      *ref);
/* Appends @member (line @line_number of the feed) to @rows->members. @ref: the feed's
 * or the derived one; @derived_ref: always the derived one (the suppression check
 * tries both). A tombstone has @ref NULL: HQ finds it by loyalty number. */
void  _gh_hq_import_add_member_row  (GhHqImportRows  *rows,
                                     guint64          line_number,
                                     const GhMember  *member,
                                     const char      *ref,
                                     const char      *derived_ref,
                                     const char      *line);
/* Appends @member's items and consents to @rows->items and @rows->consents. */
void  _gh_hq_import_add_detail_rows (GhHqImportRows  *rows,
                                     guint64          line_number,
                                     const GhMember  *member);

G_END_DECLS
