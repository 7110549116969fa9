/* glasshouse-ctl health: what the staff page's health panel shows (config in force,
 * last refused bundle, events waiting for HQ, the link to HQ, store size, audit chain), for the store's
 * monitoring. Exits 0 when healthy and 4 when the audit chain is broken, so a plain
 * "did it succeed" check in a monitoring system catches the one thing staff cannot fix.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "glasshouse-ctl"
#include "config.h"

#include <json-glib/json-glib.h>
#include <stdio.h>

#include "config/gh-json-build.h"
#include "gh-ctl.h"
#include "gh-ctl-commands.h"
#include "visit/gh-health.h"

static const char *
approval_name (GhHqApproval approval)
{
  switch (approval)
    {
    case GH_HQ_APPROVAL_APPROVED:
      return "approved";
    case GH_HQ_APPROVAL_WAITING:
      return "waiting";
    case GH_HQ_APPROVAL_UNKNOWN:
    default:
      return "unknown";
    }
}

static JsonNode *
health_to_json (const GhHealth *health)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "ok");
  json_builder_add_boolean_value (builder, health->chain_ok && health->config_version > 0);
  json_builder_set_member_name (builder, "version");
  json_builder_add_string_value (builder, PACKAGE_VERSION);

  json_builder_set_member_name (builder, "config");
  json_builder_begin_object (builder);
  gh_json_add_int (builder, "version", health->config_version);
  gh_json_add_string (builder, "issued_at", health->config_issued_at);
  gh_json_add_string (builder, "applied_at", health->config_applied_at);
  gh_json_add_int (builder, "age_seconds", health->config_age_seconds);
  json_builder_end_object (builder);

  json_builder_set_member_name (builder, "last_refused_bundle");
  if (health->rejected_at == NULL)
    json_builder_add_null_value (builder);
  else
    {
      json_builder_begin_object (builder);
      gh_json_add_string (builder, "at", health->rejected_at);
      gh_json_add_string (builder, "path", health->rejected_path);
      gh_json_add_string (builder, "reason", health->rejected_reason);
      gh_json_add_string (builder, "source", health->rejected_source);
      json_builder_end_object (builder);
    }

  json_builder_set_member_name (builder, "hq");
  json_builder_begin_object (builder);
  gh_json_add_int (builder, "outbox_pending", health->outbox_pending);
  gh_json_add_int (builder, "last_push_age_seconds", health->hq_push_age_seconds);
  gh_json_add_int (builder, "last_sync_age_seconds", health->hq_sync_age_seconds);
  gh_json_add_string (builder, "failing", health->hq_error);
  gh_json_add_int (builder, "failing_age_seconds", health->hq_error_age_seconds);
  gh_json_add_string (builder, "approval", approval_name (health->hq_approval));
  json_builder_end_object (builder);

  gh_json_add_int (builder, "store_bytes", health->store_bytes);

  json_builder_set_member_name (builder, "audit_chain");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "intact");
  json_builder_add_boolean_value (builder, health->chain_ok);
  gh_json_add_int (builder, "events", health->chain_events);
  gh_json_add_int (builder, "first_bad_event", health->chain_first_bad);
  gh_json_add_string (builder, "problem", health->chain_problem);
  json_builder_end_object (builder);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

int
gh_ctl_health (int    argc,
               char **argv)
{
  g_auto(GhCtlCommon) common = { 0 };
  g_autoptr(GhStore) store = NULL;
  g_autoptr(GhHealth) health = NULL;
  g_autoptr(GError) error = NULL;

  if (!gh_ctl_parse (&argc, &argv, "health [--json]", NULL, TRUE, 0, &common))
    return GH_CTL_EXIT_USAGE;
  if ((store = gh_ctl_open_store (&common, FALSE, &error)) == NULL
      || (health = gh_health_collect (store, &error)) == NULL)
    return gh_ctl_fail (error);

  if (common.json)
    {
      g_autoptr(JsonNode) node = health_to_json (health);
      gh_ctl_print_json (node);
    }
  else
    {
      if (health->config_version > 0)
        printf ("config:       version %" G_GINT64_FORMAT ", issued %s, applied %s\n",
                health->config_version, health->config_issued_at ? health->config_issued_at : "?",
                health->config_applied_at ? health->config_applied_at : "?");
      else
        printf ("config:       none applied\n");
      if (health->rejected_at != NULL)
        printf ("last refused: %s: %s\n", health->rejected_at,
                health->rejected_reason != NULL ? health->rejected_reason : "?");
      printf ("HQ:           %" G_GINT64_FORMAT " event%s waiting", health->outbox_pending,
              health->outbox_pending == 1 ? "" : "s");
      if (health->hq_push_age_seconds >= 0)
        printf ("; last push %" G_GINT64_FORMAT " s ago\n", health->hq_push_age_seconds);
      else
        printf ("; never pushed\n");
      if (health->hq_error != NULL)
        printf ("HQ link:      last round FAILED %" G_GINT64_FORMAT " s ago: %s\n",
                health->hq_error_age_seconds, health->hq_error);
      else if (health->hq_sync_age_seconds >= 0)
        printf ("HQ link:      last round %" G_GINT64_FORMAT " s ago\n", health->hq_sync_age_seconds);
      else
        printf ("HQ link:      no sync round yet\n");
      if (health->hq_approval != GH_HQ_APPROVAL_UNKNOWN)
        printf ("HQ approval:  %s\n", health->hq_approval == GH_HQ_APPROVAL_APPROVED
                                      ? "approved"
                                      : "waiting (phones cannot open this kiosk's receipts yet)");
      printf ("store:        %" G_GINT64_FORMAT " bytes\n", health->store_bytes);
      if (health->chain_ok)
        printf ("audit chain:  intact, %" G_GINT64_FORMAT " events\n", health->chain_events);
      else
        printf ("audit chain:  BROKEN at event %" G_GINT64_FORMAT "\n", health->chain_first_bad);
    }
  return health->chain_ok ? GH_CTL_EXIT_OK : GH_CTL_EXIT_STORE;
}
