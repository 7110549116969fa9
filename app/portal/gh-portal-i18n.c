/* A reader for compiled gettext catalogues (.mo), one hash table per language,
 * filled once at start-up and read-only afterwards, so the portal's worker
 * threads translate without touching the process's locale or environment
 * (setenv while another thread reads the environment is not safe in glibc).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "glasshouse-portal"
#include "config.h"

#include "config/gh-site-settings.h"
#include "portal/gh-portal-i18n.h"

#include <string.h>

/* The portal offers these; each needs its strings in po/<code>.po. */
static const char * const portal_languages[] = { "en", "de", NULL };

static GHashTable *catalogues;  /* language -> (msgid -> msgstr) */

static guint32
read_u32 (const guint8 *data,
          gsize         offset,
          gboolean      swap)
{
  guint32 value;

  memcpy (&value, data + offset, sizeof value);
  return swap ? GUINT32_SWAP_LE_BE (value) : value;
}

/* Parses one .mo file; returns NULL when it is missing or not a catalogue. */
static GHashTable *
load_mo (const char *path)
{
  g_autofree char *contents = NULL;
  gsize length = 0;
  const guint8 *data;
  guint32 magic, n, orig, trans;
  gboolean swap;
  GHashTable *table;
  char *value;

  if (!g_file_get_contents (path, &contents, &length, NULL) || length < 28)
    return NULL;
  data = (const guint8 *) contents;
  memcpy (&magic, data, sizeof magic);
  if (magic == 0x950412de)
    swap = FALSE;
  else if (magic == 0xde120495)
    swap = TRUE;
  else
    return NULL;
  n = read_u32 (data, 8, swap);
  orig = read_u32 (data, 12, swap);
  trans = read_u32 (data, 16, swap);
  if ((gsize) orig + (gsize) n * 8 > length || (gsize) trans + (gsize) n * 8 > length)
    return NULL;

  table = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  for (guint32 i = 0; i < n; i++)
    {
      guint32 olen = read_u32 (data, orig + i * 8, swap);
      guint32 ooff = read_u32 (data, orig + i * 8 + 4, swap);
      guint32 tlen = read_u32 (data, trans + i * 8, swap);
      guint32 toff = read_u32 (data, trans + i * 8 + 4, swap);

      if ((gsize) ooff + olen >= length || (gsize) toff + tlen >= length || olen == 0 || tlen == 0)
        continue;  /* the header entry (empty msgid), or a damaged one */
      /* Plural entries hold "one\0other": the msgid is the singular, and the
       * value keeps every form, ending in two NULs, for gh_portal_gettext_plural. */
      value = g_malloc0 ((gsize) tlen + 2);
      memcpy (value, data + toff, tlen);
      g_hash_table_replace (table, g_strndup ((const char *) data + ooff, olen), value);
    }
  return table;
}

static char *
default_localedir (void)
{
  const char *override = g_getenv ("GLASSHOUSE_LOCALEDIR");
  const char *build_dir = gh_site_build_dir ();

  if (override != NULL && *override != '\0')
    return g_strdup (override);
  /* Run from the build folder: its own catalogues, not whatever is installed. */
  if (build_dir != NULL)
    return g_build_filename (build_dir, "po", NULL);
  return g_strdup (LOCALEDIR);
}

void
gh_portal_i18n_init (const char         *localedir,
                     const char * const *languages)
{
  g_autofree char *dir = localedir != NULL ? g_strdup (localedir) : default_localedir ();

  g_clear_pointer (&catalogues, g_hash_table_unref);
  catalogues = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                      (GDestroyNotify) g_hash_table_unref);
  if (languages == NULL)
    languages = portal_languages;
  for (guint i = 0; languages[i] != NULL; i++)
    {
      g_autofree char *path = g_build_filename (dir, languages[i], "LC_MESSAGES",
                                                GETTEXT_PACKAGE ".mo", NULL);
      GHashTable *table = load_mo (path);

      if (table != NULL)
        g_hash_table_replace (catalogues, g_strdup (languages[i]), table);
    }
}

const char *
gh_portal_gettext (const char *language,
                   const char *msgid)
{
  GHashTable *table;
  const char *found;

  if (catalogues == NULL || language == NULL)
    return msgid;
  table = g_hash_table_lookup (catalogues, language);
  if (table == NULL)
    return msgid;
  found = g_hash_table_lookup (table, msgid);
  return found != NULL ? found : msgid;
}

const char *
gh_portal_pgettext (const char *language,
                    const char *context,
                    const char *msgid)
{
  g_autofree char *key = g_strconcat (context, "\004", msgid, NULL);
  const char *found = gh_portal_gettext (language, key);

  return found == key ? msgid : found;
}

const char *
gh_portal_gettext_plural (const char *language,
                    const char *msgid,
                    const char *plural,
                    gulong      n)
{
  const char *found = gh_portal_gettext (language, msgid);
  const char *other;

  /* English and German, the portal's languages, both use "one" for 1 only. */
  if (n == 1)
    return found;
  if (found == msgid)
    return plural;
  other = found + strlen (found) + 1;
  return *other != '\0' ? other : found;
}

const char * const *
gh_portal_i18n_languages (void)
{
  return portal_languages;
}

gboolean
gh_portal_i18n_supports (const char *code)
{
  return code != NULL && g_strv_contains (portal_languages, code);
}

const char *
gh_portal_i18n_negotiate (const char *accept_language)
{
  g_auto(GStrv) ranges = NULL;
  const char *best = NULL;
  double best_q = 0.0;

  if (accept_language == NULL)
    return NULL;
  ranges = g_strsplit (accept_language, ",", 32);
  for (guint i = 0; ranges[i] != NULL; i++)
    {
      g_auto(GStrv) parts = g_strsplit (ranges[i], ";", 4);
      g_autofree char *tag = g_ascii_strdown (g_strstrip (parts[0]), -1);
      double q = 1.0;

      for (guint j = 1; parts[j] != NULL; j++)
        {
          char *p = g_strstrip (parts[j]);
          if (g_str_has_prefix (p, "q="))
            q = g_ascii_strtod (p + 2, NULL);
        }
      tag[strcspn (tag, "-_")] = '\0';
      for (guint k = 0; portal_languages[k] != NULL; k++)
        if (g_str_equal (tag, portal_languages[k]) && q > best_q)
          {
            best = portal_languages[k];
            best_q = q;
          }
    }
  return best;
}

const char *
gh_portal_i18n_name (const char *code)
{
  if (g_strcmp0 (code, "de") == 0)
    return "Deutsch";
  return "English";
}
