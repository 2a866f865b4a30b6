#if !__has_include(<openssl/ssl.h>)
#error "telform's simulator needs OpenSSL's development files for sim serve --tls-cert: apt-get install -y libssl-dev"
#endif
#include <openssl/ssl.h>
#include <openssl/err.h>
