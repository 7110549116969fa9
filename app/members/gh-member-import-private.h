/* What the two halves of the member import share: gh-member-import.c reads the
 * feed and runs the batches, gh-member-apply.c applies one member to the store.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <sodium.h>
#include <sqlite3.h>

#include "members/gh-member-feed.h"
#include "members/gh-member-import.h"

G_BEGIN_DECLS

#define GH_MEMBER_MULTI_ROWS 32

typedef struct {
  GhStore                     *store;
  GhCatalog                   *catalog;
  const GhMemberImportOptions *options;
  const char                  *actor;
  GhMemberImportSummary       *summary;
  gint64                       now;      /* items retained until then are not taken in */
  gint64                       due_at;   /* the earliest retained_until written in this batch */
  guint8                       ref_key[crypto_generichash_KEYBYTES];
  /* [n]: an INSERT of n items, prepared when first needed */
  sqlite3_stmt                *multi[GH_MEMBER_MULTI_ROWS + 1];
} GhMemberImport;

/* The pseudonym of a member the feed names without one. */
char     *_gh_member_derive_ref  (const guint8     *key,
                                  const char       *loyalty_id);
/* Applies one valid line inside the batch's transaction (a tombstone commits it
 * and opens the next one around its erasure). */
gboolean  _gh_member_apply       (GhMemberImport   *import,
                                  const GhMember   *member,
                                  GError          **error);

G_END_DECLS
