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
#endif
