// The system zlib, for the gzip layer of `gotrace pprof` profiles.
#include <zlib.h>
