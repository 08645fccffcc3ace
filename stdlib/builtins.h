/* builtins.h — prototypes of the builtin functions listed in builtins.def. */
#ifndef VP_BUILTINS_H
#define VP_BUILTINS_H

#include "vp.h"

/* Names listed twice in builtins.def (aliases) redeclare the same symbol. */
#define VP_BUILTIN(name, min_args, max_args, result, sym) \
    vp_val sym(vp_ctx *ctx, int32_t argc, const vp_val *argv);
#include "builtins.def"
#undef VP_BUILTIN

#endif /* VP_BUILTINS_H */
