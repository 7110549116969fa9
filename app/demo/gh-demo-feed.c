/* The demo shoppers as a member feed (docs/member-feed.md): what a CRM would
 * export for them. `glasshouse-ctl demo` imports this feed through the same
 * gh_member_import () a real CRM export goes through; `demo --write-feed`
 * keeps it as a file for HQ and for tests.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "glasshouse-demo"
#include "config.h"

#include <string.h>
#include <time.h>

#include "demo/gh-demo-private.h"
#include "members/gh-member-feed.h"

/* Appends @text as a JSON string, quotes included. */
static void
append_json_string (GString    *out,
                    const char *text)
{
  g_string_append_c (out, '"');
  _gh_demo_append_json_escaped (out, text);
  g_string_append_c (out, '"');
}

static void
append_time (GString *out,
             gint64   unix_seconds)
{
  time_t t = unix_seconds;
  struct tm tm;
  char text[32];

  gmtime_r (&t, &tm);
  strftime (text, sizeof text, "\"%Y-%m-%dT%H:%M:%SZ\"", &tm);
  g_string_append (out, text);
}

static void
append_customer (GString               *out,
                 const GhDemoPlan      *plan,
                 const GhDemoBatch     *batch,
                 const GhDemoCustomer  *customer,
                 guint                  first_item,
                 guint                  first_consent,
                 const char            *store_id)
{
  const char *text = batch->text->str;

  g_string_append (out, "{\"loyalty_id\":");
  append_json_string (out, text + customer->loyalty_id);
  g_string_append (out, ",\"ref\":");
  append_json_string (out, text + customer->ref);
  g_string_append (out, ",\"name\":");
  append_json_string (out, text + customer->name);
  g_string_append (out, ",\"pin_hash\":");
  append_json_string (out, customer->pin_hash);
  g_string_append (out, ",\"member_since\":");
  append_time (out, customer->created_at);
  g_string_append (out, ",\"stores\":[");
  if (store_id != NULL)
    append_json_string (out, store_id);
  else
    for (guint i = 0; i < plan->inputs->n_stores; i++)
      {
        if (i > 0)
          g_string_append_c (out, ',');
        append_json_string (out, plan->inputs->store_ids[i]);
      }
  g_string_append (out, "],\"items\":[");
  for (guint i = 0; i < customer->n_items; i++)
    {
      const GhDemoItem *item = &g_array_index (batch->items, GhDemoItem, first_item + i);

      /* The CRM's item id: stable for a (seed, today, shopper), like every value here. */
      g_string_append_printf (out, "%s{\"id\":\"d%u\",\"category\":\"%s\",\"source\":\"%s\","
                              "\"attributes\":", i > 0 ? "," : "", i,
                              _gh_demo_category_ids[item->category],
                              gh_source_to_string (_gh_demo_category_sources[item->category]));
      g_string_append_len (out, text + item->attributes, item->length);
      g_string_append (out, ",\"collected_at\":");
      append_time (out, item->collected_at);
      g_string_append (out, ",\"retained_until\":");
      append_time (out, item->retained_until);
      g_string_append_c (out, '}');
    }
  g_string_append (out, "],\"consents\":[");
  for (guint i = 0; i < customer->n_consents; i++)
    {
      const GhDemoConsent *consent = &g_array_index (batch->consents, GhDemoConsent,
                                                     first_consent + i);
      const GhDemoPurposePlan *purpose = &g_array_index (plan->purposes, GhDemoPurposePlan,
                                                         consent->purpose);

      g_string_append_printf (out, "%s{\"purpose\":", i > 0 ? "," : "");
      append_json_string (out, purpose->id);
      g_string_append_printf (out, ",\"state\":\"%s\",\"decided_at\":",
                              gh_consent_state_to_string (consent->state));
      append_time (out, consent->updated_at);
      if (purpose->notice_version != NULL)
        {
          g_string_append (out, ",\"notice_version\":");
          append_json_string (out, purpose->notice_version);
        }
      g_string_append_c (out, '}');
    }
  g_string_append (out, "]}\n");
}

gboolean
_gh_demo_write_feed (GhDemoPlan     *plan,
                     const char     *store_id,
                     GOutputStream  *output,
                     GhDemoSummary  *summary,
                     GCancellable   *cancellable,
                     GError        **error)
{
  g_autoptr(GString) out = g_string_sized_new (BATCH_CUSTOMERS * 4096);
  GhDemoBatch batch = { 0 };
  gboolean ok = TRUE;

  batch.text = g_string_sized_new (BATCH_CUSTOMERS * 4096);
  batch.customers = g_array_sized_new (FALSE, FALSE, sizeof (GhDemoCustomer), BATCH_CUSTOMERS);
  batch.items = g_array_sized_new (FALSE, FALSE, sizeof (GhDemoItem), BATCH_CUSTOMERS * 32);
  batch.consents = g_array_sized_new (FALSE, FALSE, sizeof (GhDemoConsent), BATCH_CUSTOMERS * 8);

  g_string_append (out, "{\"format\":\"" GH_MEMBER_FEED_FORMAT "\",\"source\":\"glasshouse demo\"}\n");
  for (guint next = 1; ok && next <= plan->n_customers;)
    {
      guint item = 0, consent = 0;

      g_string_truncate (batch.text, 0);
      g_array_set_size (batch.customers, 0);
      g_array_set_size (batch.items, 0);
      g_array_set_size (batch.consents, 0);
      while (next <= plan->n_customers && batch.customers->len < BATCH_CUSTOMERS)
        _gh_demo_generate_customer (plan, &batch, next++);

      for (guint c = 0; c < batch.customers->len; c++)
        {
          const GhDemoCustomer *customer = &g_array_index (batch.customers, GhDemoCustomer, c);

          append_customer (out, plan, &batch, customer, item, consent, store_id);
          item += customer->n_items;
          consent += customer->n_consents;
          if (summary != NULL)
            {
              summary->customers++;
              summary->data_items += customer->n_items;
              summary->consents += customer->n_consents;
            }
        }
      ok = g_output_stream_write_all (output, out->str, out->len, NULL, cancellable, error);
      g_string_truncate (out, 0);
    }

  g_string_free (batch.text, TRUE);
  g_array_unref (batch.customers);
  g_array_unref (batch.items);
  g_array_unref (batch.consents);
  return ok;
}
