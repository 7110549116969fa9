/* GhSession's news (gh-session-news.h): computed in the sign-in worker from the
 * record the previous visit left in meta, and a new record built when the visit
 * ends and written by the worker that closes the store.
 * The record: {"at": unix seconds, "items_up_to": the highest item id then held,
 * "notices": {purpose id: notice_version}, "offers": [offer id, ...]}.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "glasshouse-visit"
#include "config.h"

#include "visit/gh-session-news.h"
#include "visit/gh-session-private.h"

#include <json-glib/json-glib.h>

#include "store/gh-store-private.h"

GPtrArray *
gh_session_list_notices_to_answer (GhSession *self)
{
  GPtrArray *result = g_ptr_array_new ();
  GListModel *purposes;

  g_return_val_if_fail (GH_IS_SESSION (self), result);
  if (self->ended || self->catalog == NULL)
    return result;

  purposes = gh_catalog_get_purposes (self->catalog);
  for (guint i = 0; i < g_list_model_get_n_items (purposes); i++)
    {
      g_autoptr(GhPurpose) purpose = g_list_model_get_item (purposes, i);

      if (gh_offers_purpose_awaits_answer (purpose, self->consents))
        g_ptr_array_add (result, purpose);  /* the catalog keeps it alive */
    }
  return result;
}

GPtrArray *
gh_session_get_news (GhSession *self)
{
  g_return_val_if_fail (GH_IS_SESSION (self), NULL);
  return self->news;
}

gint64
gh_session_get_last_visit (GhSession *self)
{
  g_return_val_if_fail (GH_IS_SESSION (self), 0);
  return self->last_visit;
}

static gboolean
offers_have (GPtrArray  *offers,
             const char *offer_id)
{
  for (guint i = 0; offers != NULL && i < offers->len; i++)
    if (g_str_equal (gh_offer_get_id (((GhOfferMatch *) g_ptr_array_index (offers, i))->offer),
                     offer_id))
      return TRUE;
  return FALSE;
}

static void
add_news (GPtrArray        *news,
          GhNewsKind        kind,
          GhPurpose        *purpose,
          GhOffer          *offer,
          const GhDataItem *item)
{
  GhNews *entry = g_new0 (GhNews, 1);

  entry->kind = kind;
  entry->purpose = purpose;
  entry->offer = offer;
  entry->item = item;
  g_ptr_array_add (news, entry);
}

/* A notice is news when it changed since the last visit, or, with no record of
 * one, since the shopper chose; notices that ask again are asked, not told. */
static void
add_notice_news (GhSession  *self,
                 JsonObject *notices)
{
  GListModel *purposes = gh_catalog_get_purposes (self->catalog);

  for (guint i = 0; i < g_list_model_get_n_items (purposes); i++)
    {
      g_autoptr(GhPurpose) purpose = g_list_model_get_item (purposes, i);
      const char *id = gh_purpose_get_id (purpose);
      const char *seen = NULL;
      GhConsent *consent;

      if (gh_purpose_get_what_changed (purpose, NULL) == NULL
          || gh_offers_purpose_awaits_answer (purpose, self->consents))
        continue;
      if (notices != NULL)
        seen = json_object_has_member (notices, id)
               && JSON_NODE_HOLDS_VALUE (json_object_get_member (notices, id))
               ? json_object_get_string_member (notices, id) : NULL;
      else if ((consent = gh_consent_find (self->consents, id)) != NULL)
        seen = consent->notice_version;
      if (seen != NULL && !g_str_equal (seen, gh_purpose_get_notice_version (purpose)))
        add_news (self->news, GH_NEWS_NOTICE, purpose, NULL, NULL);
    }
}

void
_gh_session_read_news (GhSession *self,
                       GhStore   *store)
{
  g_autofree char *key = g_strconcat (GH_SESSION_LAST_VISIT_PREFIX, self->customer->ref, NULL);
  g_autofree char *text = gh_store_get_meta (store, key);
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *record = NULL;
  JsonNode *member;

  self->news = g_ptr_array_new_with_free_func (g_free);
  if (text != NULL && json_parser_load_from_data (parser, text, -1, NULL)
      && JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    record = json_node_get_object (json_parser_get_root (parser));
  /* A record this code did not write is no record: the list is a courtesy. */
  if (record != NULL
      && ((member = json_object_get_member (record, "notices")) == NULL
          || !JSON_NODE_HOLDS_OBJECT (member)
          || (member = json_object_get_member (record, "offers")) == NULL
          || !JSON_NODE_HOLDS_ARRAY (member)))
    record = NULL;

  add_notice_news (self, record != NULL ? json_object_get_object_member (record, "notices")
                                        : NULL);
  if (record == NULL)
    return;

  self->last_visit = json_object_get_int_member_with_default (record, "at", 0);
  {
    gint64 items_up_to = json_object_get_int_member_with_default (record, "items_up_to",
                                                                  G_MAXINT64);
    for (guint i = 0; i < self->items->len; i++)
      {
        GhDataItem *item = g_ptr_array_index (self->items, i);

        if (item->id > items_up_to)
          add_news (self->news, GH_NEWS_NEW_ITEM, NULL, NULL, item);
      }
  }
  for (guint i = 0; self->offers != NULL && i < self->offers->len; i++)
    {
      GhOfferMatch *match = g_ptr_array_index (self->offers, i);
      JsonArray *had = json_object_get_array_member (record, "offers");
      gboolean found = FALSE;

      for (guint j = 0; j < json_array_get_length (had) && !found; j++)
        found = g_strcmp0 (json_array_get_string_element (had, j),
                           gh_offer_get_id (match->offer)) == 0;
      if (!found)
        add_news (self->news, GH_NEWS_OFFER_GAINED, NULL, match->offer, NULL);
    }
  {
    JsonArray *had = json_object_get_array_member (record, "offers");

    for (guint j = 0; j < json_array_get_length (had); j++)
      {
        const char *id = json_array_get_string_element (had, j);
        GhOffer *offer = id != NULL ? gh_catalog_find_offer (self->catalog, id) : NULL;

        /* An offer HQ has since withdrawn has no words left to show it by. */
        if (offer != NULL && !offers_have (self->offers, id))
          add_news (self->news, GH_NEWS_OFFER_LOST, NULL, offer, NULL);
      }
  }
}

char *
_gh_session_last_visit_record (GhSession *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  GListModel *purposes = gh_catalog_get_purposes (self->catalog);
  gint64 items_up_to = 0;

  for (guint i = 0; i < self->items->len; i++)
    items_up_to = MAX (items_up_to, ((GhDataItem *) g_ptr_array_index (self->items, i))->id);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "at");
  json_builder_add_int_value (builder, g_get_real_time () / G_USEC_PER_SEC);
  json_builder_set_member_name (builder, "items_up_to");
  json_builder_add_int_value (builder, items_up_to);
  json_builder_set_member_name (builder, "notices");
  json_builder_begin_object (builder);
  for (guint i = 0; i < g_list_model_get_n_items (purposes); i++)
    {
      g_autoptr(GhPurpose) purpose = g_list_model_get_item (purposes, i);

      json_builder_set_member_name (builder, gh_purpose_get_id (purpose));
      json_builder_add_string_value (builder, gh_purpose_get_notice_version (purpose));
    }
  json_builder_end_object (builder);
  json_builder_set_member_name (builder, "offers");
  json_builder_begin_array (builder);
  for (guint i = 0; self->offers != NULL && i < self->offers->len; i++)
    json_builder_add_string_value (builder,
        gh_offer_get_id (((GhOfferMatch *) g_ptr_array_index (self->offers, i))->offer));
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  return json_to_string (root, FALSE);
}

gboolean
_gh_session_write_last_visit (GhStore     *store,
                              const char  *customer_ref,
                              const char  *record,
                              GError     **error)
{
  g_autofree char *key = g_strconcat (GH_SESSION_LAST_VISIT_PREFIX, customer_ref, NULL);
  /* Only while the shopper exists: one forgotten during the visit leaves nothing. */
  sqlite3_stmt *stmt = _gh_store_prepare (store,
      "INSERT INTO meta (key, value) SELECT ?1, ?2"
      " WHERE EXISTS (SELECT 1 FROM customer WHERE ref = ?3)"
      " ON CONFLICT (key) DO UPDATE SET value = excluded.value", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, record, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, customer_ref, -1, SQLITE_STATIC);
  return _gh_store_step_done (store, stmt, "remembering the last visit", error);
}
