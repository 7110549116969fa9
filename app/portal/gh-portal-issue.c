/* The portal's own receipts: a change made on the phone gets a consent receipt
 * like one made at a kiosk — the same Kantara body (app/receipts), a token
 * signed with the portal's key under its own issuer id, stored in
 * glasshouse.receipt in the decision's transaction. HQ approves the portal's key
 * in glasshouse.kiosk_key like a kiosk's, so its tokens verify the same way.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "glasshouse-portal"
#include "config.h"

#include <glib/gstdio.h>
#include <sodium.h>
#include <string.h>
#include <sys/stat.h>

#include "config/gh-base64.h"
#include "receipts/gh-receipt-private.h"
#include "portal/gh-portal-private.h"

#define KEY_MAGIC "glasshouse-kiosk-key/1 "

GhKioskKeys *
_gh_portal_receipt_keys_load (const char  *path,
                              GError     **error)
{
  g_autofree char *text = NULL;
  g_autofree guint8 *seed = NULL;
  gsize length = 0;
  GStatBuf st;

  if (g_stat (path, &st) != 0 || !g_file_get_contents (path, &text, NULL, NULL))
    {
      g_set_error (error, GH_KIOSK_KEYS_ERROR, GH_KIOSK_KEYS_ERROR_MISSING,
                   "%s: the portal's receipt key cannot be read", path);
      return NULL;
    }
  if ((st.st_mode & 077) != 0)
    {
      g_set_error (error, GH_KIOSK_KEYS_ERROR, GH_KIOSK_KEYS_ERROR_PERMISSIONS,
                   "%s: the receipt key is readable by group or others (chmod 600)", path);
      sodium_memzero (text, strlen (text));
      return NULL;
    }
  g_strstrip (text);
  if (g_str_has_prefix (text, KEY_MAGIC))
    seed = gh_base64_decode (text + strlen (KEY_MAGIC), strlen (text + strlen (KEY_MAGIC)),
                             GH_BASE64_STANDARD, 64, &length);
  sodium_memzero (text, strlen (text));
  if (seed == NULL || length != 32)
    {
      g_set_error (error, GH_KIOSK_KEYS_ERROR, GH_KIOSK_KEYS_ERROR_DAMAGED,
                   "%s: not a \"glasshouse-kiosk-key/1 BASE64\" key file with a 32-byte seed", path);
      return NULL;
    }
  {
    GhKioskKeys *keys = gh_kiosk_keys_new_from_seed (seed);
    sodium_memzero (seed, length);
    return keys;
  }
}

/* The member's consents once @purpose_id is @to: copies, with that one replaced or added. */
static GPtrArray *
consents_after (GPtrArray  *consents,
                const char *purpose_id,
                GhConsentState to,
                const char *notice_version,
                gint64      now)
{
  GPtrArray *after = g_ptr_array_new_with_free_func ((GDestroyNotify) gh_consent_free);
  gboolean found = FALSE;

  for (guint i = 0; i < consents->len; i++)
    {
      GhConsent *old = consents->pdata[i];
      GhConsent *copy = g_new0 (GhConsent, 1);

      copy->purpose_id = g_strdup (old->purpose_id);
      copy->state = old->state;
      copy->updated_at = old->updated_at;
      copy->notice_version = g_strdup (old->notice_version);
      if (g_str_equal (old->purpose_id, purpose_id))
        {
          copy->state = to;
          copy->updated_at = now;
          g_free (copy->notice_version);
          copy->notice_version = g_strdup (notice_version);
          found = TRUE;
        }
      g_ptr_array_add (after, copy);
    }
  if (!found)
    {
      GhConsent *added = g_new0 (GhConsent, 1);
      added->purpose_id = g_strdup (purpose_id);
      added->state = to;
      added->updated_at = now;
      added->notice_version = g_strdup (notice_version);
      g_ptr_array_add (after, added);
    }
  return after;
}

char *
_gh_portal_issue_receipt (GhPortalRequest  *req,
                          GhPortalMember   *member,
                          const char       *purpose_id,
                          GhConsentState    from,
                          GhConsentState    to,
                          gint64            change_no,
                          GError          **error)
{
  GhPortal *portal = req->portal;
  GhPurpose *purpose = gh_catalog_find_purpose (member->catalog, purpose_id);
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  GhTokenClaims claims = { { 0 } };
  g_autofree char *receipt_id = NULL;
  g_autofree char *token = NULL;
  g_autofree char *short_code = NULL;
  g_autofree char *public_key = NULL;
  g_autofree char *body_text = NULL;
  g_autofree char *now_text = g_strdup_printf ("%" G_GINT64_FORMAT, now);
  g_autofree char *expires_text = NULL;
  g_autoptr(GPtrArray) consents = NULL;
  g_autoptr(GPtrArray) changes = g_ptr_array_new_with_free_func ((GDestroyNotify) gh_session_change_free);
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(PGresult) result = NULL;
  GhReceiptBodyInfo info = { 0 };
  GhSessionChange *change;

  randombytes_buf (claims.receipt_id, sizeof claims.receipt_id);
  /* A UUID version 4, as the kiosk's are. */
  claims.receipt_id[6] = (claims.receipt_id[6] & 0x0f) | 0x40;
  claims.receipt_id[8] = (claims.receipt_id[8] & 0x3f) | 0x80;
  claims.kiosk_id = portal->config->portal_id;
  claims.kind = GH_RECEIPT_KIND_CONSENT;
  claims.expires_at = now + (gint64) gh_catalog_get_receipt_days (member->catalog) * 86400;
  expires_text = g_strdup_printf ("%" G_GINT64_FORMAT, claims.expires_at);
  token = gh_token_encode (&claims, portal->receipt_keys, error);
  if (token == NULL)
    return NULL;
  receipt_id = gh_token_format_receipt_id (claims.receipt_id);
  short_code = gh_token_short_code (token);
  {
    /* HQ keeps codes without the dash. */
    char *dash = strchr (short_code, '-');
    if (dash != NULL)
      memmove (dash, dash + 1, strlen (dash));
  }
  public_key = gh_kiosk_keys_get_public_base64 (portal->receipt_keys);

  consents = consents_after (member->consents, purpose_id, to,
                             purpose != NULL ? gh_purpose_get_notice_version (purpose) : NULL, now);
  change = g_new0 (GhSessionChange, 1);
  change->purpose_id = g_strdup (purpose_id);
  change->from = from;
  change->to = to;
  change->at = now;
  change->event_seq = change_no;  /* the decision's change number at HQ */
  change->actor = g_strdup ("portal");
  g_ptr_array_add (changes, change);

  info.receipt_id = receipt_id;
  info.kind = GH_RECEIPT_KIND_CONSENT;
  info.kiosk_id = portal->config->portal_id;
  info.public_key = public_key;
  info.now = now;
  info.expires_at = claims.expires_at;
  info.customer_ref = member->ref;
  info.actor = "portal";
  info.language = req->lang;
  body = _gh_receipt_build_body (&info, member->catalog, consents, changes);
  /* The body's wording is the kiosk's; say where this one was made. */
  json_object_set_string_member (json_node_get_object (body), "collectionMethod",
                                 "online portal, after the member signed in");
  body_text = json_to_string (body, FALSE);
  {
    const char *params[] = { receipt_id, portal->config->portal_id, member->ref, token, short_code,
                             expires_text, now_text, body_text };
    result = gh_portal_db_exec (req->conn,
                                "INSERT INTO glasshouse.receipt (receipt_id, kiosk_id, kind, ref, token,"
                                " short_code, expires_at, issued_at, body)"
                                " VALUES ($1::uuid, $2, 'consent', $3, $4, $5, to_timestamp ($6::bigint),"
                                " to_timestamp ($7::bigint), $8::jsonb)", 8, params, error);
  }
  if (result == NULL)
    return NULL;
  return g_steal_pointer (&token);
}
