/* What gh-catalog.c and gh-catalog-items.c share: the items' fields, which
 * the parser fills before anyone else sees the objects, and text lookup.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "config/gh-catalog.h"

G_BEGIN_DECLS

struct _GhDataCategory
{
  GObject   parent_instance;
  char     *id;
  char    **title;
  char    **description;
  char    **legal_hold;
  int       retention_days;
};

/* One entry of a purpose's "third_parties". */
typedef struct
{
  char   *name;
  char  **reason;
} GhCatalogThirdParty;

void _gh_catalog_third_party_free (GhCatalogThirdParty *party);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GhCatalogThirdParty, _gh_catalog_third_party_free)

struct _GhPurpose
{
  GObject          parent_instance;
  char            *id;
  char           **title;
  char           **description;
  GhLegalBasis     legal_basis;
  char           **categories;
  GhConsentState   default_state;
  char            *notice_version;
  GPtrArray       *third_parties;  /* of GhCatalogThirdParty; empty when none */
};

struct _GhOffer
{
  GObject   parent_instance;
  char     *id;
  char     *purpose_id;
  char    **title;
  char    **description;
  GhRule   *rule;
};

struct _GhStaffMember
{
  GObject  parent_instance;
  char    *id;
  char    *name;
  char    *pin_hash;
};

/* A text is a NULL-terminated array of language, text pairs with the config's
 * default language first, so the fallback is always pairs[1]. */
const char *_gh_catalog_text_lookup (char       **pairs,
                                     const char  *language);

G_END_DECLS
