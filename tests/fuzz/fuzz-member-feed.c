/* libFuzzer target for the CRM's member feed: each input is tried as the header
 * line and as a member line (against the demo config's categories and purposes,
 * for any store and for one store), the way gh-member-import reads each line the
 * line reader hands it. Built with -Dfuzzing=true (clang); tests/fuzz/run-fuzz.sh
 * runs it.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "config/gh-catalog.h"
#include "members/gh-member-feed.h"

static GhCatalog *catalog;

int LLVMFuzzerInitialize (int *argc, char ***argv);
int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  g_autofree char *text = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  gsize length = 0;

  if (!g_file_get_contents (GH_SOURCE_DIR "/data/demo/config.json", &text, &length, &error))
    g_error ("%s", error->message);
  bytes = g_bytes_new_take (g_steal_pointer (&text), length);
  catalog = gh_catalog_new_from_bytes (bytes, &error);
  if (catalog == NULL)
    g_error ("%s", error->message);
  return 0;
}

static void
try_line (const char *line,
          gsize       length,
          const char *store_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GhMember) member = gh_member_feed_read_line (line, length, catalog, store_id, &error);

  g_assert ((member == NULL) == (error != NULL));
  if (member != NULL)
    {
      g_assert (gh_member_loyalty_id_is_valid (member->loyalty_id));
      g_assert (member->items != NULL && member->consents != NULL);
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  /* The line reader hands over a line without its newline, NUL-terminated. */
  g_autofree char *line = g_strndup ((const char *) data, size);
  gsize length = strlen (line);
  g_autoptr(GError) error = NULL;
  gboolean ok;

  ok = gh_member_feed_read_header (line, length, "store-001", &error);
  g_assert (ok == (error == NULL));
  try_line (line, length, NULL);
  try_line (line, length, "store-001");
  return 0;
}
