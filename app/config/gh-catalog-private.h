/* What the catalog's files share: the catalog's and the items' fields, which
 * the parser fills before anyone else sees the objects, the typed JSON readers
 * (gh-catalog-read.c) and text lookup.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "config/gh-catalog.h"
#include "config/gh-json-path.h"

G_BEGIN_DECLS

struct _GhCatalog
{
  GObject      parent_instance;

  gint64       version;
  char        *issued_at;
  char        *expires_at;
  gint64       issued_unix;
  gint64       expires_unix;
  char       **stores;
  char       **languages;

  char        *controller;
  char        *policy_url;
  char        *jurisdiction;

  GListStore  *categories;
  GListStore  *purposes;
  GListStore  *offers;
  GListStore  *staff;
  GHashTable  *category_index;  /* id -> GhDataCategory, borrowed from the list */
  GHashTable  *purpose_index;
  GHashTable  *offer_index;
  GHashTable  *staff_index;

  int          idle_timeout;
  int          warning_seconds;
  int          staff_timeout;
  int          receipt_days;
  int          consent_proof_days;
  char        *portal_url;

  char        *brand_name;
  char       **promise;
  char       **scanner_hint;
  char        *accent_color;
  char        *logo_svg;

  GHashTable  *value_labels;  /* "attribute\x1fvalue" -> text (gh-catalog-values.c) */
};

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
  /* "notice_change" (gh-catalog-notice.c); what_changed is NULL without one. */
  char           **what_changed;
  gboolean         notice_asks_again;
  gboolean         notice_pauses;
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

/* ---- the typed readers (gh-catalog-read.c) ---- */

/* A catalog problem: GH_CATALOG_ERROR_INVALID, "<path>.<member>: <reason>". */
#define _gh_catalog_fail(error, path, member, ...) \
  gh_json_path_fail ((error), GH_CATALOG_ERROR, GH_CATALOG_ERROR_INVALID, (path), (member), \
                     __VA_ARGS__)

/* Unknown members are refused; the root's own problems are the config's. */
#define _gh_catalog_check_members(object, path, known, error) \
  gh_json_path_check_members ((object), *(path) != '\0' ? (path) : "config", (known), FALSE, \
                              GH_CATALOG_ERROR, GH_CATALOG_ERROR_INVALID, (error))
gboolean _gh_catalog_require (JsonObject  *object,
                              const char  *path,
                              const char  *name,
                              JsonNode   **out,
                              GError     **error);
gboolean _gh_catalog_read_object (JsonNode     *node,
                                  const char   *path,
                                  const char   *name,
                                  JsonObject  **out,
                                  GError      **error);
gboolean _gh_catalog_read_array (JsonNode    *node,
                                 const char  *path,
                                 const char  *name,
                                 guint        min_count,
                                 guint        max_count,
                                 JsonArray  **out,
                                 GError     **error);
gboolean _gh_catalog_read_string (JsonNode     *node,
                                  const char   *path,
                                  const char   *name,
                                  gsize         max_bytes,
                                  const char  **out,
                                  GError      **error);
gboolean _gh_catalog_read_id (JsonNode     *node,
                              const char   *path,
                              const char   *name,
                              const char  **out,
                              GError      **error);
gboolean _gh_catalog_read_int (JsonNode    *node,
                               const char  *path,
                               const char  *name,
                               gint64       min,
                               gint64       max,
                               gint64      *out,
                               GError     **error);
gboolean _gh_catalog_read_optional_int (JsonObject  *object,
                                        const char  *path,
                                        const char  *name,
                                        gint64       min,
                                        gint64       max,
                                        gint64       fallback,
                                        int         *out,
                                        GError     **error);
gboolean _gh_catalog_read_time (JsonNode     *node,
                                const char   *path,
                                const char   *name,
                                const char  **text,
                                gint64       *unix_seconds,
                                GError      **error);
gboolean _gh_catalog_read_url (JsonNode     *node,
                               const char   *path,
                               const char   *name,
                               gboolean      https_only,
                               const char  **out,
                               GError      **error);
gboolean _gh_catalog_is_language_code (const char *code);
/* @text without the Unicode white space (no-break and zero-width spaces too) around it. */
char    *_gh_catalog_strip_space      (const char *text);
gboolean _gh_catalog_read_optional_text (GhCatalog    *self,
                                         JsonObject   *object,
                                         const char   *path,
                                         const char   *name,
                                         gsize         max_bytes,
                                         char       ***out,
                                         GError      **error);
gboolean _gh_catalog_read_required_text (GhCatalog    *self,
                                         JsonObject   *object,
                                         const char   *path,
                                         const char   *name,
                                         gsize         max_bytes,
                                         char       ***out,
                                         GError      **error);
gboolean _gh_catalog_read_id_list (JsonArray    *array,
                                   const char   *path,
                                   const char   *name,
                                   gboolean      allow_star,
                                   char       ***out,
                                   GError      **error);
gboolean _gh_catalog_read_required_string (JsonObject  *object,
                                           const char  *path,
                                           const char  *name,
                                           gsize        max_bytes,
                                           char       **out,
                                           GError     **error);
gboolean _gh_catalog_read_section (JsonObject          *root,
                                   const char          *name,
                                   const char * const  *fields,
                                   JsonObject         **out,
                                   GError             **error);
gboolean _gh_catalog_read_entry (JsonNode            *node,
                                 const char          *path,
                                 const char * const  *fields,
                                 GHashTable          *index,
                                 const char          *what,
                                 JsonObject         **object,
                                 const char         **id,
                                 GError             **error);
gboolean _gh_catalog_read_title_and_description (GhCatalog    *self,
                                                 JsonObject   *object,
                                                 const char   *path,
                                                 char       ***title,
                                                 char       ***description,
                                                 GError      **error);

/* The config's optional "value_labels" (gh-catalog-values.c). */
gboolean _gh_catalog_parse_value_labels (GhCatalog   *self,
                                         JsonObject  *root,
                                         GError     **error);
/* The purpose's optional "notice_change" (gh-catalog-notice.c). */
gboolean _gh_catalog_parse_notice_change (GhCatalog   *self,
                                          JsonObject  *purpose_object,
                                          const char  *purpose_path,
                                          GhPurpose   *purpose,
                                          GError     **error);

G_END_DECLS
