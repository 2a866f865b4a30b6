// libcurl, loaded when the first HTTP request needs it (docs/performance.md, "Process start").
//
// FoundationNetworking's URLSession is telform's HTTP client, and it calls these 23 libcurl
// functions. Linked the usual way, libcurl is a needed library of the static release binary,
// so every run (validate, a sim:// plan, --help) maps it and its ~30 dependencies and binds
// their symbols before main: ~4 ms of a ~30 ms validate. Here each function is defined by
// telform itself; the first call opens libcurl.so.4 and every call is passed on to libcurl's
// own function. The link finds an empty libcurl (link/libcurl.so), so the binary has no
// libcurl of its own, and a curl function FoundationNetworking uses that is not defined here
// fails the link by name rather than loading libcurl at start again.
//
// Before it makes a URLSession, telform's transport asks `telform_libcurl_open` (found by
// name), so where libcurl cannot be opened an https call fails like any unreachable server,
// with the loader's reason, and nothing else of the run is cut short.
//
// In a build that links FoundationNetworking as a shared library (the debug build), that
// library brings libcurl itself and its calls come here too; they are passed on the same way.
//
// Every variadic function here takes one value after the option: a long, a pointer or a
// curl_off_t (curl's documented option types), all passed as one integer-class word, which
// is passed on as it came.

#include <dlfcn.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include "curl_loader.h"

#define CURL_FUNCTIONS(X)                                                              \
    X(int, curl_global_init, (long flags), (flags))                                   \
    X(char *, curl_version, (void), ())                                                \
    X(void *, curl_version_info, (int age), (age))                                     \
    X(void *, curl_easy_init, (void), ())                                              \
    X(void, curl_easy_cleanup, (void *easy), (easy))                                   \
    X(int, curl_easy_pause, (void *easy, int bitmask), (easy, bitmask))                \
    X(const char *, curl_easy_strerror, (int code), (code))                            \
    X(void, curl_free, (void *p), (p))                                                 \
    X(void *, curl_multi_init, (void), ())                                             \
    X(int, curl_multi_add_handle, (void *multi, void *easy), (multi, easy))            \
    X(int, curl_multi_remove_handle, (void *multi, void *easy), (multi, easy))         \
    X(int, curl_multi_assign, (void *multi, int fd, void *p), (multi, fd, p))          \
    X(int, curl_multi_cleanup, (void *multi), (multi))                                 \
    X(void *, curl_multi_info_read, (void *multi, int *left), (multi, left))           \
    X(int, curl_multi_socket_action, (void *multi, int fd, int events, int *running),  \
      (multi, fd, events, running))                                                    \
    X(void *, curl_slist_append, (void *list, const char *s), (list, s))               \
    X(void, curl_slist_free_all, (void *list), (list))                                 \
    X(void *, curl_url, (void), ())                                                    \
    X(int, curl_url_get, (void *url, int part, char **out, unsigned flags),            \
      (url, part, out, flags))                                                         \
    X(int, curl_url_set, (void *url, int part, const char *in, unsigned flags),        \
      (url, part, in, flags))

#define CURL_VARIADIC(X)                                                               \
    X(curl_easy_setopt)                                                                \
    X(curl_easy_getinfo)                                                               \
    X(curl_multi_setopt)

static struct {
#define FIELD(ret, name, params, args) ret(*name) params;
    CURL_FUNCTIONS(FIELD)
#undef FIELD
#define FIELD(name) int (*name)(void *, int, ...);
    CURL_VARIADIC(FIELD)
#undef FIELD
} real;

static pthread_once_t loaded = PTHREAD_ONCE_INIT;
static int opened;
static char failure[512];

static int find(void *library, const char *name, void **function) {
    *function = dlsym(library, name);
    if (*function == NULL) {
        snprintf(failure, sizeof failure, "it has no %s", name);
        return 0;
    }
    return 1;
}

static void load(void) {
    void *library = dlopen(TELFORM_LIBCURL, RTLD_NOW | RTLD_LOCAL);
    if (library == NULL) {
        const char *why = dlerror();
        snprintf(failure, sizeof failure, "%s", why ? why : "unknown reason");
        return;
    }
#define LOOK_UP(ret, name, params, args) if (!find(library, #name, (void **)&real.name)) return;
    CURL_FUNCTIONS(LOOK_UP)
#undef LOOK_UP
#define LOOK_UP(name) if (!find(library, #name, (void **)&real.name)) return;
    CURL_VARIADIC(LOOK_UP)
#undef LOOK_UP
    opened = 1;
}

int telform_libcurl_open(char *reason, unsigned long size) {
    pthread_once(&loaded, load);
    if (!opened && reason != NULL && size > 0) snprintf(reason, size, "%s", failure);
    return opened;
}

/// Every call checks first (telform's transport asks `telform_libcurl_open` before it makes a
/// URLSession, so this is a last resort): a call libcurl cannot take ends the process.
static void ensure(void) {
    pthread_once(&loaded, load);
    if (!opened) {
        fprintf(stderr, "telform: error: HTTP needs libcurl (%s), which could not be loaded: %s\n", TELFORM_LIBCURL, failure);
        exit(1);
    }
}

#define PASS_ON(ret, name, params, args)                                               \
    ret name params {                                                                  \
        ensure();                                                                      \
        return real.name args;                                                         \
    }
CURL_FUNCTIONS(PASS_ON)
#undef PASS_ON

#define PASS_ON(name)                                                                  \
    int name(void *handle, int option, ...) {                                          \
        ensure();                                                                      \
        va_list values;                                                                \
        va_start(values, option);                                                      \
        void *value = va_arg(values, void *);                                          \
        va_end(values);                                                                \
        return real.name(handle, option, value);                                       \
    }
CURL_VARIADIC(PASS_ON)
#undef PASS_ON
