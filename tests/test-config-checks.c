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

#define GH_TEST_MANY_ELEMENTS 4001

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

/* A logo whose drawing cost does not follow its size never reaches a kiosk: each
 * refused with the element or attribute named. */
static void
test_hostile_logos (void)
{
  const struct { const char *svg; const char *reason; } logos[] = {
    { "<svg xmlns='http://www.w3.org/2000/svg'><filter id='n'><feTurbulence numOctaves='2000000000'/>"
      "</filter><rect width='10' height='10' filter='url(#n)'/></svg>",
      "branding.logo_svg: element <filter> is not allowed" },
    { "<svg xmlns='http://www.w3.org/2000/svg' xmlns:xlink='http://www.w3.org/1999/xlink'>"
      "<g id='a'><rect width='1' height='1'/></g><use xlink:href='#a'/></svg>",
      "branding.logo_svg: element <use> is not allowed" },
    { "<svg xmlns='http://www.w3.org/2000/svg'><rect width='1' height='1' fill='url(https://x.example/p)'/></svg>",
      "branding.logo_svg: <rect fill>: only references inside the logo" },
    { "<!DOCTYPE svg [<!ENTITY a 'aaaaaaaaaa'>]><svg xmlns='http://www.w3.org/2000/svg'/>",
      "branding.logo_svg: a DOCTYPE is not allowed" },
    { "<svg xmlns='http://www.w3.org/2000/svg'><rect width='1' onload='x()'/></svg>",
      "branding.logo_svg: <rect onload> is not allowed" },
    { "<svg xmlns='http://www.w3.org/2000/svg'><rect></svg>",
      "branding.logo_svg: not a well-formed SVG document" },
  };
  g_autofree char *base = gh_test_bundle_config (1);
  g_autoptr(GString) many = g_string_new ("<svg xmlns='http://www.w3.org/2000/svg'>");

  for (guint i = 0; i < G_N_ELEMENTS (logos); i++)
    {
      g_autofree char *value = g_strescape (logos[i].svg, NULL);
      g_autofree char *json = g_strdup_printf ("\"%s\"", value);
      g_autofree char *config = gh_test_bundle_edit (base, "branding.logo_svg", json);

      expect_refused (config, logos[i].reason);
    }
  for (guint i = 0; i < GH_TEST_MANY_ELEMENTS; i++)
    g_string_append (many, "<g/>");
  g_string_append (many, "</svg>");
  {
    g_autofree char *json = g_strdup_printf ("\"%s\"", many->str);
    g_autofree char *config = gh_test_bundle_edit (base, "branding.logo_svg", json);

    expect_refused (config, "branding.logo_svg: more than 4000 elements");
  }
  /* Shapes, a gradient, a clip path and text: a logo as a designer draws it, accepted. */
  {
    const char *plain = "<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 100 40'><defs>"
                        "<linearGradient id='g'><stop offset='0' stop-color='#123'/></linearGradient>"
                        "<clipPath id='c'><rect width='100' height='40'/></clipPath></defs>"
                        "<g clip-path='url(#c)'><path d='M0 0L100 40' fill='url(#g)'/>"
                        "<text x='5' y='30'>Northwind</text></g></svg>";
    g_autofree char *json = g_strdup_printf ("\"%s\"", plain);
    g_autofree char *config = gh_test_bundle_edit (base, "branding.logo_svg", json);
    g_autoptr(GBytes) bytes = g_bytes_new (config, strlen (config));
    g_autoptr(GError) error = NULL;
    g_autoptr(GhCatalog) catalog = gh_catalog_new_from_bytes (bytes, &error);

    g_assert_no_error (error);
    g_assert_nonnull (strstr (gh_catalog_get_logo_svg (catalog), "Northwind"));
  }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/config-checks/portal-url-host-with-space", test_portal_url_host_with_space);
  g_test_add_func ("/config-checks/raw-control-character", test_raw_control_character);
  g_test_add_func ("/config-checks/blank-third-party-name", test_blank_third_party_name);
  g_test_add_func ("/config-checks/hostile-logos", test_hostile_logos);
  return g_test_run ();
}
