/* HQ's member import, row by row: the normalised feed line kiosks pull, and the
 * COPY text rows of the staging tables (see gh-hq-import-private.h).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "glasshouse-hq"
#include "config.h"

#include "hq/gh-hq-import-private.h"

#include "hq/gh-hq-private.h"

static void
append_json_string (GString    *out,
                    const char *text)
{
  g_string_append_c (out, '"');
  for (const guchar *p = (const guchar *) text; *p != '\0'; p++)
    {
      if (*p == '"' || *p == '\\')
        {
          g_string_append_c (out, '\\');
          g_string_append_c (out, *p);
        }
      else if (*p < 0x20)
        g_string_append_printf (out, "\\u%04x", *p);
      else
        g_string_append_c (out, *p);
    }
  g_string_append_c (out, '"');
}

static void
append_member (GString    *out,
               const char *name,
               const char *text)
{
  if (out->str[out->len - 1] != '{')
    g_string_append_c (out, ',');
  append_json_string (out, name);
  g_string_append_c (out, ':');
  append_json_string (out, text);
}

static void
append_time (GString    *out,
             const char *name,
             gint64      unix_seconds)
{
  g_autoptr(GDateTime) time = g_date_time_new_from_unix_utc (unix_seconds);
  g_autofree char *text = g_date_time_format (time, "%Y-%m-%dT%H:%M:%SZ");

  append_member (out, name, text);
}

char *
_gh_hq_member_line (const GhMember *member,
                    const char     *ref)
{
  GString *out = g_string_sized_new (256 + member->items->len * 160);

  g_string_append_c (out, '{');
  append_member (out, "loyalty_id", member->loyalty_id);
  append_member (out, "ref", ref);
  append_member (out, "name", member->display_name);
  if (member->pin_hash != NULL)
    append_member (out, "pin_hash", member->pin_hash);
  if (member->member_since != 0)
    append_time (out, "member_since", member->member_since);
  g_string_append (out, ",\"stores\":[");
  for (guint i = 0; member->stores != NULL && member->stores[i] != NULL; i++)
    {
      if (i > 0)
        g_string_append_c (out, ',');
      append_json_string (out, member->stores[i]);
    }
  g_string_append (out, "],\"items\":[");
  for (guint i = 0; i < member->items->len; i++)
    {
      const GhMemberItem *item = &g_array_index (member->items, GhMemberItem, i);

      g_string_append (out, i > 0 ? ",{" : "{");
      append_member (out, "id", item->crm_id);
      append_member (out, "category", item->category);
      append_member (out, "source", gh_source_to_string (item->source));
      /* Kept exactly as the CRM wrote it: the feed checked it is a JSON object. */
      g_string_append_printf (out, ",\"attributes\":%s", item->attributes);
      append_time (out, "collected_at", item->collected_at);
      append_time (out, "retained_until", item->retained_until);
      g_string_append_c (out, '}');
    }
  g_string_append (out, "],\"consents\":[");
  for (guint i = 0; i < member->consents->len; i++)
    {
      const GhMemberConsent *consent = &g_array_index (member->consents, GhMemberConsent, i);

      g_string_append (out, i > 0 ? ",{" : "{");
      append_member (out, "purpose", consent->purpose_id);
      append_member (out, "state", gh_consent_state_to_string (consent->state));
      append_time (out, "decided_at", consent->decided_at);
      if (consent->notice_version != NULL)
        append_member (out, "notice_version", consent->notice_version);
      g_string_append_c (out, '}');
    }
  g_string_append (out, "]}");
  return g_string_free (out, FALSE);
}

static void
copy_int (GString *row,
          gint64   value,
          gboolean present,
          gboolean last)
{
  char text[32];

  g_snprintf (text, sizeof text, "%" G_GINT64_FORMAT, value);
  _gh_hq_copy_field (row, present ? text : NULL, last);
}

void
_gh_hq_import_add_member_row (GhHqImportRows *rows,
                              guint64         line_number,
                              const GhMember *member,
                              const char     *ref,
                              const char     *derived_ref,
                              const char     *line)
{
  g_autofree char *stores = gh_hq_text_array_literal ((const char * const *) member->stores);

  /* gh_member_in: line_no, ref, derived_ref, loyalty_id, display_name, pin_hash,
   * member_since, stores, line, deleted, deleted_at */
  copy_int (rows->members, line_number, TRUE, FALSE);
  _gh_hq_copy_field (rows->members, ref, FALSE);
  _gh_hq_copy_field (rows->members, derived_ref, FALSE);
  _gh_hq_copy_field (rows->members, member->loyalty_id, FALSE);
  _gh_hq_copy_field (rows->members, member->display_name, FALSE);
  _gh_hq_copy_field (rows->members, member->pin_hash, FALSE);
  copy_int (rows->members, member->member_since, member->member_since != 0, FALSE);
  _gh_hq_copy_field (rows->members, member->deleted ? NULL : stores, FALSE);
  _gh_hq_copy_field (rows->members, line, FALSE);
  _gh_hq_copy_field (rows->members, member->deleted ? "t" : "f", FALSE);
  copy_int (rows->members, member->deleted_at, member->deleted_at != 0, TRUE);
}

void
_gh_hq_import_add_detail_rows (GhHqImportRows *rows,
                               guint64         line_number,
                               const GhMember *member)
{
  for (guint i = 0; i < member->items->len; i++)
    {
      const GhMemberItem *item = &g_array_index (member->items, GhMemberItem, i);

      copy_int (rows->items, line_number, TRUE, FALSE);
      _gh_hq_copy_field (rows->items, item->crm_id, FALSE);
      _gh_hq_copy_field (rows->items, item->category, FALSE);
      _gh_hq_copy_field (rows->items, gh_source_to_string (item->source), FALSE);
      _gh_hq_copy_field (rows->items, item->attributes, FALSE);
      copy_int (rows->items, item->collected_at, TRUE, FALSE);
      copy_int (rows->items, item->retained_until, TRUE, TRUE);
    }
  for (guint i = 0; i < member->consents->len; i++)
    {
      const GhMemberConsent *consent = &g_array_index (member->consents, GhMemberConsent, i);

      copy_int (rows->consents, line_number, TRUE, FALSE);
      _gh_hq_copy_field (rows->consents, consent->purpose_id, FALSE);
      _gh_hq_copy_field (rows->consents, gh_consent_state_to_string (consent->state), FALSE);
      _gh_hq_copy_field (rows->consents, consent->notice_version, FALSE);
      copy_int (rows->consents, consent->decided_at, TRUE, TRUE);
    }
}
