/* PIN hashes at the kiosk's argon2id cost, and checks that take the time of
 * one verify at that cost whatever the hash (a dummy stands in for an unknown
 * number, and pads a hash imported with cheaper parameters). Also the clock the
 * lockouts read. Tests may lower the cost and replace the clock.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "glasshouse-auth"
#include "config.h"

#include "auth/gh-auth.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "auth/gh-auth-private.h"

/* The kiosk's argon2id cost. Measured on the target (Debian 12, 2 cores, idle):
 *   t=2 m=64 MiB: 0.13 s   t=3 m=64 MiB: 0.18 s   t=2 m=128 MiB: 0.28 s   t=3 m=128 MiB: 0.33 s
 * t=3 with 64 MiB sits in the middle of the 0.1-0.3 s the design asks for, and
 * keeps headroom for a busy machine without making a shopper wait. */
#define GH_AUTH_OPSLIMIT 3ULL
#define GH_AUTH_MEMLIMIT ((size_t) 64 * 1024 * 1024)

static unsigned long long cost_ops = GH_AUTH_OPSLIMIT;
static size_t             cost_mem = GH_AUTH_MEMLIMIT;

static GhAuthClock clock_func;
static gpointer    clock_data;

/* Guards everything below, which worker threads share. */
static GMutex      state_lock;
static char       *dummy_hash;      /* a hash at the current cost that no PIN matches */

static void
ensure_sodium (void)
{
  static gsize done = 0;

  if (g_once_init_enter (&done))
    {
      if (sodium_init () < 0)
        g_error ("libsodium could not be initialised");
      g_once_init_leave (&done, 1);
    }
}

gint64
_gh_auth_now (void)
{
  if (clock_func != NULL)
    return clock_func (clock_data);
  return g_get_real_time () / G_USEC_PER_SEC;
}

void
gh_auth_set_clock_for_testing (GhAuthClock clock,
                               gpointer    user_data)
{
  g_mutex_lock (&state_lock);
  clock_func = clock;
  clock_data = user_data;
  g_mutex_unlock (&state_lock);
}

void
gh_auth_set_cost_for_testing (unsigned long long opslimit,
                              gsize              memlimit)
{
  g_mutex_lock (&state_lock);
  cost_ops = opslimit != 0 ? opslimit : GH_AUTH_OPSLIMIT;
  cost_mem = memlimit != 0 ? memlimit : GH_AUTH_MEMLIMIT;
  g_clear_pointer (&dummy_hash, g_free);
  g_mutex_unlock (&state_lock);
}

static char *
hash_with_cost (const char         *pin,
                unsigned long long  ops,
                size_t              mem)
{
  char out[crypto_pwhash_STRBYTES];

  ensure_sodium ();
  if (crypto_pwhash_str (out, pin, strlen (pin), ops, mem) != 0)
    return NULL;  /* out of memory: the only way argon2id fails here */
  return g_strdup (out);
}

char *
gh_auth_hash_pin (const char *pin)
{
  unsigned long long ops;
  size_t mem;

  g_return_val_if_fail (pin != NULL, NULL);
  g_mutex_lock (&state_lock);
  ops = cost_ops;
  mem = cost_mem;
  g_mutex_unlock (&state_lock);
  return hash_with_cost (pin, ops, mem);
}

/* The dummy is made once per cost; its PIN is random bytes nobody knows. */
static char *
get_dummy_hash (void)
{
  char *copy;

  g_mutex_lock (&state_lock);
  if (dummy_hash == NULL)
    {
      guint8 secret[32];
      char hex[sizeof secret * 2 + 1];
      char out[crypto_pwhash_STRBYTES];

      ensure_sodium ();
      randombytes_buf (secret, sizeof secret);
      sodium_bin2hex (hex, sizeof hex, secret, sizeof secret);
      if (crypto_pwhash_str (out, hex, strlen (hex), cost_ops, cost_mem) == 0)
        dummy_hash = g_strdup (out);
      sodium_memzero (hex, sizeof hex);
    }
  copy = g_strdup (dummy_hash);
  g_mutex_unlock (&state_lock);
  return copy;
}

static gboolean
verify (const char *hash,
        const char *pin)
{
  return hash != NULL && crypto_pwhash_str_verify (hash, pin, strlen (pin)) == 0;
}

/* Whether @hash costs less than the kiosk's own parameters, so that a verify
 * against it would answer faster than one for an unknown number. */
static gboolean
hash_is_cheaper (const char *hash)
{
  unsigned long mem_kib = 0, ops = 0, lanes = 0;
  unsigned long long cur_ops;
  size_t cur_mem;

  if (hash == NULL || sscanf (hash, "$argon2id$v=19$m=%lu,t=%lu,p=%lu$", &mem_kib, &ops, &lanes) != 3)
    return TRUE;
  g_mutex_lock (&state_lock);
  cur_ops = cost_ops;
  cur_mem = cost_mem;
  g_mutex_unlock (&state_lock);
  return (double) mem_kib * 1024.0 * ops < (double) cur_mem * cur_ops;
}

gboolean
_gh_auth_needs_rehash (const char *hash)
{
  unsigned long long ops;
  size_t mem;

  g_mutex_lock (&state_lock);
  ops = cost_ops;
  mem = cost_mem;
  g_mutex_unlock (&state_lock);
  return crypto_pwhash_str_needs_rehash (hash, ops, mem) != 0;
}

/* Checks @pin against @hash taking the time of one verify at the kiosk's cost,
 * whatever @hash is (NULL for an unknown number or a shopper without a PIN). */
gboolean
_gh_auth_verify_constant_cost (const char *hash,
                      const char *pin)
{
  gboolean ok = FALSE;

  if (hash != NULL)
    ok = verify (hash, pin);
  if (hash == NULL || hash_is_cheaper (hash))
    {
      g_autofree char *dummy = get_dummy_hash ();
      /* The result is thrown away; only the time it takes matters. */
      (void) verify (dummy, pin);
    }
  return ok;
}

void
_gh_auth_warm_up (void)
{
  ensure_sodium ();
  g_free (get_dummy_hash ());
}
