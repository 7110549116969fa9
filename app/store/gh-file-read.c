/* One way for every layer to read an input file: bounded while reading, regular
 * files only, optionally no links and only the user's own files. Inputs come from
 * places others can write to (the inbox, a path on a command line), so a FIFO, a
 * device or a link to someone else's secret must be refused before a byte is
 * parsed, and no message may carry what was read.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "glasshouse-store"
#include "config.h"

#include "store/gh-file-read.h"

#include <errno.h>
#include <fcntl.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <sys/stat.h>
#include <unistd.h>

#define CHUNK_BYTES 65536

static const char *
kind_of (mode_t mode)
{
  if (S_ISFIFO (mode))
    return "a FIFO";
  if (S_ISCHR (mode))
    return "a character device";
  if (S_ISBLK (mode))
    return "a block device";
  if (S_ISSOCK (mode))
    return "a socket";
  if (S_ISDIR (mode))
    return "a folder";
  return NULL;
}

static gboolean
fail_errno (const char  *path,
            int          saved,
            GError     **error)
{
  g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), "%s: %s", path, g_strerror (saved));
  return FALSE;
}

static gboolean
check_open_file (int               fd,
                 const char       *path,
                 GhFileReadFlags   flags,
                 GError          **error)
{
  struct stat st;

  if (fstat (fd, &st) != 0)
    return fail_errno (path, errno, error);
  if (!S_ISREG (st.st_mode))
    {
      const char *kind = kind_of (st.st_mode);

      if (kind == NULL)
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_REGULAR_FILE, "%s: not a regular file", path);
      else
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_REGULAR_FILE, "%s: %s, not a regular file",
                     path, kind);
      return FALSE;
    }
  if ((flags & GH_FILE_READ_OWNED) && st.st_uid != geteuid ())
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED, "%s: not owned by this user",
                   path);
      return FALSE;
    }
  return TRUE;
}

GBytes *
gh_file_read_bounded (const char       *path,
                      gsize             max_bytes,
                      GhFileReadFlags   flags,
                      GError          **error)
{
  g_autoptr(GByteArray) data = NULL;
  int open_flags = O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY;
  int fd;

  g_return_val_if_fail (path != NULL, NULL);

  if (flags & GH_FILE_READ_NO_FOLLOW)
    open_flags |= O_NOFOLLOW;
  fd = g_open (path, open_flags, 0);
  if (fd < 0)
    {
      int saved = errno;

      /* O_NOFOLLOW fails with ELOOP on a link: say what it is. */
      if (saved == ELOOP && (flags & GH_FILE_READ_NO_FOLLOW))
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_REGULAR_FILE,
                     "%s: a symbolic link (not followed)", path);
      else
        fail_errno (path, saved, error);
      return NULL;
    }
  if (!check_open_file (fd, path, flags, error))
    {
      close (fd);
      return NULL;
    }

  data = g_byte_array_new ();
  for (;;)
    {
      gsize want = MIN ((gsize) CHUNK_BYTES, max_bytes + 1 - data->len);
      gsize old = data->len;
      gssize got;

      g_byte_array_set_size (data, old + want);
      got = read (fd, data->data + old, want);
      if (got < 0 && errno == EINTR)
        {
          g_byte_array_set_size (data, old);
          continue;
        }
      if (got < 0)
        {
          int saved = errno;
          close (fd);
          fail_errno (path, saved, error);
          return NULL;
        }
      g_byte_array_set_size (data, old + got);
      if (got == 0)
        break;
      /* One byte past the limit is enough to know; the rest is never read. */
      if (data->len > max_bytes)
        {
          close (fd);
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE, "%s: larger than %" G_GSIZE_FORMAT
                       " bytes", path, max_bytes);
          return NULL;
        }
    }
  close (fd);
  return g_byte_array_free_to_bytes (g_steal_pointer (&data));
}
