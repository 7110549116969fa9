/* glasshouse-ctl offers: a shopper's offers with the data behind each, and the
 * what-if of switching one purpose. `report minimisation` is gh-ctl-report.c.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "glasshouse-ctl"
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "config/gh-catalog.h"
#include "ctl/gh-ctl.h"
#include "ctl/gh-ctl-commands.h"
#include "offers/gh-item-text.h"
#include "offers/gh-offers.h"
#include "store/gh-store-private.h"

/* How many items one "because" line names before it says "and N more". */
#define MAX_REASONS_PER_LINE 4

static const char *month_names[] = {
  "January", "February", "March", "April", "May", "June", "July", "August", "September",
  "October", "November", "December",
};

/* "12 March", or "12 March 2025" outside the current year: the CLI speaks
 * English whatever the locale, like its errors. */
static char *
format_day (gint64 unix_seconds)
{
  g_autoptr(GDateTime) date = g_date_time_new_from_unix_utc (unix_seconds);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

  if (date == NULL)
    return g_strdup ("an unknown date");
  if (g_date_time_get_year (date) == g_date_time_get_year (now))
    return g_strdup_printf ("%d %s", g_date_time_get_day_of_month (date),
                            month_names[g_date_time_get_month (date) - 1]);
  return g_strdup_printf ("%d %s %d", g_date_time_get_day_of_month (date),
                          month_names[g_date_time_get_month (date) - 1],
                          g_date_time_get_year (date));
}

/* The reason one data item gives, in the words a shopper would use:
 * "you bought Trail running shoes on 12 March 2026". */
static char *
describe_item (const GhDataItem *item)
{
  g_autofree char *day = format_day (item->collected_at);

  return gh_item_text_reason (item, day);
}

/* One clause of a "because" line: items of one category about one thing
 * (the same product, the same store), so their dates can be listed together. */
typedef struct {
  const GhDataItem *first;
  char             *subject;   /* NULL for categories described item by item */
  GPtrArray        *days;      /* char* */
} Clause;

static void
clause_free (Clause *clause)
{
  g_free (clause->subject);
  g_ptr_array_unref (clause->days);
  g_free (clause);
}

static void
join_list (GString   *text,
           GPtrArray *parts)
{
  for (guint i = 0; i < parts->len; i++)
    {
      if (i > 0)
        g_string_append (text, i + 1 == parts->len ? " and " : ", ");
      g_string_append (text, g_ptr_array_index (parts, i));
    }
}

static char *
describe_clause (Clause *clause)
{
  g_autoptr(GString) text = g_string_new (NULL);

  if (clause->subject == NULL)
    return describe_item (clause->first);
  join_list (text, clause->days);
  return gh_item_text_reason_on_days (clause->first, clause->subject, text->str);
}

/* "because you bought Trail running shoes on 12 March and 2 June and we think
 * you are in the group "Likely runner"". */
static char *
describe_because (GPtrArray *because)
{
  g_autoptr(GPtrArray) clauses = g_ptr_array_new_with_free_func ((GDestroyNotify) clause_free);
  g_autoptr(GPtrArray) parts = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GString) text = g_string_new ("because ");

  for (guint i = 0; i < because->len; i++)
    {
      const GhDataItem *item = g_ptr_array_index (because, i);
      g_autofree char *subject = gh_item_text_subject (item);
      Clause *clause = NULL;

      for (guint j = 0; subject != NULL && j < clauses->len && clause == NULL; j++)
        {
          Clause *candidate = g_ptr_array_index (clauses, j);

          if (candidate->subject != NULL &&
              g_str_equal (candidate->first->category, item->category) &&
              g_str_equal (candidate->subject, subject))
            clause = candidate;
        }
      if (clause == NULL)
        {
          clause = g_new0 (Clause, 1);
          clause->first = item;
          clause->subject = g_steal_pointer (&subject);
          clause->days = g_ptr_array_new_with_free_func (g_free);
          g_ptr_array_add (clauses, clause);
        }
      if (clause->days->len < MAX_REASONS_PER_LINE)
        g_ptr_array_add (clause->days, format_day (item->collected_at));
    }

  for (guint i = 0; i < clauses->len && i < MAX_REASONS_PER_LINE; i++)
    {
      char *part = describe_clause (g_ptr_array_index (clauses, i));

      /* Two items may say the same ("you told us your birthday"): say it once. */
      if (g_ptr_array_find_with_equal_func (parts, part, g_str_equal, NULL))
        g_free (part);
      else
        g_ptr_array_add (parts, part);
    }
  if (clauses->len > MAX_REASONS_PER_LINE)
    g_ptr_array_add (parts, g_strdup_printf ("%u more things we hold",
                                             clauses->len - MAX_REASONS_PER_LINE));
  join_list (text, parts);
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static void
print_match (GhOfferMatch *match,
             const char   *language)
{
  g_autofree char *because = describe_because (match->because);

  printf ("  %s\n", gh_offer_get_title (match->offer, language));
  printf ("    %s\n", gh_offer_get_description (match->offer, language));
  printf ("    %s\n", because);
  printf ("    (%s: %s)\n", gh_purpose_get_title (match->purpose, language),
          gh_legal_basis_to_string (gh_purpose_get_legal_basis (match->purpose)));
}

static void
add_matches (JsonBuilder *builder,
             const char  *name,
             GPtrArray   *matches,
             const char  *language)
{
  json_builder_set_member_name (builder, name);
  json_builder_begin_array (builder);
  for (guint i = 0; i < matches->len; i++)
    {
      GhOfferMatch *match = g_ptr_array_index (matches, i);
      g_autofree char *summary = describe_because (match->because);
      const char *basis = gh_legal_basis_to_string (gh_purpose_get_legal_basis (match->purpose));

      json_builder_begin_object (builder);
      gh_json_add_string (builder, "id", gh_offer_get_id (match->offer));
      gh_json_add_string (builder, "title", gh_offer_get_title (match->offer, language));
      gh_json_add_string (builder, "description",
                          gh_offer_get_description (match->offer, language));
      gh_json_add_string (builder, "purpose", gh_purpose_get_id (match->purpose));
      gh_json_add_string (builder, "legal_basis", basis);
      gh_json_add_string (builder, "because_text", summary);
      json_builder_set_member_name (builder, "because");
      json_builder_begin_array (builder);
      for (guint j = 0; j < match->because->len; j++)
        {
          GhDataItem *item = g_ptr_array_index (match->because, j);
          g_autofree char *reason = describe_item (item);
          g_autofree char *collected = gh_ctl_format_date (item->collected_at);

          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "item_id");
          json_builder_add_int_value (builder, item->id);
          gh_json_add_string (builder, "category", item->category);
          gh_json_add_string (builder, "collected_at", collected);
          gh_json_add_string (builder, "reason", reason);
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
}

/* The offers of @current that are not in @removed: what stays after a revocation. */
static GPtrArray *
matches_without (GPtrArray *current,
                 GPtrArray *removed)
{
  GPtrArray *staying = g_ptr_array_new ();

  for (guint i = 0; i < current->len; i++)
    {
      GhOfferMatch *match = g_ptr_array_index (current, i);
      gboolean gone = FALSE;

      for (guint j = 0; j < removed->len && !gone; j++)
        gone = ((GhOfferMatch *) g_ptr_array_index (removed, j))->offer == match->offer;
      if (!gone)
        g_ptr_array_add (staying, match);
    }
  return staying;
}

static const char *
why_always_on (GhPurpose *purpose)
{
  return gh_purpose_get_legal_basis (purpose) == GH_LEGAL_BASIS_CONTRACT
         ? "it is needed for the membership the shopper signed up for (contract)"
         : "the law requires it (legal obligation)";
}

/* What every JSON answer of `offers` starts with. */
static JsonBuilder *
offers_json_new (GhCustomer *customer,
                 GhCatalog  *catalog,
                 const char *language)
{
  JsonBuilder *builder = json_builder_new ();

  json_builder_begin_object (builder);
  gh_json_add_string (builder, "loyalty_id", customer->loyalty_id);
  json_builder_set_member_name (builder, "config_version");
  json_builder_add_int_value (builder, gh_catalog_get_version (catalog));
  gh_json_add_string (builder, "language", language);
  return builder;
}

static void
offers_json_print (JsonBuilder *builder)
{
  g_autoptr(JsonNode) root = NULL;

  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  gh_ctl_print_json (root);
}

/* The shopper's offers now. */
static void
show_offers (gboolean    json,
             GhCustomer *customer,
             GhCatalog  *catalog,
             GPtrArray  *current,
             const char *language)
{
  guint n_offers = g_list_model_get_n_items (gh_catalog_get_offers (catalog));

  if (json)
    {
      g_autoptr(JsonBuilder) builder = offers_json_new (customer, catalog, language);

      add_matches (builder, "offers", current, language);
      offers_json_print (builder);
      return;
    }
  printf ("Offers for %s: %u of %u\n", customer->display_name, current->len, n_offers);
  for (guint i = 0; i < current->len; i++)
    {
      printf ("\n");
      print_match (g_ptr_array_index (current, i), language);
    }
}

static void
print_matches (const char *heading,
               GPtrArray  *matches,
               const char *language)
{
  printf ("\n%s (%u):\n", heading, matches->len);
  for (guint i = 0; i < matches->len; i++)
    print_match (g_ptr_array_index (matches, i), language);
}

/* Which offers would go, arrive and stay if @purpose were set to @target. */
static void
show_what_if (gboolean        json,
              GhCustomer     *customer,
              GhCatalog      *catalog,
              GhPurpose      *purpose,
              GhConsentState  target,
              GPtrArray      *items,
              GPtrArray      *consents,
              GPtrArray      *current,
              const char     *language)
{
  GhConsentState state = gh_offers_purpose_state (purpose, consents);
  g_autoptr(GPtrArray) added = NULL;
  g_autoptr(GPtrArray) removed = gh_offers_what_if (catalog, items, consents,
                                                    gh_purpose_get_id (purpose), target, &added);
  g_autoptr(GPtrArray) staying = matches_without (current, removed);
  gboolean always_on = !gh_purpose_get_can_revoke (purpose);

  if (json)
    {
      g_autoptr(JsonBuilder) builder = offers_json_new (customer, catalog, language);

      gh_json_add_string (builder, "purpose", gh_purpose_get_id (purpose));
      gh_json_add_string (builder, "legal_basis",
                          gh_legal_basis_to_string (gh_purpose_get_legal_basis (purpose)));
      gh_json_add_string (builder, "state", gh_consent_state_to_string (state));
      gh_json_add_string (builder, "what_if", gh_consent_state_to_string (target));
      json_builder_set_member_name (builder, "can_revoke");
      json_builder_add_boolean_value (builder, !always_on);
      if (always_on && target == GH_CONSENT_REVOKED)
        gh_json_add_string (builder, "why_not", why_always_on (purpose));
      add_matches (builder, "would_remove", removed, language);
      add_matches (builder, "would_add", added, language);
      add_matches (builder, "would_stay", staying, language);
      offers_json_print (builder);
      return;
    }

  printf ("What if %s %s \"%s\" (%s, now %s)?\n", customer->display_name,
          target == GH_CONSENT_REVOKED ? "switched off" : "switched on",
          gh_purpose_get_title (purpose, language),
          gh_legal_basis_to_string (gh_purpose_get_legal_basis (purpose)),
          gh_consent_state_to_string (state));
  if (always_on && target == GH_CONSENT_REVOKED)
    printf ("\nIt cannot be switched off: %s. Nothing would change.\n", why_always_on (purpose));
  else if (state == target)
    printf ("\nIt is already %s. Nothing would change.\n", gh_consent_state_to_string (state));

  if (removed->len > 0)
    print_matches ("Would go", removed, language);
  else if (target == GH_CONSENT_REVOKED)
    printf ("\nNo offer would go.\n");
  if (added->len > 0)
    print_matches ("Would arrive", added, language);
  else if (target == GH_CONSENT_GRANTED)
    printf ("\nNo offer would arrive.\n");
  printf ("\nWould stay (%u):\n", staying->len);
  for (guint i = 0; i < staying->len; i++)
    {
      GhOfferMatch *match = g_ptr_array_index (staying, i);
      printf ("  %s\n", gh_offer_get_title (match->offer, language));
    }
}

int
gh_ctl_offers (int    argc,
               char **argv)
{
  g_auto(GhCtlCommon) common = { 0 };
  g_autofree char *without = NULL;
  g_autofree char *with = NULL;
  g_autofree char *language = NULL;
  g_autoptr(GhStore) store = NULL;
  g_autoptr(GhCatalog) catalog = NULL;
  g_autoptr(GhCustomer) customer = NULL;
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GPtrArray) consents = NULL;
  g_autoptr(GPtrArray) current = NULL;
  g_autoptr(GError) error = NULL;
  GhPurpose *purpose = NULL;
  const char *usage =
    "offers LOYALTY_ID [--json] [--without PURPOSE | --with PURPOSE] [--language LANG]";
  GOptionEntry entries[] = {
    { "without", 0, 0, G_OPTION_ARG_STRING, &without,
      "What-if: the offers revoking PURPOSE would remove", "PURPOSE" },
    { "with", 0, 0, G_OPTION_ARG_STRING, &with,
      "What-if: the offers granting PURPOSE would add", "PURPOSE" },
    { "language", 0, 0, G_OPTION_ARG_STRING, &language,
      "Texts in LANG (default: the config's first)", "LANG" },
    { NULL }
  };

  if (!gh_ctl_parse (&argc, &argv, usage, entries, TRUE, 1, &common))
    return GH_CTL_EXIT_USAGE;
  if (without != NULL && with != NULL)
    {
      fprintf (stderr, "glasshouse-ctl: error: --without and --with ask different questions; "
               "give one (usage: glasshouse-ctl %s)\n", usage);
      return GH_CTL_EXIT_USAGE;
    }

  if ((store = gh_ctl_open_store (&common, FALSE, &error)) == NULL ||
      (catalog = gh_catalog_load_active (store, &error)) == NULL)
    return gh_ctl_fail (error);
  if (language == NULL)
    language = g_strdup (gh_catalog_get_default_language (catalog));
  else if (!g_strv_contains (gh_catalog_get_languages (catalog), language))
    {
      g_set_error (&error, GH_CTL_ERROR, GH_CTL_ERROR_REJECTED,
                   "--language: config version %" G_GINT64_FORMAT " has no language \"%s\"",
                   gh_catalog_get_version (catalog), language);
      return gh_ctl_fail (error);
    }
  if (without != NULL || with != NULL)
    {
      const char *purpose_id = without != NULL ? without : with;

      purpose = gh_catalog_find_purpose (catalog, purpose_id);
      if (purpose == NULL)
        {
          g_set_error (&error, GH_CTL_ERROR, GH_CTL_ERROR_REJECTED,
                       "--%s: unknown purpose \"%s\" (not in config version %" G_GINT64_FORMAT ")",
                       without != NULL ? "without" : "with", purpose_id,
                       gh_catalog_get_version (catalog));
          return gh_ctl_fail (error);
        }
    }
  if ((customer = gh_store_find_customer (store, argv[1], &error)) == NULL ||
      (items = gh_store_list_data_items (store, customer->id, &error)) == NULL ||
      (consents = gh_store_list_consents (store, customer->id, &error)) == NULL)
    return gh_ctl_fail (error);

  current = gh_offers_evaluate (catalog, items, consents);
  if (purpose == NULL)
    show_offers (common.json, customer, catalog, current, language);
  else
    show_what_if (common.json, customer, catalog, purpose,
                  without != NULL ? GH_CONSENT_REVOKED : GH_CONSENT_GRANTED,
                  items, consents, current, language);
  return GH_CTL_EXIT_OK;
}
