#ifndef TELFORM_CURL_LOADER_H
#define TELFORM_CURL_LOADER_H

/// The libcurl the first HTTP request opens (curl_loader.c).
#define TELFORM_LIBCURL "libcurl.so.4"

#endif
