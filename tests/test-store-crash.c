/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"
#include "gh-test-utils.h"
static void test_open (void) { g_autofree char *d = gh_test_mkdtemp (); g_autoptr(GhStore) s = gh_test_store_with_shopper (d); g_assert_nonnull (s); gh_test_rmdir (d); }
int main (int argc, char **argv) { g_test_init (&argc, &argv, NULL); g_test_add_func ("/placeholder/open", test_open); return g_test_run (); }
