/* The canonical form of an audit event and its SHA-256 link.
 *
 * Each field is written as its byte length, a colon and the bytes, so no
 * choice of separator inside a field can make two different events hash
 * alike. HQ can recompute the same hashes from an outbox export.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "glasshouse-store"
#include "config.h"

#include <json-glib/json-glib.h>

#include "store/gh-event-chain.h"

static void
put_field (GChecksum  *checksum,
           const char *value)
{
  char prefix[32];
  gsize length = value != NULL ? strlen (value) : 0;

  /* A NULL customer_ref and an empty one differ: "-" marks the absent field. */
  if (value == NULL)
    {
      g_checksum_update (checksum, (const guchar *) "-;", 2);
      return;
    }
  g_snprintf (prefix, sizeof prefix, "%" G_GSIZE_FORMAT ":", length);
  g_checksum_update (checksum, (const guchar *) prefix, -1);
  g_checksum_update (checksum, (const guchar *) value, length);
  g_checksum_update (checksum, (const guchar *) ";", 1);
}

char *
gh_event_chain_hash (const GhEvent *event)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  char seq[32];

  g_snprintf (seq, sizeof seq, "%" G_GINT64_FORMAT, event->seq);
  put_field (checksum, "glasshouse-event/1");
  put_field (checksum, seq);
  put_field (checksum, event->at);
  put_field (checksum, event->kiosk_id);
  put_field (checksum, event->actor);
  put_field (checksum, event->customer_ref);
  put_field (checksum, event->kind);
  put_field (checksum, event->body);
  put_field (checksum, event->prev_hash);
  return g_strdup (g_checksum_get_string (checksum));
}

char *
gh_event_chain_consent_body (const char     *purpose_id,
                             GhConsentState  state,
                             const char     *notice_version)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "purpose");
  json_builder_add_string_value (builder, purpose_id);
  json_builder_set_member_name (builder, "state");
  json_builder_add_string_value (builder, gh_consent_state_to_string (state));
  json_builder_set_member_name (builder, "notice_version");
  if (notice_version != NULL)
    json_builder_add_string_value (builder, notice_version);
  else
    json_builder_add_null_value (builder);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  return json_to_string (root, FALSE);
}
