/* glasshouse-ctl subcommands over the consent store itself: init, customer
 * show, consent set, audit verify, outbox export and ack.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "glasshouse-ctl"
#include "config.h"

#include <stdio.h>

#include "ctl/gh-ctl.h"
#include "ctl/gh-ctl-commands.h"
#include "ctl/gh-ctl-purposes.h"
#include "receipts/gh-kiosk-keys.h"
#include "receipts/gh-token.h"

int
gh_ctl_init (int    argc,
             char **argv)
{
  g_auto(GhCtlCommon) common = { 0 };
  g_autofree char *kiosk_id = NULL;
  g_autofree char *store_id = NULL;
  g_autoptr(GhStore) store = NULL;
  g_autoptr(GError) error = NULL;
  GOptionEntry entries[] = {
    { "kiosk-id", 0, 0, G_OPTION_ARG_STRING, &kiosk_id, "Name this kiosk (default: a random id)", "ID" },
    { "store-id", 0, 0, G_OPTION_ARG_STRING, &store_id,
      "The store this kiosk stands in; bundles must list it (default: accept any)", "ID" },
    { NULL }
  };

  if (!gh_ctl_parse (&argc, &argv, "init [--kiosk-id ID]", entries, FALSE, 0, &common))
    return GH_CTL_EXIT_USAGE;
  if (kiosk_id != NULL && !gh_token_kiosk_id_is_valid (kiosk_id))
    {
      /* The id goes into every follow-up token and HQ's trust file. */
      fprintf (stderr, "glasshouse-ctl: error: --kiosk-id \"%s\": use 1-%d of A-Z a-z 0-9 . _ -\n",
               kiosk_id, GH_TOKEN_KIOSK_ID_MAX);
      return GH_CTL_EXIT_USAGE;
    }

  store = gh_ctl_open_store (&common, TRUE, &error);
  if (store == NULL)
    return gh_ctl_fail (error);
  if (kiosk_id != NULL && !gh_store_set_meta (store, "kiosk_id", kiosk_id, &error))
    return gh_ctl_fail (error);
  /* Compared with a bundle's "stores" (gh-config.c), which holds only such ids. */
  if (store_id != NULL && (!gh_token_kiosk_id_is_valid (store_id)
                           || !gh_store_set_meta (store, "store_id", store_id, &error)))
    {
      if (error == NULL)
        {
          fprintf (stderr, "glasshouse-ctl: error: --store-id \"%s\": use 1-%d of A-Z a-z 0-9 . _ -\n",
                   store_id, GH_TOKEN_KIOSK_ID_MAX);
          return GH_CTL_EXIT_USAGE;
        }
      return gh_ctl_fail (error);
    }
  /* The receipt-signing key pair; its secret lives beside the store, not in it. */
  if (!gh_kiosk_keys_ensure (store, &error))
    return gh_ctl_fail (error);

  printf ("store %s ready: schema version %d, kiosk %s\n", gh_store_get_path (store),
          gh_store_get_schema_version (store),
          kiosk_id != NULL ? kiosk_id : gh_store_get_kiosk_id (store));
  return GH_CTL_EXIT_OK;
}

static void
add_date_member (JsonBuilder *builder,
                 const char  *name,
                 gint64       unix_seconds)
{
  g_autofree char *date = gh_ctl_format_date (unix_seconds);

  json_builder_set_member_name (builder, name);
  json_builder_add_string_value (builder, date);
}

static JsonNode *
customer_to_json (const GhCustomer *customer,
                  GPtrArray        *items,
                  GPtrArray        *consents)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  const char *current = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "loyalty_id");
  json_builder_add_string_value (builder, customer->loyalty_id);
  json_builder_set_member_name (builder, "ref");
  json_builder_add_string_value (builder, customer->ref);
  json_builder_set_member_name (builder, "display_name");
  json_builder_add_string_value (builder, customer->display_name);

  json_builder_set_member_name (builder, "categories");
  json_builder_begin_array (builder);
  for (guint i = 0; i < items->len; i++)
    {
      const GhDataItem *item = g_ptr_array_index (items, i);
      g_autoptr(JsonNode) attributes = json_from_string (item->attributes, NULL);

      if (g_strcmp0 (current, item->category) != 0)
        {
          if (current != NULL)
            {
              json_builder_end_array (builder);
              json_builder_end_object (builder);
            }
          current = item->category;
          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "category");
          json_builder_add_string_value (builder, item->category);
          json_builder_set_member_name (builder, "items");
          json_builder_begin_array (builder);
        }
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "id");
      json_builder_add_int_value (builder, item->id);
      json_builder_set_member_name (builder, "source");
      json_builder_add_string_value (builder, gh_source_to_string (item->source));
      add_date_member (builder, "collected_at", item->collected_at);
      add_date_member (builder, "retained_until", item->retained_until);
      json_builder_set_member_name (builder, "attributes");
      if (attributes != NULL)
        json_builder_add_value (builder, g_steal_pointer (&attributes));
      else
        json_builder_add_string_value (builder, item->attributes);
      json_builder_end_object (builder);
    }
  if (current != NULL)
    {
      json_builder_end_array (builder);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "consents");
  json_builder_begin_array (builder);
  for (guint i = 0; i < consents->len; i++)
    {
      const GhConsent *consent = g_ptr_array_index (consents, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "purpose");
      json_builder_add_string_value (builder, consent->purpose_id);
      json_builder_set_member_name (builder, "state");
      json_builder_add_string_value (builder, gh_consent_state_to_string (consent->state));
      add_date_member (builder, "updated_at", consent->updated_at);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

static void
print_customer (const GhCustomer *customer,
                GPtrArray        *items,
                GPtrArray        *consents)
{
  const char *current = NULL;

  printf ("%s (ref %s)\n", customer->display_name, customer->ref);
  for (guint i = 0; i < items->len; i++)
    {
      const GhDataItem *item = g_ptr_array_index (items, i);
      g_autofree char *collected = gh_ctl_format_date (item->collected_at);
      g_autofree char *until = gh_ctl_format_date (item->retained_until);

      if (g_strcmp0 (current, item->category) != 0)
        printf ("\n%s\n", current = item->category);
      printf ("  %-11s %s  collected %s, deleted by %s\n", gh_source_to_string (item->source),
              item->attributes, collected, until);
    }
  printf ("\nconsents\n");
  for (guint i = 0; i < consents->len; i++)
    {
      const GhConsent *consent = g_ptr_array_index (consents, i);
      g_autofree char *updated = gh_ctl_format_date (consent->updated_at);

      printf ("  %-32s %-8s since %s\n", consent->purpose_id,
              gh_consent_state_to_string (consent->state), updated);
    }
}

int
gh_ctl_customer_show (int    argc,
                      char **argv)
{
  g_auto(GhCtlCommon) common = { 0 };
  g_autoptr(GhStore) store = NULL;
  g_autoptr(GhCustomer) customer = NULL;
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GPtrArray) consents = NULL;
  g_autoptr(GError) error = NULL;

  if (!gh_ctl_parse (&argc, &argv, "customer show LOYALTY_ID [--json]", NULL, TRUE, 1, &common))
    return GH_CTL_EXIT_USAGE;

  if ((store = gh_ctl_open_store (&common, FALSE, &error)) == NULL ||
      (customer = gh_store_find_customer (store, argv[1], &error)) == NULL ||
      (items = gh_store_list_data_items (store, customer->id, &error)) == NULL ||
      (consents = gh_store_list_consents (store, customer->id, &error)) == NULL)
    return gh_ctl_fail (error);

  if (common.json)
    {
      g_autoptr(JsonNode) node = customer_to_json (customer, items, consents);
      gh_ctl_print_json (node);
    }
  else
    print_customer (customer, items, consents);
  return GH_CTL_EXIT_OK;
}

int
gh_ctl_consent_set (int    argc,
                    char **argv)
{
  g_auto(GhCtlCommon) common = { 0 };
  g_autofree char *actor = NULL;
  g_autofree char *notice_version = NULL;
  g_autoptr(GhStore) store = NULL;
  g_autoptr(GhCustomer) customer = NULL;
  g_autoptr(GhActor) who = NULL;
  g_autofree char *who_text = NULL;
  g_autoptr(GError) error = NULL;
  GhConsentState state;
  gint64 seq;
  GOptionEntry entries[] = {
    { "actor", 0, 0, G_OPTION_ARG_STRING, &actor, "Who made the change (default: cli)", "A" },
    { NULL }
  };

  if (!gh_ctl_parse (&argc, &argv, "consent set LOYALTY_ID PURPOSE granted|revoked [--actor A]",
                     entries, FALSE, 3, &common)
      || (who = gh_ctl_parse_actor (actor)) == NULL)
    return GH_CTL_EXIT_USAGE;
  who_text = gh_actor_to_string (who);
  if (!gh_consent_state_from_string (argv[3], &state))
    {
      fprintf (stderr, "glasshouse-ctl: error: state \"%s\" must be granted or revoked\n", argv[3]);
      return GH_CTL_EXIT_USAGE;
    }

  if ((store = gh_ctl_open_store (&common, FALSE, &error)) == NULL ||
      (customer = gh_store_find_customer (store, argv[1], &error)) == NULL ||
      !gh_ctl_check_purpose (store, argv[2], state, &notice_version, &error))
    return gh_ctl_fail (error);

  seq = gh_store_set_consent (store, customer, argv[2], state, notice_version, who_text,
                              &error);
  if (seq < 0)
    return gh_ctl_fail (error);
  if (seq == 0)
    printf ("%s was already %s; nothing recorded\n", argv[2], argv[3]);
  else
    printf ("%s %s (event %" G_GINT64_FORMAT ")\n", argv[2], argv[3], seq);
  return GH_CTL_EXIT_OK;
}

int
gh_ctl_audit_verify (int    argc,
                     char **argv)
{
  g_auto(GhCtlCommon) common = { 0 };
  g_autoptr(GhStore) store = NULL;
  g_autoptr(GError) error = NULL;
  gint64 checked = 0, first_bad = 0;

  if (!gh_ctl_parse (&argc, &argv, "audit verify", NULL, FALSE, 0, &common))
    return GH_CTL_EXIT_USAGE;
  if ((store = gh_ctl_open_store (&common, FALSE, &error)) == NULL ||
      !gh_store_verify_chain (store, &checked, &first_bad, &error))
    return gh_ctl_fail (error);
  printf ("audit chain intact: %" G_GINT64_FORMAT " events\n", checked);
  return GH_CTL_EXIT_OK;
}

static JsonNode *
event_to_json (const GhEvent *event)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) body = json_from_string (event->body, NULL);

  json_builder_begin_object (builder);
#define ADD_STRING(name, value) \
  json_builder_set_member_name (builder, name); \
  if ((value) != NULL) json_builder_add_string_value (builder, value); \
  else json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "seq");
  json_builder_add_int_value (builder, event->seq);
  ADD_STRING ("at", event->at);
  ADD_STRING ("kiosk_id", event->kiosk_id);
  ADD_STRING ("actor", event->actor);
  ADD_STRING ("customer_ref", event->customer_ref);
  ADD_STRING ("kind", event->kind);
  json_builder_set_member_name (builder, "body");
  json_builder_add_value (builder, body != NULL ? g_steal_pointer (&body) : json_node_new (JSON_NODE_NULL));
  /* The exact text the hash covers, so HQ can re-check the chain. */
  ADD_STRING ("body_text", event->body);
  ADD_STRING ("prev_hash", event->prev_hash);
  ADD_STRING ("hash", event->hash);
#undef ADD_STRING
  if (event->attachment != NULL)
    {
      /* Personal data for HQ kept outside the chain; the body names its SHA-256. */
      g_autoptr(JsonNode) attachment = json_from_string (event->attachment, NULL);

      json_builder_set_member_name (builder, "attachment");
      if (attachment != NULL)
        json_builder_add_value (builder, g_steal_pointer (&attachment));
      else
        json_builder_add_string_value (builder, event->attachment);
    }
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

int
gh_ctl_outbox_export (int    argc,
                      char **argv)
{
  g_auto(GhCtlCommon) common = { 0 };
  g_autoptr(GhStore) store = NULL;
  g_autoptr(GError) error = NULL;
  gint64 after = 0;
  GOptionEntry entries[] = {
    { "after", 0, 0, G_OPTION_ARG_INT64, &after, "Only events after this sequence number", "SEQ" },
    { NULL }
  };

  if (!gh_ctl_parse (&argc, &argv, "outbox export [--after SEQ]", entries, FALSE, 0, &common))
    return GH_CTL_EXIT_USAGE;
  if ((store = gh_ctl_open_store (&common, FALSE, &error)) == NULL)
    return gh_ctl_fail (error);

  /* In pages, so a kiosk that was offline for weeks does not load it all at once. */
  for (;;)
    {
      g_autoptr(GPtrArray) events = gh_store_outbox_list (store, after, 1000, &error);

      if (events == NULL)
        return gh_ctl_fail (error);
      if (events->len == 0)
        break;
      for (guint i = 0; i < events->len; i++)
        {
          const GhEvent *event = g_ptr_array_index (events, i);
          g_autoptr(JsonNode) node = event_to_json (event);
          g_autofree char *line = json_to_string (node, FALSE);

          printf ("%s\n", line);
          after = event->seq;
        }
    }
  return GH_CTL_EXIT_OK;
}

int
gh_ctl_outbox_ack (int    argc,
                   char **argv)
{
  g_auto(GhCtlCommon) common = { 0 };
  g_autoptr(GhStore) store = NULL;
  g_autoptr(GError) error = NULL;
  gint64 seq, acked;
  char *end = NULL;

  if (!gh_ctl_parse (&argc, &argv, "outbox ack SEQ", NULL, FALSE, 1, &common))
    return GH_CTL_EXIT_USAGE;
  seq = g_ascii_strtoll (argv[1], &end, 10);
  if (end == argv[1] || *end != '\0' || seq < 1)
    {
      fprintf (stderr, "glasshouse-ctl: error: SEQ \"%s\" is not a positive whole number\n", argv[1]);
      return GH_CTL_EXIT_USAGE;
    }
  if ((store = gh_ctl_open_store (&common, FALSE, &error)) == NULL ||
      (acked = gh_store_outbox_ack (store, seq, &error)) < 0)
    return gh_ctl_fail (error);
  printf ("acknowledged %" G_GINT64_FORMAT " event%s up to %" G_GINT64_FORMAT "\n",
          acked, acked == 1 ? "" : "s", seq);
  return GH_CTL_EXIT_OK;
}
