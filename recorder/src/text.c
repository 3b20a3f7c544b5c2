#include "text.h"

/* One code point, sanitized and escaped; returns bytes written or 0 when it
 * does not fit in `room`. */
static size_t put_cp(Py_UCS4 ch, char *out, size_t room, int flags) {
    if (ch < 0x20 || ch == 0x7f || (ch >= 0xd800 && ch <= 0xdfff) || ch > 0x10ffff) ch = '?';
    if (ch == ';' && (flags & TEXT_FRAME)) ch = ',';
    if (ch == '"') {
        if (room < 2) return 0;
        out[0] = '"';
        out[1] = '"';
        return 2;
    }
    if (ch < 0x80) {
        if (room < 1) return 0;
        out[0] = (char)ch;
        return 1;
    }
    if (ch < 0x800) {
        if (room < 2) return 0;
        out[0] = (char)(0xc0 | (ch >> 6));
        out[1] = (char)(0x80 | (ch & 0x3f));
        return 2;
    }
    if (ch < 0x10000) {
        if (room < 3) return 0;
        out[0] = (char)(0xe0 | (ch >> 12));
        out[1] = (char)(0x80 | ((ch >> 6) & 0x3f));
        out[2] = (char)(0x80 | (ch & 0x3f));
        return 3;
    }
    if (room < 4) return 0;
    out[0] = (char)(0xf0 | (ch >> 18));
    out[1] = (char)(0x80 | ((ch >> 12) & 0x3f));
    out[2] = (char)(0x80 | ((ch >> 6) & 0x3f));
    out[3] = (char)(0x80 | (ch & 0x3f));
    return 4;
}

size_t text_put(PyObject *s, char *out, size_t cap, int flags) {
    if (s == NULL || !PyUnicode_Check(s)) return text_put_c("?", out, cap, flags);
#if PY_VERSION_HEX < 0x030C0000
    /* A "legacy" string not yet made ready would need an allocation to read. */
    if (!PyUnicode_IS_READY(s)) return text_put_c("?", out, cap, flags);
#endif
    int kind = PyUnicode_KIND(s);
    const void *data = PyUnicode_DATA(s);
    Py_ssize_t len = PyUnicode_GET_LENGTH(s);
    size_t n = 0;
    for (Py_ssize_t i = 0; i < len; i++) {
        size_t w = put_cp(PyUnicode_READ(kind, data, i), out + n, cap - n, flags);
        if (w == 0) break;
        n += w;
    }
    return n;
}

size_t text_put_c(const char *s, char *out, size_t cap, int flags) {
    size_t n = 0;
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        /* Bytes of multi-byte sequences pass through; only ASCII is rewritten. */
        size_t w = c < 0x80 ? put_cp(c, out + n, cap - n, flags) : (n < cap ? (out[n] = (char)c, 1u) : 0u);
        if (w == 0) break;
        n += w;
    }
    return n;
}
