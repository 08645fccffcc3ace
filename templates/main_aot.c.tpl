/* Entry point of a detector built by vpc (templates/main_aot.c.tpl): the
 * runtime's command line runs the query compiled beside it. */
#include "vp.h"

extern const vp_query_desc vp_query;

int main(int argc, char **argv)
{
    return vp_main(argc, argv, &vp_query);
}
