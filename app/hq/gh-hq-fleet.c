/* HQ's side of the fleet: publishing a bundle for kiosks to pull, approving a kiosk's
 * key, and the fleet's health (which kiosks went silent).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "glasshouse-hq"
#include "config.h"

#include "hq/gh-hq-sync.h"
#include "hq/gh-hq-private.h"

#include <json-glib/json-glib.h>


/* HQ does not hold the kiosks' trust and does not need to: it only refuses what is plainly
 * not a bundle, and reads the config version to say what it published. */
static gint64
bundle_config_version (GBytes  *bundle,
                       GError **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(JsonParser) inner = json_parser_new ();
  g_autofree guint8 *payload = NULL;
  gsize payload_length = 0;
  JsonObject *envelope, *config;
  JsonNode *root;
  const char *payload_text;

  if (!json_parser_load_from_data (parser, g_bytes_get_data (bundle, NULL),
                                   g_bytes_get_size (bundle), NULL)
      || (root = json_parser_get_root (parser)) == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    goto not_bundle;
  envelope = json_node_get_object (root);
  if (g_strcmp0 (json_object_get_string_member_with_default (envelope, "format", NULL),
                 "glasshouse-bundle/1") != 0
      || (payload_text = json_object_get_string_member_with_default (envelope, "payload",
                                                                     NULL)) == NULL
      || json_object_get_string_member_with_default (envelope, "signature", NULL) == NULL)
    goto not_bundle;
  payload = g_base64_decode (payload_text, &payload_length);
  if (payload == NULL || payload_length == 0
      || !json_parser_load_from_data (inner, (const char *) payload, payload_length, NULL)
      || (root = json_parser_get_root (inner)) == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, GH_HQ_ERROR, GH_HQ_ERROR_FAILED,
                   "bundle.payload: not base64 of a JSON object");
      return -1;
    }
  config = json_node_get_object (root);
  if (!json_object_has_member (config, "version")
      || json_node_get_value_type (json_object_get_member (config, "version")) != G_TYPE_INT64
      || json_object_get_int_member (config, "version") < 1)
    {
      g_set_error (error, GH_HQ_ERROR, GH_HQ_ERROR_FAILED,
                   "bundle.payload.version: a positive integer is required");
      return -1;
    }
  return json_object_get_int_member (config, "version");

not_bundle:
  g_set_error (error, GH_HQ_ERROR, GH_HQ_ERROR_FAILED,
               "bundle: not a glasshouse-bundle/1 envelope (format, payload, signature)");
  return -1;
}

/* {"a","b"} for text[]; ids are checked by the caller to need no quoting. */
static char *
text_array (const char * const *values)
{
  g_autoptr(GString) out = g_string_new ("{");

  for (guint i = 0; values[i] != NULL; i++)
    {
      if (i > 0)
        g_string_append_c (out, ',');
      g_string_append_printf (out, "\"%s\"", values[i]);
    }
  g_string_append_c (out, '}');
  return g_string_free (g_steal_pointer (&out), FALSE);
}

gint64
gh_hq_publish_bundle (GhHq                *self,
                      GBytes              *bundle,
                      const char * const  *stores,
                      gint64              *config_version,
                      GError             **error)
{
  g_autofree char *version = NULL;
  g_autofree char *store_array = NULL;
  g_autofree char *text = NULL;
  g_autoptr(PGresult) answer = NULL;
  const char *params[3];
  gint64 parsed;

  g_return_val_if_fail (GH_IS_HQ (self), -1);

  if ((parsed = bundle_config_version (bundle, error)) < 0)
    return -1;
  if (config_version != NULL)
    *config_version = parsed;
  version = g_strdup_printf ("%" G_GINT64_FORMAT, parsed);
  store_array = stores != NULL && stores[0] != NULL ? text_array (stores) : NULL;
  text = g_strndup (g_bytes_get_data (bundle, NULL), g_bytes_get_size (bundle));
  params[0] = version;
  params[1] = store_array;
  params[2] = text;
  _gh_hq_arm_deadline (self);
  answer = PQexecParams (self->conn,
                         "INSERT INTO glasshouse.bundle (config_version, stores, bundle)"
                         " VALUES ($1, $2, $3) RETURNING change_no",
                         3, NULL, params, NULL, NULL, 0);
  _gh_hq_disarm_deadline (self);
  if (!_gh_hq_check_result (self, answer, PGRES_TUPLES_OK, "publishing the bundle", error))
    return -1;
  return g_ascii_strtoll (PQgetvalue (answer, 0, 0), NULL, 10);
}

int
gh_hq_approve_kiosk (GhHq        *self,
                     const char  *kiosk_id,
                     GError     **error)
{
  const char *params[] = { kiosk_id };
  g_autoptr(PGresult) answer = NULL;

  g_return_val_if_fail (GH_IS_HQ (self), -1);

  _gh_hq_arm_deadline (self);
  answer = PQexecParams (self->conn, "SELECT glasshouse.approve_kiosk ($1)",
                         1, NULL, params, NULL, NULL, 0);
  _gh_hq_disarm_deadline (self);
  if (!_gh_hq_check_result (self, answer, PGRES_TUPLES_OK, "approving the kiosk", error))
    return -1;
  return (int) g_ascii_strtoll (PQgetvalue (answer, 0, 0), NULL, 10);
}

void
gh_hq_kiosk_health_free (GhHqKioskHealth *health)
{
  if (health == NULL)
    return;
  g_free (health->kiosk_id);
  g_free (health->store_id);
  g_free (health->last_heartbeat);
  g_free (health->software_version);
  g_free (health->last_refused_bundle);
  g_free (health->last_error);
  g_free (health);
}

static char *
dup_value (PGresult *result,
           int       row,
           int       column)
{
  return PQgetisnull (result, row, column) ? NULL : g_strdup (PQgetvalue (result, row, column));
}

GPtrArray *
gh_hq_fleet_status (GhHq     *self,
                    GError  **error)
{
  g_autoptr(GPtrArray) kiosks = g_ptr_array_new_with_free_func ((GDestroyNotify)
                                                                gh_hq_kiosk_health_free);
  g_autoptr(PGresult) answer = NULL;

  g_return_val_if_fail (GH_IS_HQ (self), NULL);

  _gh_hq_arm_deadline (self);
  answer = PQexec (self->conn,
                   "SELECT k.kiosk_id, k.store_id,"
                   "       to_char (h.at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'),"
                   "       coalesce (floor (extract (epoch FROM now () - h.at) / 60)::bigint, -1),"
                   "       EXISTS (SELECT 1 FROM glasshouse.kiosk_key kk"
                   "                WHERE kk.kiosk_id = k.kiosk_id AND kk.approved_at IS NOT NULL),"
                   "       h.software_version, coalesce (h.config_version, 0),"
                   "       coalesce (h.outbox_backlog, 0), h.last_refused_bundle, h.last_error"
                   "  FROM glasshouse.kiosk k"
                   "  LEFT JOIN glasshouse.kiosk_health h USING (kiosk_id)"
                   " ORDER BY h.at ASC NULLS FIRST, k.kiosk_id");
  _gh_hq_disarm_deadline (self);
  if (!_gh_hq_check_result (self, answer, PGRES_TUPLES_OK, "reading the fleet's health", error))
    return NULL;
  for (int row = 0; row < PQntuples (answer); row++)
    {
      GhHqKioskHealth *health = g_new0 (GhHqKioskHealth, 1);

      health->kiosk_id = dup_value (answer, row, 0);
      health->store_id = dup_value (answer, row, 1);
      health->last_heartbeat = dup_value (answer, row, 2);
      health->silent_minutes = g_ascii_strtoll (PQgetvalue (answer, row, 3), NULL, 10);
      health->approved = g_strcmp0 (PQgetvalue (answer, row, 4), "t") == 0;
      health->software_version = dup_value (answer, row, 5);
      health->config_version = g_ascii_strtoll (PQgetvalue (answer, row, 6), NULL, 10);
      health->outbox_backlog = g_ascii_strtoll (PQgetvalue (answer, row, 7), NULL, 10);
      health->last_refused_bundle = dup_value (answer, row, 8);
      health->last_error = dup_value (answer, row, 9);
      g_ptr_array_add (kiosks, health);
    }
  return g_steal_pointer (&kiosks);
}

GPtrArray *
gh_hq_drop_event_partitions (GhHq    *self,
                             int      keep_months,
                             int     *proof_days,
                             GError **error)
{
  g_autofree char *keep = g_strdup_printf ("%d months", keep_months);
  const char *params[] = { keep };
  g_autoptr(PGresult) answer = NULL;
  GPtrArray *dropped;

  g_return_val_if_fail (GH_IS_HQ (self), NULL);
  g_return_val_if_fail (proof_days != NULL, NULL);

  /* One statement, so the period reported is the one the drop used; the period as an
   * uncorrelated subquery, read once and not once a row (it decodes every bundle). */
  _gh_hq_arm_deadline (self);
  answer = PQexecParams (self->conn,
                         "WITH dropped AS (SELECT glasshouse.drop_event_partitions ($1::interval)"
                         "                        AS name)"
                         " SELECT (SELECT coalesce (glasshouse.consent_proof_days (), 0)), name"
                         "   FROM (SELECT NULL::text AS name UNION ALL SELECT name FROM dropped) d",
                         1, NULL, params, NULL, NULL, 0);
  _gh_hq_disarm_deadline (self);
  if (!_gh_hq_check_result (self, answer, PGRES_TUPLES_OK, "dropping old event partitions",
                            error))
    return NULL;
  dropped = g_ptr_array_new_with_free_func (g_free);
  *proof_days = 0;
  for (int row = 0; row < PQntuples (answer); row++)
    {
      *proof_days = (int) g_ascii_strtoll (PQgetvalue (answer, row, 0), NULL, 10);
      if (!PQgetisnull (answer, row, 1))
        g_ptr_array_add (dropped, g_strdup (PQgetvalue (answer, row, 1)));
    }
  return dropped;
}
