/* Applying one member of the feed to the store (docs/member-feed.md): a new
 * member is added with their items and consents; a known one has their line
 * compared with what is held, items keyed by the CRM's ids, so the same feed
 * twice changes nothing; what the CRM no longer sends is deleted; a decision the
 * kiosk recorded after the feed's is kept; a tombstone erases the member; a
 * member who asked to be forgotten is never brought back.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "glasshouse-members"
#include "config.h"

#include <string.h>

#include "members/gh-member-import-private.h"

#include "store/gh-event-chain.h"
#include "store/gh-store-private.h"
#include "visit/gh-erasure.h"

static gboolean
is_suppressed (GhStore     *store,
               const char  *ref,
               gboolean    *suppressed,
               GError     **error)
{
  sqlite3_stmt *stmt = _gh_store_prepare (store, "SELECT 1 FROM suppression WHERE customer_ref = ?1",
                                          error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, ref, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      _gh_store_set_error (store, rc, error, "checking the suppression list");
      return FALSE;
    }
  *suppressed = rc == SQLITE_ROW;
  return TRUE;
}

static void
note_due (GhMemberImport     *import,
          const GhMemberItem *item)
{
  import->due_at = MIN (import->due_at, item->retained_until);
}

static gboolean
insert_item (GhStore             *store,
             gint64               customer_id,
             const GhMemberItem  *item,
             GError             **error)
{
  sqlite3_stmt *stmt = _gh_store_prepare (store,
      "INSERT INTO data_item (customer_id, category, attributes, source, collected_at,"
      " retained_until, crm_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, customer_id);
  sqlite3_bind_text (stmt, 2, item->category, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, item->attributes, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, gh_source_to_string (item->source), -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 5, item->collected_at);
  sqlite3_bind_int64 (stmt, 6, item->retained_until);
  sqlite3_bind_text (stmt, 7, item->crm_id, -1, SQLITE_STATIC);
  return _gh_store_step_done (store, stmt, "adding a member's data item", error);
}

/* A new member's items in multi-row INSERTs of up to GH_MEMBER_MULTI_ROWS rows: sqlite's
 * cost per statement (cursor, locks, reset) then falls on a member rather than on
 * each of their 25 items. The statements are prepared once per size. */
#define ITEM_VALUES 6   /* besides the shared customer id, ?1 */

static sqlite3_stmt *
multi_row_statement (GhMemberImport  *import,
                     guint    n_rows,
                     GError **error)
{
  if (import->multi[n_rows] == NULL)
    {
      g_autoptr(GString) sql = g_string_new ("INSERT INTO data_item (customer_id, category,"
                                             " attributes, source, collected_at, retained_until,"
                                             " crm_id) VALUES ");
      int rc;

      for (guint r = 0; r < n_rows; r++)
        {
          g_string_append (sql, r == 0 ? "(?1" : ", (?1");
          for (guint k = 0; k < ITEM_VALUES; k++)
            g_string_append_printf (sql, ", ?%u", 2 + r * ITEM_VALUES + k);
          g_string_append_c (sql, ')');
        }
      rc = sqlite3_prepare_v3 (_gh_store_get_db (import->store), sql->str, -1,
                               SQLITE_PREPARE_PERSISTENT, &import->multi[n_rows], NULL);
      if (rc != SQLITE_OK)
        {
          _gh_store_set_error (import->store, rc, error, "preparing the member import");
          return NULL;
        }
    }
  return import->multi[n_rows];
}

static gboolean
insert_new_items (GhMemberImport  *import,
                  gint64           customer_id,
                  const GhMember  *member,
                  GError         **error)
{
  const GhMemberItem *rows[GH_MEMBER_MULTI_ROWS];
  guint n = 0;

  for (guint i = 0; i <= member->items->len; i++)
    {
      const GhMemberItem *item = i < member->items->len
                                 ? &g_array_index (member->items, GhMemberItem, i) : NULL;
      sqlite3_stmt *stmt;

      /* Past its retention: not taken in (the retention job would delete it). */
      if (item != NULL && item->retained_until <= import->now)
        continue;
      if (item != NULL)
        {
          rows[n++] = item;
          note_due (import, item);
        }
      if (n == 0 || (n < GH_MEMBER_MULTI_ROWS && item != NULL))
        continue;
      if ((stmt = multi_row_statement (import, n, error)) == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, customer_id);
      for (guint r = 0; r < n; r++)
        {
          int p = 2 + r * ITEM_VALUES;

          sqlite3_bind_text (stmt, p, rows[r]->category, -1, SQLITE_STATIC);
          sqlite3_bind_text (stmt, p + 1, rows[r]->attributes, -1, SQLITE_STATIC);
          sqlite3_bind_text (stmt, p + 2, gh_source_to_string (rows[r]->source), -1, SQLITE_STATIC);
          sqlite3_bind_int64 (stmt, p + 3, rows[r]->collected_at);
          sqlite3_bind_int64 (stmt, p + 4, rows[r]->retained_until);
          sqlite3_bind_text (stmt, p + 5, rows[r]->crm_id, -1, SQLITE_STATIC);
        }
      if (!_gh_store_step_done (import->store, stmt, "adding a member's data items", error))
        return FALSE;
      sqlite3_clear_bindings (stmt);
      import->summary->items_added += n;
      n = 0;
    }
  return TRUE;
}

static gboolean
write_consent (GhStore                *store,
               gint64                  customer_id,
               const GhMemberConsent  *consent,
               GError                **error)
{
  sqlite3_stmt *stmt = _gh_store_prepare (store,
      "INSERT INTO consent (customer_id, purpose_id, state, updated_at, notice_version)"
      " VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (customer_id, purpose_id) DO UPDATE SET"
      " state = excluded.state, updated_at = excluded.updated_at,"
      " notice_version = excluded.notice_version", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, customer_id);
  sqlite3_bind_text (stmt, 2, consent->purpose_id, -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 3, consent->state);
  sqlite3_bind_int64 (stmt, 4, consent->decided_at);
  sqlite3_bind_text (stmt, 5, consent->notice_version, -1, SQLITE_STATIC);
  return _gh_store_step_done (store, stmt, "recording a member's consent", error);
}

/* ---- one member ---------------------------------------------------------------------- */

static gboolean
add_member (GhMemberImport  *import,
            const GhMember  *member,
            const char      *ref,
            GError         **error)
{
  sqlite3_stmt *stmt = _gh_store_prepare (import->store,
      "INSERT INTO customer (loyalty_id, ref, display_name, pin_hash, created_at)"
      " VALUES (?1, ?2, ?3, ?4, ?5)", error);
  gint64 customer_id;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, member->loyalty_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, ref, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, member->display_name, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, member->pin_hash, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 5, member->member_since != 0 ? member->member_since : import->now);
  if (!_gh_store_step_done (import->store, stmt, "adding a member", error))
    return FALSE;
  customer_id = sqlite3_last_insert_rowid (_gh_store_get_db (import->store));

  if (!insert_new_items (import, customer_id, member, error))
    return FALSE;
  /* A new member's consents are the CRM's record, not a decision made now: they
   * are counted in the import event rather than each given an event. */
  for (guint i = 0; i < member->consents->len; i++)
    if (!write_consent (import->store, customer_id,
                        &g_array_index (member->consents, GhMemberConsent, i), error))
      return FALSE;
  import->summary->consents_added += member->consents->len;
  import->summary->added++;
  return TRUE;
}

typedef struct {
  gint64  id;
  char   *category;
  char   *attributes;
  char   *source;
  gint64  collected_at;
  gint64  retained_until;
} HeldItem;

static void
held_item_free (gpointer data)
{
  HeldItem *held = data;

  g_free (held->category);
  if (held->attributes != NULL)
    gh_string_wipe (&held->attributes);
  g_free (held->source);
  g_free (held);
}

/* The member's items keyed by CRM id; items without one (from before the CRM
 * sent ids) under a key no CRM id can have, so the feed's line replaces them. */
static GHashTable *
load_items (GhStore  *store,
            gint64    customer_id,
            GError  **error)
{
  g_autoptr(GHashTable) items = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                       held_item_free);
  sqlite3_stmt *stmt = _gh_store_prepare (store,
      "SELECT id, crm_id, category, attributes, source, collected_at, retained_until"
      " FROM data_item WHERE customer_id = ?1", error);
  int rc;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, customer_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      HeldItem *held = g_new0 (HeldItem, 1);
      char *key = sqlite3_column_type (stmt, 1) == SQLITE_NULL
                  ? g_strdup_printf ("\n%" G_GINT64_FORMAT, (gint64) sqlite3_column_int64 (stmt, 0))
                  : _gh_store_column_dup (stmt, 1);

      held->id = sqlite3_column_int64 (stmt, 0);
      held->category = _gh_store_column_dup (stmt, 2);
      held->attributes = _gh_store_column_dup (stmt, 3);
      held->source = _gh_store_column_dup (stmt, 4);
      held->collected_at = sqlite3_column_int64 (stmt, 5);
      held->retained_until = sqlite3_column_int64 (stmt, 6);
      g_hash_table_insert (items, key, held);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      _gh_store_set_error (store, rc, error, "reading a member's data items");
      return NULL;
    }
  return g_steal_pointer (&items);
}

static gboolean
item_equal (const HeldItem      *held,
            const GhMemberItem  *item)
{
  return g_strcmp0 (held->category, item->category) == 0 &&
         g_strcmp0 (held->attributes, item->attributes) == 0 &&
         g_strcmp0 (held->source, gh_source_to_string (item->source)) == 0 &&
         held->collected_at == item->collected_at &&
         held->retained_until == item->retained_until;
}

static gboolean
replace_items (GhMemberImport  *import,
               gint64           customer_id,
               const GhMember  *member,
               gboolean        *changed,
               GError         **error)
{
  g_autoptr(GHashTable) held = load_items (import->store, customer_id, error);
  GHashTableIter iter;
  gpointer value;

  if (held == NULL)
    return FALSE;
  for (guint i = 0; i < member->items->len; i++)
    {
      const GhMemberItem *item = &g_array_index (member->items, GhMemberItem, i);
      HeldItem *old = g_hash_table_lookup (held, item->crm_id);
      sqlite3_stmt *stmt;

      /* Past its retention: the retention job deleted it, or would; a feed that
       * still sends it does not bring it back (if still held, it goes below). */
      if (item->retained_until <= import->now)
        continue;
      if (old == NULL || !item_equal (old, item))
        note_due (import, item);
      if (old == NULL)
        {
          if (!insert_item (import->store, customer_id, item, error))
            return FALSE;
          import->summary->items_added++;
          *changed = TRUE;
          continue;
        }
      if (!item_equal (old, item))
        {
          stmt = _gh_store_prepare (import->store,
              "UPDATE data_item SET category = ?2, attributes = ?3, source = ?4,"
              " collected_at = ?5, retained_until = ?6 WHERE id = ?1", error);
          if (stmt == NULL)
            return FALSE;
          sqlite3_bind_int64 (stmt, 1, old->id);
          sqlite3_bind_text (stmt, 2, item->category, -1, SQLITE_STATIC);
          sqlite3_bind_text (stmt, 3, item->attributes, -1, SQLITE_STATIC);
          sqlite3_bind_text (stmt, 4, gh_source_to_string (item->source), -1, SQLITE_STATIC);
          sqlite3_bind_int64 (stmt, 5, item->collected_at);
          sqlite3_bind_int64 (stmt, 6, item->retained_until);
          if (!_gh_store_step_done (import->store, stmt, "updating a member's data item", error))
            return FALSE;
          import->summary->items_updated++;
          *changed = TRUE;
        }
      g_hash_table_remove (held, item->crm_id);
    }

  /* What the CRM no longer sends is no longer held (secure_delete is on). */
  g_hash_table_iter_init (&iter, held);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      sqlite3_stmt *stmt = _gh_store_prepare (import->store, "DELETE FROM data_item WHERE id = ?1",
                                              error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, ((HeldItem *) value)->id);
      if (!_gh_store_step_done (import->store, stmt, "deleting a member's data item", error))
        return FALSE;
      import->summary->items_deleted++;
      *changed = TRUE;
    }
  return TRUE;
}

/* A feed's decision replaces the store's only when it was made later: a shopper
 * who switched something off at the kiosk after the CRM's export keeps that. */
static gboolean
merge_consents (GhMemberImport  *import,
                gint64           customer_id,
                const char      *ref,
                const GhMember  *member,
                gboolean        *changed,
                GError         **error)
{
  for (guint i = 0; i < member->consents->len; i++)
    {
      const GhMemberConsent *consent = &g_array_index (member->consents, GhMemberConsent, i);
      sqlite3_stmt *stmt = _gh_store_prepare (import->store,
          "SELECT state, updated_at, notice_version FROM consent"
          " WHERE customer_id = ?1 AND purpose_id = ?2", error);
      gboolean exists, same_state = FALSE, newer;
      g_autofree char *notice = NULL;
      int rc;

      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, customer_id);
      sqlite3_bind_text (stmt, 2, consent->purpose_id, -1, SQLITE_STATIC);
      rc = sqlite3_step (stmt);
      exists = rc == SQLITE_ROW;
      newer = !exists || sqlite3_column_int64 (stmt, 1) < consent->decided_at;
      if (exists)
        {
          same_state = sqlite3_column_int (stmt, 0) == (int) consent->state;
          notice = _gh_store_column_dup (stmt, 2);
        }
      sqlite3_reset (stmt);
      if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        {
          _gh_store_set_error (import->store, rc, error, "reading a member's consents");
          return FALSE;
        }
      if (!newer || (same_state && g_strcmp0 (notice, consent->notice_version) == 0))
        continue;
      if (!write_consent (import->store, customer_id, consent, error))
        return FALSE;
      if (!same_state)
        {
          g_autofree char *body = gh_event_chain_consent_body (consent->purpose_id, consent->state,
                                                               consent->notice_version);
          const char *kind = consent->state == GH_CONSENT_GRANTED ? "consent.granted"
                                                                   : "consent.revoked";

          if (gh_store_append_event (import->store, import->actor, ref, kind, body, error) <= 0)
            return FALSE;
          import->summary->consents_changed++;
        }
      *changed = TRUE;
    }
  return TRUE;
}

static gboolean
update_member (GhMemberImport    *import,
               const GhMember    *member,
               const GhCustomer  *customer,
               GError           **error)
{
  gboolean changed = FALSE;

  if (g_strcmp0 (customer->display_name, member->display_name) != 0 ||
      (member->pin_hash != NULL && g_strcmp0 (customer->pin_hash, member->pin_hash) != 0))
    {
      sqlite3_stmt *stmt = _gh_store_prepare (import->store,
          "UPDATE customer SET display_name = ?2, pin_hash = coalesce (?3, pin_hash)"
          " WHERE id = ?1", error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, customer->id);
      sqlite3_bind_text (stmt, 2, member->display_name, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 3, member->pin_hash, -1, SQLITE_STATIC);
      if (!_gh_store_step_done (import->store, stmt, "updating a member", error))
        return FALSE;
      changed = TRUE;
    }
  if (!replace_items (import, customer->id, member, &changed, error) ||
      !merge_consents (import, customer->id, customer->ref, member, &changed, error))
    return FALSE;
  if (changed)
    import->summary->updated++;
  else
    import->summary->unchanged++;
  return TRUE;
}

/* A tombstone ends the batch's transaction around it: an erasure is its own
 * durable change (gh-erasure.c). */
gboolean
_gh_member_apply (GhMemberImport  *import,
                  const GhMember  *member,
                  GError         **error)
{
  g_autoptr(GhCustomer) customer = NULL;
  g_autoptr(GError) local = NULL;
  g_autofree char *derived = NULL;
  gboolean suppressed = FALSE;
  const char *ref;

  customer = gh_store_find_customer (import->store, member->loyalty_id, &local);
  if (customer == NULL && !g_error_matches (local, GH_STORE_ERROR, GH_STORE_ERROR_NOT_FOUND))
    {
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }

  if (member->deleted)
    {
      g_autoptr(GhErasureResult) result = NULL;

      if (customer == NULL)
        {
          import->summary->unchanged++;
          return TRUE;
        }
      if (!gh_store_commit (import->store, error))
        return FALSE;
      result = gh_erasure_forget_customer (import->store, import->catalog, customer, import->actor,
                                           NULL, error);
      if (result == NULL || !gh_store_begin (import->store, error))
        return FALSE;
      import->summary->deleted++;
      return TRUE;
    }

  if (customer != NULL)
    return update_member (import, member, customer, error);

  derived = _gh_member_derive_ref (import->ref_key, member->loyalty_id);
  ref = member->ref != NULL ? member->ref : derived;
  if (!is_suppressed (import->store, ref, &suppressed, error) ||
      (!suppressed && ref != derived && !is_suppressed (import->store, derived, &suppressed, error)))
    return FALSE;
  if (suppressed)
    {
      import->summary->suppressed++;
      return TRUE;
    }
  return add_member (import, member, ref, error);
}
