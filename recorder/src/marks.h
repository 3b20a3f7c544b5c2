#ifndef MEMREPLAY_MARKS_H
#define MEMREPLAY_MARKS_H

#include <Python.h>

/* PyImport_AppendInittab("memreplay_marks", marks_module_init) */
PyObject *marks_module_init(void);

#endif
