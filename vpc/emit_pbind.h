/* emit_pbind.h — how a pattern run keeps its bindings (emit_pbind.c), for
 * emit_pattern.c. */
#ifndef VPC_EMIT_PBIND_H
#define VPC_EMIT_PBIND_H

#include "emit.h"

/* Decides, once per pattern stream, which bindings are compact. */
void vpc_pbind_plan(vpc_stream *st);
/* The bindings and Kleene aggregates in the run record pr_<S>. */
void vpc_pbind_decls(vpc_emitter *E, vpc_stream *st);
/* Init code: the run of nothing bound, p_<S>_none. */
void vpc_pbind_init(vpc_emitter *E, vpc_stream *st);
/* Binds r0 to alias a of `run` (nothing for the completing alias). */
void vpc_pbind_bind(vpc_emitter *E, vpc_stream *st, uint32_t a);
/* The prefix of alias a's kept fields in a run: "run->b<a>." or "run->b<a>_". */
const char *vpc_pbind_prefix(vpc_emitter *E, const vpc_pplan *p, uint32_t a);
/* Field fi of alias a as the match row reads it (pm_'s `run`, and `rl`
 * the completing event when vpc_pbind_completing is not -1). */
vpc_cval vpc_pbind_field(vpc_emitter *E, vpc_stream *st, uint32_t a, uint32_t fi);
/* Records that alias a took the run's last event, when bare names of the
 * match row depend on which completer did (vpc_pplan.bares). */
void vpc_pbind_took(vpc_emitter *E, vpc_stream *st, uint32_t a);
/* Bare name b (vpc_pplan.bares) of pm_'s run, as type ty. */
vpc_cval vpc_pbind_bare(vpc_emitter *E, vpc_stream *st, uint32_t b, vpc_ty ty);
/* Does the match row read the partition key? Then pm_ declares `key`,
 * vp_runs_key of the run's partition, which vpc_pbind_field reads. */
bool vpc_pbind_reads_key(const vpc_stream *st);
/* The alias of a last step whose event completes the run at once: never
 * kept, pm_ reads it from the event (`rl`); -1 when there is none. */
int32_t vpc_pbind_completing(const vpc_pplan *p);
/* Does a run own heap memory (an arena for strings, candidate vectors)? */
bool vpc_pbind_owns(const vpc_stream *st);

#endif /* VPC_EMIT_PBIND_H */
