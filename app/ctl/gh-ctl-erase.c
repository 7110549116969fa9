/* glasshouse-ctl erase: the right to be forgotten from the command line, for
 * requests that reach the retailer by mail, phone or HQ rather than the kiosk.
 * Same code path as the kiosk's "Forget me" (gh-erasure.c).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "glasshouse-ctl"
#include "config.h"

#include <stdio.h>

#include "ctl/gh-ctl.h"
#include "ctl/gh-ctl-commands.h"
#include "visit/gh-erasure.h"

static JsonNode *
result_to_json (const GhErasureResult *result)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "erasure_id");
  json_builder_add_int_value (builder, result->erasure_id);
  json_builder_set_member_name (builder, "customer_ref");
  json_builder_add_string_value (builder, result->customer_ref);
  json_builder_set_member_name (builder, "deleted_items");
  json_builder_add_int_value (builder, result->deleted_items);
  gh_erasure_result_add_kept (result, builder);
  json_builder_set_member_name (builder, "receipt_id");
  if (result->receipt_id != NULL)
    json_builder_add_string_value (builder, result->receipt_id);
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "log_emptied");
  json_builder_add_boolean_value (builder, !result->log_pending);
  /* As the erasure row says: 'log_pending' until the bytes are gone from the files. */
  json_builder_set_member_name (builder, "status");
  json_builder_add_string_value (builder, result->log_pending ? "log_pending" : "completed");
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

int
gh_ctl_erase (int    argc,
              char **argv)
{
  g_auto(GhCtlCommon) common = { 0 };
  g_autofree char *actor = NULL;
  g_autoptr(GhStore) store = NULL;
  g_autoptr(GhErasureResult) result = NULL;
  g_autoptr(GhActor) who = NULL;
  g_autofree char *who_text = NULL;
  g_autoptr(GError) error = NULL;
  GOptionEntry entries[] = {
    { "actor", 0, 0, G_OPTION_ARG_STRING, &actor, "Who asked (default: cli)", "A" },
    { NULL }
  };

  if (!gh_ctl_parse (&argc, &argv, "erase LOYALTY_ID [--actor A] [--json]", entries, TRUE, 1,
                     &common)
      || (who = gh_ctl_parse_actor (actor)) == NULL)
    return GH_CTL_EXIT_USAGE;
  who_text = gh_actor_to_string (who);

  if ((store = gh_ctl_open_store (&common, FALSE, &error)) == NULL ||
      (result = gh_erasure_forget (store, NULL, argv[1], who_text, &error)) == NULL)
    return gh_ctl_fail (error);
  if (result->log_pending)
    fprintf (stderr, "glasshouse-ctl: warning: erasure %" G_GINT64_FORMAT " recorded, but another "
             "process (the kiosk?) was reading: the deleted bytes are still in %s and its -wal "
             "file, and will be wiped at the next checkpoint (every later command retries it)\n",
             result->erasure_id, gh_store_get_path (store));

  if (common.json)
    {
      g_autoptr(JsonNode) node = result_to_json (result);
      gh_ctl_print_json (node);
      return GH_CTL_EXIT_OK;
    }

  /* Only the pseudonym is printed: the loyalty number is what was just forgotten. */
  printf ("forgot customer %s (erasure %" G_GINT64_FORMAT "): %u item%s deleted\n",
          result->customer_ref, result->erasure_id, result->deleted_items,
          result->deleted_items == 1 ? "" : "s");
  for (guint i = 0; i < result->kept->len; i++)
    {
      const GhErasureKept *kept = g_ptr_array_index (result->kept, i);

      printf ("  kept %u %s item%s: %s\n", kept->items, kept->category,
              kept->items == 1 ? "" : "s", kept->reason);
    }
  if (result->receipt_id != NULL)
    printf ("receipt %s\n", result->receipt_id);
  return GH_CTL_EXIT_OK;
}
