/* GhStore, continued: shoppers — customers, the data held about them, their
 * consents, and the one-transaction consent change (state + event + outbox).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "glasshouse-store"
#include "config.h"

#include "store/gh-event-chain.h"
#include "store/gh-store-private.h"

/* ---- customers ---------------------------------------------------------- */

#define CUSTOMER_COLUMNS \
  "id, loyalty_id, ref, display_name, pin_hash, failed_pins, locked_until, lock_count, created_at"

static GhCustomer *
customer_from_row (sqlite3_stmt *stmt)
{
  GhCustomer *customer = g_new0 (GhCustomer, 1);

  customer->id = sqlite3_column_int64 (stmt, 0);
  customer->loyalty_id = _gh_store_column_dup (stmt, 1);
  customer->ref = _gh_store_column_dup (stmt, 2);
  customer->display_name = _gh_store_column_dup (stmt, 3);
  customer->pin_hash = _gh_store_column_dup (stmt, 4);
  customer->failed_pins = sqlite3_column_int (stmt, 5);
  customer->locked_until = sqlite3_column_int64 (stmt, 6);
  customer->lock_count = sqlite3_column_int (stmt, 7);
  customer->created_at = sqlite3_column_int64 (stmt, 8);
  return customer;
}

static GhCustomer *
find_customer_by (GhStore     *self,
                  const char  *sql,
                  const char  *key,
                  const char  *what,
                  GError     **error)
{
  sqlite3_stmt *stmt = _gh_store_prepare (self, sql, error);
  GhCustomer *customer = NULL;
  int rc;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    customer = customer_from_row (stmt);
  else if (rc == SQLITE_DONE)
    /* Never echo the identifier: it is personal data and may end up in a log. */
    g_set_error (error, GH_STORE_ERROR, GH_STORE_ERROR_NOT_FOUND, "no customer with that %s", what);
  else
    _gh_store_set_error (self, rc, error, "looking up a customer");
  sqlite3_reset (stmt);
  return customer;
}

GhCustomer *
gh_store_find_customer (GhStore     *self,
                        const char  *loyalty_id,
                        GError     **error)
{
  g_return_val_if_fail (GH_IS_STORE (self), NULL);
  g_return_val_if_fail (loyalty_id != NULL, NULL);
  return find_customer_by (self, "SELECT " CUSTOMER_COLUMNS " FROM customer WHERE loyalty_id = ?1",
                           loyalty_id, "loyalty number", error);
}

GhCustomer *
gh_store_find_customer_by_ref (GhStore     *self,
                               const char  *ref,
                               GError     **error)
{
  g_return_val_if_fail (GH_IS_STORE (self), NULL);
  g_return_val_if_fail (ref != NULL, NULL);
  return find_customer_by (self, "SELECT " CUSTOMER_COLUMNS " FROM customer WHERE ref = ?1",
                           ref, "reference", error);
}

static gint64
step_insert (GhStore       *self,
             sqlite3_stmt  *stmt,
             const char    *what,
             GError       **error)
{
  if (!_gh_store_step_done (self, stmt, what, error))
    return -1;
  return sqlite3_last_insert_rowid (_gh_store_get_db (self));
}

gint64
gh_store_add_customer (GhStore     *self,
                       const char  *loyalty_id,
                       const char  *ref,
                       const char  *display_name,
                       const char  *pin_hash,
                       GError     **error)
{
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (GH_IS_STORE (self), -1);
  g_return_val_if_fail (loyalty_id != NULL && ref != NULL && display_name != NULL, -1);

  stmt = _gh_store_prepare (self, "SELECT 1 FROM suppression WHERE customer_ref = ?1", error);
  if (stmt == NULL)
    return -1;
  sqlite3_bind_text (stmt, 1, ref, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if (rc == SQLITE_ROW)
    {
      g_set_error (error, GH_STORE_ERROR, GH_STORE_ERROR_INVALID,
                   "customer %s asked to be forgotten; not importing them again", ref);
      return -1;
    }
  if (rc != SQLITE_DONE)
    {
      _gh_store_set_error (self, rc, error, "checking the suppression list");
      return -1;
    }

  stmt = _gh_store_prepare (self,
      "INSERT INTO customer (loyalty_id, ref, display_name, pin_hash, created_at)"
      " VALUES (?1, ?2, ?3, ?4, ?5)", error);
  if (stmt == NULL)
    return -1;
  sqlite3_bind_text (stmt, 1, loyalty_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, ref, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, display_name, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, pin_hash, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 5, g_get_real_time () / G_USEC_PER_SEC);
  return step_insert (self, stmt, "adding a customer", error);
}

gint64
gh_store_add_data_item (GhStore     *self,
                        gint64       customer_id,
                        const char  *category,
                        const char  *attributes_json,
                        GhSource     source,
                        gint64       collected_at,
                        gint64       retained_until,
                        GError     **error)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (GH_IS_STORE (self), -1);
  g_return_val_if_fail (category != NULL, -1);

  stmt = _gh_store_prepare (self,
      "INSERT INTO data_item (customer_id, category, attributes, source, collected_at, retained_until)"
      " VALUES (?1, ?2, ?3, ?4, ?5, ?6)", error);
  if (stmt == NULL)
    return -1;
  sqlite3_bind_int64 (stmt, 1, customer_id);
  sqlite3_bind_text (stmt, 2, category, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, attributes_json != NULL ? attributes_json : "{}", -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, gh_source_to_string (source), -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 5, collected_at);
  sqlite3_bind_int64 (stmt, 6, retained_until);
  if (!_gh_store_note_retention (self, retained_until, error))
    return -1;
  return step_insert (self, stmt, "adding a data item", error);
}

GPtrArray *
gh_store_list_data_items (GhStore     *self,
                          gint64       customer_id,
                          GError     **error)
{
  sqlite3_stmt *stmt;
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func ((GDestroyNotify) gh_data_item_free);
  int rc;

  g_return_val_if_fail (GH_IS_STORE (self), NULL);
  stmt = _gh_store_prepare (self,
      "SELECT id, category, attributes, source, collected_at, retained_until"
      " FROM data_item WHERE customer_id = ?1 ORDER BY category, collected_at DESC, id", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, customer_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      GhDataItem *item = g_new0 (GhDataItem, 1);

      item->id = sqlite3_column_int64 (stmt, 0);
      item->category = _gh_store_column_dup (stmt, 1);
      item->attributes = _gh_store_column_dup (stmt, 2);
      if (!gh_source_from_string ((const char *) sqlite3_column_text (stmt, 3), &item->source))
        item->source = GH_SOURCE_OBSERVED;
      item->collected_at = sqlite3_column_int64 (stmt, 4);
      item->retained_until = sqlite3_column_int64 (stmt, 5);
      g_ptr_array_add (items, item);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      _gh_store_set_error (self, rc, error, "reading a customer's data");
      return NULL;
    }
  return g_steal_pointer (&items);
}

GPtrArray *
gh_store_list_consents (GhStore     *self,
                        gint64       customer_id,
                        GError     **error)
{
  sqlite3_stmt *stmt;
  g_autoptr(GPtrArray) consents = g_ptr_array_new_with_free_func ((GDestroyNotify) gh_consent_free);
  int rc;

  g_return_val_if_fail (GH_IS_STORE (self), NULL);
  stmt = _gh_store_prepare (self,
      "SELECT purpose_id, state, updated_at, notice_version"
      " FROM consent WHERE customer_id = ?1 ORDER BY purpose_id", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, customer_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      GhConsent *consent = g_new0 (GhConsent, 1);

      consent->purpose_id = _gh_store_column_dup (stmt, 0);
      consent->state = sqlite3_column_int (stmt, 1) ? GH_CONSENT_GRANTED : GH_CONSENT_REVOKED;
      consent->updated_at = sqlite3_column_int64 (stmt, 2);
      consent->notice_version = _gh_store_column_dup (stmt, 3);
      g_ptr_array_add (consents, consent);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      _gh_store_set_error (self, rc, error, "reading a customer's consents");
      return NULL;
    }
  return g_steal_pointer (&consents);
}

/* ---- consent changes ---------------------------------------------------- */

gboolean
_gh_store_read_consent_state (GhStore        *self,
                              gint64          customer_id,
                              const char     *purpose_id,
                              const char     *notice_version,
                              gboolean       *present,
                              GhConsentState *state,
                              gboolean       *same_notice,
                              GError        **error)
{
  sqlite3_stmt *stmt = _gh_store_prepare (self,
      "SELECT state, notice_version IS ?3 FROM consent"
      " WHERE customer_id = ?1 AND purpose_id = ?2", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, customer_id);
  sqlite3_bind_text (stmt, 2, purpose_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, notice_version, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  *present = rc == SQLITE_ROW;
  if (*present)
    {
      *state = sqlite3_column_int (stmt, 0) ? GH_CONSENT_GRANTED : GH_CONSENT_REVOKED;
      if (same_notice != NULL)
        *same_notice = sqlite3_column_int (stmt, 1) != 0;
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      _gh_store_set_error (self, rc, error, "reading a consent");
      return FALSE;
    }
  return TRUE;
}

gboolean
_gh_store_write_consent_row (GhStore         *self,
                   gint64           customer_id,
                   const char      *purpose_id,
                   GhConsentState   state,
                   const char      *notice_version,
                   GError         **error)
{
  sqlite3_stmt *stmt = _gh_store_prepare (self,
      "INSERT INTO consent (customer_id, purpose_id, state, updated_at, notice_version)"
      " VALUES (?1, ?2, ?3, ?4, ?5)"
      " ON CONFLICT (customer_id, purpose_id) DO UPDATE SET"
      "  state = excluded.state, updated_at = excluded.updated_at,"
      "  notice_version = excluded.notice_version", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, customer_id);
  sqlite3_bind_text (stmt, 2, purpose_id, -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 3, state);
  sqlite3_bind_int64 (stmt, 4, g_get_real_time () / G_USEC_PER_SEC);
  sqlite3_bind_text (stmt, 5, notice_version, -1, SQLITE_STATIC);
  return _gh_store_step_done (self, stmt, "writing a consent", error);
}

gint64
gh_store_set_consent (GhStore           *self,
                      const GhCustomer  *customer,
                      const char        *purpose_id,
                      GhConsentState     state,
                      const char        *notice_version,
                      const char        *actor,
                      GError           **error)
{
  g_autofree char *body = NULL;
  gboolean present = FALSE;
  GhConsentState current = GH_CONSENT_REVOKED;
  gboolean same_notice = TRUE;
  gint64 seq;

  g_return_val_if_fail (GH_IS_STORE (self), -1);
  g_return_val_if_fail (customer != NULL, -1);
  g_return_val_if_fail (purpose_id != NULL && actor != NULL, -1);

  if (!gh_store_begin (self, error))
    return -1;
  if (!_gh_store_read_consent_state (self, customer->id, purpose_id, notice_version, &present,
                                     &current, &same_notice, error))
    goto fail;
  /* The same answer under a new notice is a new consent (a shopper asked again
   * who keeps it on), so it is recorded; only a true repeat is not. */
  if (present && current == state && same_notice)
    {
      gh_store_rollback (self);
      return 0;
    }
  if (!_gh_store_write_consent_row (self, customer->id, purpose_id, state, notice_version, error))
    goto fail;

  body = gh_event_chain_consent_body (purpose_id, state, notice_version);
  seq = gh_store_append_event (self, actor, customer->ref,
                               state == GH_CONSENT_GRANTED ? "consent.granted" : "consent.revoked",
                               body, error);
  if (seq < 0 || !gh_store_commit (self, error))
    goto fail;
  return seq;

fail:
  gh_store_rollback (self);
  return -1;
}
