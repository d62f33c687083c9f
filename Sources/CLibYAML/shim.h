#ifndef KOSMOS_CLIBYAML_SHIM_H
#define KOSMOS_CLIBYAML_SHIM_H
#include <yaml.h>
#endif
