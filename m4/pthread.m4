dnl HT_PTHREAD: find the flag that enables POSIX threads (gcc/clang: -pthread).
AC_DEFUN([HT_PTHREAD], [
  AC_MSG_CHECKING([for -pthread])
  save_CFLAGS=$CFLAGS; CFLAGS="$CFLAGS -pthread"
  AC_LINK_IFELSE([AC_LANG_PROGRAM([[#include <pthread.h>]],
      [[pthread_t t; return pthread_create(&t, 0, 0, 0);]])],
    [PTHREAD_CFLAGS=-pthread; AC_MSG_RESULT([yes])],
    [AC_MSG_RESULT([no]); AC_MSG_ERROR([POSIX threads not available])])
  CFLAGS=$save_CFLAGS
  AC_SUBST([PTHREAD_CFLAGS])
])
