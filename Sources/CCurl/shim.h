#if !__has_include(<curl/curl.h>)
#error "telform needs libcurl's development files: apt-get install -y libcurl4-openssl-dev"
#endif
#include <curl/curl.h>

// curl_easy_setopt and curl_easy_getinfo are variadic, which Swift cannot call: one typed
// wrapper per kind of argument telform passes.
static inline CURLcode telform_setopt_long(CURL *handle, CURLoption option, long value) {
    return curl_easy_setopt(handle, option, value);
}
static inline CURLcode telform_setopt_offset(CURL *handle, CURLoption option, curl_off_t value) {
    return curl_easy_setopt(handle, option, value);
}
static inline CURLcode telform_setopt_string(CURL *handle, CURLoption option, const char *value) {
    return curl_easy_setopt(handle, option, value);
}
static inline CURLcode telform_setopt_pointer(CURL *handle, CURLoption option, void *value) {
    return curl_easy_setopt(handle, option, value);
}
static inline CURLcode telform_setopt_list(CURL *handle, CURLoption option, struct curl_slist *value) {
    return curl_easy_setopt(handle, option, value);
}
typedef size_t (*telform_data_callback)(char *data, size_t size, size_t count, void *context);
static inline CURLcode telform_setopt_data_callback(CURL *handle, CURLoption option, telform_data_callback callback) {
    return curl_easy_setopt(handle, option, callback);
}
typedef int (*telform_progress_callback)(void *context, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal, curl_off_t ulnow);
static inline CURLcode telform_setopt_progress_callback(CURL *handle, telform_progress_callback callback) {
    return curl_easy_setopt(handle, CURLOPT_XFERINFOFUNCTION, callback);
}
static inline CURLcode telform_setopt_blob(CURL *handle, CURLoption option, void *data, size_t length) {
    struct curl_blob blob = { data, length, CURL_BLOB_COPY };
    return curl_easy_setopt(handle, option, &blob);
}
static inline CURLcode telform_getinfo_long(CURL *handle, CURLINFO info, long *value) {
    return curl_easy_getinfo(handle, info, value);
}
static inline CURLcode telform_getinfo_offset(CURL *handle, CURLINFO info, curl_off_t *value) {
    return curl_easy_getinfo(handle, info, value);
}
static inline CURLcode telform_getinfo_pointer(CURL *handle, CURLINFO info, struct curl_certinfo **value) {
    return curl_easy_getinfo(handle, info, value);
}
typedef int (*telform_prereq_callback)(void *context, char *primary_ip, char *local_ip, int primary_port, int local_port);
static inline CURLcode telform_setopt_prereq_callback(CURL *handle, telform_prereq_callback callback) {
    return curl_easy_setopt(handle, CURLOPT_PREREQFUNCTION, callback);
}
// curl_share_setopt is variadic too.
static inline CURLSHcode telform_share_data(CURLSH *share, curl_lock_data data) {
    return curl_share_setopt(share, CURLSHOPT_SHARE, data);
}
typedef void (*telform_lock_callback)(CURL *handle, curl_lock_data data, curl_lock_access access, void *context);
typedef void (*telform_unlock_callback)(CURL *handle, curl_lock_data data, void *context);
static inline CURLSHcode telform_share_locks(CURLSH *share, telform_lock_callback lock, telform_unlock_callback unlock, void *context) {
    CURLSHcode code = curl_share_setopt(share, CURLSHOPT_LOCKFUNC, lock);
    if (code == CURLSHE_OK) code = curl_share_setopt(share, CURLSHOPT_UNLOCKFUNC, unlock);
    if (code == CURLSHE_OK) code = curl_share_setopt(share, CURLSHOPT_USERDATA, context);
    return code;
}
static inline const char *telform_default_ca_bundle(void) {
    return curl_version_info(CURLVERSION_NOW)->cainfo;
}
static inline CURLMcode telform_multi_long(CURLM *multi, CURLMoption option, long value) {
    return curl_multi_setopt(multi, option, value);
}
/// The result of a finished transfer (a union member Swift reads awkwardly).
static inline CURLcode telform_message_result(CURLMsg *message) {
    return message->data.result;
}
