/* The fleet report's pass over the members: every member's data items and current
 * decisions streamed out of HQ with COPY and put through the kiosk's offer engine,
 * once each, on worker threads that each own a range of refs and a connection, so
 * both cores work and PostgreSQL sends two streams at once. The same pass without
 * the counting is the benchmark's floor.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "glasshouse-hq"
#include "config.h"

#include <string.h>

#include "hq/gh-hq-report-private.h"

#include "offers/gh-offers.h"

typedef struct {
  const char  *conninfo;
  GhCatalog   *catalog;
  gint64       now;
  char        *low;             /* first ref of the range; NULL: from the start */
  char        *high;            /* first ref past it; NULL: to the end */
  gboolean     count;
  GHashTable  *category_index;  /* id (the catalog's string) -> index + 1; shared, read-only */
  GHashTable  *offer_index;     /* GhOffer* -> index + 1 */
  guint        n_categories;
  guint        n_offers;
  GhHqScan     scan;
  GError      *error;
} Worker;

/* COPY's text format, undone in place: \t \n \r \\ and \N (NULL, returned as NULL). */
static char *
next_field (char **cursor)
{
  char *start = *cursor, *in = start, *out = start;

  if (start == NULL)
    return NULL;
  while (*in != '\0' && *in != '\t' && *in != '\n')
    {
      if (*in == '\\' && in[1] != '\0')
        {
          in++;
          switch (*in)
            {
            case 't': *out++ = '\t'; break;
            case 'n': *out++ = '\n'; break;
            case 'r': *out++ = '\r'; break;
            case 'N': *out++ = '\0'; start = NULL; break;
            default: *out++ = *in; break;
            }
          in++;
        }
      else
        *out++ = *in++;
    }
  *cursor = *in == '\t' ? in + 1 : NULL;
  *out = '\0';
  return start;
}

static char *
range_condition (PGconn     *conn,
                 const char *low,
                 const char *high)
{
  g_autofree char *low_sql = low != NULL ? PQescapeLiteral (conn, low, strlen (low)) : NULL;
  g_autofree char *high_sql = high != NULL ? PQescapeLiteral (conn, high, strlen (high)) : NULL;

  return g_strdup_printf ("ref >= %s AND ref < %s",
                          low_sql != NULL ? low_sql : "''",
                          high_sql != NULL ? high_sql : "chr (1114111)");
}

/* Runs a COPY ... TO STDOUT and hands each row to @row. */
static gboolean
copy_out (GhHq        *hq,
          const char  *sql,
          const char  *what,
          void       (*row) (Worker *worker, char *line, gpointer data),
          Worker      *worker,
          gpointer     data,
          GError     **error)
{
  g_autoptr(PGresult) start = PQexec (hq->conn, sql);
  PGresult *end;
  char *buffer = NULL;
  int length;
  gboolean ok = TRUE;

  if (!_gh_hq_check_result (hq, start, PGRES_COPY_OUT, what, error))
    return FALSE;
  while ((length = PQgetCopyData (hq->conn, &buffer, 0)) > 0)
    {
      row (worker, buffer, data);
      PQfreemem (buffer);
    }
  if (length == -2)
    {
      _gh_hq_set_result_error (hq, NULL, what, error);
      ok = FALSE;
    }
  while ((end = PQgetResult (hq->conn)) != NULL)
    {
      if (ok && PQresultStatus (end) != PGRES_COMMAND_OK)
        {
          _gh_hq_set_result_error (hq, end, what, error);
          ok = FALSE;
        }
      PQclear (end);
    }
  return ok;
}

/* ---- decisions ------------------------------------------------------------------------ */

static void
decision_row (Worker   *worker,
              char     *line,
              gpointer  data)
{
  GHashTable *decisions = data;
  char *cursor = line;
  const char *ref = next_field (&cursor);
  const char *purpose = next_field (&cursor);
  const char *state = next_field (&cursor);
  GhPurpose *known = purpose != NULL ? gh_catalog_find_purpose (worker->catalog, purpose) : NULL;
  GPtrArray *consents;
  GhConsent *consent;

  if (ref == NULL || known == NULL || state == NULL)
    return;  /* a purpose the config no longer has decides nothing */
  consents = g_hash_table_lookup (decisions, ref);
  if (consents == NULL)
    {
      consents = g_ptr_array_new_with_free_func ((GDestroyNotify) gh_consent_free);
      g_hash_table_insert (decisions, g_strdup (ref), consents);
    }
  consent = g_new0 (GhConsent, 1);
  consent->purpose_id = g_strdup (gh_purpose_get_id (known));
  consent->state = g_str_equal (state, "granted") ? GH_CONSENT_GRANTED : GH_CONSENT_REVOKED;
  g_ptr_array_add (consents, consent);
}

/* ---- members -------------------------------------------------------------------------- */

typedef struct {
  GHashTable   *decisions;
  GPtrArray    *no_consents;
  char         *ref;
  GArray       *items;      /* GhDataItem, strings in @chunk or the catalog's */
  GPtrArray    *pointers;   /* GhDataItem* into @items, for the engine */
  GStringChunk *chunk;
  guint8       *held;       /* [category] */
  guint8       *earns;      /* [category] */
} Member;

static void
evaluate_member (Worker *worker,
                 Member *member)
{
  GPtrArray *consents;
  g_autoptr(GPtrArray) matches = NULL;

  if (member->items->len == 0)
    return;
  g_ptr_array_set_size (member->pointers, 0);
  for (guint i = 0; i < member->items->len; i++)
    g_ptr_array_add (member->pointers, &g_array_index (member->items, GhDataItem, i));
  consents = g_hash_table_lookup (member->decisions, member->ref);
  matches = gh_offers_evaluate_at (worker->catalog, member->pointers,
                                   consents != NULL ? consents : member->no_consents, worker->now);
  worker->scan.members_scanned++;
  if (worker->count)
    {
      memset (member->held, 0, worker->n_categories);
      memset (member->earns, 0, worker->n_categories);
      for (guint i = 0; i < member->items->len; i++)
        {
          guint index = GPOINTER_TO_UINT (g_hash_table_lookup (
              worker->category_index, g_array_index (member->items, GhDataItem, i).category));
          if (index > 0)
            member->held[index - 1] = 1;
        }
      for (guint m = 0; m < matches->len; m++)
        {
          GhOfferMatch *match = g_ptr_array_index (matches, m);
          guint offer = GPOINTER_TO_UINT (g_hash_table_lookup (worker->offer_index, match->offer));

          if (offer > 0)
            worker->scan.offer_reach[offer - 1]++;
          for (guint b = 0; b < match->because->len; b++)
            {
              GhDataItem *item = g_ptr_array_index (match->because, b);
              guint index = GPOINTER_TO_UINT (g_hash_table_lookup (worker->category_index,
                                                                   item->category));
              if (index > 0)
                member->earns[index - 1] = 1;
            }
        }
      for (guint c = 0; c < worker->n_categories; c++)
        {
          worker->scan.category_held[c] += member->held[c];
          worker->scan.category_earns[c] += member->held[c] & member->earns[c];
        }
    }
  g_array_set_size (member->items, 0);
  g_string_chunk_clear (member->chunk);
}

static void
item_row (Worker   *worker,
          char     *line,
          gpointer  data)
{
  Member *member = data;
  char *cursor = line;
  const char *ref = next_field (&cursor);
  const char *category = next_field (&cursor);
  const char *attributes = next_field (&cursor);
  const char *source = next_field (&cursor);
  const char *collected = next_field (&cursor);
  const char *retained = next_field (&cursor);
  gpointer key = NULL;
  GhDataItem item = { 0 };

  if (ref == NULL || category == NULL || retained == NULL)
    return;
  if (member->ref == NULL || strcmp (member->ref, ref) != 0)
    {
      evaluate_member (worker, member);
      g_free (member->ref);
      member->ref = g_strdup (ref);
    }
  /* The catalog's own string: the engine and the counts compare it by value, and a
   * category the config no longer has is kept under a copy (it still counts as held). */
  if (g_hash_table_lookup_extended (worker->category_index, category, &key, NULL))
    item.category = key;
  else
    item.category = g_string_chunk_insert_const (member->chunk, category);
  item.id = member->items->len + 1;
  item.attributes = g_string_chunk_insert_len (member->chunk, attributes != NULL ? attributes : "{}",
                                               -1);
  if (source == NULL || !gh_source_from_string (source, &item.source))
    item.source = GH_SOURCE_PROVIDED;
  item.collected_at = collected != NULL ? g_ascii_strtoll (collected, NULL, 10) : 0;
  item.retained_until = g_ascii_strtoll (retained, NULL, 10);
  g_array_append_val (member->items, item);
}

static gpointer
worker_thread (gpointer data)
{
  Worker *worker = data;
  g_autoptr(GhHq) hq = gh_hq_connect (worker->conninfo, &worker->error);
  g_autoptr(GHashTable) decisions = NULL;
  g_autofree char *range = NULL;
  g_autofree char *decisions_sql = NULL;
  g_autofree char *items_sql = NULL;
  Member member = { 0 };

  if (hq == NULL)
    return NULL;
  range = range_condition (hq->conn, worker->low, worker->high);
  /* The current decision is the one with the highest change_no (docs/hq-schema.md). */
  decisions_sql = g_strdup_printf (
      "COPY (SELECT DISTINCT ON (ref, purpose_id) ref, purpose_id, state FROM glasshouse.decision"
      " WHERE %s ORDER BY ref, purpose_id, change_no DESC) TO STDOUT", range);
  items_sql = g_strdup_printf (
      "COPY (SELECT ref, category, attributes, source,"
      " extract (epoch FROM collected_at)::bigint, extract (epoch FROM retained_until)::bigint"
      " FROM glasshouse.member_item WHERE %s ORDER BY ref) TO STDOUT", range);
  decisions = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                     (GDestroyNotify) g_ptr_array_unref);
  member.decisions = decisions;
  member.no_consents = g_ptr_array_new ();
  member.items = g_array_new (FALSE, TRUE, sizeof (GhDataItem));
  member.pointers = g_ptr_array_new ();
  member.chunk = g_string_chunk_new (64 * 1024);
  member.held = g_malloc0 (worker->n_categories + 1);
  member.earns = g_malloc0 (worker->n_categories + 1);

  if (copy_out (hq, decisions_sql, "reading members' decisions", decision_row, worker, decisions,
                &worker->error) &&
      copy_out (hq, items_sql, "reading members' data items", item_row, worker, &member,
                &worker->error))
    evaluate_member (worker, &member);

  g_free (member.ref);
  g_ptr_array_unref (member.no_consents);
  g_array_unref (member.items);
  g_ptr_array_unref (member.pointers);
  g_string_chunk_free (member.chunk);
  g_free (member.held);
  g_free (member.earns);
  return NULL;
}

/* Refs that cut the members into @n ranges of about the same size. */
static GPtrArray *
range_bounds (const char  *conninfo,
              guint        n,
              GError     **error)
{
  g_autoptr(GhHq) hq = gh_hq_connect (conninfo, error);
  g_autoptr(GPtrArray) bounds = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(PGresult) count = NULL;
  gint64 members;

  if (hq == NULL)
    return NULL;
  count = PQexec (hq->conn, "SELECT count (*) FROM glasshouse.member");
  if (!_gh_hq_check_result (hq, count, PGRES_TUPLES_OK, "counting members", error))
    return NULL;
  members = g_ascii_strtoll (PQgetvalue (count, 0, 0), NULL, 10);
  g_ptr_array_add (bounds, NULL);
  for (guint k = 1; k < n; k++)
    {
      g_autofree char *sql = g_strdup_printf ("SELECT ref FROM glasshouse.member ORDER BY ref"
                                              " OFFSET %" G_GINT64_FORMAT " LIMIT 1",
                                              members * k / n);
      g_autoptr(PGresult) result = PQexec (hq->conn, sql);

      if (!_gh_hq_check_result (hq, result, PGRES_TUPLES_OK, "dividing the members", error))
        return NULL;
      if (PQntuples (result) == 1)
        g_ptr_array_add (bounds, g_strdup (PQgetvalue (result, 0, 0)));
    }
  g_ptr_array_add (bounds, NULL);
  return g_steal_pointer (&bounds);
}

static void
scan_init (GhHqScan *scan,
           guint     n_categories,
           guint     n_offers)
{
  scan->category_held = g_new0 (gint64, n_categories + 1);
  scan->category_earns = g_new0 (gint64, n_categories + 1);
  scan->offer_reach = g_new0 (gint64, n_offers + 1);
}

void
_gh_hq_scan_clear (GhHqScan *scan)
{
  g_clear_pointer (&scan->category_held, g_free);
  g_clear_pointer (&scan->category_earns, g_free);
  g_clear_pointer (&scan->offer_reach, g_free);
}

gboolean
_gh_hq_report_scan (const char  *conninfo,
                    GhCatalog   *catalog,
                    gint64       now,
                    guint        n_workers,
                    GhHqScan    *scan,
                    GError     **error)
{
  GListModel *categories = gh_catalog_get_data_categories (catalog);
  GListModel *offers = gh_catalog_get_offers (catalog);
  guint n_categories = g_list_model_get_n_items (categories);
  guint n_offers = g_list_model_get_n_items (offers);
  g_autoptr(GHashTable) category_index = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) offer_index = g_hash_table_new (NULL, NULL);
  g_autoptr(GPtrArray) bounds = NULL;
  g_autofree Worker *workers = NULL;
  g_autofree GThread **threads = NULL;
  guint n;
  gboolean ok = TRUE;

  for (guint c = 0; c < n_categories; c++)
    {
      g_autoptr(GhDataCategory) category = g_list_model_get_item (categories, c);
      g_hash_table_insert (category_index, (gpointer) gh_data_category_get_id (category),
                           GUINT_TO_POINTER (c + 1));
    }
  for (guint o = 0; o < n_offers; o++)
    {
      g_autoptr(GhOffer) offer = g_list_model_get_item (offers, o);
      g_hash_table_insert (offer_index, offer, GUINT_TO_POINTER (o + 1));
    }
  if ((bounds = range_bounds (conninfo, MAX (n_workers, 1), error)) == NULL)
    return FALSE;
  n = bounds->len - 1;
  workers = g_new0 (Worker, n);
  threads = g_new0 (GThread *, n);
  for (guint w = 0; w < n; w++)
    {
      workers[w].conninfo = conninfo;
      workers[w].catalog = catalog;
      workers[w].now = now;
      workers[w].low = g_ptr_array_index (bounds, w);
      workers[w].high = g_ptr_array_index (bounds, w + 1);
      workers[w].count = scan != NULL;
      workers[w].category_index = category_index;
      workers[w].offer_index = offer_index;
      workers[w].n_categories = n_categories;
      workers[w].n_offers = n_offers;
      scan_init (&workers[w].scan, n_categories, n_offers);
      threads[w] = g_thread_new ("gh-report-scan", worker_thread, &workers[w]);
    }
  if (scan != NULL)
    scan_init (scan, n_categories, n_offers);
  for (guint w = 0; w < n; w++)
    {
      g_thread_join (threads[w]);
      if (workers[w].error != NULL)
        {
          if (ok)
            g_propagate_error (error, g_steal_pointer (&workers[w].error));
          g_clear_error (&workers[w].error);
          ok = FALSE;
        }
      if (scan != NULL)
        {
          scan->members_scanned += workers[w].scan.members_scanned;
          for (guint c = 0; c < n_categories; c++)
            {
              scan->category_held[c] += workers[w].scan.category_held[c];
              scan->category_earns[c] += workers[w].scan.category_earns[c];
            }
          for (guint o = 0; o < n_offers; o++)
            scan->offer_reach[o] += workers[w].scan.offer_reach[o];
        }
      _gh_hq_scan_clear (&workers[w].scan);
    }
  return ok;
}
