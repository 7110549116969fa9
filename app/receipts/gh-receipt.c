/* Consent receipts: what a shopper takes away from a visit. The body follows
 * the Kantara Consent Receipt v1.1 (plus a few fields of ours the portal
 * needs: the kind, the visit's changes, each purpose's state), built from the
 * catalog in force and the store's current consents. A receipt names the
 * shopper only by their pseudonymous ref; the JSON is built in
 * gh-receipt-body.c. Issuing writes the receipt row and
 * the receipt.issued event in one transaction, so HQ never learns of a
 * receipt the kiosk lost, nor the kiosk keeps one HQ will never hear of.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "glasshouse-receipts"
#include "config.h"

#include "receipts/gh-receipt.h"

#include "config/gh-site-settings.h"
#include "receipts/gh-receipt-private.h"

#include <json-glib/json-glib.h>
#include <sodium.h>
#include <string.h>

#include "receipts/gh-kiosk-keys.h"
#include "store/gh-store-private.h"

struct _GhReceipt
{
  GObject        parent_instance;
  char          *id;
  GhReceiptKind  kind;
  char          *kiosk_id;
  char          *created_at;
  gint64         expires_at;
  char          *customer_ref;
  char          *body;
  char          *token;
  char          *short_code;
};

G_DEFINE_FINAL_TYPE (GhReceipt, gh_receipt, G_TYPE_OBJECT)

G_DEFINE_QUARK (gh-receipt-error-quark, gh_receipt_error)

static void
gh_receipt_finalize (GObject *object)
{
  GhReceipt *self = GH_RECEIPT (object);

  g_free (self->id);
  g_free (self->kiosk_id);
  g_free (self->created_at);
  g_free (self->customer_ref);
  g_free (self->body);
  g_free (self->token);
  g_free (self->short_code);
  G_OBJECT_CLASS (gh_receipt_parent_class)->finalize (object);
}

static void
gh_receipt_class_init (GhReceiptClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = gh_receipt_finalize;
}

static void
gh_receipt_init (GhReceipt *self)
{
}

/* ---- issuing ------------------------------------------------------------ */

static char *
new_receipt_id (guint8 bytes[GH_TOKEN_RECEIPT_ID_BYTES])
{
  randombytes_buf (bytes, GH_TOKEN_RECEIPT_ID_BYTES);
  bytes[6] = (bytes[6] & 0x0f) | 0x40;  /* a version 4 (random) UUID */
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  return gh_token_format_receipt_id (bytes);
}

static gboolean
insert_receipt (GhStore    *store,
                GhReceipt  *receipt,
                GError    **error)
{
  sqlite3_stmt *stmt = _gh_store_prepare (store,
      "INSERT INTO receipt (id, kind, created_at, expires_at, customer_ref, body)"
      " VALUES (?1, ?2, ?3, ?4, ?5, ?6)", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, receipt->id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, gh_receipt_kind_to_string (receipt->kind), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, receipt->created_at, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 4, receipt->expires_at);
  sqlite3_bind_text (stmt, 5, receipt->customer_ref, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 6, receipt->body, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      _gh_store_set_error (store, rc, error, "storing a receipt");
      return FALSE;
    }
  return TRUE;
}

static gboolean
sign_token (GhReceipt    *self,
            GhKioskKeys  *keys,
            GError      **error)
{
  GhTokenClaims claims = { { 0 } };

  if (!gh_token_parse_receipt_id (self->id, claims.receipt_id))
    {
      g_set_error (error, GH_RECEIPT_ERROR, GH_RECEIPT_ERROR_INVALID,
                   "receipt %s: the id is not a UUID", self->id);
      return FALSE;
    }
  claims.kiosk_id = self->kiosk_id;
  claims.kind = self->kind;
  claims.expires_at = self->expires_at;
  self->token = gh_token_encode (&claims, keys, error);
  if (self->token == NULL)
    return FALSE;
  self->short_code = gh_token_short_code (self->token);
  return TRUE;
}

GhReceipt *
gh_receipt_issue (GhStore           *store,
                  GhCatalog         *catalog,
                  const GhCustomer  *customer,
                  GhReceiptKind      kind,
                  GPtrArray         *changes,
                  const char        *staff_id,
                  const char        *language,
                  GError           **error)
{
  g_autoptr(GhActor) actor = NULL;
  g_autofree char *actor_text = NULL;

  if (staff_id != NULL && (*staff_id == '\0' || g_str_has_prefix (staff_id, "staff:")
                           || (actor = gh_actor_new (GH_ACTOR_STAFF, staff_id, NULL)) == NULL))
    {
      g_set_error (error, GH_RECEIPT_ERROR, GH_RECEIPT_ERROR_INVALID,
                   "receipt: staff id \"%s\" must be the bare id from the config", staff_id);
      return NULL;
    }
  if (actor == NULL)
    actor = gh_actor_new (GH_ACTOR_SHOPPER, NULL, NULL);
  actor_text = gh_actor_to_string (actor);
  return gh_receipt_issue_as (store, catalog, customer, kind, changes, actor_text, language,
                              error);
}

GhReceipt *
gh_receipt_issue_as (GhStore           *store,
                     GhCatalog         *catalog,
                     const GhCustomer  *customer,
                     GhReceiptKind      kind,
                     GPtrArray         *changes,
                     const char        *actor,
                     const char        *language,
                     GError           **error)
{
  g_autoptr(GhReceipt) self = NULL;
  g_autoptr(GhKioskKeys) keys = NULL;
  g_autoptr(GPtrArray) consents = NULL;
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(JsonNode) export = NULL;
  g_autofree char *export_text = NULL;
  g_autoptr(JsonNode) event_body = NULL;
  g_autofree char *public_key = NULL;
  g_autofree char *event_text = NULL;
  g_autoptr(GhActor) parsed_actor = NULL;
  const char *staff_id;
  guint8 id_bytes[GH_TOKEN_RECEIPT_ID_BYTES];
  gboolean own_transaction;
  GhReceiptBodyInfo info = { 0 };
  gint64 now;

  g_return_val_if_fail (GH_IS_STORE (store), NULL);
  g_return_val_if_fail (GH_IS_CATALOG (catalog), NULL);
  g_return_val_if_fail (customer != NULL, NULL);

  if (kind < GH_RECEIPT_KIND_CONSENT || kind > GH_RECEIPT_KIND_ACCESS)
    {
      g_set_error (error, GH_RECEIPT_ERROR, GH_RECEIPT_ERROR_INVALID,
                   "receipt: kind %d is not consent, erasure or access", kind);
      return NULL;
    }
  if (kind == GH_RECEIPT_KIND_CONSENT && (changes == NULL || changes->len == 0))
    {
      g_set_error (error, GH_RECEIPT_ERROR, GH_RECEIPT_ERROR_INVALID,
                   "receipt: a consent receipt needs the visit's changes, and there are none");
      return NULL;
    }
  if (customer->ref == NULL || *customer->ref == '\0')
    {
      g_set_error (error, GH_RECEIPT_ERROR, GH_RECEIPT_ERROR_INVALID,
                   "receipt: the customer has no pseudonymous ref to name them by");
      return NULL;
    }
  if (actor == NULL || (parsed_actor = gh_actor_parse (actor, NULL)) == NULL)
    {
      g_set_error (error, GH_RECEIPT_ERROR, GH_RECEIPT_ERROR_INVALID,
                   "receipt: an actor is required (shopper, cli or staff:<id>)");
      return NULL;
    }
  staff_id = gh_actor_get_staff_id (parsed_actor);
  if (language == NULL)
    language = gh_catalog_get_default_language (catalog);

  keys = gh_kiosk_keys_load (store, error);
  if (keys == NULL)
    return NULL;
  public_key = gh_kiosk_keys_get_public_base64 (keys);

  now = g_get_real_time () / G_USEC_PER_SEC;
  self = g_object_new (GH_TYPE_RECEIPT, NULL);
  self->id = new_receipt_id (id_bytes);
  self->kind = kind;
  self->kiosk_id = g_strdup (gh_store_get_kiosk_id (store));
  self->created_at = _gh_store_now_iso ();
  self->expires_at = now + (gint64) gh_catalog_get_receipt_days (catalog) * 86400;
  self->customer_ref = g_strdup (customer->ref);
  if (!sign_token (self, keys, error))
    return NULL;

  own_transaction = !_gh_store_in_transaction (store);
  if (own_transaction && !gh_store_begin (store, error))
    return NULL;

  /* Read inside the transaction: the receipt states what is true when it is written. */
  consents = gh_store_list_consents (store, customer->id, error);
  if (consents == NULL)
    goto fail;
  if (kind == GH_RECEIPT_KIND_ACCESS)
    {
      items = gh_store_list_data_items (store, customer->id, error);
      if (items == NULL)
        goto fail;
      export = _gh_receipt_build_export (catalog, customer, items, consents, language, now);
    }

  info.receipt_id = self->id;
  info.kind = kind;
  info.kiosk_id = self->kiosk_id;
  info.public_key = public_key;
  info.now = now;
  info.expires_at = self->expires_at;
  info.customer_ref = customer->ref;
  info.staff_id = staff_id;
  info.actor = actor;
  info.language = language;
  body = _gh_receipt_build_body (&info, catalog, consents, changes);
  self->body = json_to_string (body, FALSE);
  export_text = export != NULL ? json_to_string (export, FALSE) : NULL;
  event_body = _gh_receipt_build_event_body (self, body, export_text);
  event_text = json_to_string (event_body, FALSE);
  if (!insert_receipt (store, self, error))
    goto fail;
  if (export_text != NULL
      ? gh_store_append_event_with_attachment (store, actor, customer->ref, "receipt.issued",
                                               event_text, export_text, error) < 0
      : gh_store_append_event (store, actor, customer->ref, "receipt.issued", event_text, error) < 0)
    goto fail;
  if (own_transaction && !gh_store_commit (store, error))
    return NULL;
  g_info ("Receipt %s issued (%s)", self->id,
          kind == GH_RECEIPT_KIND_CONSENT ? "consent" : kind == GH_RECEIPT_KIND_ERASURE ? "erasure" : "access");
  return g_steal_pointer (&self);

fail:
  if (own_transaction)
    gh_store_rollback (store);
  return NULL;
}

/* ---- issuing for a visit, in a worker ----------------------------------- */

typedef struct {
  GhSession     *session;
  GhCatalog     *catalog;
  GhCustomer    *customer;
  GPtrArray     *changes;
  char          *staff_id;
  char          *language;
  GhReceiptKind  kind;
} IssueData;

static void
issue_data_free (IssueData *data)
{
  g_clear_object (&data->session);
  g_clear_object (&data->catalog);
  g_clear_pointer (&data->customer, gh_customer_free);
  g_clear_pointer (&data->changes, g_ptr_array_unref);
  g_free (data->staff_id);
  g_free (data->language);
  g_free (data);
}

static GhSessionChange *
change_copy (const GhSessionChange *change)
{
  GhSessionChange *copy = g_new0 (GhSessionChange, 1);

  *copy = *change;
  copy->purpose_id = g_strdup (change->purpose_id);
  copy->actor = g_strdup (change->actor);
  return copy;
}

static void
issue_in_worker (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  IssueData *data = task_data;
  g_autoptr(GError) error = NULL;
  GhReceipt *receipt;
  GhStore *store;

  store = gh_session_lock_store (data->session);
  if (store == NULL)
    {
      g_task_return_new_error (task, GH_SESSION_ERROR, GH_SESSION_ERROR_ENDED,
                               "the visit has ended");
      return;
    }
  receipt = gh_receipt_issue (store, data->catalog, data->customer, data->kind, data->changes,
                              data->staff_id, data->language, &error);
  gh_session_unlock_store (data->session);
  if (receipt == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, receipt, g_object_unref);
}

void
gh_receipt_issue_for_session_async (GhSession           *session,
                                    GhReceiptKind        kind,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  const GhCustomer *customer;
  GPtrArray *changes;
  IssueData *data;

  g_return_if_fail (GH_IS_SESSION (session));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, gh_receipt_issue_for_session_async);
  customer = gh_session_get_customer (session);
  if (customer == NULL || gh_session_get_ended (session))
    {
      g_task_return_new_error (task, GH_SESSION_ERROR, GH_SESSION_ERROR_ENDED,
                               "the visit has ended");
      return;
    }

  /* Copied here, on the main thread: the session's own arrays may be swapped
   * by the UI while the worker runs. */
  data = g_new0 (IssueData, 1);
  data->session = g_object_ref (session);
  data->catalog = g_object_ref (gh_session_get_catalog (session));
  data->customer = gh_customer_copy (customer);
  data->kind = kind;
  data->language = g_strdup (gh_session_get_language (session));
  data->changes = g_ptr_array_new_with_free_func ((GDestroyNotify) gh_session_change_free);
  changes = gh_session_get_changes (session);
  for (guint i = 0; changes != NULL && i < changes->len; i++)
    {
      const GhSessionChange *change = g_ptr_array_index (changes, i);

      g_autofree char *staff_id = gh_actor_text_dup_staff_id (change->actor);

      g_ptr_array_add (data->changes, change_copy (change));
      /* The last staff member who made a change assisted. */
      if (staff_id != NULL)
        {
          g_free (data->staff_id);
          data->staff_id = g_steal_pointer (&staff_id);
        }
    }
  if (data->staff_id == NULL)
    data->staff_id = gh_actor_text_dup_staff_id (gh_session_get_actor (session));

  g_task_set_task_data (task, data, (GDestroyNotify) issue_data_free);
  g_task_run_in_thread (task, issue_in_worker);
}

GhReceipt *
gh_receipt_issue_for_session_finish (GAsyncResult  *result,
                                     GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- loading ------------------------------------------------------------ */

GhReceipt *
gh_receipt_load (GhStore     *store,
                 const char  *receipt_id,
                 GError     **error)
{
  g_autoptr(GhReceipt) self = NULL;
  g_autoptr(GhKioskKeys) keys = NULL;
  g_autoptr(JsonNode) body = NULL;
  sqlite3_stmt *stmt;
  JsonObject *object;
  const char *kind_text;
  int rc;

  g_return_val_if_fail (GH_IS_STORE (store), NULL);
  g_return_val_if_fail (receipt_id != NULL, NULL);

  stmt = _gh_store_prepare (store,
      "SELECT id, kind, created_at, expires_at, customer_ref, body FROM receipt WHERE id = ?1",
      error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, receipt_id, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      if (rc == SQLITE_DONE)
        g_set_error (error, GH_RECEIPT_ERROR, GH_RECEIPT_ERROR_NOT_FOUND,
                     "%s: no receipt %s in this store", gh_store_get_path (store), receipt_id);
      else
        _gh_store_set_error (store, rc, error, "reading a receipt");
      sqlite3_reset (stmt);
      return NULL;
    }

  self = g_object_new (GH_TYPE_RECEIPT, NULL);
  self->id = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  kind_text = (const char *) sqlite3_column_text (stmt, 1);
  if (!gh_receipt_kind_from_string (kind_text, &self->kind))
    self->kind = 0;
  self->created_at = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
  self->expires_at = sqlite3_column_int64 (stmt, 3);
  self->customer_ref = g_strdup ((const char *) sqlite3_column_text (stmt, 4));
  self->body = g_strdup ((const char *) sqlite3_column_text (stmt, 5));
  sqlite3_reset (stmt);

  body = json_from_string (self->body, NULL);
  object = body != NULL && JSON_NODE_HOLDS_OBJECT (body) ? json_node_get_object (body) : NULL;
  if (object != NULL && json_object_has_member (object, "withdrawn"))
    {
      g_set_error (error, GH_RECEIPT_ERROR, GH_RECEIPT_ERROR_WITHDRAWN,
                   "%s: receipt %s was withdrawn: its shopper asked to be forgotten",
                   gh_store_get_path (store), receipt_id);
      return NULL;
    }
  if (self->kind == 0 || object == NULL
      || !json_object_has_member (object, "kioskId"))
    {
      g_set_error (error, GH_STORE_ERROR, GH_STORE_ERROR_CORRUPT,
                   "%s: receipt %s is damaged (kind or body)", gh_store_get_path (store), receipt_id);
      return NULL;
    }
  /* The kiosk id it was issued under, even if the kiosk was renamed since. */
  self->kiosk_id = g_strdup (json_object_get_string_member (object, "kioskId"));

  keys = gh_kiosk_keys_load (store, error);
  if (keys == NULL || !sign_token (self, keys, error))
    return NULL;
  return g_steal_pointer (&self);
}

gboolean
gh_receipt_withdraw_for (GhStore     *store,
                         const char  *customer_ref,
                         const char  *keep_id,
                         gint64       erasure_id,
                         GError     **error)
{
  /* The row stays (its id is in the chain's receipt.issued event), reduced to what
   * says why it is void; kioskId keeps it readable as a receipt of this kiosk. */
  sqlite3_stmt *stmt = _gh_store_prepare (store,
      "UPDATE receipt SET body = json_object ('kioskId', json_extract (body, '$.kioskId'),"
      "  'withdrawn', json_object ('erasureId', ?3))"
      " WHERE customer_ref = ?1 AND id IS NOT ?2", error);

  g_return_val_if_fail (GH_IS_STORE (store), FALSE);
  g_return_val_if_fail (customer_ref != NULL, FALSE);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, customer_ref, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, keep_id, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 3, erasure_id);
  return _gh_store_step_done (store, stmt, "withdrawing a forgotten shopper's receipts", error);
}

/* ---- accessors ---------------------------------------------------------- */

const char *
gh_receipt_get_id (GhReceipt *self)
{
  g_return_val_if_fail (GH_IS_RECEIPT (self), NULL);
  return self->id;
}

GhReceiptKind
gh_receipt_get_kind (GhReceipt *self)
{
  g_return_val_if_fail (GH_IS_RECEIPT (self), 0);
  return self->kind;
}

const char *
gh_receipt_get_created_at (GhReceipt *self)
{
  g_return_val_if_fail (GH_IS_RECEIPT (self), NULL);
  return self->created_at;
}

gint64
gh_receipt_get_expires_at (GhReceipt *self)
{
  g_return_val_if_fail (GH_IS_RECEIPT (self), 0);
  return self->expires_at;
}

const char *
gh_receipt_get_customer_ref (GhReceipt *self)
{
  g_return_val_if_fail (GH_IS_RECEIPT (self), NULL);
  return self->customer_ref;
}

const char *
gh_receipt_get_body (GhReceipt *self)
{
  g_return_val_if_fail (GH_IS_RECEIPT (self), NULL);
  return self->body;
}

const char *
gh_receipt_get_token (GhReceipt *self)
{
  g_return_val_if_fail (GH_IS_RECEIPT (self), NULL);
  return self->token;
}

const char *
gh_receipt_get_short_code (GhReceipt *self)
{
  g_return_val_if_fail (GH_IS_RECEIPT (self), NULL);
  return self->short_code;
}

char *
gh_receipt_build_follow_up_url (const char *portal_url,
                                const char *token)
{
  gsize length;

  g_return_val_if_fail (portal_url != NULL && token != NULL, NULL);
  /* "https://x/" and "https://x" give the same URL, never "//r/". */
  length = strlen (portal_url);
  while (length > 0 && portal_url[length - 1] == '/')
    length--;
  return g_strdup_printf ("%.*s/r/%s", (int) length, portal_url, token);
}

char *
gh_receipt_get_follow_up_url (GhReceipt *self,
                              GhCatalog *catalog)
{
  const GhSiteSettings *settings = gh_site_settings_get (NULL);

  g_return_val_if_fail (GH_IS_RECEIPT (self), NULL);
  g_return_val_if_fail (GH_IS_CATALOG (catalog), NULL);
  /* A store whose portal is not HQ's (a pilot, a staging portal) overrides it locally. */
  if (settings != NULL && settings->portal_url != NULL)
    return gh_receipt_build_follow_up_url (settings->portal_url, self->token);
  return gh_receipt_build_follow_up_url (gh_catalog_get_portal_url (catalog), self->token);
}
