/* Three things a config must not slip past the checks: a portal URL whose host has a
 * space, a raw control character inside a string (not JSON), and a third party
 * whose name is only spaces and no-break spaces. Each is refused with its path and
 * reason, the way gh_config_apply reports it.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "config/gh-catalog.h"
#include "gh-test-bundle.h"
#include "gh-test-utils.h"

static void
expect_refused (const char *config,
                const char *expected)
{
  g_autoptr(GBytes) bytes = g_bytes_new (config, strlen (config));
  g_autoptr(GError) error = NULL;
  g_autoptr(GhCatalog) catalog = gh_catalog_new_from_bytes (bytes, &error);

  g_assert_null (catalog);
  g_assert_nonnull (error);
  if (!g_str_has_prefix (error->message, expected))
    gh_test_fail ("expected \"%s...\", got \"%s\"", expected, error->message);
}

static void
test_portal_url_host_with_space (void)
{
  g_autofree char *base = gh_test_bundle_config (1);
  g_autofree char *config = gh_test_bundle_edit (base, "kiosk.portal_url",
                                                 "\"https://exa mple.org/portal\"");

  expect_refused (config, "kiosk.portal_url: \"https://exa mple.org/portal\" is not an https URL");
}

static void
test_raw_control_character (void)
{
  g_autofree char *base = gh_test_bundle_config (1);
  g_autofree char *edited = gh_test_bundle_edit (base, "purposes[2].third_parties",
      "[{\"name\":\"Parcel@way\",\"reason\":{\"en\":\"to deliver\"}}]");
  /* Put in after the edit, which writes JSON back with the character escaped. */
  g_autofree char *config = g_strdup (edited);
  char *at = strstr (config, "Parcel@way");

  at[strlen ("Parcel")] = '\001';
  expect_refused (config, "payload: a raw control character (U+0001) in a string at byte ");
}

static void
test_blank_third_party_name (void)
{
  g_autofree char *base = gh_test_bundle_config (1);
  /* Two spaces and two no-break spaces (U+00A0), with an ideographic space. */
  g_autofree char *config = gh_test_bundle_edit (base, "purposes[2].third_parties",
      "[{\"name\":\"  \302\240\302\240\343\200\200\",\"reason\":{\"en\":\"to deliver\"}}]");

  expect_refused (config, "purposes[2].third_parties[0].name: must not be only white space");
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/config-checks/portal-url-host-with-space", test_portal_url_host_with_space);
  g_test_add_func ("/config-checks/raw-control-character", test_raw_control_character);
  g_test_add_func ("/config-checks/blank-third-party-name", test_blank_third_party_name);
  return g_test_run ();
}
