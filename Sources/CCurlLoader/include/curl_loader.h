#ifndef TELFORM_CURL_LOADER_H
#define TELFORM_CURL_LOADER_H

/// The libcurl the first HTTP request opens (curl_loader.c).
#define TELFORM_LIBCURL "libcurl.so.4"

/// Opens libcurl if it is not yet: 1 when it is open, else 0 with the reason in `reason`.
/// telform's transport finds it by name (it is linked into the executable only).
int telform_libcurl_open(char *reason, unsigned long size);

#endif
