/* The offer engine: which offers of the active config a shopper gets and the data
 * items behind each ("because..."), what switching one purpose would add or
 * remove, and the data that does nothing for the shopper. Everything is computed
 * from a catalog plus the shopper's items and consents passed in, never from the
 * store, so the kiosk can preview a change before the shopper makes it.
 * A catalog is immutable, so what the engine derives from it once (each offer's
 * purpose, what each purpose uses) is kept on the catalog itself.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#define G_LOG_DOMAIN "glasshouse-offers"

#include "offers/gh-offers.h"

#define NO_PURPOSE G_MAXUINT

/* What the engine needs from a catalog, derived once per catalog. */
typedef struct {
  GPtrArray   *purposes;        /* GhPurpose*, config order */
  GPtrArray   *offers;          /* GhOffer*, config order */
  guint       *offer_purpose;   /* per offer, an index into purposes, NO_PURPOSE when never shown */
  GHashTable  *purpose_by_id;   /* id -> index + 1 */
  GHashTable **purpose_uses;    /* per purpose, a set of category ids */
  GHashTable  *read_categories; /* set of category ids some shown offer reads */
} Index;

static GMutex index_lock;

static void
index_free (Index *index)
{
  for (guint i = 0; i < index->purposes->len; i++)
    g_hash_table_unref (index->purpose_uses[i]);
  g_free (index->purpose_uses);
  g_free (index->offer_purpose);
  g_hash_table_unref (index->purpose_by_id);
  g_hash_table_unref (index->read_categories);
  g_ptr_array_unref (index->offers);
  g_ptr_array_unref (index->purposes);
  g_free (index);
}

static GPtrArray *
list_model_to_array (GListModel *model)
{
  guint n = g_list_model_get_n_items (model);
  GPtrArray *array = g_ptr_array_new_full (n, g_object_unref);

  for (guint i = 0; i < n; i++)
    g_ptr_array_add (array, g_list_model_get_item (model, i));
  return array;
}

/* Whether every category @offer's rule reads is declared by @purpose. The bundle
 * validator refuses other offers; this keeps the promise even if one slipped through. */
static gboolean
offer_reads_only_declared (GhOffer   *offer,
                           GhPurpose *purpose)
{
  const char * const *declared = gh_purpose_get_categories (purpose);
  const char * const *read = gh_rule_get_categories (gh_offer_get_rule (offer));

  for (guint i = 0; read != NULL && read[i] != NULL; i++)
    if (declared == NULL || !g_strv_contains (declared, read[i]))
      return FALSE;
  return TRUE;
}

static Index *
index_build (GhCatalog *catalog)
{
  Index *index = g_new0 (Index, 1);
  g_autofree gboolean *has_offers = NULL;

  index->purposes = list_model_to_array (gh_catalog_get_purposes (catalog));
  index->offers = list_model_to_array (gh_catalog_get_offers (catalog));
  index->offer_purpose = g_new (guint, MAX (index->offers->len, 1));
  index->purpose_by_id = g_hash_table_new (g_str_hash, g_str_equal);
  index->purpose_uses = g_new0 (GHashTable *, MAX (index->purposes->len, 1));
  index->read_categories = g_hash_table_new (g_str_hash, g_str_equal);
  has_offers = g_new0 (gboolean, MAX (index->purposes->len, 1));

  for (guint i = 0; i < index->purposes->len; i++)
    {
      GhPurpose *purpose = g_ptr_array_index (index->purposes, i);

      g_hash_table_insert (index->purpose_by_id, (gpointer) gh_purpose_get_id (purpose),
                           GUINT_TO_POINTER (i + 1));
      index->purpose_uses[i] = g_hash_table_new (g_str_hash, g_str_equal);
    }

  for (guint i = 0; i < index->offers->len; i++)
    {
      GhOffer *offer = g_ptr_array_index (index->offers, i);
      guint p = GPOINTER_TO_UINT (g_hash_table_lookup (index->purpose_by_id,
                                                       gh_offer_get_purpose_id (offer)));
      const char * const *read = gh_rule_get_categories (gh_offer_get_rule (offer));

      index->offer_purpose[i] = NO_PURPOSE;
      if (p == 0 || !offer_reads_only_declared (offer, g_ptr_array_index (index->purposes, p - 1)))
        {
          g_warning ("Offer %s reads data its purpose does not declare; it is never shown",
                     gh_offer_get_id (offer));
          continue;
        }
      index->offer_purpose[i] = p - 1;
      has_offers[p - 1] = TRUE;
      for (guint j = 0; read[j] != NULL; j++)
        {
          g_hash_table_add (index->purpose_uses[p - 1], (gpointer) read[j]);
          g_hash_table_add (index->read_categories, (gpointer) read[j]);
        }
    }

  for (guint i = 0; i < index->purposes->len; i++)
    {
      GhPurpose *purpose = g_ptr_array_index (index->purposes, i);
      GhLegalBasis basis = gh_purpose_get_legal_basis (purpose);
      const char * const *declared = gh_purpose_get_categories (purpose);

      if (has_offers[i] &&
          (basis == GH_LEGAL_BASIS_CONSENT || basis == GH_LEGAL_BASIS_LEGITIMATE_INTEREST))
        continue;
      for (guint j = 0; declared != NULL && declared[j] != NULL; j++)
        g_hash_table_add (index->purpose_uses[i], (gpointer) declared[j]);
    }
  return index;
}

static Index *
index_get (GhCatalog *catalog)
{
  static GQuark quark;
  Index *index;

  if (G_UNLIKELY (quark == 0))
    quark = g_quark_from_static_string ("gh-offers-index");

  /* A catalog may be shared with a worker thread (staff sign-in); the lock keeps
   * the one-time build from racing. It is held for a lookup only afterwards. */
  g_mutex_lock (&index_lock);
  index = g_object_get_qdata (G_OBJECT (catalog), quark);
  if (index == NULL)
    {
      index = index_build (catalog);
      g_object_set_qdata_full (G_OBJECT (catalog), quark, index, (GDestroyNotify) index_free);
    }
  g_mutex_unlock (&index_lock);
  return index;
}

gboolean
gh_offers_purpose_awaits_answer (GhPurpose *purpose,
                                 GPtrArray *consents)
{
  GhConsent *consent;

  g_return_val_if_fail (GH_IS_PURPOSE (purpose), FALSE);

  if (!gh_purpose_get_notice_asks_again (purpose))
    return FALSE;
  consent = gh_consent_find (consents, gh_purpose_get_id (purpose));
  /* A refusal under the old notice stays a refusal: there is nothing to ask. A
   * grant with no version (imported) cannot show it was given under this notice. */
  return consent != NULL && consent->state == GH_CONSENT_GRANTED
         && g_strcmp0 (consent->notice_version, gh_purpose_get_notice_version (purpose)) != 0;
}

GhConsentState
gh_offers_purpose_state (GhPurpose *purpose,
                         GPtrArray *consents)
{
  GhConsent *consent;

  g_return_val_if_fail (GH_IS_PURPOSE (purpose), GH_CONSENT_REVOKED);

  switch (gh_purpose_get_legal_basis (purpose))
    {
    case GH_LEGAL_BASIS_CONTRACT:
    case GH_LEGAL_BASIS_LEGAL_OBLIGATION:
      /* A stray "revoked" row (an import, an older config) cannot switch these off. */
      return GH_CONSENT_GRANTED;
    case GH_LEGAL_BASIS_LEGITIMATE_INTEREST:
      consent = gh_consent_find (consents, gh_purpose_get_id (purpose));
      return consent != NULL ? consent->state : GH_CONSENT_GRANTED;
    case GH_LEGAL_BASIS_CONSENT:
    default:
      if (gh_purpose_get_notice_pauses (purpose)
          && gh_offers_purpose_awaits_answer (purpose, consents))
        return GH_CONSENT_REVOKED;
      consent = gh_consent_find (consents, gh_purpose_get_id (purpose));
      return consent != NULL ? consent->state : gh_purpose_get_default_state (purpose);
    }
}

gboolean
gh_offers_purpose_in_force (GhPurpose *purpose,
                            GPtrArray *consents)
{
  return gh_offers_purpose_state (purpose, consents) == GH_CONSENT_GRANTED;
}

void
gh_offer_match_free (GhOfferMatch *match)
{
  if (match == NULL)
    return;
  g_clear_pointer (&match->because, g_ptr_array_unref);
  g_free (match);
}

static gboolean *
in_force_for (Index     *index,
              GPtrArray *consents)
{
  gboolean *in_force = g_new (gboolean, MAX (index->purposes->len, 1));

  for (guint i = 0; i < index->purposes->len; i++)
    in_force[i] = gh_offers_purpose_in_force (g_ptr_array_index (index->purposes, i), consents);
  return in_force;
}

/* The matches among the offers of purpose @only (NO_PURPOSE: every purpose) whose
 * purpose is in force according to @in_force. */
static GPtrArray *
evaluate (Index         *index,
          GhRuleItems   *prepared,
          const gboolean *in_force,
          guint          only,
          gint64         now)
{
  GPtrArray *matches = g_ptr_array_new_with_free_func ((GDestroyNotify) gh_offer_match_free);
  g_autoptr(GPtrArray) because = g_ptr_array_new ();

  for (guint i = 0; i < index->offers->len; i++)
    {
      guint p = index->offer_purpose[i];
      GhOffer *offer;
      GhOfferMatch *match;

      if (p == NO_PURPOSE || !in_force[p] || (only != NO_PURPOSE && p != only))
        continue;
      offer = g_ptr_array_index (index->offers, i);
      g_ptr_array_set_size (because, 0);
      if (!gh_rule_evaluate (gh_offer_get_rule (offer), prepared, now, because))
        continue;

      match = g_new0 (GhOfferMatch, 1);
      match->offer = offer;
      match->purpose = g_ptr_array_index (index->purposes, p);
      match->because = g_ptr_array_copy (because, NULL, NULL);
      g_ptr_array_add (matches, match);
    }
  return matches;
}

static gint64
now_seconds (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

GPtrArray *
gh_offers_evaluate_at (GhCatalog *catalog,
                       GPtrArray *items,
                       GPtrArray *consents,
                       gint64     now)
{
  Index *index;
  g_autoptr(GhRuleItems) prepared = NULL;
  g_autofree gboolean *in_force = NULL;

  g_return_val_if_fail (GH_IS_CATALOG (catalog), NULL);
  g_return_val_if_fail (items != NULL, NULL);

  index = index_get (catalog);
  prepared = gh_rule_items_new (items);
  in_force = in_force_for (index, consents);
  return evaluate (index, prepared, in_force, NO_PURPOSE, now);
}

GPtrArray *
gh_offers_evaluate (GhCatalog *catalog,
                    GPtrArray *items,
                    GPtrArray *consents)
{
  return gh_offers_evaluate_at (catalog, items, consents, now_seconds ());
}

GPtrArray *
gh_offers_what_if_at (GhCatalog       *catalog,
                      GPtrArray       *items,
                      GPtrArray       *consents,
                      const char      *purpose_id,
                      GhConsentState   state,
                      gint64           now,
                      GPtrArray      **added)
{
  Index *index;
  GhPurpose *purpose;
  guint p;
  gboolean before, after;
  g_autoptr(GPtrArray) removed = NULL;
  g_autoptr(GPtrArray) gained = NULL;

  g_return_val_if_fail (GH_IS_CATALOG (catalog), NULL);
  g_return_val_if_fail (items != NULL, NULL);
  g_return_val_if_fail (purpose_id != NULL, NULL);

  index = index_get (catalog);
  removed = g_ptr_array_new_with_free_func ((GDestroyNotify) gh_offer_match_free);
  gained = g_ptr_array_new_with_free_func ((GDestroyNotify) gh_offer_match_free);

  p = GPOINTER_TO_UINT (g_hash_table_lookup (index->purpose_by_id, purpose_id));
  if (p-- == 0)
    {
      g_debug ("What-if for %s: no such purpose in config %" G_GINT64_FORMAT,
               purpose_id, gh_catalog_get_version (catalog));
      goto out;
    }
  purpose = g_ptr_array_index (index->purposes, p);
  before = gh_offers_purpose_in_force (purpose, consents);
  after = state == GH_CONSENT_GRANTED || !gh_purpose_get_can_revoke (purpose);

  /* Only this purpose's offers can change: every other purpose keeps its state. */
  if (before != after)
    {
      g_autoptr(GhRuleItems) prepared = gh_rule_items_new (items);
      g_autofree gboolean *in_force = g_new0 (gboolean, MAX (index->purposes->len, 1));

      in_force[p] = TRUE;
      g_ptr_array_unref (before ? removed : gained);
      if (before)
        removed = evaluate (index, prepared, in_force, p, now);
      else
        gained = evaluate (index, prepared, in_force, p, now);
    }

out:
  if (added != NULL)
    *added = g_steal_pointer (&gained);
  return g_steal_pointer (&removed);
}

GPtrArray *
gh_offers_what_if (GhCatalog       *catalog,
                   GPtrArray       *items,
                   GPtrArray       *consents,
                   const char      *purpose_id,
                   GhConsentState   state,
                   GPtrArray      **added)
{
  return gh_offers_what_if_at (catalog, items, consents, purpose_id, state, now_seconds (), added);
}

void
gh_offer_change_free (GhOfferChange *change)
{
  if (change == NULL)
    return;
  g_clear_pointer (&change->removed, g_ptr_array_unref);
  g_clear_pointer (&change->added, g_ptr_array_unref);
  g_free (change);
}

GPtrArray *
gh_offers_what_if_each_at (GhCatalog *catalog,
                           GPtrArray *items,
                           GPtrArray *consents,
                           gint64     now)
{
  Index *index;
  g_autoptr(GhRuleItems) prepared = NULL;
  g_autofree gboolean *in_force = NULL;
  g_autofree gboolean *only = NULL;
  GPtrArray *changes = g_ptr_array_new_with_free_func ((GDestroyNotify) gh_offer_change_free);

  g_return_val_if_fail (GH_IS_CATALOG (catalog), changes);
  g_return_val_if_fail (items != NULL, changes);

  index = index_get (catalog);
  prepared = gh_rule_items_new (items);
  in_force = in_force_for (index, consents);
  only = g_new0 (gboolean, MAX (index->purposes->len, 1));
  for (guint p = 0; p < index->purposes->len; p++)
    {
      GhPurpose *purpose = g_ptr_array_index (index->purposes, p);
      GhOfferChange *change;

      if (!gh_purpose_get_can_revoke (purpose))
        continue;
      change = g_new0 (GhOfferChange, 1);
      change->purpose = purpose;
      change->state = in_force[p] ? GH_CONSENT_REVOKED : GH_CONSENT_GRANTED;
      /* The offers of this purpose alone, as if it were in force: they are what goes or comes. */
      only[p] = TRUE;
      if (in_force[p])
        {
          change->removed = evaluate (index, prepared, only, p, now);
          change->added = g_ptr_array_new_with_free_func ((GDestroyNotify) gh_offer_match_free);
        }
      else
        {
          change->added = evaluate (index, prepared, only, p, now);
          change->removed = g_ptr_array_new_with_free_func ((GDestroyNotify) gh_offer_match_free);
        }
      only[p] = FALSE;
      g_ptr_array_add (changes, change);
    }
  return changes;
}

GPtrArray *
gh_offers_unused_items (GhCatalog *catalog,
                        GPtrArray *items,
                        GPtrArray *consents)
{
  Index *index;
  g_autofree gboolean *in_force = NULL;
  g_autoptr(GHashTable) used = g_hash_table_new (g_str_hash, g_str_equal);
  GPtrArray *unused = g_ptr_array_new ();

  g_return_val_if_fail (GH_IS_CATALOG (catalog), unused);
  g_return_val_if_fail (items != NULL, unused);

  index = index_get (catalog);
  in_force = in_force_for (index, consents);
  for (guint i = 0; i < index->purposes->len; i++)
    {
      GHashTableIter iter;
      gpointer category;

      if (!in_force[i])
        continue;
      g_hash_table_iter_init (&iter, index->purpose_uses[i]);
      while (g_hash_table_iter_next (&iter, &category, NULL))
        g_hash_table_add (used, category);
    }

  for (guint i = 0; i < items->len; i++)
    {
      GhDataItem *item = g_ptr_array_index (items, i);

      if (item->category == NULL || !g_hash_table_contains (used, item->category))
        g_ptr_array_add (unused, item);
    }
  return unused;
}

gboolean
gh_offers_purpose_uses (GhCatalog  *catalog,
                        GhPurpose  *purpose,
                        const char *category)
{
  Index *index;
  guint p;

  g_return_val_if_fail (GH_IS_CATALOG (catalog), FALSE);
  g_return_val_if_fail (GH_IS_PURPOSE (purpose), FALSE);
  g_return_val_if_fail (category != NULL, FALSE);

  index = index_get (catalog);
  p = GPOINTER_TO_UINT (g_hash_table_lookup (index->purpose_by_id, gh_purpose_get_id (purpose)));
  return p != 0 && g_hash_table_contains (index->purpose_uses[p - 1], category);
}

gboolean
gh_offers_category_is_read (GhCatalog  *catalog,
                            const char *category)
{
  g_return_val_if_fail (GH_IS_CATALOG (catalog), FALSE);
  g_return_val_if_fail (category != NULL, FALSE);

  return g_hash_table_contains (index_get (catalog)->read_categories, category);
}

guint
gh_offers_mark_reached (GhCatalog *catalog,
                        GPtrArray *items,
                        GPtrArray *consents,
                        gint64     now,
                        gboolean  *reached)
{
  Index *index;
  g_autoptr(GhRuleItems) prepared = NULL;
  g_autofree gboolean *in_force = NULL;
  guint newly = 0;

  g_return_val_if_fail (GH_IS_CATALOG (catalog), 0);
  g_return_val_if_fail (items != NULL, 0);
  g_return_val_if_fail (reached != NULL, 0);

  if (items->len == 0)
    return 0;
  index = index_get (catalog);
  prepared = gh_rule_items_new (items);
  in_force = in_force_for (index, consents);
  for (guint i = 0; i < index->offers->len; i++)
    {
      guint p = index->offer_purpose[i];
      GhRule *rule = gh_offer_get_rule (g_ptr_array_index (index->offers, i));

      if (p == NO_PURPOSE || reached[p] || !in_force[p])
        continue;
      if (gh_rule_evaluate (rule, prepared, now, NULL))
        {
          reached[p] = TRUE;
          newly++;
        }
    }
  return newly;
}
