#if !__has_include(<yaml.h>)
#error "telform needs libyaml's development files: apt-get install -y libyaml-dev"
#endif
#include <yaml.h>
