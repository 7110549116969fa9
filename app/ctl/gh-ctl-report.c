/* glasshouse-ctl report minimisation (for HQ: data held that no offer reads, and
 * purposes whose offers reach nobody). The report streams every shopper of the
 * store in two ordered scans merged by customer id, so a store of a million
 * shoppers is read once, with one shopper in memory at a time.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "glasshouse-ctl"
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "config/gh-catalog.h"
#include "ctl/gh-ctl.h"
#include "ctl/gh-ctl-commands.h"
#include "offers/gh-offers.h"
#include "store/gh-store-private.h"

typedef struct {
  GHashTable *held;       /* category -> count of items (gint64 *) */
  GHashTable *idle;       /* category -> count of items that do nothing for their shopper */
  gboolean   *reached;    /* per purpose, config order */
  gint64      shoppers;
} Report;

static void
count_category (GHashTable *table,
                const char *category)
{
  gint64 *count = g_hash_table_lookup (table, category);

  if (count == NULL)
    {
      count = g_new0 (gint64, 1);
      g_hash_table_insert (table, g_strdup (category), count);
    }
  (*count)++;
}

static gint64
category_count (GHashTable *table,
                const char *category)
{
  gint64 *count = g_hash_table_lookup (table, category);
  return count != NULL ? *count : 0;
}

static void
report_shopper (Report    *report,
                GhCatalog *catalog,
                GPtrArray *items,
                GPtrArray *consents,
                gint64     now)
{
  g_autoptr(GPtrArray) unused = NULL;

  report->shoppers++;
  gh_offers_mark_reached (catalog, items, consents, now, report->reached);
  unused = gh_offers_unused_items (catalog, items, consents);
  for (guint i = 0; i < unused->len; i++)
    count_category (report->idle, ((GhDataItem *) g_ptr_array_index (unused, i))->category);
}

static gboolean
step (GhStore       *store,
      sqlite3_stmt  *stmt,
      gboolean      *row,
      const char    *what,
      GError       **error)
{
  int rc = sqlite3_step (stmt);

  if (rc == SQLITE_ROW || rc == SQLITE_DONE)
    {
      *row = rc == SQLITE_ROW;
      return TRUE;
    }
  _gh_store_set_error (store, rc, error, what);
  return FALSE;
}

/* Streams every shopper's items and consents: both queries run in customer id
 * order, and the consent cursor is advanced to each shopper of the item cursor. */
static gboolean
report_scan (Report     *report,
             GhStore    *store,
             GhCatalog  *catalog,
             gint64      now,
             GError    **error)
{
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func ((GDestroyNotify) gh_data_item_free);
  g_autoptr(GPtrArray) consents = g_ptr_array_new_with_free_func ((GDestroyNotify) gh_consent_free);
  sqlite3 *db = _gh_store_get_db (store);
  sqlite3_stmt *item_stmt = NULL;
  sqlite3_stmt *consent_stmt = NULL;
  gboolean item_row = FALSE, consent_row = FALSE, ok = FALSE;
  gint64 customer = -1;
  int rc;

  /* Own statements, not the store's cache: the two cursors stay open side by side. */
  rc = sqlite3_prepare_v2 (db, "SELECT customer_id, id, category, attributes, source, "
                           "collected_at, retained_until FROM data_item ORDER BY customer_id",
                           -1, &item_stmt, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_prepare_v2 (db, "SELECT customer_id, purpose_id, state FROM consent "
                             "ORDER BY customer_id", -1, &consent_stmt, NULL);
  if (rc != SQLITE_OK)
    {
      _gh_store_set_error (store, rc, error, "preparing the minimisation scan");
      goto out;
    }
  if (!_gh_store_exec (store, "BEGIN", error))
    goto out;

  if (!step (store, item_stmt, &item_row, "reading data items", error) ||
      !step (store, consent_stmt, &consent_row, "reading consents", error))
    goto rollback;

  while (item_row)
    {
      gint64 id = sqlite3_column_int64 (item_stmt, 0);
      GhDataItem *item;
      GhSource source = GH_SOURCE_PROVIDED;

      if (id != customer)
        {
          if (customer >= 0)
            report_shopper (report, catalog, items, consents, now);
          g_ptr_array_set_size (items, 0);
          g_ptr_array_set_size (consents, 0);
          customer = id;
          /* Consents of shoppers without items have nothing to gate: skip them. */
          while (consent_row && sqlite3_column_int64 (consent_stmt, 0) < customer)
            if (!step (store, consent_stmt, &consent_row, "reading consents", error))
              goto rollback;
          while (consent_row && sqlite3_column_int64 (consent_stmt, 0) == customer)
            {
              GhConsent *consent = g_new0 (GhConsent, 1);

              consent->purpose_id = g_strdup ((const char *) sqlite3_column_text (consent_stmt, 1));
              consent->state = sqlite3_column_int (consent_stmt, 2) == 1 ? GH_CONSENT_GRANTED
                                                                          : GH_CONSENT_REVOKED;
              g_ptr_array_add (consents, consent);
              if (!step (store, consent_stmt, &consent_row, "reading consents", error))
                goto rollback;
            }
        }

      item = g_new0 (GhDataItem, 1);
      item->id = sqlite3_column_int64 (item_stmt, 1);
      item->category = g_strdup ((const char *) sqlite3_column_text (item_stmt, 2));
      item->attributes = g_strdup ((const char *) sqlite3_column_text (item_stmt, 3));
      gh_source_from_string ((const char *) sqlite3_column_text (item_stmt, 4), &source);
      item->source = source;
      item->collected_at = sqlite3_column_int64 (item_stmt, 5);
      item->retained_until = sqlite3_column_int64 (item_stmt, 6);
      if (item->category == NULL)
        item->category = g_strdup ("");
      g_ptr_array_add (items, item);
      count_category (report->held, item->category);

      if (!step (store, item_stmt, &item_row, "reading data items", error))
        goto rollback;
    }
  if (customer >= 0)
    report_shopper (report, catalog, items, consents, now);
  ok = TRUE;

rollback:
  /* A read-only transaction: it only gave both cursors one snapshot. */
  _gh_store_exec (store, "ROLLBACK", NULL);
out:
  sqlite3_finalize (item_stmt);
  sqlite3_finalize (consent_stmt);
  return ok;
}

static void
purposes_of_category (GhCatalog  *catalog,
                      const char *category,
                      GPtrArray  *out)
{
  GListModel *purposes = gh_catalog_get_purposes (catalog);

  for (guint i = 0; i < g_list_model_get_n_items (purposes); i++)
    {
      g_autoptr(GhPurpose) purpose = g_list_model_get_item (purposes, i);
      const char * const *declared = gh_purpose_get_categories (purpose);

      if (declared != NULL && g_strv_contains (declared, category))
        g_ptr_array_add (out, (gpointer) gh_purpose_get_id (purpose));
    }
}

static gboolean
purpose_has_offers (GhCatalog *catalog,
                    GhPurpose *purpose)
{
  GListModel *offers = gh_catalog_get_offers (catalog);

  for (guint i = 0; i < g_list_model_get_n_items (offers); i++)
    {
      g_autoptr(GhOffer) offer = g_list_model_get_item (offers, i);

      if (g_str_equal (gh_offer_get_purpose_id (offer), gh_purpose_get_id (purpose)))
        return TRUE;
    }
  return FALSE;
}

static char *
join_ids (GPtrArray *ids)
{
  g_autoptr(GString) text = g_string_new (NULL);

  if (ids->len == 0)
    return g_strdup ("no purpose");
  for (guint i = 0; i < ids->len; i++)
    g_string_append_printf (text, "%s%s", i > 0 ? ", " : "",
                            (const char *) g_ptr_array_index (ids, i));
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char **) a, *(const char **) b);
}

/* Opens the JSON object of category @id with the items held and, when
 * @with_idle, those doing nothing; the caller adds the rest and closes it. */
static void
begin_category (JsonBuilder *builder,
                Report      *report,
                const char  *id,
                gboolean     with_idle)
{
  json_builder_begin_object (builder);
  gh_json_add_string (builder, "category", id);
  json_builder_set_member_name (builder, "items_held");
  json_builder_add_int_value (builder, category_count (report->held, id));
  if (with_idle)
    {
      json_builder_set_member_name (builder, "items_doing_nothing");
      json_builder_add_int_value (builder, category_count (report->idle, id));
    }
}

static void
report_print (Report    *report,
              GhCatalog *catalog,
              gboolean   json)
{
  GListModel *categories = gh_catalog_get_data_categories (catalog);
  GListModel *purposes = gh_catalog_get_purposes (catalog);
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(GPtrArray) undeclared = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer key;
  guint n_unread = 0, n_silent = 0, n_idle = 0;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "config_version");
  json_builder_add_int_value (builder, gh_catalog_get_version (catalog));
  json_builder_set_member_name (builder, "shoppers_with_data");
  json_builder_add_int_value (builder, report->shoppers);
  if (!json)
    printf ("Minimisation report: config version %" G_GINT64_FORMAT ", %" G_GINT64_FORMAT
            " shoppers with data\n\nData categories no offer reads:\n",
            gh_catalog_get_version (catalog), report->shoppers);

  json_builder_set_member_name (builder, "categories_no_offer_reads");
  json_builder_begin_array (builder);
  for (guint i = 0; i < g_list_model_get_n_items (categories); i++)
    {
      g_autoptr(GhDataCategory) category = g_list_model_get_item (categories, i);
      const char *id = gh_data_category_get_id (category);
      g_autoptr(GPtrArray) declared_by = g_ptr_array_new ();
      g_autofree char *declared_text = NULL;

      if (gh_offers_category_is_read (catalog, id))
        continue;
      n_unread++;
      purposes_of_category (catalog, id, declared_by);
      declared_text = join_ids (declared_by);
      if (!json)
        {
          printf ("  %-36s %9" G_GINT64_FORMAT " items held, %9" G_GINT64_FORMAT
                  " doing nothing for their shopper; declared by %s\n",
                  id, category_count (report->held, id), category_count (report->idle, id),
                  declared_text);
          continue;
        }
      begin_category (builder, report, id, TRUE);
      json_builder_set_member_name (builder, "declared_by");
      json_builder_begin_array (builder);
      for (guint j = 0; j < declared_by->len; j++)
        json_builder_add_string_value (builder, g_ptr_array_index (declared_by, j));
      json_builder_end_array (builder);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  if (!json && n_unread == 0)
    printf ("  (none)\n");

  if (!json)
    printf ("\nData held that does nothing for its shopper "
            "(no purpose in force for them uses it):\n");
  json_builder_set_member_name (builder, "items_doing_nothing");
  json_builder_begin_array (builder);
  for (guint i = 0; i < g_list_model_get_n_items (categories); i++)
    {
      g_autoptr(GhDataCategory) category = g_list_model_get_item (categories, i);
      const char *id = gh_data_category_get_id (category);
      gint64 idle = category_count (report->idle, id);

      if (idle == 0)
        continue;
      n_idle++;
      if (!json)
        {
          printf ("  %-36s %9" G_GINT64_FORMAT " of %9" G_GINT64_FORMAT " items\n", id, idle,
                  category_count (report->held, id));
          continue;
        }
      begin_category (builder, report, id, TRUE);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  if (!json && n_idle == 0)
    printf ("  (none)\n");

  /* Items in the store whose category the config does not know at all. */
  g_hash_table_iter_init (&iter, report->held);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (gh_catalog_find_data_category (catalog, key) == NULL)
      g_ptr_array_add (undeclared, key);
  g_ptr_array_sort (undeclared, compare_strings);
  if (!json)
    printf ("\nData held in categories the config does not declare:\n");
  json_builder_set_member_name (builder, "categories_not_in_config");
  json_builder_begin_array (builder);
  for (guint i = 0; i < undeclared->len; i++)
    {
      const char *id = g_ptr_array_index (undeclared, i);

      if (!json)
        {
          printf ("  %-36s %9" G_GINT64_FORMAT " items held\n", id,
                  category_count (report->held, id));
          continue;
        }
      begin_category (builder, report, id, FALSE);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  if (!json && undeclared->len == 0)
    printf ("  (none)\n");

  if (!json)
    printf ("\nPurposes whose offers reached nobody:\n");
  json_builder_set_member_name (builder, "purposes_reaching_nobody");
  json_builder_begin_array (builder);
  for (guint i = 0; i < g_list_model_get_n_items (purposes); i++)
    {
      g_autoptr(GhPurpose) purpose = g_list_model_get_item (purposes, i);

      if (report->reached[i] || !purpose_has_offers (catalog, purpose))
        continue;
      n_silent++;
      if (json)
        json_builder_add_string_value (builder, gh_purpose_get_id (purpose));
      else
        printf ("  %s (%s)\n", gh_purpose_get_id (purpose),
                gh_legal_basis_to_string (gh_purpose_get_legal_basis (purpose)));
    }
  json_builder_end_array (builder);
  if (!json && n_silent == 0)
    printf ("  (none)\n");
  json_builder_end_object (builder);

  if (json)
    {
      g_autoptr(JsonNode) root = json_builder_get_root (builder);
      gh_ctl_print_json (root);
    }
}

int
gh_ctl_report_minimisation (int    argc,
                            char **argv)
{
  g_auto(GhCtlCommon) common = { 0 };
  g_autoptr(GhStore) store = NULL;
  g_autoptr(GhCatalog) catalog = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree gboolean *reached = NULL;
  Report report = { 0 };
  guint n_purposes;
  gboolean ok;

  if (!gh_ctl_parse (&argc, &argv, "report minimisation [--json]", NULL, TRUE, 0, &common))
    return GH_CTL_EXIT_USAGE;
  if ((store = gh_ctl_open_store (&common, FALSE, &error)) == NULL ||
      (catalog = gh_catalog_load_active (store, &error)) == NULL)
    return gh_ctl_fail (error);

  report.held = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  report.idle = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  n_purposes = g_list_model_get_n_items (gh_catalog_get_purposes (catalog));
  report.reached = reached = g_new0 (gboolean, MAX (n_purposes, 1));
  ok = report_scan (&report, store, catalog, g_get_real_time () / G_USEC_PER_SEC, &error);
  if (ok)
    report_print (&report, catalog, common.json);
  g_hash_table_unref (report.held);
  g_hash_table_unref (report.idle);
  return ok ? GH_CTL_EXIT_OK : gh_ctl_fail (error);
}
