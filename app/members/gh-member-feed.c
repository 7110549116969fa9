/* Reading the member feed one line at a time: JSON with the limits every
 * untrusted input gets (gh-json-limits.c), then each field checked against the
 * active config. Messages name the JSON path and the rule, never the value, since
 * the values are a member's personal data (a category or purpose id is quoted:
 * it is the config's vocabulary, and the CRM needs it to fix its export).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "glasshouse-members"
#include "config.h"

#include <string.h>

#include "members/gh-member-feed.h"

#include "config/gh-json-limits.h"
#include "members/gh-json-tokens.h"

G_DEFINE_QUARK (gh-member-feed-error-quark, gh_member_feed_error)

/* Attributes are small objects ({"size": "M"}); anything deeper is not a CRM export. */
#define MAX_DEPTH        16
#define MAX_ID_BYTES     128
#define MAX_NAME_BYTES   200
#define MAX_REF_BYTES    64
#define MAX_PIN_BYTES    256
#define MAX_ITEMS        5000
#define DAY              (24 * 60 * 60)

static void
member_item_clear (gpointer data)
{
  GhMemberItem *item = data;

  g_free (item->crm_id);
  g_free (item->category);
  if (item->attributes != NULL)
    gh_string_wipe (&item->attributes);
}

static void
member_consent_clear (gpointer data)
{
  GhMemberConsent *consent = data;

  g_free (consent->purpose_id);
  g_free (consent->notice_version);
}

void
gh_member_free (GhMember *member)
{
  if (member == NULL)
    return;
  gh_string_wipe (&member->loyalty_id);
  gh_string_wipe (&member->display_name);
  g_free (member->ref);
  g_free (member->pin_hash);
  g_strfreev (member->stores);
  g_clear_pointer (&member->items, g_array_unref);
  g_clear_pointer (&member->consents, g_array_unref);
  g_free (member);
}

gboolean
gh_member_loyalty_id_is_valid (const char *text)
{
  gsize n = text != NULL ? strlen (text) : 0;

  if (n < 6 || n > 19)
    return FALSE;
  for (gsize i = 0; i < n; i++)
    if (!g_ascii_isdigit (text[i]))
      return FALSE;
  return TRUE;
}

static gboolean G_GNUC_PRINTF (3, 4)
fail (GError     **error,
      const char  *path,
      const char  *format,
      ...)
{
  va_list args;
  g_autofree char *reason = NULL;

  va_start (args, format);
  reason = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, GH_MEMBER_FEED_ERROR, GH_MEMBER_FEED_ERROR_INVALID, "%s: %s", path, reason);
  return FALSE;
}

/* One line being read: its text and its tokens (gh-json-tokens.c). */
typedef struct {
  const char *text;
  GArray     *tokens;
} Line;

static const GhJsonToken *
token_at (const Line *line,
          int         index)
{
  return &g_array_index (line->tokens, GhJsonToken, index);
}

/* Only the members a field list names may appear: a field the kiosk would ignore
 * could be data the CRM believes it sent, or a typo that drops data silently. */
static gboolean
check_members (const Line          *line,
               guint                object,
               const char          *path,
               const char * const  *allowed,
               GError             **error)
{
  guint key = object + 1;

  for (guint i = 0; i < token_at (line, object)->size; i++, key = token_at (line, key + 1)->next)
    {
      gboolean known = FALSE;

      for (guint a = 0; allowed[a] != NULL && !known; a++)
        known = gh_json_token_equal (line->text, token_at (line, key), allowed[a]);
      if (!known)
        {
          g_autofree char *name = gh_json_token_dup (line->text, token_at (line, key));
          g_autofree char *quoted = gh_json_quote (name);
          return fail (error, *path != '\0' ? path : "line", "unknown member %s", quoted);
        }
    }
  return TRUE;
}

static char *
member_path (const char *path,
             const char *name)
{
  return *path != '\0' ? g_strdup_printf ("%s.%s", path, name) : g_strdup (name);
}

/* Member @name of @object as a string, newly allocated into *@out (NULL when absent
 * and not @required). */
static gboolean
read_string (const Line   *line,
             guint         object,
             const char   *path,
             const char   *name,
             gboolean      required,
             gsize         max_bytes,
             char        **out,
             GError      **error)
{
  int index = gh_json_object_get (line->text, line->tokens, object, name);
  const GhJsonToken *token;
  g_autofree char *text = NULL;
  g_autofree char *where = NULL;
  const char *problem = NULL;

  *out = NULL;
  if (index < 0 || token_at (line, index)->kind == GH_JSON_NULL)
    {
      if (!required)
        return TRUE;
      problem = "missing";
    }
  else if ((token = token_at (line, index))->kind != GH_JSON_STRING)
    problem = "expected a string";
  else if (token->end == token->start)
    problem = "empty";
  else if (token->end - token->start > max_bytes * 6 ||
           strlen (text = gh_json_token_dup (line->text, token)) > max_bytes)
    problem = "too long";
  else
    for (const char *p = text; *p != '\0' && problem == NULL; p++)
      if ((guchar) *p < 0x20 || *p == 0x7f)
        problem = "contains a control character";
  if (problem == NULL)
    {
      *out = g_steal_pointer (&text);
      return TRUE;
    }
  /* Messages are built only for a refused line: a feed has 25 million fields. */
  where = member_path (path, name);
  if (g_str_equal (problem, "expected a string"))
    return fail (error, where, "expected a string, found %s",
                 gh_json_kind_name (token_at (line, index)->kind));
  if (g_str_equal (problem, "too long"))
    return fail (error, where, "longer than %" G_GSIZE_FORMAT " bytes", max_bytes);
  return fail (error, where, "%s", problem);
}

/* The form a feed nearly always uses, "2026-03-01T10:00:00Z", without GDateTime's
 * allocations (a million-member feed has 25 million of them). Anything else, or
 * a field out of range, is left to g_date_time_new_from_iso8601 (). */
static gboolean
parse_utc_fast (const char *text,
                gint64     *out)
{
  static const char shape[] = "dddd-dd-ddTdd:dd:ddZ";
  static const int days_before[] = { 0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334 };
  int year, month, day, hour, minute, second;
  gint64 days;

  for (guint i = 0; i < sizeof shape - 1; i++)
    if (shape[i] == 'd' ? !g_ascii_isdigit (text[i]) : text[i] != shape[i])
      return FALSE;
  if (text[sizeof shape - 1] != '\0')
    return FALSE;
#define NUM2(p) ((text[p] - '0') * 10 + (text[p + 1] - '0'))
  year = NUM2 (0) * 100 + NUM2 (2);
  month = NUM2 (5);
  day = NUM2 (8);
  hour = NUM2 (11);
  minute = NUM2 (14);
  second = NUM2 (17);
#undef NUM2
  if (year < 1970 || month < 1 || month > 12 || day < 1 ||
      day > g_date_get_days_in_month (month, year) || hour > 23 || minute > 59 || second > 59)
    return FALSE;
  /* Days since 1970-01-01 by the proleptic Gregorian calendar. */
  days = (gint64) (year - 1970) * 365 + ((year - 1969) / 4) - ((year - 1901) / 100)
         + ((year - 1601) / 400) + days_before[month - 1] + (day - 1)
         + (month > 2 && g_date_is_leap_year (year));
  *out = days * DAY + hour * 3600 + minute * 60 + second;
  return TRUE;
}

/* ISO 8601 with a time zone ("2026-03-01T10:00:00Z"), or a plain date (midnight UTC). */
static gboolean
read_time (const Line  *line,
           guint        object,
           const char  *path,
           const char  *name,
           gboolean     required,
           gint64      *out,
           gboolean    *present,
           GError     **error)
{
  g_autofree char *text = NULL;
  g_autoptr(GDateTime) time = NULL;

  if (present != NULL)
    *present = FALSE;
  if (!read_string (line, object, path, name, required, 64, &text, error))
    return FALSE;
  if (text == NULL)
    return TRUE;
  if (!parse_utc_fast (text, out))
    {
      g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();

      if (strlen (text) == 10)
        {
          g_autofree char *midnight = g_strconcat (text, "T00:00:00Z", NULL);
          time = g_date_time_new_from_iso8601 (midnight, utc);
        }
      else
        time = g_date_time_new_from_iso8601 (text, NULL);
      if (time == NULL)
        {
          g_autofree char *where = member_path (path, name);
          return fail (error, where, "not a date and time (expected ISO 8601 with a time zone, "
                     "e.g. 2026-03-01T10:00:00Z, or a date such as 2026-03-01)");
        }
      *out = g_date_time_to_unix (time);
    }
  if (present != NULL)
    *present = TRUE;
  return TRUE;
}

static gboolean
is_ref (const char *text)
{
  for (const char *p = text; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && strchr ("._:-", *p) == NULL)
      return FALSE;
  return TRUE;
}

/* Tokenizes @text into @line; the root must be an object (token 0). */
static gboolean
tokenize_line (const char  *text,
               gsize        length,
               Line        *line,
               GError     **error)
{
  g_autofree char *message = NULL;

  line->text = text;
  line->tokens = g_array_new (FALSE, FALSE, sizeof (GhJsonToken));
  if (length > GH_MEMBER_FEED_MAX_LINE)
    return fail (error, "line", "longer than %d bytes", GH_MEMBER_FEED_MAX_LINE);
  if (!gh_json_tokenize (text, length, MAX_DEPTH, line->tokens, &message))
    return fail (error, "line", "not valid JSON: %s", message);
  if (token_at (line, 0)->kind != GH_JSON_OBJECT)
    return fail (error, "line", "expected an object, found %s",
                 gh_json_kind_name (token_at (line, 0)->kind));
  return TRUE;
}

static void
line_clear (Line *line)
{
  g_clear_pointer (&line->tokens, g_array_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Line, line_clear)

/* The array member @name of @object: its token, or -1 when absent; FALSE when it
 * is something else or longer than @max. */
static gboolean
read_array (const Line  *line,
            guint        object,
            const char  *name,
            gboolean     required,
            guint        max,
            int         *array,
            GError     **error)
{
  int index = gh_json_object_get (line->text, line->tokens, object, name);

  *array = -1;
  if (index < 0 || token_at (line, index)->kind == GH_JSON_NULL)
    return required ? fail (error, name, "missing") : TRUE;
  if (token_at (line, index)->kind != GH_JSON_ARRAY)
    return fail (error, name, "expected an array, found %s",
                 gh_json_kind_name (token_at (line, index)->kind));
  if (token_at (line, index)->size > max)
    return fail (error, name, "more than %u entries", max);
  *array = index;
  return TRUE;
}

/* Whether the array at @array holds the string @wanted (NULL: any); FALSE with
 * @error when an element is not a string. */
static gboolean
array_has_string (const Line  *line,
                  int          array,
                  const char  *name,
                  const char  *wanted,
                  gboolean    *found,
                  GError     **error)
{
  guint element = array + 1;

  *found = FALSE;
  for (guint i = 0; i < token_at (line, array)->size; i++, element = token_at (line, element)->next)
    {
      if (token_at (line, element)->kind != GH_JSON_STRING)
        {
          g_autofree char *where = g_strdup_printf ("%s[%u]", name, i);
          return fail (error, where, "expected a string, found %s",
                       gh_json_kind_name (token_at (line, element)->kind));
        }
      if (wanted == NULL || gh_json_token_equal (line->text, token_at (line, element), wanted))
        *found = TRUE;
    }
  return TRUE;
}

gboolean
gh_member_feed_read_header (const char  *text,
                            gsize        length,
                            const char  *store_id,
                            GError     **error)
{
  static const char * const fields[] = { "format", "generated_at", "source", "stores", NULL };
  g_auto(Line) line = { 0 };
  g_autofree char *format = NULL;
  int stores;
  gboolean found;

  if (!tokenize_line (text, length, &line, error) ||
      !read_string (&line, 0, "", "format", TRUE, 64, &format, error))
    return FALSE;
  if (g_strcmp0 (format, GH_MEMBER_FEED_FORMAT) != 0)
    return fail (error, "format", "expected \"" GH_MEMBER_FEED_FORMAT "\" (the first line is "
                 "the feed's header)");
  if (!check_members (&line, 0, "", fields, error) ||
      !read_array (&line, 0, "stores", FALSE, 100000, &stores, error))
    return FALSE;
  if (stores >= 0 && store_id != NULL)
    {
      if (!array_has_string (&line, stores, "stores", store_id, &found, error))
        return FALSE;
      if (!found)
        {
          g_autofree char *quoted = gh_json_quote (store_id);
          return fail (error, "stores", "the feed is for other stores, not this kiosk's store %s",
                       quoted);
        }
    }
  return TRUE;
}

static gboolean
read_stores (const Line  *line,
             const char  *store_id,
             GhMember    *member,
             GError     **error)
{
  int stores;
  gboolean found;
  guint element;

  if (!read_array (line, 0, "stores", TRUE, 10000, &stores, error) ||
      !array_has_string (line, stores, "stores", store_id, &found, error))
    return FALSE;
  if (token_at (line, stores)->size == 0)
    return fail (error, "stores", "empty (the stores the member belongs to)");
  if (!found)
    {
      g_autofree char *quoted = gh_json_quote (store_id);
      return fail (error, "stores", "the member does not belong to this kiosk's store %s", quoted);
    }
  /* Kept for HQ, which hands each member's line to the kiosks of these stores. */
  member->stores = g_new0 (char *, token_at (line, stores)->size + 1);
  element = stores + 1;
  for (guint i = 0; i < token_at (line, stores)->size; i++, element = token_at (line, element)->next)
    member->stores[i] = gh_json_token_dup (line->text, token_at (line, element));
  return TRUE;
}

static gboolean
read_item (const Line    *line,
           guint          object,
           guint          index,
           GhCatalog     *catalog,
           GHashTable    *seen_ids,
           GhMemberItem  *item,
           GError       **error)
{
  static const char * const fields[] = { "id", "category", "attributes", "source",
                                         "collected_at", "retained_until", NULL };
  char path[32];
  g_autofree char *source = NULL;
  GhDataCategory *known;
  gboolean has_until;
  int attributes;

  g_snprintf (path, sizeof path, "items[%u]", index);
  if (token_at (line, object)->kind != GH_JSON_OBJECT)
    return fail (error, path, "expected an object, found %s",
                 gh_json_kind_name (token_at (line, object)->kind));
  if (!check_members (line, object, path, fields, error) ||
      !read_string (line, object, path, "id", TRUE, MAX_ID_BYTES, &item->crm_id, error) ||
      !read_string (line, object, path, "category", TRUE, 200, &item->category, error) ||
      !read_string (line, object, path, "source", TRUE, 32, &source, error))
    return FALSE;
  if (g_hash_table_contains (seen_ids, item->crm_id))
    {
      g_autofree char *where = g_strdup_printf ("%s.id", path);
      return fail (error, where, "the same CRM item id as items[%u]",
                   GPOINTER_TO_UINT (g_hash_table_lookup (seen_ids, item->crm_id)));
    }
  g_hash_table_insert (seen_ids, item->crm_id, GUINT_TO_POINTER (index));
  if ((known = gh_catalog_find_data_category (catalog, item->category)) == NULL)
    {
      g_autofree char *where = g_strdup_printf ("%s.category", path);
      g_autofree char *quoted = gh_json_quote (item->category);
      return fail (error, where, "unknown category %s", quoted);
    }
  if (!gh_source_from_string (source, &item->source))
    {
      g_autofree char *where = g_strdup_printf ("%s.source", path);
      g_autofree char *quoted = gh_json_quote (source);
      return fail (error, where, "unknown source %s (expected provided, observed, inferred or "
                   "third_party)", quoted);
    }
  if (!read_time (line, object, path, "collected_at", TRUE, &item->collected_at, NULL, error) ||
      !read_time (line, object, path, "retained_until", FALSE, &item->retained_until, &has_until,
                  error))
    return FALSE;
  if (!has_until)
    item->retained_until = item->collected_at
                           + (gint64) gh_data_category_get_retention_days (known) * DAY;
  else if (item->retained_until < item->collected_at)
    {
      g_autofree char *where = g_strdup_printf ("%s.retained_until", path);
      return fail (error, where, "before collected_at");
    }

  /* The attributes are kept as the CRM wrote them: the exact bytes, so the same
   * feed twice compares equal without re-serialising anything. */
  attributes = gh_json_object_get (line->text, line->tokens, object, "attributes");
  if (attributes < 0 || token_at (line, attributes)->kind == GH_JSON_NULL)
    item->attributes = g_strdup ("{}");
  else if (token_at (line, attributes)->kind != GH_JSON_OBJECT)
    {
      g_autofree char *where = g_strdup_printf ("%s.attributes", path);
      return fail (error, where, "expected an object, found %s",
                   gh_json_kind_name (token_at (line, attributes)->kind));
    }
  else
    item->attributes = g_strndup (line->text + token_at (line, attributes)->start,
                                  token_at (line, attributes)->end
                                  - token_at (line, attributes)->start);
  return TRUE;
}

static gboolean
read_consent (const Line       *line,
              guint             object,
              guint             index,
              GhCatalog        *catalog,
              GhMemberConsent  *consent,
              GError          **error)
{
  static const char * const fields[] = { "purpose", "state", "decided_at", "notice_version", NULL };
  g_autofree char *state = NULL;
  char path[32];

  g_snprintf (path, sizeof path, "consents[%u]", index);
  if (token_at (line, object)->kind != GH_JSON_OBJECT)
    return fail (error, path, "expected an object, found %s",
                 gh_json_kind_name (token_at (line, object)->kind));
  if (!check_members (line, object, path, fields, error) ||
      !read_string (line, object, path, "purpose", TRUE, 200, &consent->purpose_id, error) ||
      !read_string (line, object, path, "state", TRUE, 16, &state, error) ||
      !read_string (line, object, path, "notice_version", FALSE, 64, &consent->notice_version,
                    error) ||
      !read_time (line, object, path, "decided_at", TRUE, &consent->decided_at, NULL, error))
    return FALSE;
  if (gh_catalog_find_purpose (catalog, consent->purpose_id) == NULL)
    {
      g_autofree char *where = g_strdup_printf ("%s.purpose", path);
      g_autofree char *quoted = gh_json_quote (consent->purpose_id);
      return fail (error, where, "unknown purpose %s", quoted);
    }
  if (!gh_consent_state_from_string (state, &consent->state))
    {
      g_autofree char *where = g_strdup_printf ("%s.state", path);
      return fail (error, where, "expected \"granted\" or \"revoked\"");
    }
  return TRUE;
}

static gboolean
read_tombstone (const Line  *line,
                int          deleted,
                GhMember    *member,
                GError     **error)
{
  static const char * const fields[] = { "loyalty_id", "deleted", "deleted_at", NULL };

  if (token_at (line, deleted)->kind != GH_JSON_TRUE)
    return fail (error, "deleted", "expected true (a tombstone line)");
  if (!check_members (line, 0, "", fields, error) ||
      !read_time (line, 0, "", "deleted_at", FALSE, &member->deleted_at, NULL, error))
    return FALSE;
  member->deleted = TRUE;
  return TRUE;
}

static gboolean
read_items (const Line  *line,
            GhCatalog   *catalog,
            GhMember    *member,
            GError     **error)
{
  g_autoptr(GHashTable) seen_ids = g_hash_table_new (g_str_hash, g_str_equal);
  int items;
  guint element;

  if (!read_array (line, 0, "items", FALSE, MAX_ITEMS, &items, error))
    return FALSE;
  if (items < 0)
    return TRUE;
  g_array_set_size (member->items, token_at (line, items)->size);
  element = items + 1;
  for (guint i = 0; i < member->items->len; i++, element = token_at (line, element)->next)
    if (!read_item (line, element, i, catalog, seen_ids,
                    &g_array_index (member->items, GhMemberItem, i), error))
      return FALSE;
  return TRUE;
}

static gboolean
read_consents (const Line  *line,
               GhCatalog   *catalog,
               GhMember    *member,
               GError     **error)
{
  int consents;
  guint element;

  if (!read_array (line, 0, "consents", FALSE, 1000, &consents, error))
    return FALSE;
  if (consents < 0)
    return TRUE;
  g_array_set_size (member->consents, token_at (line, consents)->size);
  element = consents + 1;
  for (guint i = 0; i < member->consents->len; i++, element = token_at (line, element)->next)
    {
      GhMemberConsent *consent = &g_array_index (member->consents, GhMemberConsent, i);

      if (!read_consent (line, element, i, catalog, consent, error))
        return FALSE;
      for (guint j = 0; j < i; j++)
        if (g_strcmp0 (g_array_index (member->consents, GhMemberConsent, j).purpose_id,
                       consent->purpose_id) == 0)
          {
            g_autofree char *where = g_strdup_printf ("consents[%u].purpose", i);
            return fail (error, where, "the same purpose as consents[%u]", j);
          }
    }
  return TRUE;
}

GhMember *
gh_member_feed_read_line (const char  *text,
                          gsize        length,
                          GhCatalog   *catalog,
                          const char  *store_id,
                          GError     **error)
{
  static const char * const member_fields[] = { "loyalty_id", "ref", "name", "pin_hash", "stores",
                                                "member_since", "items", "consents", NULL };
  g_auto(Line) line = { 0 };
  g_autoptr(GhMember) member = g_new0 (GhMember, 1);
  int deleted;

  member->items = g_array_new (FALSE, TRUE, sizeof (GhMemberItem));
  g_array_set_clear_func (member->items, member_item_clear);
  member->consents = g_array_new (FALSE, TRUE, sizeof (GhMemberConsent));
  g_array_set_clear_func (member->consents, member_consent_clear);

  if (!tokenize_line (text, length, &line, error) ||
      !read_string (&line, 0, "", "loyalty_id", TRUE, 19, &member->loyalty_id, error))
    return NULL;
  if (!gh_member_loyalty_id_is_valid (member->loyalty_id))
    {
      fail (error, "loyalty_id", "not a loyalty number (6 to 19 digits)");
      return NULL;
    }

  deleted = gh_json_object_get (text, line.tokens, 0, "deleted");
  if (deleted >= 0)
    return read_tombstone (&line, deleted, member, error) ? g_steal_pointer (&member) : NULL;

  if (!check_members (&line, 0, "", member_fields, error) ||
      !read_string (&line, 0, "", "name", TRUE, MAX_NAME_BYTES, &member->display_name, error) ||
      !read_string (&line, 0, "", "ref", FALSE, MAX_REF_BYTES, &member->ref, error) ||
      !read_string (&line, 0, "", "pin_hash", FALSE, MAX_PIN_BYTES, &member->pin_hash, error) ||
      !read_time (&line, 0, "", "member_since", FALSE, &member->member_since, NULL, error) ||
      !read_stores (&line, store_id, member, error))
    return NULL;
  if (member->ref != NULL && !is_ref (member->ref))
    {
      fail (error, "ref", "only letters, digits and . _ : - may be used");
      return NULL;
    }
  if (member->pin_hash != NULL && !g_str_has_prefix (member->pin_hash, "$argon2id$"))
    {
      fail (error, "pin_hash", "not an argon2id hash (make one with glasshouse-ctl pin hash)");
      return NULL;
    }
  if (!read_items (&line, catalog, member, error) ||
      !read_consents (&line, catalog, member, error))
    return NULL;
  return g_steal_pointer (&member);
}
