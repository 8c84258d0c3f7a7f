#ifndef TIES_CSQLITE_SHIM_H
#define TIES_CSQLITE_SHIM_H
#include <sqlite3.h>
#endif
