/* What the portal reads at HQ for its pages: the approved kiosks' receipt keys
 * (a token is trusted only with the key of a kiosk HQ approved), and a member as
 * the signed-in pages show them: their row, their data items, their latest
 * decision per purpose (HQ's arrival order decides, docs/hq-schema.md), and the
 * active config of their store: the newest bundle published for it that
 * verifies with the portal's trust file, checked exactly as a kiosk checks one.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "glasshouse-portal"
#include "config.h"

#include <glib/gi18n.h>
#include <sodium.h>
#include <stdlib.h>

#include "config/gh-base64.h"
#include "hq/gh-hq.h"
#include "portal/gh-portal-i18n.h"
#include "portal/gh-portal-private.h"

/* How long the approved keys are trusted from memory; a refresh on an unknown
 * kiosk happens at most this often, so forged tokens cannot hammer HQ. */
#define KIOSK_TRUST_SECONDS 10
/* Bundles looked at, newest first, before giving up. */
#define MAX_BUNDLES_TRIED 5

PGconn *
_gh_portal_conn (GhPortalRequest  *req,
                 GError          **error)
{
  if (req->conn == NULL)
    req->conn = gh_portal_db_take (req->portal->db, error);
  return req->conn;
}

void
_gh_portal_page_unavailable (GhPortalRequest *req,
                             const GError    *error)
{
  /* The reason goes to the log for HQ's staff: it names tables and hosts, never
   * a person. The shopper gets a sentence. */
  g_log ("glasshouse-portal", G_LOG_LEVEL_WARNING, "%s: %s", req->route,
         error != NULL ? error->message : "unknown problem");
  req->retry_after = 30;
  _gh_portal_page_message (req, 503, T (req, NC_("portal", "This service is not available right now")),
                           T (req, NC_("portal", "Please try again in a few minutes. Your choices are safe.")));
}

static GhTokenTrust *
read_kiosk_trust (PGconn  *conn,
                  GError **error)
{
  g_autoptr(PGresult) result = gh_portal_db_exec (
      conn, "SELECT kiosk_id, pubkey FROM glasshouse.kiosk_key WHERE approved_at IS NOT NULL",
      0, NULL, error);
  GhTokenTrust *trust;

  if (result == NULL)
    return NULL;
  trust = gh_token_trust_new ();
  for (int i = 0; i < PQntuples (result); i++)
    {
      gsize length = 0;
      const char *key = PQgetvalue (result, i, 1);
      g_autofree guint8 *bytes = gh_base64_decode (key, strlen (key), GH_BASE64_STANDARD, 64, &length);

      if (bytes != NULL && length == 32 && gh_token_kiosk_id_is_valid (PQgetvalue (result, i, 0)))
        gh_token_trust_add (trust, PQgetvalue (result, i, 0), bytes);
    }
  return trust;
}

/* Re-reads the approved keys unless they were read less than @max_age seconds ago. */
static gboolean
refresh_kiosk_trust (GhPortalRequest  *req,
                     gint64            max_age,
                     GError          **error)
{
  GhPortal *portal = req->portal;
  gint64 now = g_get_monotonic_time () / G_USEC_PER_SEC;
  gboolean fresh_enough;
  GhTokenTrust *fresh;
  PGconn *conn;

  g_mutex_lock (&portal->cache_lock);
  fresh_enough = portal->kiosk_trust != NULL && now - portal->kiosk_trust_at < max_age;
  g_mutex_unlock (&portal->cache_lock);
  if (fresh_enough)
    return TRUE;
  conn = _gh_portal_conn (req, error);
  if (conn == NULL)
    return FALSE;
  fresh = read_kiosk_trust (conn, error);
  if (fresh == NULL)
    return FALSE;
  g_mutex_lock (&portal->cache_lock);
  g_clear_pointer (&portal->kiosk_trust, gh_token_trust_free);
  portal->kiosk_trust = fresh;
  portal->kiosk_trust_at = now;
  g_mutex_unlock (&portal->cache_lock);
  return TRUE;
}

static GhTokenClaims *
verify_locked (GhPortal    *portal,
               const char  *token,
               GError     **error)
{
  GhTokenClaims *claims;

  /* The trust is only ever replaced under this lock, so it is verified under it. */
  g_mutex_lock (&portal->cache_lock);
  claims = gh_token_verify (token, portal->kiosk_trust, g_get_real_time () / G_USEC_PER_SEC, error);
  g_mutex_unlock (&portal->cache_lock);
  return claims;
}

GhTokenClaims *
_gh_portal_verify_token (GhPortalRequest  *req,
                         const char       *token,
                         GError          **error)
{
  g_autoptr(GError) local = NULL;
  GhTokenClaims *claims;

  if (!refresh_kiosk_trust (req, KIOSK_TRUST_SECONDS, error))
    return NULL;
  claims = verify_locked (req->portal, token, &local);
  if (claims == NULL && g_error_matches (local, GH_TOKEN_ERROR, GH_TOKEN_ERROR_UNKNOWN_KEY))
    {
      /* A kiosk approved a moment ago: look again, but not more than once a second. */
      g_clear_error (&local);
      if (!refresh_kiosk_trust (req, 1, error))
        return NULL;
      claims = verify_locked (req->portal, token, &local);
    }
  if (claims == NULL)
    g_propagate_error (error, g_steal_pointer (&local));
  return claims;
}

/* ---- a member ---------------------------------------------------------------- */

void
_gh_portal_member_free (GhPortalMember *member)
{
  if (member == NULL)
    return;
  gh_string_wipe (&member->ref);
  gh_string_wipe (&member->display_name);
  gh_string_wipe (&member->loyalty_id);
  g_strfreev (member->stores);
  g_clear_object (&member->catalog);
  g_clear_pointer (&member->items, g_ptr_array_unref);
  g_clear_pointer (&member->consents, g_ptr_array_unref);
  g_free (member);
}

/* PostgreSQL's text form of a text[] ("{a,\"b c\"}") as a vector. */
static GStrv
parse_array (const char *text)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autoptr(GString) item = g_string_new (NULL);
  gboolean quoted = FALSE, any = FALSE;

  if (text == NULL || *text != '{')
    return g_strv_builder_end (builder);
  for (const char *p = text + 1; *p != '\0'; p++)
    {
      if (quoted)
        {
          if (*p == '\\' && p[1] != '\0')
            g_string_append_c (item, *++p);
          else if (*p == '"')
            quoted = FALSE;
          else
            g_string_append_c (item, *p);
        }
      else if (*p == '"')
        quoted = any = TRUE;
      else if (*p == ',' || *p == '}')
        {
          if (item->len > 0 || any)
            g_strv_builder_add (builder, item->str);
          g_string_truncate (item, 0);
          any = FALSE;
        }
      else
        {
          g_string_append_c (item, *p);
          any = TRUE;
        }
    }
  return g_strv_builder_end (builder);
}

static gboolean
catalog_fits (GhCatalog          *catalog,
              const char * const *stores)
{
  if (gh_catalog_get_expires_unix (catalog) <= g_get_real_time () / G_USEC_PER_SEC)
    return FALSE;
  for (guint i = 0; stores != NULL && stores[i] != NULL; i++)
    if (gh_catalog_is_for_store (catalog, stores[i]))
      return TRUE;
  return stores == NULL || stores[0] == NULL ? gh_catalog_is_for_store (catalog, NULL) : FALSE;
}

/* The active config for @stores: the newest bundle published for them that
 * verifies with the portal's trust file, parses, has not expired and names the
 * store, as a kiosk's gh_config_apply decides. A refused one is logged and the
 * next older one tried, as a kiosk keeps its config when a new one is refused. */
static GhCatalog *
load_catalog (GhPortalRequest     *req,
              PGconn              *conn,
              const char * const  *stores,
              GError             **error)
{
  GhPortal *portal = req->portal;
  g_autofree char *stores_literal = gh_hq_text_array_literal (stores);
  const char *params[] = { stores_literal };
  g_autoptr(PGresult) result = gh_portal_db_exec (
      conn,
      "SELECT change_no, bundle FROM glasshouse.bundle"
      " WHERE stores IS NULL OR stores && $1::text[] OR '*' = ANY (stores)"
      " ORDER BY config_version DESC, change_no DESC LIMIT " G_STRINGIFY (MAX_BUNDLES_TRIED),
      1, params, error);

  if (result == NULL)
    return NULL;
  for (int i = 0; i < PQntuples (result); i++)
    {
      gint64 change_no = g_ascii_strtoll (PQgetvalue (result, i, 0), NULL, 10);
      g_autoptr(GhCatalog) catalog = NULL;
      g_autoptr(GhBundle) bundle = NULL;
      g_autoptr(GBytes) bytes = NULL;
      g_autoptr(GError) refused = NULL;

      g_mutex_lock (&portal->cache_lock);
      catalog = g_hash_table_lookup (portal->catalogs, &change_no);
      if (catalog != NULL)
        g_object_ref (catalog);
      g_mutex_unlock (&portal->cache_lock);
      if (catalog == NULL)
        {
          bytes = g_bytes_new (PQgetvalue (result, i, 1), PQgetlength (result, i, 1));
          bundle = gh_bundle_open (bytes, portal->bundle_trust, &refused);
          if (bundle != NULL)
            {
              g_autoptr(GBytes) payload = gh_bundle_get_payload (bundle);
              catalog = gh_catalog_new_from_bytes (payload, &refused);
            }
          if (catalog == NULL)
            {
              g_log ("glasshouse-portal", G_LOG_LEVEL_WARNING, "bundle %" G_GINT64_FORMAT
                     " at HQ refused: %s", change_no, refused->message);
              continue;
            }
          g_mutex_lock (&portal->cache_lock);
          g_hash_table_replace (portal->catalogs, g_memdup2 (&change_no, sizeof change_no),
                                g_object_ref (catalog));
          g_mutex_unlock (&portal->cache_lock);
        }
      if (catalog_fits (catalog, stores))
        return g_steal_pointer (&catalog);
    }
  g_set_error (error, GH_CATALOG_ERROR, GH_CATALOG_ERROR_NONE,
               "no bundle at HQ verifies, is in force and names the member's store");
  return NULL;
}

GhPortalMember *
_gh_portal_member_load (GhPortalRequest  *req,
                        const char       *ref,
                        GError          **error)
{
  const char *params[] = { ref };
  g_autoptr(GhPortalMember) member = g_new0 (GhPortalMember, 1);
  g_autoptr(PGresult) row = NULL;
  g_autoptr(PGresult) items = NULL;
  g_autoptr(PGresult) decisions = NULL;
  PGconn *conn = _gh_portal_conn (req, error);

  if (conn == NULL)
    return NULL;
  row = gh_portal_db_exec (conn,
                           "SELECT display_name, stores, extract (epoch FROM member_since)::bigint, loyalty_id"
                           "  FROM glasshouse.member m WHERE ref = $1"
                           "   AND NOT EXISTS (SELECT 1 FROM glasshouse.erasure e WHERE e.ref = m.ref)",
                           1, params, error);
  if (row == NULL)
    return NULL;
  if (PQntuples (row) == 0)
    return NULL;  /* forgotten, or never here: no error, the caller signs them out */
  member->ref = g_strdup (ref);
  member->display_name = g_strdup (PQgetvalue (row, 0, 0));
  member->stores = parse_array (PQgetvalue (row, 0, 1));
  member->member_since = g_ascii_strtoll (PQgetvalue (row, 0, 2), NULL, 10);
  member->loyalty_id = g_strdup (PQgetvalue (row, 0, 3));

  member->catalog = load_catalog (req, conn, (const char * const *) member->stores, error);
  if (member->catalog == NULL)
    return NULL;

  items = gh_portal_db_exec (conn,
                             "SELECT category, source, attributes::text,"
                             "       extract (epoch FROM collected_at)::bigint,"
                             "       extract (epoch FROM retained_until)::bigint"
                             "  FROM glasshouse.member_item WHERE ref = $1 AND retained_until > now ()"
                             " ORDER BY category, collected_at DESC, item_id",
                             1, params, error);
  if (items == NULL)
    return NULL;
  member->items = g_ptr_array_new_with_free_func ((GDestroyNotify) gh_data_item_free);
  for (int i = 0; i < PQntuples (items); i++)
    {
      GhDataItem *item = g_new0 (GhDataItem, 1);

      item->id = i + 1;
      item->category = g_strdup (PQgetvalue (items, i, 0));
      if (!gh_source_from_string (PQgetvalue (items, i, 1), &item->source))
        item->source = GH_SOURCE_OBSERVED;
      item->attributes = g_strdup (PQgetvalue (items, i, 2));
      item->collected_at = g_ascii_strtoll (PQgetvalue (items, i, 3), NULL, 10);
      item->retained_until = g_ascii_strtoll (PQgetvalue (items, i, 4), NULL, 10);
      g_ptr_array_add (member->items, item);
    }

  /* The decision with the highest change number is the current one. */
  decisions = gh_portal_db_exec (conn,
                                 "SELECT DISTINCT ON (purpose_id) purpose_id, state, notice_version,"
                                 "       extract (epoch FROM decided_at)::bigint"
                                 "  FROM glasshouse.decision WHERE ref = $1"
                                 " ORDER BY purpose_id, change_no DESC",
                                 1, params, error);
  if (decisions == NULL)
    return NULL;
  member->consents = g_ptr_array_new_with_free_func ((GDestroyNotify) gh_consent_free);
  for (int i = 0; i < PQntuples (decisions); i++)
    {
      GhConsent *consent = g_new0 (GhConsent, 1);

      consent->purpose_id = g_strdup (PQgetvalue (decisions, i, 0));
      consent->state = g_str_equal (PQgetvalue (decisions, i, 1), "granted") ? GH_CONSENT_GRANTED
                                                                             : GH_CONSENT_REVOKED;
      consent->notice_version = PQgetisnull (decisions, i, 2) ? NULL
                                                              : g_strdup (PQgetvalue (decisions, i, 2));
      consent->updated_at = g_ascii_strtoll (PQgetvalue (decisions, i, 3), NULL, 10);
      g_ptr_array_add (member->consents, consent);
    }
  return g_steal_pointer (&member);
}
