/* Python str -> UTF-8 text for a quoted CSV field, without allocating.
 *
 * PyUnicode_AsUTF8() would cache a UTF-8 copy in the object, allocated with
 * PyObject_Malloc: an allocation the program never made. This reads the
 * string's own storage (1, 2 or 4 bytes a character) and encodes it here. */
#ifndef MEMREPLAY_TEXT_H
#define MEMREPLAY_TEXT_H

#include <Python.h>
#include <stddef.h>

/* Flags for text_put. */
#define TEXT_FRAME 1   /* also replace ';' (the frame separator) by ',' */

/* Append `s` to out (at most cap bytes, cut on a character boundary):
 * '"' doubled, control characters and lone surrogates replaced by '?'.
 * A NULL or non-str object gives "?". Returns the bytes written. */
size_t text_put(PyObject *s, char *out, size_t cap, int flags);

/* The same for a NUL-terminated C string (assumed UTF-8). */
size_t text_put_c(const char *s, char *out, size_t cap, int flags);

#endif
