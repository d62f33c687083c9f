#ifndef KOSMOS_CLIBCURL_SHIM_H
#define KOSMOS_CLIBCURL_SHIM_H
#include <curl/curl.h>

// curl_easy_setopt and curl_easy_getinfo are variadic, which Swift cannot call: these typed wrappers exist so
// the Swift side passes each option with the C type libcurl expects.
static inline CURLcode kosmos_curl_setopt_long(CURL *h, CURLoption o, long v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode kosmos_curl_setopt_ptr(CURL *h, CURLoption o, const void *v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode kosmos_curl_setopt_str(CURL *h, CURLoption o, const char *v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode kosmos_curl_setopt_off(CURL *h, CURLoption o, curl_off_t v) { return curl_easy_setopt(h, o, v); }
typedef size_t (*kosmos_curl_data_cb)(char *, size_t, size_t, void *);
static inline CURLcode kosmos_curl_setopt_datacb(CURL *h, CURLoption o, kosmos_curl_data_cb v) {
    return curl_easy_setopt(h, o, v);
}
typedef int (*kosmos_curl_xferinfo_cb)(void *, curl_off_t, curl_off_t, curl_off_t, curl_off_t);
static inline CURLcode kosmos_curl_setopt_xfercb(CURL *h, CURLoption o, kosmos_curl_xferinfo_cb v) {
    return curl_easy_setopt(h, o, v);
}
static inline CURLcode kosmos_curl_getinfo_long(CURL *h, CURLINFO i, long *v) { return curl_easy_getinfo(h, i, v); }
static inline CURLMcode kosmos_curl_multi_setopt_long(CURLM *m, CURLMoption o, long v) {
    return curl_multi_setopt(m, o, v);
}
static inline CURLSHcode kosmos_curl_share_setopt_long(CURLSH *s, CURLSHoption o, long v) {
    return curl_share_setopt(s, o, v);
}
// CURLOPT_*_BLOB options take a pointer to a struct curl_blob; this builds it on the stack and asks libcurl to copy
// the bytes (CURL_BLOB_COPY), so Swift need not keep PEM data alive for the transfer's lifetime.
static inline CURLcode kosmos_curl_setopt_blob(CURL *h, CURLoption o, const void *data, size_t len) {
    struct curl_blob b;
    b.data = (void *)data;
    b.len = len;
    b.flags = CURL_BLOB_COPY;
    return curl_easy_setopt(h, o, &b);
}
// CURLPAUSE_CONT and CURL_GLOBAL_ALL are composite macros that Swift does not import; CURL_WRITEFUNC_PAUSE is
// wrapped too so the Swift side does not depend on how the importer types it.
static inline CURLcode kosmos_curl_unpause(CURL *h) { return curl_easy_pause(h, CURLPAUSE_CONT); }
static inline CURLcode kosmos_curl_global_init(void) { return curl_global_init(CURL_GLOBAL_ALL); }
static inline size_t kosmos_curl_writefunc_pause(void) { return CURL_WRITEFUNC_PAUSE; }
// curl_easy_getinfo with a curl_off_t out-parameter (CURLINFO_SIZE_DOWNLOAD_T, ...), variadic like the others.
static inline CURLcode kosmos_curl_getinfo_off(CURL *h, CURLINFO i, curl_off_t *v) { return curl_easy_getinfo(h, i, v); }
#endif
