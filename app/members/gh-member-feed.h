/* The member feed (docs/member-feed.md): JSON Lines from the retailer's CRM, one
 * member per line after a header line. This file reads and checks one line at a
 * time against the active config; gh-member-import.c applies what it reads.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "config/gh-catalog.h"
#include "store/gh-types.h"

G_BEGIN_DECLS

#define GH_MEMBER_FEED_FORMAT "glasshouse-members/1"

/* The longest line the import reads; a longer one is refused without being kept
 * in memory. A member with 2,000 items fits. */
#define GH_MEMBER_FEED_MAX_LINE (1024 * 1024)

#define GH_MEMBER_FEED_ERROR (gh_member_feed_error_quark ())
GQuark gh_member_feed_error_quark (void);

typedef enum {
  GH_MEMBER_FEED_ERROR_INVALID,  /* the line breaks a rule: the message says where and why */
} GhMemberFeedError;

typedef struct {
  char     *crm_id;          /* the CRM's own id for the item, unique within the member */
  char     *category;
  char     *attributes;      /* a JSON object as text */
  GhSource  source;
  gint64    collected_at;    /* unix seconds */
  gint64    retained_until;  /* unix seconds: given, or collected_at + the category's retention */
} GhMemberItem;

typedef struct {
  char           *purpose_id;
  GhConsentState  state;
  gint64          decided_at;  /* unix seconds */
  char           *notice_version;
} GhMemberConsent;

typedef struct {
  char      *loyalty_id;
  gboolean   deleted;         /* a tombstone: the CRM has deleted this member */
  gint64     deleted_at;      /* unix seconds, a tombstone's "deleted_at"; 0: not given */
  char      *ref;             /* HQ's pseudonym for the member, or NULL: the kiosk derives one */
  char      *display_name;
  char      *pin_hash;        /* NULL: keep the PIN the store has */
  char     **stores;          /* the stores the member belongs to (NULL for a tombstone) */
  gint64     member_since;    /* unix seconds; 0: not given (the import's time) */
  GArray    *items;           /* GhMemberItem */
  GArray    *consents;        /* GhMemberConsent */
} GhMember;

void gh_member_free (GhMember *member);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GhMember, gh_member_free)

/* Checks the header line: {"format": "glasshouse-members/1", ...}. When the header
 * names "stores" and @store_id is not NULL, @store_id must be among them. */
gboolean  gh_member_feed_read_header (const char  *line,
                                      gsize        length,
                                      const char  *store_id,
                                      GError     **error);

/* Reads one member line. @store_id (NULL: any) must be among the member's stores.
 * On a broken rule returns NULL with a message "<json path>: <reason>" that quotes
 * no personal data (no loyalty number, name or attribute value). */
GhMember *gh_member_feed_read_line   (const char  *line,
                                      gsize        length,
                                      GhCatalog   *catalog,
                                      const char  *store_id,
                                      GError     **error);

/* A loyalty number the kiosk accepts: 6 to 19 ASCII digits. */
gboolean  gh_member_loyalty_id_is_valid (const char *text);

G_END_DECLS
