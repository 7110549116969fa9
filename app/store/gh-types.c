/* Plain records shared by the store, the offer engine and the UI, and the
 * names their enums have in the database, in JSON and on the command line.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "glasshouse-store"
#include "config.h"

#include <sodium.h>
#include <string.h>

#include "store/gh-types.h"

static const char *source_names[] = { "provided", "observed", "inferred", "third_party" };

const char *
gh_source_to_string (GhSource source)
{
  g_return_val_if_fail (source <= GH_SOURCE_THIRD_PARTY, NULL);
  return source_names[source];
}

gboolean
gh_source_from_string (const char *text,
                       GhSource   *out)
{
  for (guint i = 0; text != NULL && i < G_N_ELEMENTS (source_names); i++)
    if (g_str_equal (text, source_names[i]))
      {
        *out = (GhSource) i;
        return TRUE;
      }
  return FALSE;
}

const char *
gh_consent_state_to_string (GhConsentState state)
{
  return state == GH_CONSENT_GRANTED ? "granted" : "revoked";
}

gboolean
gh_consent_state_from_string (const char     *text,
                              GhConsentState *out)
{
  if (g_strcmp0 (text, "granted") == 0)
    *out = GH_CONSENT_GRANTED;
  else if (g_strcmp0 (text, "revoked") == 0)
    *out = GH_CONSENT_REVOKED;
  else
    return FALSE;
  return TRUE;
}

void
gh_customer_free (GhCustomer *customer)
{
  if (customer == NULL)
    return;
  g_free (customer->loyalty_id);
  g_free (customer->ref);
  g_free (customer->display_name);
  g_free (customer->pin_hash);
  g_free (customer);
}

GhCustomer *
gh_customer_copy (const GhCustomer *customer)
{
  GhCustomer *copy;

  g_return_val_if_fail (customer != NULL, NULL);
  copy = g_new0 (GhCustomer, 1);
  *copy = *customer;
  copy->loyalty_id = g_strdup (customer->loyalty_id);
  copy->ref = g_strdup (customer->ref);
  copy->display_name = g_strdup (customer->display_name);
  copy->pin_hash = NULL;
  return copy;
}

void
gh_string_wipe (char **text)
{
  if (*text == NULL)
    return;
  /* sodium_memzero, unlike memset, is not optimised away before the free. */
  sodium_memzero (*text, strlen (*text));
  g_clear_pointer (text, g_free);
}

void
gh_customer_wipe (GhCustomer *customer)
{
  if (customer == NULL)
    return;
  gh_string_wipe (&customer->loyalty_id);
  gh_string_wipe (&customer->display_name);
  gh_string_wipe (&customer->ref);
  gh_customer_free (customer);
}

void
gh_data_item_free (GhDataItem *item)
{
  if (item == NULL)
    return;
  g_free (item->category);
  g_free (item->attributes);
  g_free (item);
}

void
gh_consent_free (GhConsent *consent)
{
  if (consent == NULL)
    return;
  g_free (consent->purpose_id);
  g_free (consent->notice_version);
  g_free (consent);
}

GhConsent *
gh_consent_find (GPtrArray  *consents,
                 const char *purpose_id)
{
  for (guint i = 0; consents != NULL && i < consents->len; i++)
    {
      GhConsent *consent = g_ptr_array_index (consents, i);

      if (g_strcmp0 (consent->purpose_id, purpose_id) == 0)
        return consent;
    }
  return NULL;
}

void
gh_event_free (GhEvent *event)
{
  if (event == NULL)
    return;
  g_free (event->at);
  g_free (event->kiosk_id);
  g_free (event->actor);
  g_free (event->customer_ref);
  g_free (event->kind);
  g_free (event->body);
  g_free (event->prev_hash);
  g_free (event->hash);
  g_free (event->attachment);
  g_free (event);
}
