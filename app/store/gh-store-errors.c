/* The store's errors in words a person can act on: which GhStoreError a sqlite
 * result is, and what a failed write most likely ran into.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "glasshouse-store"
#include "config.h"

#include <sys/resource.h>
#include <sys/statvfs.h>

#include "store/gh-store-private.h"

static GhStoreError
error_code_for_sqlite (int rc)
{
  switch (rc & 0xff)
    {
    case SQLITE_NOTADB:
    case SQLITE_CORRUPT:
      return GH_STORE_ERROR_CORRUPT;
    case SQLITE_READONLY:
    case SQLITE_PERM:
    case SQLITE_AUTH:
      return GH_STORE_ERROR_READONLY;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return GH_STORE_ERROR_BUSY;
    case SQLITE_FULL:
      return GH_STORE_ERROR_FULL;
    case SQLITE_CONSTRAINT:
    case SQLITE_MISMATCH:
    case SQLITE_RANGE:
      return GH_STORE_ERROR_INVALID;
    default:
      return GH_STORE_ERROR_IO;
    }
}

/* sqlite reports a write that the disk or the file-size limit refused as a plain
 * "disk I/O error" (the errno is gone by then), so look at the two usual causes. */
static const char *
write_failure_reason (GhStore *self)
{
  g_autofree char *dir = g_path_get_dirname (gh_store_get_path (self));
  struct statvfs fs;
  struct rlimit limit;

  if (statvfs (dir, &fs) == 0 && (guint64) fs.f_bavail * fs.f_frsize < 1024 * 1024)
    return "the disk is full";
  if (getrlimit (RLIMIT_FSIZE, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY)
    return "the store reached this process's file-size limit (ulimit -f)";
  return NULL;
}

void
_gh_store_set_error (GhStore     *self,
                     int          rc,
                     GError     **error,
                     const char  *what)
{
  const char *detail = _gh_store_get_db (self) != NULL ? sqlite3_errmsg (_gh_store_get_db (self)) : sqlite3_errstr (rc);
  const char *why;

  if ((rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED)
    g_set_error (error, GH_STORE_ERROR, GH_STORE_ERROR_BUSY,
                 "%s: %s: another process is writing to the store (gave up waiting)",
                 gh_store_get_path (self), what);
  else if ((rc & 0xff) == SQLITE_READONLY)
    g_set_error (error, GH_STORE_ERROR, GH_STORE_ERROR_READONLY,
                 "%s: %s: the store is read-only (%s)", gh_store_get_path (self), what, detail);
  else if ((rc & 0xff) == SQLITE_IOERR && (why = write_failure_reason (self)) != NULL)
    g_set_error (error, GH_STORE_ERROR, GH_STORE_ERROR_FULL,
                 "%s: %s: %s; the change was rolled back", gh_store_get_path (self), what, why);
  else
    g_set_error (error, GH_STORE_ERROR, error_code_for_sqlite (rc),
                 "%s: %s: %s", gh_store_get_path (self), what, detail);
}
