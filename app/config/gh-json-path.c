/* The one way the strict JSON readers (catalog, offer rules) say where a problem
 * is: a JSON path before the reason, and the check for members nobody reads.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "glasshouse-config"
#include "config.h"

#include "config/gh-json-path.h"

#include "config/gh-json-limits.h"

char *
gh_json_path_member (const char *path,
                     const char *member)
{
  return *path != '\0' ? g_strdup_printf ("%s.%s", path, member) : g_strdup (member);
}

gboolean
gh_json_path_fail (GError     **error,
                   GQuark       domain,
                   int          code,
                   const char  *path,
                   const char  *member,
                   const char  *format,
                   ...)
{
  g_autofree char *reason = NULL;
  g_autofree char *where = NULL;
  va_list args;

  va_start (args, format);
  reason = g_strdup_vprintf (format, args);
  va_end (args);
  where = member != NULL ? gh_json_path_member (path, member) : g_strdup (path);
  g_set_error (error, domain, code, "%s: %s", where, reason);
  return FALSE;
}

gboolean
gh_json_path_check_members (JsonObject          *object,
                            const char          *path,
                            const char * const  *known,
                            gboolean             name_in_path,
                            GQuark               domain,
                            int                  code,
                            GError             **error)
{
  g_autoptr(GList) names = json_object_get_members (object);

  /* In the document's order, so that of several the first is named. */
  for (GList *l = names; l != NULL; l = l->next)
    if (!g_strv_contains (known, l->data))
      {
        g_autofree char *quoted = NULL;

        if (name_in_path)
          return gh_json_path_fail (error, domain, code, path, l->data, "unknown field");
        quoted = gh_json_quote (l->data);
        return gh_json_path_fail (error, domain, code, path, NULL, "unknown field %s", quoted);
      }
  return TRUE;
}
